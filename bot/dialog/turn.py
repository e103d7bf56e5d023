"""A turn: one thing a person said to the bot, whatever the channel it came through."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class Turn:
    text: str
    channel: str  # "slack", "lex", "console": where the reply goes back
    user_id: str
    conversation_id: str  # a Slack channel, a Lex session
    thread_id: str | None = None  # the Slack thread the reply belongs in
    correlation_id: str | None = None
    slots: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def with_slots(self, slots: Mapping[str, Any]) -> Turn:
        return replace(self, slots=MappingProxyType(dict(slots)))
