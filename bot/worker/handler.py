"""The `worker` Lambda: SQS batches of jobs, each dispatched to the Bolt app exactly once.

A job that fails is reported as a batch item failure (ReportBatchItemFailures): SQS redelivers just
that one, and after the queue's maxReceiveCount moves it to the dead-letter queue. The others in
the batch are answered and deleted.

Exactly once: Slack retries, and SQS delivers at least once, so the same Slack request can reach the
worker twice (even at the same time). Powertools idempotency, keyed by the job's dedup key (Slack's
event_id, or the trigger_id of a command or click), lets the first run answer and turns the others
into no-ops; a duplicate that arrives while the first is still running fails and is retried later.

Time: each job's intent gets a budget on its turn's deadline (`JOB_BUDGET_SECONDS`, less when the invocation has
less left) and keeps to it (a heavy intent stops early and says so). A job starts only when at least
`MIN_JOB_SECONDS` of budget remain; otherwise the rest of the batch is handed back at once (visibility 0, so another
invocation takes it now) instead of all of it timing out together and being redelivered with innocent neighbours.
"""

from __future__ import annotations

import os
import time
from functools import partial
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import BotoCoreError, ClientError

import intents  # noqa: F401 - declares the intents into the registry
from bot import defaults
from bot.aws.dynamodb import DynamoClient
from bot.aws.errors import AwsCallFailed
from bot.channels.slack.replies import ConversationReplies
from bot.conversation.engine import Engine
from bot.conversation.identity import Person
from bot.conversation.registry import Registry, registry
from bot.conversation.turn import Turn
from bot.defaults import DEFAULT_STAGE
from bot.observability import recorder as flight
from bot.observability.emit import Emitter
from bot.observability.metrics import JOBS_DEAD_LETTERED, JOBS_FAILED, QUEUE_DELAY, WORKER
from bot.observability.tracing import traced
from bot.queue.job import Job, LexRequest
from bot.settings import Settings
from bot.stores.bundle import dynamodb_stores
from bot.stores.markers import DynamoMarkers
from bot.worker.access import SlackAccess
from bot.worker.app import build_app, build_web_client, dispatch
from bot.worker.logs import OPT_IN as SLACK_LIBRARY_DEBUG
from bot.worker.logs import route_slack_library_logs

logger = Logger()
# Bolt's and slack_sdk's log lines get the same JSON and correlation id as ours, from the app's first line on, never
# below INFO and without response_urls (bot/worker/logs.py says why)
route_slack_library_logs(logger, os.environ.get("PARLEY_STAGE", DEFAULT_STAGE), os.environ.get(SLACK_LIBRARY_DEBUG))


# Seconds: the most one job's intent may take, the least worth starting one with, and what is kept back from the
# invocation's remaining time for the reply's Web API calls and the idempotency record
JOB_BUDGET_SECONDS = 20.0
MIN_JOB_SECONDS = 4.0
TIME_MARGIN_SECONDS = 2.0


class HandedBack(Exception):
    """Too little of the invocation left to start this job: it went back to the queue for another one."""


def build_engine(settings: Settings, declared: Registry = registry) -> Engine:
    return Engine(declared, dynamodb_stores(settings), observer=Emitter(settings.stage, WORKER).recognised)


class Worker:
    """The Bolt app and the idempotent run of a job, built once per Lambda sandbox."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.access = SlackAccess(settings, build_web_client(settings), engine.work.stores)
        self.app = build_app(settings, engine, self.access)
        self.engine = engine
        self.metrics = Emitter(settings.stage, WORKER)
        self.markers = DynamoMarkers(DynamoClient(region=settings.region, endpoint_url=settings.aws_endpoint_url,
                                                  stage=settings.stage), settings.dedup_table)
        # Replies already sent are remembered for an hour: longer than Slack retries or SQS redelivers.
        self.idempotency = IdempotencyConfig(event_key_jmespath="dedup_key || id", expires_after_seconds=3600,
                                             raise_on_no_idempotency_key=True)
        client = boto3.client("dynamodb", region_name=settings.region, endpoint_url=settings.aws_endpoint_url)
        persistence = DynamoDBPersistenceLayer(table_name=settings.idempotency_table, boto3_client=client)
        self._run_once = idempotent_function(data_keyword_argument="job", persistence_store=persistence,
                                             config=self.idempotency)(self._run)
        self._sqs: Any = None  # built when a batch is first handed back
        self.recorder = flight.for_stage(settings.stage, settings.flight_recorder, settings.recording_file,
                                         logger.info, logger.warning)

    def _run(self, job: dict[str, Any], deadline: float | None = None) -> dict[str, Any]:
        parsed = Job.model_validate(job)
        if parsed.lex is not None:
            return self._run_for_lex(parsed.id, parsed.lex, deadline)
        if self.recorder is None or parsed.slack is None:
            return {"bolt_status": dispatch(self.app, parsed, deadline, self.metrics)}
        inbound = flight.slack_inbound(parsed.slack.content_type, parsed.slack.body, parsed.slack.parsed_body())
        with self.recorder.turn("slack", parsed.key, parsed.id, inbound):
            return {"bolt_status": dispatch(self.app, parsed, deadline, self.metrics)}

    def _run_for_lex(self, job_id: str, request: LexRequest, deadline: float | None) -> dict[str, Any]:
        """A slow intent a Lex caller asked for: run it, keep the outcome for their next turn, and DM it to the
        Slack person the caller is linked to (the Lex hook resolved the link server-side and wrote the job)."""
        person = Person.from_dict(request.owner)
        turn = Turn(text="", via="lex", person=person, conversation_id=request.session_id,
                    workspace=request.workspace, correlation_id=job_id, deadline=deadline)
        reply = self.engine.run_job(turn, request.intent, request.slots, job_id)
        token = self.access.token_for(person) if person.slack_user_id else None
        if person.slack_user_id and token:
            ConversationReplies(build_web_client(self.settings, token), person.slack_user_id, None).send(reply)
        return {"lex_result": "stored", "dm": bool(person.slack_user_id and token)}

    def handle_record(self, record: SQSRecord, context: LambdaContext | None = None, started: float = 0.0) -> None:
        logger.set_correlation_id(None)
        job: Job | None = None
        try:
            job = Job.model_validate_json(record.body)
            logger.set_correlation_id(job.id)
            logger.info("job received", extra={"message_id": record.message_id, "dedup_key": job.key,
                                              "receive_count": record.attributes.approximate_receive_count})
            self.metrics.put({QUEUE_DELAY: round(max(0.0, time.time() - job.received_at) * 1000, 1)}, job.id,
                             channel=job.source)
            left = _seconds_left(context, started)
            budget = JOB_BUDGET_SECONDS if left is None else min(JOB_BUDGET_SECONDS, left - TIME_MARGIN_SECONDS)
            if budget < MIN_JOB_SECONDS:
                self._hand_back(record)
                raise HandedBack(f"{left:.1f} s left of the invocation: job {job.id} handed back")
            self._mark_queued(job)
            with traced("job", correlation_id=job.id, channel=job.source):
                outcome = self._run_once(job=job.model_dump(), deadline=time.monotonic() + budget)
            logger.info("job done", extra=outcome)
        except HandedBack as handed:
            logger.warning("job handed back", extra={"message_id": record.message_id, "why": str(handed)})
            raise
        except Exception:
            logger.exception("job failed", extra={"message_id": record.message_id})
            self._count_failure(record, job)
            raise

    def _count_failure(self, record: SQSRecord, job: Job | None) -> None:
        """A failed job; dead-lettered too when this was its last receive (SQS moves it to the DLQ instead of
        delivering it again). The worker cannot see the DLQ: this counts what it sent there."""
        receives = int(record.attributes.approximate_receive_count or 0)
        values = {JOBS_FAILED: 1}
        if receives >= self.settings.max_receive_count:
            values[JOBS_DEAD_LETTERED] = 1
            logger.error("job dead-lettered", extra={"message_id": record.message_id, "receive_count": receives})
        self.metrics.put(values, job.id if job else None, channel=job.source if job else "unknown")

    def _hand_back(self, record: SQSRecord) -> None:
        """Make the message visible again now, so another invocation takes it without waiting out the
        visibility timeout. Best effort: if this fails, the batch failure still returns it, later."""
        try:
            if self._sqs is None:
                self._sqs = boto3.client("sqs", region_name=self.settings.region,
                                         endpoint_url=self.settings.aws_endpoint_url)
            self._sqs.change_message_visibility(QueueUrl=_queue_url(record.event_source_arn, self.settings),
                                                ReceiptHandle=record.receipt_handle, VisibilityTimeout=0)
        except (BotoCoreError, ClientError, ValueError) as error:
            logger.warning("could not hand the job back at once", extra={"error": str(error)})

    def _mark_queued(self, job: Job) -> None:
        """Tell the ingress this request is on the queue, so Slack's retries of it are dropped there."""
        try:
            self.markers.mark(job.key, job.id)
        except AwsCallFailed as error:
            logger.warning("dedup marker not written", extra={"error": str(error)})

    def process_batch(self, event: dict[str, Any], context: LambdaContext | None) -> dict[str, Any]:
        if context is not None:
            self.idempotency.register_lambda_context(context)  # in-progress locks end with the invocation
        # An all-failed batch is reported item by item rather than raised: raising kills serverless offline's
        # runner, and in AWS both mean the same redelivery.
        processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
        handle = partial(self.handle_record, context=context, started=time.monotonic())
        return process_partial_response(event=event, record_handler=handle, processor=processor, context=context)


def _seconds_left(context: LambdaContext | None, started: float) -> float | None:
    """What is left of the invocation that began at `started` (time.monotonic()).

    serverless offline's Python runner makes every context with a 6-second timeout whatever the function's, so
    offline (IS_OFFLINE) the function's own timeout is read from its environment (serverless.yml sets it).
    """
    if os.environ.get("IS_OFFLINE") == "true":
        timeout = float(os.environ.get("PARLEY_FUNCTION_TIMEOUT", "60"))
        return timeout - (time.monotonic() - started)
    if context is None:
        return None
    return context.get_remaining_time_in_millis() / 1000


def _queue_url(queue_arn: str, settings: Settings) -> str:
    """The queue's URL from its ARN (arn:aws:sqs:<region>:<account>:<name>)."""
    parts = queue_arn.split(":")
    if len(parts) != 6 or parts[2] != "sqs":
        raise ValueError(f"not an SQS queue ARN: {queue_arn!r}")
    region, account, name = parts[3], parts[4], parts[5]
    endpoint = settings.aws_endpoint_url or f"https://sqs.{region}.amazonaws.com"
    return defaults.queue_url(None, endpoint, account, name)


_worker: Worker | None = None


def _offline_intents_changed() -> bool:
    from bot.local.reload import intents_changed  # the local kit: never imported in AWS

    return intents_changed()


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    global _worker
    if os.environ.get("IS_OFFLINE") == "true" and _offline_intents_changed():
        _worker = None  # make run: an edited intent is served from the next message on
    if _worker is None:
        settings = Settings()
        _worker = Worker(settings, build_engine(settings))
    return _worker.process_batch(event, context)
