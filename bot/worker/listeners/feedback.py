"""Clicks on the feedback buttons (thumbs up / down) under an answer, counted per intent.

A click is acknowledged and logged as one structured line (`"feedback"`: the intent, positive or negative, the
workspace and the channel); the line is what a metric will be made of. Nothing anyone typed is in it, and the intent
is not run again: a click only says what someone thought of an answer already given.

Failure policy: a click whose value is not ours (an unknown intent, a rating that is neither) is logged as such and
dropped; it never fails the job.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from slack_bolt import Ack, App

from bot.channels.slack.feedback import read_click
from bot.channels.slack.surface import FEEDBACK_ACTION
from bot.conversation.engine import Engine
from bot.stores.keys import workspace_key

log = Logger(child=True)


def register(app: App, engine: Engine) -> None:
    """The feedback buttons' action."""

    @app.action(FEEDBACK_ACTION)
    def on_feedback(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        where = {"workspace": workspace_of(body), "channel": channel_of(body)}
        click = read_click(action.get("value"), frozenset(intent.name for intent in engine.registry))
        if click is None:
            log.warning("feedback not understood", extra=where)
            return
        log.info("feedback", extra={"intent": click.intent, "rating": click.rating, **where})


def workspace_of(body: dict[str, Any]) -> str:
    """The workspace key of an interactive payload (its team and enterprise objects)."""
    return workspace_key("slack", _id(body.get("team")), _id(body.get("enterprise")))


def channel_of(body: dict[str, Any]) -> str:
    container = body.get("container") if isinstance(body.get("container"), dict) else {}
    return _id(body.get("channel")) or str(container.get("channel_id") or "")


def _id(value: object) -> str | None:
    found = value.get("id") if isinstance(value, dict) else None
    return found if isinstance(found, str) and found else None
