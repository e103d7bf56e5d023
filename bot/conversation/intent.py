"""An intent: what the bot can do, declared once and served on every channel.

A handler asks for what it needs by parameter name, as Bolt's listeners do: `turn` for the turn itself, a slot's
name for that slot's parsed value (typed: `sides: int`), and any other name for a service the engine provides
(`tickets`, `jobs`, `links`...). The parameters are read, and checked against the slots, when the intent is
declared; the engine checks at start that it can provide every service some intent needs.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import NoneType, UnionType
from typing import Any

from bot.conversation.reply import Reply
from bot.conversation.slots import Choice, Number, Slot, Text
from bot.conversation.turn import Turn

Handler = Callable[..., Reply]

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
INTENT_NAME = re.compile(r"[a-z][a-z0-9_]*")
TURN_PARAMETER = "turn"
# What a slot's value is, by its type, for checking a handler's annotations
SLOT_PYTHON_TYPES: dict[type, type] = {Number: int, Text: str, Choice: str}


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
    # Left out of help and suggestions (tools for operators and tests)
    hidden: bool = False
    # What people call it in help and in "Did you mean ...?" ("Roll a die"); empty: from its name
    title: str = ""
    # Its answer is for everyone where the channel asks (a slash command's answer shown to the channel)
    public: bool = False
    # Read from the handler's signature (see the module docstring)
    takes_turn: bool = field(default=False, compare=False)
    slot_parameters: tuple[str, ...] = field(default=(), compare=False)
    needs: tuple[str, ...] = field(default=(), compare=False)
    # Other words people use for a word of the examples, for this intent only: {"ticket": ("issue", "bug")}.
    # General English (create/open, list/show) is the recogniser's already: these are the intent's own.
    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Its answers in Slack carry feedback buttons (thumbs up / down), whose clicks are counted per intent; answers
    # in an assistant thread carry them whatever this says
    feedback: bool = False
    # Its answer, run for whoever opens the app's Home tab, is shown there (a view of their own things)
    home: bool = False
    # A custom step in Slack's Workflow Builder: inputs from its slots, its reply's text as the output `text`
    workflow_step: bool = False

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
        said = {word.lower() for example in self.examples
                for word in re.findall(r"[\w'-]+", PLACEHOLDER.sub(" ", example))}
        for word, others in self.synonyms:
            if word.lower() not in said:
                raise ValueError(f"intent {self.name!r}: synonyms for {word!r}, which none of its examples says")
            if not others or any(not other.strip() for other in others):
                raise ValueError(f"intent {self.name!r}: the synonyms of {word!r} must be words")
        if self.home and any(slot.required for slot in self.slots):
            raise ValueError(f"intent {self.name!r}: a Home view runs with no one to ask, so it takes no required "
                             "slot")

    def slot(self, name: str) -> Slot:
        return next(slot for slot in self.slots if slot.name == name)

    def run(self, turn: Turn, services: Mapping[str, object]) -> Reply:
        """Call the handler with what it asked for: the turn, its slots' values, the services it needs."""
        arguments: dict[str, Any] = {name: turn.slots.get(name) for name in self.slot_parameters}
        arguments.update((need, services[need]) for need in self.needs)
        if self.takes_turn:
            arguments[TURN_PARAMETER] = turn
        return self.handler(**arguments)


def make_intent(name: str, handler: Handler, *, description: str, examples: Sequence[str],
                slots: Sequence[Slot] = (), confirm: str | None = None, shortcut: str | None = None,
                slow: bool = False, hidden: bool = False, title: str = "", public: bool = False,
                synonyms: Mapping[str, Sequence[str]] | None = None, feedback: bool = False, home: bool = False,
                workflow_step: bool = False) -> Intent:
    takes_turn, slot_parameters, needs = read_parameters(name, handler, slots)
    pairs = tuple((word, tuple(others)) for word, others in (synonyms or {}).items())
    return Intent(name, description, tuple(examples), tuple(slots), handler, confirm, shortcut, slow, hidden, title,
                  public, takes_turn, slot_parameters, needs, synonyms=pairs, feedback=feedback, home=home,
                  workflow_step=workflow_step)


def read_parameters(name: str, handler: Handler, slots: Sequence[Slot]) -> tuple[bool, tuple[str, ...],
                                                                                    tuple[str, ...]]:
    """What the handler asks for: the turn, slot values (checked against the slots), and services."""
    by_name = {slot.name: slot for slot in slots}
    try:
        hints = typing.get_type_hints(handler)
    except (NameError, TypeError):  # an annotation that names something not importable here: not checked
        hints = {}
    takes_turn = False
    slot_parameters: list[str] = []
    needs: list[str] = []
    for parameter in inspect.signature(handler).parameters.values():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD, parameter.POSITIONAL_ONLY):
            raise ValueError(f"intent {name!r}: handler parameters are asked for by name, not {parameter}")
        if parameter.name == TURN_PARAMETER:
            takes_turn = True
        elif parameter.name in by_name:
            _check_slot_parameter(name, by_name[parameter.name], parameter, hints.get(parameter.name))
            slot_parameters.append(parameter.name)
        else:
            needs.append(parameter.name)
    return takes_turn, tuple(slot_parameters), tuple(needs)


def _check_slot_parameter(intent: str, slot: Slot, parameter: inspect.Parameter, hint: object) -> None:
    expected = SLOT_PYTHON_TYPES.get(type(slot.type))
    if hint is None or expected is None:
        return
    allowed = set(typing.get_args(hint)) if isinstance(hint, UnionType) or typing.get_origin(hint) is typing.Union \
        else {hint}
    if expected not in allowed and Any not in allowed and object not in allowed:
        raise ValueError(f"intent {intent!r}: slot {slot.name!r} is a {type(slot.type).__name__}, so its "
                         f"parameter should be {expected.__name__}, not {hint}")
    if not slot.required and NoneType not in allowed and parameter.default is inspect.Parameter.empty:
        raise ValueError(f"intent {intent!r}: slot {slot.name!r} is optional, so its parameter must accept None "
                         f"(`{slot.name}: {expected.__name__} | None = None`)")
