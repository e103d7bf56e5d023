"""The Bolt app the worker dispatches queued Slack requests to.

The ingress already verified each request and answered Slack, so Bolt's request verification,
`ssl_check` and `url_verification` built-ins are off here, and the app does not call `auth.test` at
start (Bolt's single-workspace authorization calls it once, lazily, on the first request it serves).
Listeners get Bolt's usual `say`, `respond` and `client`; replies go to `SLACK_API_URL`, which
points at the local stand-in when running locally.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from slack_bolt import App, BoltContext, BoltRequest
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.channels.slack import message_arguments, turn_from_event
from bot.dialog.engine import answer
from bot.dialog.registry import Registry
from bot.queue.job import Job
from bot.settings import Settings

log = Logger(child=True)  # shares the worker Logger's configuration and correlation id


class ListenerFailed(Exception):
    """Bolt answered 5xx: a listener raised. The job fails so SQS redelivers it (and at last dead-letters it)."""


def build_web_client(settings: Settings) -> WebClient:
    return WebClient(
        token=settings.bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        # slack_sdk retries connection errors by default; 429s need their handler, honouring Retry-After
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2), RateLimitErrorRetryHandler(max_retry_count=2)],
    )


def build_app(settings: Settings, registry: Registry) -> App:
    app = App(
        client=build_web_client(settings),
        signing_secret=settings.signing_secret.get_secret_value(),
        process_before_response=True,  # listeners finish before dispatch returns: the job's outcome is known
        request_verification_enabled=False,
        token_verification_enabled=False,
        ssl_check_enabled=False,
        url_verification_enabled=False,
    )

    def reply_to(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        turn = turn_from_event(event, context.get("correlation_id"))
        reply = answer(turn, registry)
        # client rather than say(): in a DM thread Bolt's say() first reads the thread (conversations.replies)
        # to build assistant metadata, a Web API round trip this reply does not need
        result = client.chat_postMessage(**message_arguments(reply, turn))
        log.info("reply posted", extra={"channel": result.get("channel"), "ts": result.get("ts")})

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        reply_to(event, context, client)

    @app.message()
    def on_message(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        # In channels a mention arrives as app_mention too; only direct messages are answered here.
        if event.get("channel_type") == "im":
            reply_to(event, context, client)

    @app.error
    def on_error(error: Exception) -> None:
        log.error("listener failed", exc_info=error)

    return app


def dispatch(app: App, job: Job) -> int:
    """Hand one queued Slack request to Bolt; returns Bolt's status, raises when a listener failed."""
    request = BoltRequest(
        body=job.slack.body,
        headers=job.slack.headers,
        context={"correlation_id": job.id},
    )
    response = app.dispatch(request)
    if response.status >= 500:
        raise ListenerFailed(f"Bolt answered {response.status} for job {job.id}")
    return response.status
