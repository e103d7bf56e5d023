"""An intent: what the bot can do, declared once and served on every channel."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.conversation.reply import Reply
from bot.conversation.slots import Slot
from bot.conversation.turn import Turn

Handler = Callable[[Turn], Reply]

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
INTENT_NAME = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Intent:
    name: str
    description: str
    examples: tuple[str, ...]  # utterances; `{slot}` marks where a slot's words go
    slots: tuple[Slot, ...]
    handler: Handler
    # Asked before running, with the slot values filled in: "Open a ticket about {topic}?"
    confirm: str | None = None
    # The name of a Slack shortcut that opens this intent as a form (one input per slot)
    shortcut: str | None = None
    # Takes longer than a voice caller can wait on the line: Lex queues it and tells the result later
    slow: bool = False

    def __post_init__(self) -> None:
        if not INTENT_NAME.fullmatch(self.name):
            raise ValueError(f"intent name {self.name!r} must be lower_snake_case")
        if not self.examples:
            raise ValueError(f"intent {self.name!r} needs at least one example utterance")
        declared = {slot.name for slot in self.slots}
        if len(declared) != len(self.slots):
            raise ValueError(f"intent {self.name!r} declares a slot twice")
        for text in (*self.examples, self.confirm or ""):
            for used in PLACEHOLDER.findall(text):
                if used not in declared:
                    raise ValueError(f"intent {self.name!r}: {text!r} uses undeclared slot {used!r}")
        if self.confirm and any(not slot.required for slot in self.slots if f"{{{slot.name}}}" in self.confirm):
            raise ValueError(f"intent {self.name!r}: its confirmation may only name required slots")

    def slot(self, name: str) -> Slot:
        return next(slot for slot in self.slots if slot.name == name)


def make_intent(name: str, handler: Handler, *, description: str, examples: Sequence[str],
                slots: Sequence[Slot] = (), confirm: str | None = None, shortcut: str | None = None,
                slow: bool = False) -> Intent:
    return Intent(name, description, tuple(examples), tuple(slots), handler, confirm, shortcut, slow)
