"""Slack's assistant threads (the "Agents & AI apps" split view), through Bolt's `Assistant` middleware.

A thread opens with a greeting and suggested prompts made from the intents; the channel the person views (the
thread's context) is kept in our store (`bot.stores.assistant_threads`: why not Bolt's, there); a message in the
thread runs through the same dialog as a DM, with the thread's status showing while the job works, and the thread is
titled after the first intent it meets. Bolt's middleware takes every message in a DM thread before the app's
`message` listeners see it, so the DM listener (`conversation.on_message`) never answers these twice.

Failure policy: the status and the title are niceties. A refused call is logged and the answer goes on; the status
is cleared by hand only when the job posted nothing (a post clears it, as Slack does). An intent that raises fails
the job as everywhere else (SQS retries it, then dead-letters it), with the status cleared first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from slack_bolt import App, Assistant, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels.slack.assistant import (
    GREETING,
    PROMPTS_TITLE,
    THINKING,
    AssistantReplies,
    suggested_prompts,
    thread_title,
)
from bot.channels.slack.replies import ConversationReplies
from bot.channels.slack.streaming import conversation_replies
from bot.channels.slack.turns import turn_from_event
from bot.conversation.engine import Engine
from bot.conversation.help import title
from bot.stores.assistant_threads import AssistantThreads
from bot.stores.keys import workspace_key
from bot.worker.listeners.converse import converse

log = Logger(child=True)


def register(app: App, engine: Engine) -> None:
    """The assistant middleware: thread started, context changed, a person's message in the thread."""
    threads = AssistantThreads(engine.store)
    # Bolt's default context store is never used: the listeners keep the context themselves (see the module doc)
    assistant = Assistant()

    @assistant.thread_started
    def on_thread_started(payload: dict[str, Any], body: dict[str, Any], client: WebClient,
                          set_suggested_prompts: Callable[..., Any]) -> None:
        thread = payload["assistant_thread"]
        channel, thread_ts = thread["channel_id"], thread["thread_ts"]
        threads.save_context(workspace_of(body), channel, thread_ts, thread.get("context"))
        ConversationReplies(client, channel, thread_ts).send(GREETING)
        prompts = suggested_prompts(engine.registry)
        if prompts:
            nicety("suggested prompts", lambda: set_suggested_prompts(prompts=prompts, title=PROMPTS_TITLE))

    @assistant.thread_context_changed
    def on_context_changed(payload: dict[str, Any], body: dict[str, Any]) -> None:
        thread = payload["assistant_thread"]
        kept = threads.save_context(workspace_of(body), thread["channel_id"], thread["thread_ts"],
                                    thread.get("context"))
        log.info("assistant thread context changed", extra={"conversation": thread["channel_id"],
                                                             "thread_ts": thread["thread_ts"],
                                                             "viewing": kept.get("channel_id")})

    @assistant.user_message
    def on_user_message(payload: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient,
                        set_status: Callable[..., Any], set_title: Callable[..., Any]) -> None:
        turn = turn_from_event(payload, context.get("correlation_id"), body)
        thread_ts = turn.thread_id or ""
        replies = AssistantReplies(conversation_replies(client, turn, context, engine.work.stores.streams))
        nicety("status", lambda: set_status(status=THINKING))
        try:
            step = converse(engine, turn, replies, context)
        finally:
            if not replies.posted:
                nicety("status cleared", lambda: set_status(status=""))
        record = threads.load(turn.where, turn.conversation_id, thread_ts)
        if step.intent is not None and not record.get("titled"):
            named = thread_title(title(step.intent))
            nicety("title", lambda: set_title(named))
            threads.mark_titled(turn.where, turn.conversation_id, thread_ts)

    app.assistant(assistant)


def workspace_of(body: dict[str, Any]) -> str:
    """The workspace key of an event callback, as the ingress and the stores name it."""
    team, enterprise = body.get("team_id"), body.get("enterprise_id")
    return workspace_key("slack", team if isinstance(team, str) else None,
                         enterprise if isinstance(enterprise, str) else None)


def nicety(what: str, call: Callable[[], Any]) -> None:
    """Make a call the answer does not depend on: Slack refusing it is logged, never the end of the job."""
    try:
        call()
    except SlackApiError as error:
        log.warning(f"assistant {what} refused", extra={"error": error.response.get("error")})
