"""Slack as a channel: what Slack sends becomes a turn; a reply goes back in the same place."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.channels.slack.surface import SLASH_COMMAND
from bot.conversation.identity import Person
from bot.conversation.turn import IntentCall, Turn
from bot.text import unescape_mrkdwn

LEADING_MENTION = re.compile(r"^\s*<@[A-Z0-9]+(?:\|[^>]*)?>[\s,:]*")
# Slack's angle-bracket tokens: <url>, <url|label>, <@U…>, <@U…|name>, <#C…|name>, <!here>, <!subteam^S…|@team>
TOKEN = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def plain_text(slack_text: str) -> str:
    """Slack's wire text as a person typed it: no leading @mention, entities decoded, and Slack's tokens as the
    words the person saw (a link as its label, `@name` for a mention, `#name` for a channel, `@here`).

    What this returns is never Slack markup: replies escape it again when they show it (`bot.text`), so text
    a person typed cannot come back as a live mention or link.
    """
    text = TOKEN.sub(_token_words, LEADING_MENTION.sub("", slack_text))
    return unescape_mrkdwn(text)


def _token_words(found: re.Match[str]) -> str:
    target, label = found.group(1), found.group(2)
    if target.startswith("@"):  # a person: <@U123> or <@U123|name>
        return "@" + (label or target[1:])
    if target.startswith("#"):  # a channel: <#C123|general>
        return "#" + (label or target[1:])
    if target.startswith("!"):  # <!here>, <!channel>, <!subteam^S1|@team>, <!date^…|fallback>
        return label or "@" + target[1:].split("^", 1)[0]
    return label or target  # a link: its label, else the URL


def mentions(slack_text: str, user_id: str) -> bool:
    return f"<@{user_id}>" in slack_text or f"<@{user_id}|" in slack_text


def slack_person(user_id: object, team_id: object, enterprise_id: object = None) -> Person:
    """A Slack person, as Slack's signed request names them (the ingress verified the signature)."""
    return Person("slack", _text(user_id), team_id=_text(team_id), enterprise_id=_text(enterprise_id))


def turn_from_event(event: dict[str, Any], correlation_id: str | None, body: dict[str, Any] | None = None) -> Turn:
    """A turn from a `message` or `app_mention` event (`body`: the event callback around it, for the workspace).

    The reply's thread: the thread the message is in; a top-level mention in a channel opens one, so
    the channel is not flooded; a direct message is answered in the conversation itself.
    """
    body = body or {}
    thread_id = event.get("thread_ts")
    new_thread = thread_id is None and event.get("type") == "app_mention" and bool(event.get("ts"))
    if new_thread:
        thread_id = event.get("ts")
    return Turn(
        text=plain_text(event.get("text") or ""),
        via="slack",
        person=slack_person(event.get("user"), body.get("team_id") or event.get("team"), body.get("enterprise_id")),
        conversation_id=event.get("channel") or "",
        thread_id=thread_id,
        new_thread=new_thread,
        correlation_id=correlation_id,
    )


def turn_from_command(command: dict[str, Any], correlation_id: str | None) -> Turn:
    """A turn from a slash command: `/parley roll 6` says "roll 6"; a bare `/parley` asks for help."""
    return Turn(
        text=(command.get("text") or "").strip() or "help",
        via="slack",
        person=slack_person(command.get("user_id"), command.get("team_id"), command.get("enterprise_id")),
        conversation_id=command.get("channel_id") or "",
        correlation_id=correlation_id,
        command=_text(command.get("command")) or SLASH_COMMAND,
    )


def turn_from_button(body: dict[str, Any], value: str, correlation_id: str | None) -> Turn:
    """A turn from a pressed button: the same as saying its text, or asking for its intent directly."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    meaning = json.loads(value)
    call = IntentCall(meaning["intent"], meaning.get("slots") or {}) if "intent" in meaning else None
    return Turn(
        text=str(meaning.get("say") or ""),
        via="slack",
        person=_payload_person(body),
        conversation_id=container.get("channel_id") or (body.get("channel") or {}).get("id") or "",
        thread_id=container.get("thread_ts") or message.get("thread_ts"),
        correlation_id=correlation_id,
        call=call,
    )


def form_origin(private_metadata: str) -> dict[str, str]:
    """Where a form's answer goes: the conversation (and thread) it was opened from, kept in the view."""
    try:
        origin = json.loads(private_metadata or "{}")
    except ValueError:
        return {}
    return origin if isinstance(origin, dict) else {}


def turn_from_form(body: dict[str, Any], intent_name: str, slots: dict[str, str], correlation_id: str | None) -> Turn:
    """A turn from a submitted form: the intent with the values given, confirmed by the submission.

    The answer goes where the form was opened from, or to the person's direct messages with the bot.
    """
    person = _payload_person(body)
    origin = form_origin((body.get("view") or {}).get("private_metadata", ""))
    return Turn(
        text="",
        via="slack",
        person=person,
        conversation_id=origin.get("channel") or person.user_id,
        thread_id=origin.get("thread_ts"),
        correlation_id=correlation_id,
        call=IntentCall(intent_name, slots, confirmed=True),
    )


def _payload_person(body: dict[str, Any]) -> Person:
    """Who pressed or submitted: an interactive payload names them, their team and enterprise as objects."""
    return slack_person(_object(body.get("user")).get("id"), _object(body.get("team")).get("id"),
                        _object(body.get("enterprise")).get("id"))


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
