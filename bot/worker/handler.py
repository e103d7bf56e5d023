"""The `worker` Lambda: SQS batches of jobs, each dispatched to the Bolt app exactly once.

A job that fails is reported as a batch item failure (ReportBatchItemFailures): SQS redelivers just
that one, and after the queue's maxReceiveCount moves it to the dead-letter queue. The others in
the batch are answered and deleted.

Exactly once: Slack retries, and SQS delivers at least once, so the same Slack request can reach the
worker twice (even at the same time). Powertools idempotency, keyed by the job's dedup key (Slack's
event_id, or the trigger_id of a command or click), lets the first run answer and turns the others
into no-ops; a duplicate that arrives while the first is still running fails and is retried later.
"""

from __future__ import annotations

import os
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
from bot.channels.slack.replies import ConversationReplies
from bot.conversation.engine import Dialog, parse_slots
from bot.conversation.registry import Registry, registry
from bot.conversation.turn import Turn
from bot.defaults import DEDUP_TTL_SECONDS, DEFAULT_STAGE
from bot.ingress.dedup import marker
from bot.queue.job import Job, LexRequest
from bot.queue.results import JobResult, JobResults, job_results
from bot.settings import Settings
from bot.worker.app import build_app, dispatch
from bot.worker.dialog_store import DynamoDialogStore
from bot.worker.logs import OPT_IN as SLACK_LIBRARY_DEBUG
from bot.worker.logs import route_slack_library_logs

logger = Logger()
# Bolt's and slack_sdk's log lines get the same JSON and correlation id as ours, from the app's first line on, never
# below INFO and without response_urls (bot/worker/logs.py says why)
route_slack_library_logs(logger, os.environ.get("PARLEY_STAGE", DEFAULT_STAGE), os.environ.get(SLACK_LIBRARY_DEBUG))


def build_dialog(settings: Settings, declared: Registry = registry) -> Dialog:
    dynamodb = boto3.resource("dynamodb", region_name=settings.region, endpoint_url=settings.aws_endpoint_url)
    return Dialog(declared, DynamoDialogStore(dynamodb.Table(settings.dialogs_table), settings.dialog_ttl_seconds))


class Worker:
    """The Bolt app and the idempotent run of a job, built once per Lambda sandbox."""

    def __init__(self, settings: Settings, dialog: Dialog, results: JobResults | None = None) -> None:
        self.app = build_app(settings, dialog)
        self.registry = dialog.registry
        self.results = results or job_results()
        dynamodb = boto3.resource("dynamodb", region_name=settings.region, endpoint_url=settings.aws_endpoint_url)
        self.markers = dynamodb.Table(settings.dedup_table)
        # Replies already sent are remembered for an hour: longer than Slack retries or SQS redelivers.
        self.idempotency = IdempotencyConfig(event_key_jmespath="dedup_key || id", expires_after_seconds=3600,
                                             raise_on_no_idempotency_key=True)
        client = boto3.client("dynamodb", region_name=settings.region, endpoint_url=settings.aws_endpoint_url)
        persistence = DynamoDBPersistenceLayer(table_name=settings.idempotency_table, boto3_client=client)
        self._run_once = idempotent_function(data_keyword_argument="job", persistence_store=persistence,
                                             config=self.idempotency)(self._run)

    def _run(self, job: dict[str, Any]) -> dict[str, Any]:
        parsed = Job.model_validate(job)
        if parsed.lex is not None:
            return self._run_for_lex(parsed.id, parsed.lex)
        return {"bolt_status": dispatch(self.app, parsed)}

    def _run_for_lex(self, job_id: str, request: LexRequest) -> dict[str, Any]:
        """A slow intent a Lex caller asked for: run it, keep the result for their next turn, and DM it
        to the Slack user the session is linked to."""
        intent = self.registry.get(request.intent)
        if intent is None:
            raise LookupError(f"no intent {request.intent!r}")
        values, problems = parse_slots(intent, request.slots)
        if problems:
            raise ValueError(f"slot values the Lex hook should have refused: {problems}")
        turn = Turn(text="", channel="lex", user_id=request.user_id, conversation_id=request.session_id,
                    correlation_id=job_id, slots=values)
        reply = intent.handler(turn)
        self.results.put(JobResult(job_id, "done", reply.text))
        if request.slack_user_id:
            ConversationReplies(self.app.client, request.slack_user_id, None).send(reply)
        return {"lex_result": "stored", "dm": bool(request.slack_user_id)}

    def handle_record(self, record: SQSRecord) -> None:
        logger.set_correlation_id(None)
        try:
            job = Job.model_validate_json(record.body)
            logger.set_correlation_id(job.id)
            logger.info("job received", extra={"message_id": record.message_id, "dedup_key": job.key,
                                              "receive_count": record.attributes.approximate_receive_count})
            self._mark_queued(job)
            outcome = self._run_once(job=job.model_dump())
            logger.info("job done", extra=outcome)
        except Exception:
            logger.exception("job failed", extra={"message_id": record.message_id})
            raise

    def _mark_queued(self, job: Job) -> None:
        """Tell the ingress this request is on the queue, so Slack's retries of it are dropped there."""
        try:
            self.markers.put_item(Item=marker(job.key, job.id, DEDUP_TTL_SECONDS))
        except (BotoCoreError, ClientError) as error:
            logger.warning("dedup marker not written", extra={"error": str(error)})

    def process_batch(self, event: dict[str, Any], context: LambdaContext | None) -> dict[str, Any]:
        if context is not None:
            self.idempotency.register_lambda_context(context)  # in-progress locks end with the invocation
        # An all-failed batch is reported item by item rather than raised: raising kills serverless offline's
        # runner, and in AWS both mean the same redelivery.
        processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
        return process_partial_response(event=event, record_handler=partial(Worker.handle_record, self),
                                        processor=processor, context=context)


_worker: Worker | None = None


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    global _worker
    if _worker is None:
        settings = Settings()
        _worker = Worker(settings, build_dialog(settings))
    return _worker.process_batch(event, context)
