"""A turn: one thing a person said (or pressed) to the bot, whatever the channel it came through."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from bot.conversation.identity import Person
from bot.stores.keys import record_key


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
    via: str  # the channel the turn came through and the reply goes back by: "slack", "lex", "console"
    person: Person  # who said it, as a verified source says (Slack's signed request, a server-side link)
    conversation_id: str  # where it was said: a Slack channel or DM (C…, D…), a Lex session, the console's
    thread_id: str | None = None  # the Slack thread the reply belongs in
    # The turn opens its own thread (a top-level mention: the thread is the message itself), so no dialog can be
    # waiting in it and the engine reads none (one DynamoDB read less per mention)
    new_thread: bool = False
    correlation_id: str | None = None
    # The workspace the conversation is in (`bot.stores.keys.workspace_key`); empty: the person's own. A linked
    # Lex caller is a Slack person talking in a Lex workspace.
    workspace: str = ""
    # The channel's own id for who is talking, which links are stored under (a Lex caller's verified id or
    # session); empty where the channel's id is the person's (Slack).
    caller_id: str = ""
    call: IntentCall | None = None  # set when the person pressed a button or sent a form
    # What the channel's own understanding made of the words (Lex's NLU): a second opinion the engine takes only
    # when it understands nothing itself and no dialog waits
    hint: IntentCall | None = None
    # How this person reaches the bot here, when it is a command ("/parley"): help shows examples with it
    command: str = ""
    slots: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # Long-running intents report how far they are; Slack shows it as one message, updated in place.
    progress: Callable[[str], None] = field(default=_quiet, compare=False, repr=False)
    # time.monotonic() by which the turn's work must be done (the worker's budget for one job); None: no limit
    deadline: float | None = field(default=None, compare=False)

    @property
    def user_id(self) -> str:
        return self.person.user_id

    @property
    def where(self) -> str:
        """The workspace key of the conversation."""
        return self.workspace or self.person.workspace

    @property
    def dialog_key(self) -> str:
        """Where a multi-turn dialog lives: one per channel, workspace, conversation, thread and person."""
        return record_key(self.where, self.conversation_id, self.thread_id, self.person.user_id)

    def time_left(self) -> float | None:
        """Seconds until the deadline (never below 0), or None when the turn has none."""
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def with_slots(self, slots: Mapping[str, Any]) -> Turn:
        return replace(self, slots=MappingProxyType(dict(slots)))
