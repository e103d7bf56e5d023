"""A reply: what the bot says back, before a channel renders it (Block Kit, SSML, a console line)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Button:
    """A choice offered with a reply. Pressing it is the same as saying `say`, or, when `intent` is
    given, the same as asking for that intent with these slot values."""

    label: str
    say: str | None = None
    intent: str | None = None
    slots: Mapping[str, Any] = field(default_factory=dict)
    style: str | None = None  # "primary" or "danger", as Slack styles buttons

    def __post_init__(self) -> None:
        if (self.say is None) == (self.intent is None):
            raise ValueError("a button either says something or names an intent")

    def value(self) -> str:
        """What the button carries through Slack and back (at most 2000 characters there)."""
        if self.intent is not None:
            return json.dumps({"intent": self.intent, "slots": dict(self.slots)}, separators=(",", ":"))
        return json.dumps({"say": self.say}, separators=(",", ":"))


@dataclass(frozen=True)
class Field:
    """A labelled value shown beside the text (a ticket's priority, a job's duration)."""

    label: str
    value: str


@dataclass(frozen=True)
class Reply:
    # Light Slack-style markup is allowed (*bold*, `code`, "• " bullets); each channel renders or strips it.
    text: str
    buttons: tuple[Button, ...] = ()
    fields: tuple[Field, ...] = ()
