"""A turn: one thing a person said (or pressed) to the bot, whatever the channel it came through."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any


def _quiet(text: str) -> None:
    """Progress goes nowhere on channels that cannot show it."""


@dataclass(frozen=True)
class IntentCall:
    """An intent asked for directly (a button, a form), with slot values as given, not yet parsed."""

    intent: str
    slots: Mapping[str, Any] = field(default_factory=dict)
    confirmed: bool = False  # a submitted form is its own confirmation


@dataclass(frozen=True)
class Turn:
    text: str
    channel: str  # "slack", "lex", "console": where the reply goes back
    user_id: str
    conversation_id: str  # a Slack channel, a Lex session
    thread_id: str | None = None  # the Slack thread the reply belongs in
    correlation_id: str | None = None
    team_id: str = ""
    call: IntentCall | None = None  # set when the person pressed a button or sent a form
    # what the channel keeps for the conversation between turns (Lex session attributes)
    attributes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    slots: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # Long-running intents report how far they are; Slack shows it as one message, updated in place.
    progress: Callable[[str], None] = field(default=_quiet, compare=False, repr=False)

    @property
    def dialog_key(self) -> str:
        """Where a multi-turn dialog lives: one per channel, team, conversation, thread and person."""
        return "#".join((self.channel, self.team_id, self.conversation_id, self.thread_id or "-", self.user_id))

    def with_slots(self, slots: Mapping[str, Any]) -> Turn:
        return replace(self, slots=MappingProxyType(dict(slots)))
