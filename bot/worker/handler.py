"""The `worker` Lambda: SQS batches of jobs, each dispatched to the Bolt app exactly once.

A job that fails is reported as a batch item failure (ReportBatchItemFailures): SQS redelivers just
that one, and after the queue's maxReceiveCount moves it to the dead-letter queue. The others in
the batch are answered and deleted.

Exactly once: Slack retries, and SQS delivers at least once, so the same Slack request can reach the
worker twice (even at the same time). The job's claim (`bot.stores.claims`), keyed by its dedup key (Slack's
event_id, or the trigger_id of a command or click), lets the first run answer and turns the others
into no-ops; a duplicate that arrives while the first is still running fails and is retried later. The same
record tells the ingress the request is on the queue, so a message costs two DynamoDB writes and no read.

Lean on purpose: no boto3 and no Powertools batch or idempotency here (together ~500 ms of a cold start, more
than Bolt's whole lazy run): the partial batch response is a list of failed message ids, the claims and the hand-back
go through Parley's own AWS clients (`bot.aws`).

Time: each job's intent gets a budget on its turn's deadline (`JOB_BUDGET_SECONDS`, less when the invocation has
less left) and keeps to it (a heavy intent stops early and says so). A job starts only when at least
`MIN_JOB_SECONDS` of budget remain; otherwise the rest of the batch is handed back at once (visibility 0, so another
invocation takes it now) instead of all of it timing out together and being redelivered with innocent neighbours.
"""

from __future__ import annotations

import os
import time
from typing import Any

from aws_lambda_powertools import Logger

import intents  # noqa: F401 - declares the intents into the registry
from bot import defaults
from bot.aws.errors import AwsCallFailed
from bot.aws.sqs import SqsClient
from bot.channels.slack.replies import ConversationReplies
from bot.conversation.engine import Engine
from bot.conversation.identity import Person
from bot.conversation.registry import Registry, registry
from bot.conversation.turn import Turn
from bot.defaults import DEFAULT_STAGE
from bot.observability import recorder as flight
from bot.observability.emit import Emitter, collected
from bot.observability.metrics import JOBS_DEAD_LETTERED, JOBS_FAILED, QUEUE_DELAY, WORKER
from bot.observability.tracing import traced
from bot.queue.job import Job, LexRequest
from bot.settings import Settings
from bot.stores.bundle import dynamodb_stores, dynamodb_table
from bot.stores.claims import CLAIMED, DONE, Claims, DynamoClaims
from bot.worker.access import SlackAccess
from bot.worker.app import build_app, build_web_client, dispatch
from bot.worker.logs import OPT_IN as SLACK_LIBRARY_DEBUG
from bot.worker.logs import route_slack_library_logs

logger = Logger()
# Bolt's and slack_sdk's log lines get the same JSON and correlation id as ours, from the app's first line on, never
# below INFO and without response_urls (bot/worker/logs.py says why)
route_slack_library_logs(logger, os.environ.get("PARLEY_STAGE", DEFAULT_STAGE), os.environ.get(SLACK_LIBRARY_DEBUG))


# Seconds: the most one job's intent may take, the least worth starting one with, and what is kept back from the
# invocation's remaining time for the reply's Web API calls and the claim's last write
JOB_BUDGET_SECONDS = 20.0
MIN_JOB_SECONDS = 4.0
TIME_MARGIN_SECONDS = 2.0


class HandedBack(Exception):
    """Too little of the invocation left to start this job: it went back to the queue for another one."""


class AlreadyRunning(Exception):
    """Another invocation holds this job's claim: this delivery fails, and SQS delivers it again later."""


def build_engine(settings: Settings, declared: Registry = registry) -> Engine:
    return Engine(declared, dynamodb_stores(settings), observer=Emitter(settings.stage, WORKER).recognised)


class Record:
    """One SQS record of the event, as the event source mapping delivers it (the fields the worker reads)."""

    __slots__ = ("body", "event_source_arn", "message_id", "receipt_handle", "receive_count")

    def __init__(self, raw: dict[str, Any]) -> None:
        self.body: str = raw.get("body") or ""
        self.message_id: str = raw.get("messageId") or ""
        self.receipt_handle: str = raw.get("receiptHandle") or ""
        self.event_source_arn: str = raw.get("eventSourceARN") or ""
        count = str((raw.get("attributes") or {}).get("ApproximateReceiveCount") or "0")
        self.receive_count = int(count) if count.isdigit() else 0


class Worker:
    """The Bolt app and the claimed, once-only run of a job, built once per Lambda sandbox."""

    def __init__(self, settings: Settings, engine: Engine, claims: Claims | None = None) -> None:
        self.settings = settings
        self.access = SlackAccess(settings, build_web_client(settings), engine.work.stores)
        self.app = build_app(settings, engine, self.access)
        self.engine = engine
        self.metrics = Emitter(settings.stage, WORKER)
        self.claims = claims or DynamoClaims(dynamodb_table(settings, settings.dedup_table))
        self._sqs: SqsClient | None = None  # built when a batch is first handed back
        self.recorder = flight.for_stage(settings.stage, settings.flight_recorder, settings.recording_file,
                                         logger.info, logger.warning)

    def run_once(self, job: Job, deadline: float, lock_seconds: float) -> dict[str, Any]:
        """Run the job unless another delivery of it ran or runs (`bot.stores.claims` has the rules)."""
        claim = self.claims.claim(job.key, job.id, lock_seconds)
        if claim.outcome == DONE:
            return {"duplicate": True}
        if claim.outcome != CLAIMED:
            raise AlreadyRunning(f"job {job.key} is being run by another invocation")
        try:
            outcome = self._run(job, deadline, first=claim.first)
        except BaseException:
            self._release(job)
            raise
        self.claims.finish(job.key, job.id)
        return outcome

    def _release(self, job: Job) -> None:
        """Give a failed job's claim back at once (best effort: else its lock runs out with the invocation)."""
        try:
            self.claims.release(job.key, job.id)
        except AwsCallFailed as error:
            logger.warning("claim not released", extra={"error": str(error)})

    def _run(self, parsed: Job, deadline: float | None = None, first: bool = False) -> dict[str, Any]:
        if parsed.lex is not None:
            return self._run_for_lex(parsed.id, parsed.lex, deadline)
        if self.recorder is None or parsed.slack is None:
            return {"bolt_status": dispatch(self.app, parsed, deadline, self.metrics, first=first)}
        inbound = flight.slack_inbound(parsed.slack.content_type, parsed.slack.body, parsed.slack.parsed_body())
        with self.recorder.turn("slack", parsed.key, parsed.id, inbound):
            return {"bolt_status": dispatch(self.app, parsed, deadline, self.metrics, first=first)}

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

    def handle_record(self, record: Record, context: Any = None, started: float = 0.0) -> None:
        with collected():  # the job's metrics in one EMF line, written however the job ends
            self._handle_record(record, context, started)

    def _handle_record(self, record: Record, context: Any, started: float) -> None:
        logger.set_correlation_id(None)
        job: Job | None = None
        try:
            job = Job.from_json(record.body)
            logger.set_correlation_id(job.id)
            logger.info("job received", extra={"message_id": record.message_id, "dedup_key": job.key,
                                              "receive_count": record.receive_count})
            self.metrics.put({QUEUE_DELAY: round(max(0.0, time.time() - job.received_at) * 1000, 1)}, job.id,
                             channel=job.source)
            left = _seconds_left(context, started)
            budget = JOB_BUDGET_SECONDS if left is None else min(JOB_BUDGET_SECONDS, left - TIME_MARGIN_SECONDS)
            if budget < MIN_JOB_SECONDS:
                self._hand_back(record)
                raise HandedBack(f"{left:.1f} s left of the invocation: job {job.id} handed back")
            # The claim holds for what is left of the invocation (Powertools' in-progress expiry did the same): a
            # run that dies with its invocation lets the next delivery in as soon as it could have finished
            lock = left if left is not None else self.settings.function_timeout_seconds
            with traced("job", correlation_id=job.id, channel=job.source):
                outcome = self.run_once(job, time.monotonic() + budget, lock)
            logger.info("job done", extra=outcome)
        except HandedBack as handed:
            logger.warning("job handed back", extra={"message_id": record.message_id, "why": str(handed)})
            raise
        except Exception:
            logger.exception("job failed", extra={"message_id": record.message_id})
            self._count_failure(record, job)
            raise

    def _count_failure(self, record: Record, job: Job | None) -> None:
        """A failed job; dead-lettered too when this was its last receive (SQS moves it to the DLQ instead of
        delivering it again). The worker cannot see the DLQ: this counts what it sent there."""
        values = {JOBS_FAILED: 1}
        if record.receive_count >= self.settings.max_receive_count:
            values[JOBS_DEAD_LETTERED] = 1
            logger.error("job dead-lettered", extra={"message_id": record.message_id,
                                                     "receive_count": record.receive_count})
        self.metrics.put(values, job.id if job else None, channel=job.source if job else "unknown")

    def _hand_back(self, record: Record) -> None:
        """Make the message visible again now, so another invocation takes it without waiting out the
        visibility timeout. Best effort: if this fails, the batch failure still returns it, later."""
        try:
            if self._sqs is None:
                self._sqs = SqsClient(region=self.settings.region, endpoint_url=self.settings.aws_endpoint_url,
                                      stage=self.settings.stage)
            self._sqs.change_message_visibility(_queue_url(record.event_source_arn, self.settings),
                                                record.receipt_handle, 0)
        except (AwsCallFailed, ValueError) as error:
            logger.warning("could not hand the job back at once", extra={"error": str(error)})

    def process_batch(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        """Every record in turn; the ones that failed are reported by message id (ReportBatchItemFailures), so SQS
        delivers only those again. An all-failed batch is reported item by item, not raised: raising kills
        serverless offline's runner, and in AWS both mean the same redelivery."""
        started = time.monotonic()
        failures = []
        for raw in event.get("Records") or []:
            record = Record(raw)
            try:
                self.handle_record(record, context=context, started=started)
            except Exception:  # noqa: BLE001 - logged and counted by handle_record; SQS delivers it again
                failures.append({"itemIdentifier": record.message_id})
        return {"batchItemFailures": failures}


def _seconds_left(context: Any, started: float) -> float | None:
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
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    global _worker
    if os.environ.get("IS_OFFLINE") == "true" and _offline_intents_changed():
        _worker = None  # make run: an edited intent is served from the next message on
    if _worker is None:
        settings = Settings()
        _worker = Worker(settings, build_engine(settings))
    return _worker.process_batch(event, context)
