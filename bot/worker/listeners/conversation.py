"""The conversation's own surfaces: DMs, mentions in channels, the slash command, buttons and forms.

Each listener makes a turn of what Slack sent and hands it to `converse`; what differs is where the reply goes (the
conversation, or a slash command's response_url) and what Slack needs done first (a pressed button's buttons taken
away, so one choice cannot be made twice). In a thread, an answer with progress streams (`conversation_replies`).
"""

from __future__ import annotations

import re
from typing import Any

from aws_lambda_powertools import Logger
from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels.slack.blocks import chosen
from bot.channels.slack.forms import form_values
from bot.channels.slack.replies import ResponseUrlReplies
from bot.channels.slack.streaming import conversation_replies
from bot.channels.slack.surface import (
    BUTTON_ACTION_PREFIX,
    FORM_CALLBACK_PREFIX,
    MESSAGE_CHANNEL_TYPES,
    SLASH_COMMAND,
    intent_of_callback,
)
from bot.channels.slack.turns import mentions, turn_from_button, turn_from_command, turn_from_event, turn_from_form
from bot.conversation.engine import Engine
from bot.worker.listeners.converse import converse

log = Logger(child=True)


def register(app: App, engine: Engine) -> None:
    """Messages (DMs, and thread replies that continue a dialog), mentions, the slash command, buttons, forms."""
    @app.event("app_mention")
    def on_mention(event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        turn = turn_from_event(event, context.get("correlation_id"), body)
        converse(engine, turn, conversation_replies(client, turn, context, engine.work.stores.streams), context)

    @app.message(matchers=[lambda event: event.get("channel_type") in MESSAGE_CHANNEL_TYPES])
    def on_message(event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        turn = turn_from_event(event, context.get("correlation_id"), body)
        if event.get("channel_type") != "im":
            # In channels, a mention is answered as app_mention; a thread reply without one only
            # when it continues a dialog the bot started there.
            if mentions(event.get("text") or "", context.bot_user_id or "") or not event.get("thread_ts"):
                return
            if not engine.waiting(turn):
                return
        converse(engine, turn, conversation_replies(client, turn, context, engine.work.stores.streams), context)

    @app.command(SLASH_COMMAND)
    def on_command(ack: Ack, command: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        ack()  # already answered by the ingress; this keeps Bolt's bookkeeping right
        turn = turn_from_command(command, context.get("correlation_id"))
        converse(engine, turn, ResponseUrlReplies(respond), context)

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
            converse(engine, turn, ResponseUrlReplies(respond), context)
            return
        # the buttons go, so one choice cannot be made twice; that is a nicety, the answer is what matters
        try:
            client.chat_update(channel=turn.conversation_id, ts=message.get("ts", ""), text=message.get("text", ""),
                               blocks=blocks)
        except SlackApiError as error:
            log.warning("could not take the buttons away", extra={"error": error.response.get("error")})
        converse(engine, turn, conversation_replies(client, turn, context, engine.work.stores.streams), context)

    @app.view(re.compile("^" + re.escape(FORM_CALLBACK_PREFIX)))
    def on_form(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext,
                client: WebClient) -> None:
        ack()  # the ingress validated the form and closed it
        intent = engine.registry.get(intent_of_callback(view.get("callback_id", "")) or "")
        if intent is None:
            log.warning("form for an unknown intent", extra={"callback_id": view.get("callback_id")})
            return
        turn = turn_from_form(body, intent.name, form_values(intent, view), context.get("correlation_id"))
        converse(engine, turn, conversation_replies(client, turn, context, engine.work.stores.streams), context)
