"""Slack's feedback buttons (thumbs up / down) under an answer, and what a click on them says.

The buttons are a `feedback_buttons` element in a `context_actions` block (Block Kit). Each button's value names
the intent that answered and which way the person pressed, so a click is counted per intent without storing anything
and without running the intent again. A click's value comes back from Slack (the request is signed), but it is read as
untrusted all the same: only an intent of the registry and one of the two ratings are ever logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.channels.slack.blocks import MAX_BLOCKS
from bot.channels.slack.surface import FEEDBACK_ACTION

POSITIVE = "positive"
NEGATIVE = "negative"
BLOCK_ID = "feedback"
SEPARATOR = ":"
MAX_VALUE = 2000  # a feedback button's value (Block Kit)
LABELS = {POSITIVE: ("👍", "Good answer"), NEGATIVE: ("👎", "Not helpful")}


@dataclass(frozen=True)
class Feedback:
    """One click: which intent's answer, and which way."""

    intent: str
    rating: str

    @property
    def positive(self) -> bool:
        return self.rating == POSITIVE


def feedback_block(intent_name: str) -> dict[str, Any]:
    """The block that closes an answer of `intent_name` with the two feedback buttons."""
    value = f"{POSITIVE}{SEPARATOR}{intent_name}"
    if len(value) > MAX_VALUE:
        raise ValueError(f"intent name {intent_name!r} is too long for a feedback button's value")
    return {"type": "context_actions", "block_id": BLOCK_ID,
            "elements": [{"type": "feedback_buttons", "action_id": FEEDBACK_ACTION,
                          "positive_button": _button(POSITIVE, intent_name),
                          "negative_button": _button(NEGATIVE, intent_name)}]}


def _button(rating: str, intent_name: str) -> dict[str, Any]:
    emoji, label = LABELS[rating]
    return {"text": {"type": "plain_text", "text": emoji}, "accessibility_label": label,
            "value": f"{rating}{SEPARATOR}{intent_name}"}


def with_feedback(messages: list[dict[str, Any]], intent_name: str) -> list[dict[str, Any]]:
    """Rendered messages, the last one closed by the feedback buttons (a block of Slack's 50 kept for them)."""
    if not messages:
        return messages
    last = messages[-1]
    if len(last.get("blocks", [])) >= MAX_BLOCKS:  # no room left: the buttons get a message of their own
        return [*messages, {"text": "Was this helpful?", "blocks": [feedback_block(intent_name)]}]
    return [*messages[:-1], {**last, "blocks": [*last.get("blocks", []), feedback_block(intent_name)]}]


def read_click(value: object, known: set[str] | frozenset[str]) -> Feedback | None:
    """The click a feedback button's value describes, or None when it is not one of ours (an unknown intent, a
    rating that is neither)."""
    if not isinstance(value, str):
        return None
    rating, _, intent = value.partition(SEPARATOR)
    if rating not in LABELS or intent not in known:
        return None
    return Feedback(intent, rating)
