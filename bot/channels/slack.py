"""Slack as a channel: a message event becomes a turn; a reply becomes `chat.postMessage` arguments."""

from __future__ import annotations

import re
from typing import Any

from bot.dialog.reply import Reply
from bot.dialog.turn import Turn

LEADING_MENTION = re.compile(r"^\s*<@[A-Z0-9]+(?:\|[^>]*)?>[\s,:]*")
# Links only: user, channel and special mentions (<@U..>, <#C..>, <!here>) keep their markup
LINK = re.compile(r"<([^<>|@#!][^<>|]*)\|([^<>]+)>|<([^<>|@#!][^<>|]*)>")


def plain_text(slack_text: str) -> str:
    """Slack's wire text as a person typed it: no leading @mention, links as their label, entities decoded."""
    text = LEADING_MENTION.sub("", slack_text)
    text = LINK.sub(lambda m: m.group(2) or m.group(3), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def turn_from_event(event: dict[str, Any], correlation_id: str | None) -> Turn:
    """A turn from a `message` or `app_mention` event.

    The reply's thread: the thread the message is in; a top-level mention in a channel opens one, so
    the channel is not flooded; a direct message is answered in the conversation itself.
    """
    thread_id = event.get("thread_ts")
    if thread_id is None and event.get("type") == "app_mention":
        thread_id = event.get("ts")
    return Turn(
        text=plain_text(event.get("text") or ""),
        channel="slack",
        user_id=event.get("user") or "",
        conversation_id=event.get("channel") or "",
        thread_id=thread_id,
        correlation_id=correlation_id,
    )


def message_arguments(reply: Reply, turn: Turn) -> dict[str, Any]:
    """`chat.postMessage` arguments for a reply in the turn's conversation and thread."""
    arguments: dict[str, Any] = {"channel": turn.conversation_id, "text": reply.text}
    if turn.thread_id:
        arguments["thread_ts"] = turn.thread_id
    return arguments
