"""The Bolt app the worker dispatches queued Slack requests to.

The ingress already verified each request and answered Slack, so Bolt's request verification,
`ssl_check` and `url_verification` built-ins are off here, and the app does not call `auth.test` at
start: its `authorize` (`bot.worker.authorize`) reads the current bot token on each request and calls
`auth.test` once per token value, so a rotated token is picked up without a restart.
Listeners use Bolt's `client` and `respond`; replies go to `SLACK_API_URL`, which points at the
local stand-in when running locally.

Every listener does the same thing: make a turn of what Slack sent, let the dialog answer it, and
send the reply back where the turn came from.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from aws_lambda_powertools import Logger
from slack_bolt import Ack, App, BoltContext, BoltRequest, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.channels.slack.blocks import chosen
from bot.channels.slack.forms import form_values
from bot.channels.slack.replies import ConversationReplies, Replies, ResponseUrlReplies
from bot.channels.slack.surface import BUTTON_ACTION_PREFIX, FORM_CALLBACK_PREFIX, SLASH_COMMAND, intent_of_callback
from bot.channels.slack.turns import mentions, turn_from_button, turn_from_command, turn_from_event, turn_from_form
from bot.conversation.engine import Engine
from bot.conversation.turn import Turn
from bot.queue.job import Job
from bot.settings import Settings
from bot.worker.access import SlackAccess

log = Logger(child=True)  # shares the worker Logger's configuration and correlation id


class ListenerFailed(Exception):
    """Bolt did not answer 2xx: a listener raised (5xx), or no listener took the request (404). Either way the
    request was not answered, so the job fails: SQS redelivers it, and at last dead-letters it."""


def build_web_client(settings: Settings, token: str | None = None) -> WebClient:
    """A Web API client for the stage's Slack API URL; Bolt sets each request's token on its own copy."""
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        # slack_sdk retries connection errors by default; 429s need their handler, which honours Retry-After.
        # A 429 means nothing was posted, so retrying it cannot post twice.
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2), RateLimitErrorRetryHandler(max_retry_count=3)],
    )


def build_app(settings: Settings, engine: Engine, access: SlackAccess) -> App:
    """The Bolt app, authorized by the stage's mode (`access`: one workspace's token, or each installation's)."""
    app = App(
        client=access.client,
        **access.app_arguments(),
        process_before_response=True,  # listeners finish before dispatch returns: the job's outcome is known
        request_verification_enabled=False,
        token_verification_enabled=False,
        ssl_check_enabled=False,
        url_verification_enabled=False,
    )
    access.configure(app)

    def converse(turn: Turn, replies: Replies, context: BoltContext) -> None:
        step = engine.step(replace(turn, progress=replies.progress, deadline=context.get("deadline")))
        replies.send(step.reply, public=bool(step.intent and step.intent.public), waits=step.waits)
        log.info("reply sent", extra={"conversation": turn.conversation_id, "thread_ts": turn.thread_id})

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        turn = turn_from_event(event, context.get("correlation_id"), body)
        converse(turn, ConversationReplies(client, turn.conversation_id, turn.thread_id), context)

    @app.message()
    def on_message(event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        turn = turn_from_event(event, context.get("correlation_id"), body)
        if event.get("channel_type") != "im":
            # In channels, a mention is answered as app_mention; a thread reply without one only
            # when it continues a dialog the bot started there.
            if mentions(event.get("text") or "", context.bot_user_id or "") or not event.get("thread_ts"):
                return
            if not engine.waiting(turn):
                return
        converse(turn, ConversationReplies(client, turn.conversation_id, turn.thread_id), context)

    @app.command(SLASH_COMMAND)
    def on_command(ack: Ack, command: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        ack()  # already answered by the ingress; this keeps Bolt's bookkeeping right
        converse(turn_from_command(command, context.get("correlation_id")), ResponseUrlReplies(respond), context)

    @app.action(re.compile("^" + re.escape(BUTTON_ACTION_PREFIX)))
    def on_button(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient,
                  respond: Respond) -> None:
        ack()
        turn = turn_from_button(body, action["value"], context.get("correlation_id"))
        label = (action.get("text") or {}).get("text", "")
        message = body.get("message") or {}
        container = body.get("container") or {}
        blocks = chosen(message.get("blocks") or [], label, turn.user_id)
        if container.get("is_ephemeral"):  # a slash command's answer: only its response_url reaches it
            respond(replace_original=True, text=message.get("text", ""), blocks=blocks)
            converse(turn, ResponseUrlReplies(respond), context)
            return
        # the buttons go, so one choice cannot be made twice; that is a nicety, the answer is what matters
        try:
            client.chat_update(channel=turn.conversation_id, ts=message.get("ts", ""), text=message.get("text", ""),
                               blocks=blocks)
        except SlackApiError as error:
            log.warning("could not take the buttons away", extra={"error": error.response.get("error")})
        converse(turn, ConversationReplies(client, turn.conversation_id, turn.thread_id), context)

    @app.view(re.compile("^" + re.escape(FORM_CALLBACK_PREFIX)))
    def on_form(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext,
                client: WebClient) -> None:
        ack()  # the ingress validated the form and closed it
        intent = engine.registry.get(intent_of_callback(view.get("callback_id", "")) or "")
        if intent is None:
            log.warning("form for an unknown intent", extra={"callback_id": view.get("callback_id")})
            return
        turn = turn_from_form(body, intent.name, form_values(intent, view), context.get("correlation_id"))
        converse(turn, ConversationReplies(client, turn.conversation_id, turn.thread_id), context)

    @app.error
    def on_error(error: Exception) -> None:
        log.error("listener failed", exc_info=error)

    return app


def dispatch(app: App, job: Job, deadline: float | None = None) -> int:
    """Hand one queued Slack request to Bolt; returns Bolt's status, raises ListenerFailed unless it is 2xx.

    Bolt gets the body already parsed (`SlackRequest.parsed_body`): it takes a dict only in its socket-mode
    shape, which differs from HTTP mode in request verification alone, and that is off here (the ingress verified).
    `deadline` (time.monotonic()) is when the job's work must be done; intents read it from their turn.
    """
    request = BoltRequest(
        body=job.slack.parsed_body(),
        headers=job.slack.headers,
        context={"correlation_id": job.id, "deadline": deadline},
        mode="socket_mode",
    )
    response = app.dispatch(request)
    if not 200 <= response.status < 300:
        raise ListenerFailed(f"Bolt answered {response.status} for job {job.id}")
    return response.status
