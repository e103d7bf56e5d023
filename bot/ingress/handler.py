"""The `slack` Lambda: the one HTTP endpoint Slack calls (POST /slack/events).

It verifies the request, answers what Slack needs at once, queues the rest as a job and only then
acknowledges: a 200 means the job is durably on SQS; if the enqueue fails Slack gets a 5xx and
retries. Everything else (Bolt, the Web API, the intents) runs later in the worker.

The order of the checks keeps what an unsigned request can cost at nothing: method, size and the
signature headers (present, well formed, timestamp inside Slack's five minutes) are checked before the
signing secret is fetched; an SSM failure is remembered briefly (`bot.ingress.secrets`).

One deadline per request (`bot.aws.deadline`): set on arrival, `ACK_BUDGET_SECONDS` or less when the
Lambda invocation has less left, and carried into every call (credentials, SSM, DynamoDB, SQS, views.open),
so together they cannot outlast Slack's 3 s or the Lambda timeout.

Retries and replays: a request Slack already delivered (a retry, or anyone replaying a signed request
inside its five minutes) is acknowledged and dropped when it is known to be on the queue, by its dedup
key (`<workspace key>:<event_id or trigger_id>`, see `bot.stores.markers`):
- this sandbox remembers the keys it queued in the last minutes (free: a dict);
- the dedup table's marker (the worker writes it when the job reaches it) is read only for a request
  that may have been queued elsewhere: a Slack retry, or one signed more than `FIRST_DELIVERY_SECONDS`
  ago. The timestamp is signed, so a replay cannot look fresh; a genuine first delivery is signed
  moments before it arrives, so its ack pays for no read. A fresh replay reaching another sandbox
  before the worker marked the job is queued, and the worker's idempotency (same key) drops it.
The read fails open: an unreadable table never loses a request.

Its imports are the standard library and Parley's lean modules only: on a small Lambda the import
time of a cold start is what makes Slack bots miss the 3-second deadline.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any

from bot.aws.client import CredentialProvider
from bot.aws.deadline import deadline_after
from bot.aws.dynamodb import DynamoClient
from bot.aws.errors import INSTALLATION_LOOKUP, AwsCallFailed
from bot.aws.sqs import SendFailed, SqsClient
from bot.aws.ssm import SsmClient
from bot.defaults import SQS_MAX_MESSAGE_BYTES
from bot.ingress.config import IngressConfig
from bot.ingress.http import HttpRequest, error_response, response
from bot.ingress.log import JsonLog
from bot.ingress.secrets import Secrets
from bot.ingress.signature import MAX_CLOCK_SKEW_SECONDS, header_problem, hmac_problem
from bot.ingress.slack_request import BadRequest, Decision, decide
from bot.observability import metrics
from bot.queue.envelope import slack_job
from bot.stores.markers import DynamoMarkers, Markers, MemoryMarkers, dedup_key
from bot.stores.table import DynamoTable

if TYPE_CHECKING:  # oauth mode only: a single-mode ack never imports the installation modules (nor threading)
    from bot.ingress.installations import InstallationTokens

# Slack's 3 s less API Gateway's share and the answer's way back
ACK_BUDGET_SECONDS = 2.5
# A request signed longer ago than this may have been queued before (by another sandbox): its marker is read.
FIRST_DELIVERY_SECONDS = 5
# How long, and how many, queued keys a sandbox remembers: a replay is signed within the clock-skew window
RECENTLY_QUEUED_SECONDS = 2 * MAX_CLOCK_SKEW_SECONDS + FIRST_DELIVERY_SECONDS
RECENTLY_QUEUED_MAX = 10_000
# The `reason` dimension of a request refused at the door, by its status
REFUSAL_REASONS = {400: "bad_request", 401: "signature", 405: "method", 413: "too_large"}


class SlackIngress:
    """The ack path for one configuration; tests build their own, Lambda uses the module's."""

    def __init__(self, config: IngressConfig, queue: SqsClient, markers: Markers, log: JsonLog,
                 secrets: Secrets | None = None, recent: Markers | None = None,
                 installations: InstallationTokens | None = None) -> None:
        if config.problems:
            raise ValueError("; ".join(config.problems))
        self.config = config
        self.queue = queue
        self.markers = markers  # the dedup table's markers: what the worker took, in any sandbox
        # what this sandbox queued (or found marked) lately
        self.recent = MemoryMarkers(RECENTLY_QUEUED_SECONDS, RECENTLY_QUEUED_MAX) if recent is None else recent
        self.log = log
        self.secrets = secrets or Secrets(config, SsmClient())  # no SSM call unless a parameter is named
        self.installations = installations  # oauth mode: each workspace's own bot token
        self.cold_start = True
        # What the request in hand came to, for its metrics line: (kind, verdict) or the refusal's reason
        self._verdict: tuple[str, str] = ("-", metrics.FAILED)
        self._refused: str | None = None

    @classmethod
    def from_env(cls) -> SlackIngress:
        """Built once per Lambda sandbox; nothing here touches the network before the first request.
        ValueError when the stage cannot serve (no secrets, no queue, a plain-http endpoint outside local)."""
        config = IngressConfig.from_env()
        if config.problems:
            raise ValueError("; ".join(config.problems))
        log = JsonLog(stage=config.stage)
        credentials = CredentialProvider()  # one credentials fetch serves every client
        dynamodb = DynamoClient(credentials=credentials, stage=config.stage)
        markers = DynamoMarkers(dynamodb, config.dedup_table)
        secrets = Secrets(config, SsmClient(credentials=credentials, stage=config.stage))
        installations = None
        if config.slack_mode == "oauth":
            from bot.ingress.installations import InstallationTokens
            from bot.stores.installations import DynamoInstallationRecords

            table = DynamoTable(dynamodb, config.installations_table)
            installations = InstallationTokens(DynamoInstallationRecords(table))
        return cls(config, SqsClient(credentials=credentials, stage=config.stage), markers, log, secrets,
                   installations=installations)

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        deadline = deadline_after(ACK_BUDGET_SECONDS, context)
        cold_start, self.cold_start = self.cold_start, False
        started = time.perf_counter()
        self.log.bind(context, None, cold_start)
        self._verdict, self._refused = ("-", metrics.FAILED), None
        try:
            answer = self._handle(HttpRequest(event), started, deadline)
        except Exception as error:  # noqa: BLE001 - Slack must get an answer; serverless offline's runner dies on a raise
            self.log.error("ingress failed", error=type(error).__name__, detail=str(error)[:200])
            self._verdict = ("-", metrics.FAILED)
            answer = error_response(500, "internal error")
        self._count(started)
        return answer

    def _count(self, started: float) -> None:
        """The request's metrics line: its verdict (or refusal) and the ack's duration (EMF, no API call)."""
        took = round((time.perf_counter() - started) * 1000, 3)
        if self._refused is not None:
            self.log.metrics({metrics.REFUSED: 1, metrics.ACK_DURATION: took}, reason=self._refused)
            return
        kind, verdict = self._verdict
        self.log.metrics({metrics.REQUESTS: 1, metrics.ACK_DURATION: took}, kind=kind[:64], verdict=verdict)

    def _handle(self, request: HttpRequest, started: float, deadline: float) -> dict[str, Any]:
        limit = self.config.max_body_bytes
        if request.method != "POST":
            self._refused = REFUSAL_REASONS[405]
            return error_response(405, "method not allowed", headers={"allow": "POST"})
        if request.encoded_size_bound() > limit:
            return self._refuse(413, "body too large", size=request.encoded_size_bound())
        try:
            body = request.body()
        except ValueError as error:
            return self._refuse(400, str(error))
        if len(body) > limit:
            return self._refuse(413, "body too large", size=len(body))

        timestamp = request.headers.get("x-slack-request-timestamp")
        signature = request.headers.get("x-slack-signature")
        now = time.time()
        problem = header_problem(timestamp, signature, now)
        if problem or timestamp is None or signature is None:  # (None: for the type checker; header_problem saw it)
            return self._refuse(401, "invalid request signature", reason=problem)
        try:
            signing_secret = self.secrets.signing_secret(deadline)
        except AwsCallFailed as error:
            # Without the secret nothing can be verified: a 5xx makes Slack retry, nothing is lost
            self.log.error("signing secret unavailable", code=error.code)
            self._verdict = ("-", metrics.FAILED)
            return error_response(503, "temporarily unavailable, retry later")
        problem = hmac_problem(signing_secret, timestamp, signature, body)
        if problem:
            return self._refuse(401, "invalid request signature", reason=problem)

        try:
            decision = decide(body, request.headers.get("content-type"))
        except BadRequest as error:
            return self._refuse(error.status, error.reason)

        correlation_id = decision.correlation_id or request.request_id or os.urandom(8).hex()
        self._verdict = (decision.kind, metrics.FAILED)
        self.log.set_correlation_id(correlation_id)
        answer_headers = {"x-parley-correlation-id": correlation_id}
        if decision.answer_now:
            try:
                decision = self._answer_now(decision, deadline)
            except AwsCallFailed as error:
                if error.operation == INSTALLATION_LOOKUP:  # oauth: no usable installation; acknowledged, dropped
                    self.log.warning("no installation for the workspace: dropped", kind=decision.kind, code=error.code)
                    self._verdict = (decision.kind, metrics.DROPPED)
                    return self._ok("", answer_headers)
                self.log.error("bot token unavailable", kind=decision.kind, code=error.code)
                return error_response(503, "temporarily unavailable, retry later", headers=answer_headers)
        if not decision.enqueue:
            self.log.info("answered without a job", kind=decision.kind, note=decision.note)
            self._verdict = (decision.kind, _unqueued_verdict(decision))
            return self._ok(decision.body, answer_headers)
        key = decision.dedup_key
        retry_num = request.headers.get("x-slack-retry-num")
        if key is not None:
            found_by = self._queued_before(key, bool(retry_num), now - int(timestamp), deadline)
            if found_by:
                self.log.info("already queued: dropped", kind=decision.kind, found_by=found_by, retry_num=retry_num)
                self._verdict = (decision.kind, metrics.DROPPED)
                return self._ok("", answer_headers)

        job = slack_job(correlation_id, body, request.headers,
                        dedup_key=key or dedup_key(decision.workspace, correlation_id))
        if len(job.encode("utf-8")) > SQS_MAX_MESSAGE_BYTES:
            return self._refuse(413, "request too large to queue", size=len(body))
        try:
            message_id = self.queue.send_message(self.config.queue_url, job, deadline=deadline)
        except SendFailed as error:
            # No 200 without a queued job: Slack retries a 5xx, so the message is not lost.
            self.log.error("enqueue failed", kind=decision.kind, code=error.code, status=error.status,
                           attempts=error.attempts)
            return error_response(503, "queue unavailable, retry later", headers=answer_headers)
        if key is not None:
            self.recent.mark(key, correlation_id)
        self._verdict = (decision.kind, metrics.QUEUED)
        self.log.info(
            "queued",
            kind=decision.kind,
            message_id=message_id,
            retry_num=retry_num,
            elapsed_ms=round((time.perf_counter() - started) * 1000, 2),
        )
        return self._ok(decision.body, answer_headers)

    def _queued_before(self, key: str, slack_retry: bool, signed_ago: float, deadline: float) -> str | None:
        """Where the request was found to be on the queue already ("sandbox", "marker"), or None."""
        if self.recent.queued_before(key):
            return "sandbox"
        if not slack_retry and signed_ago <= FIRST_DELIVERY_SECONDS:
            return None  # a first delivery, signed moments ago: no other sandbox can have queued it yet
        try:
            found = self.markers.queued_before(key, deadline=deadline)
        except AwsCallFailed as error:
            self.log.warning("dedup store unreadable: queueing anyway", code=error.code)
            return None
        if not found:
            return None
        self.recent.mark(key, key)  # Slack's next retry is dropped without a read
        return "marker"

    def _answer_now(self, decision: Decision, deadline: float) -> Decision:
        """Forms, menus and shortcuts: answered in the HTTP response, by code only they load. Only a shortcut
        fetches a bot token (AwsCallFailed when it cannot be had; NotInstalled, in oauth mode, when the workspace
        has no usable installation)."""
        from bot.ingress import interactive

        payload = decision.payload or {}
        answer = interactive.answer(payload, lambda: self._bot_token(payload, deadline), self.config.slack_api_url,
                                    deadline)
        return Decision(decision.kind, enqueue=answer.enqueue, body=answer.body, correlation_id=decision.correlation_id,
                        slack_id=decision.slack_id, workspace=decision.workspace, note=answer.note)

    def _bot_token(self, payload: dict[str, Any], deadline: float) -> str:
        """The token to open a form with: the stage's (single), or the installation's of where the payload came from."""
        if self.installations is None:
            return self.secrets.bot_token(deadline)
        team = payload.get("team") if isinstance(payload.get("team"), dict) else {}
        enterprise = payload.get("enterprise") if isinstance(payload.get("enterprise"), dict) else {}
        return self.installations.bot_token(enterprise.get("id") or None, team.get("id") or None,
                                            payload.get("is_enterprise_install") is True, deadline)

    @staticmethod
    def _ok(body: str, headers: dict[str, str]) -> dict[str, Any]:
        content_type = "application/json" if body else "text/plain; charset=utf-8"
        return response(200, body, content_type=content_type, headers=headers)

    def _refuse(self, status: int, message: str, **fields: Any) -> dict[str, Any]:
        self.log.warning("request refused", status=status, error=message, **fields)
        self._refused = REFUSAL_REASONS.get(status, str(status))
        return error_response(status, message)


def _unqueued_verdict(decision: Decision) -> str:
    """An event Parley ignores (its own posts, channel chatter) or Slack's rate-limit notice is dropped; every other
    request not queued was answered in the HTTP response."""
    if decision.kind == "app_rate_limited" or (decision.kind.startswith("event_callback:") and decision.note):
        return metrics.DROPPED
    return metrics.ANSWERED


_ingress: SlackIngress | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The Lambda entry point. The ingress is built on the first request, once per sandbox, with no network."""
    global _ingress
    if _ingress is None:
        try:
            _ingress = SlackIngress.from_env()
        except ValueError as error:
            # A stage without its secrets or its queue, or with a plain-http AWS endpoint: refuse to serve, say
            # why on every request, never raise (a 5xx: Slack retries, and succeeds once the stage is fixed)
            JsonLog().error("ingress misconfigured: refusing to serve", detail=str(error))
            return error_response(503, "misconfigured")
    return _ingress(event, context)
