"""The Bolt app the worker dispatches queued Slack requests to.

The ingress already verified each request and answered Slack, so Bolt's request verification,
`ssl_check` and `url_verification` built-ins are off here, and the app does not call `auth.test` at
start: its `authorize` (`bot.worker.authorize`) reads the current bot token on each request and calls
`auth.test` once per token value, so a rotated token is picked up without a restart.
Listeners (`bot.worker.listeners`, a module per Slack surface) use Bolt's `client` and `respond`; replies go to
`SLACK_API_URL`, which points at the local stand-in when running locally.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient

from bot.conversation.engine import Engine
from bot.observability.emit import Emitter
from bot.observability.metrics import WORKER
from bot.queue.job import Job
from bot.settings import Settings
from bot.worker.access import SlackAccess
from bot.worker.listeners import register_listeners
from bot.worker.retries import CountedConnectionRetries, CountedRateLimitRetries

log = Logger(child=True)  # shares the worker Logger's configuration and correlation id


class ListenerFailed(Exception):
    """Bolt did not answer 2xx: a listener raised (5xx), or no listener took the request (404). Either way the
    request was not answered, so the job fails: SQS redelivers it, and at last dead-letters it."""


def build_web_client(settings: Settings, token: str | None = None) -> WebClient:
    """A Web API client for the stage's Slack API URL; Bolt sets each request's token on its own copy."""
    metrics = Emitter(settings.stage, WORKER)
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        # slack_sdk retries connection errors by default; 429s need their handler, which honours Retry-After.
        # A 429 means nothing was posted, so retrying it cannot post twice.
        # Both counted as metrics (bot/worker/retries.py).
        retry_handlers=[CountedConnectionRetries(metrics, max_retry_count=2),
                        CountedRateLimitRetries(metrics, max_retry_count=3)],
    )


def build_app(settings: Settings, engine: Engine, access: SlackAccess) -> App:
    """The Bolt app, authorized by the stage's mode (`access`: one workspace's token, or each installation's)."""
    app = App(
        # Named: without a name Bolt takes its caller's file name from inspect.stack(), which reads the source of
        # every frame (~25 ms of a cold start, more on a small Lambda)
        name="parley",
        client=access.client,
        **access.app_arguments(),
        process_before_response=True,  # listeners finish before dispatch returns: the job's outcome is known
        request_verification_enabled=False,
        token_verification_enabled=False,
        ssl_check_enabled=False,
        url_verification_enabled=False,
    )
    access.configure(app)

    register_listeners(app, engine)

    @app.error
    def on_error(error: Exception) -> None:
        log.error("listener failed", exc_info=error)

    return app


def dispatch(app: App, job: Job, deadline: float | None = None, metrics: Emitter | None = None, *,
             first: bool = False) -> int:
    """Hand one queued Slack request to Bolt; returns Bolt's status, raises ListenerFailed unless it is 2xx.

    Bolt gets the body already parsed (`SlackRequest.parsed_body`): it takes a dict only in its socket-mode
    shape, which differs from HTTP mode in request verification alone, and that is off here (the ingress verified).
    `deadline` (time.monotonic()) is when the job's work must be done; intents read it from their turn.
    `first`: no earlier run of this job can have started anything (its claim was new), so listeners need not read
    what one would have left (a streamed answer's record).
    """
    request = BoltRequest(
        body=job.slack.parsed_body(),
        headers=job.slack.headers,
        context={"correlation_id": job.id, "job_key": job.key, "deadline": deadline, "metrics": metrics,
                 "received_at": job.received_at, "slack_time": slack_time(job), "first_run": first},
        mode="socket_mode",
    )
    response = app.dispatch(request)
    if not 200 <= response.status < 300:
        raise ListenerFailed(f"Bolt answered {response.status} for job {job.id}")
    return response.status


def slack_time(job: Job) -> float | None:
    """When Slack says the request happened (whole seconds): an event's `event_time`, else the request's signed
    timestamp. None when neither reads as a number."""
    if job.slack is None:
        return None
    try:
        event_time = job.slack.parsed_body().get("event_time")
        header = job.slack.headers.get("x-slack-request-timestamp")
        stamp = event_time if isinstance(event_time, int | float) else header
        return float(stamp) if stamp is not None else None
    except ValueError:
        return None
