"""One turn in, one reply out: match the text to an intent, gather its slots over as many turns as it
takes, confirm when the intent asks for it, run it.

A dialog waits in a store between turns (DynamoDB in the worker, memory in tests). While it waits, the
next thing said in the same place is read as the answer to what was asked; `cancel` ends it.

Intents get what they need from the engine's services (`Intent.run`); heavy work (`slow` intents) is counted per
person and refused politely past a rate, and recorded in the job store so `status` can tell what is running.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.conversation.help import fallback
from bot.conversation.intent import PLACEHOLDER, Intent
from bot.conversation.matcher import normalize
from bot.conversation.registry import Registry
from bot.conversation.reply import Button, Reply
from bot.conversation.slots import Choice, Slot, SlotValueError
from bot.conversation.state import CONFIRMATION, DialogState
from bot.conversation.turn import Turn
from bot.conversation.work import Work
from bot.stores.bundle import Stores, memory_stores
from bot.stores.dialogs import DialogStore

CANCEL = frozenset({"cancel", "stop", "never mind", "nevermind", "forget it", "quit"})
YES = frozenset({"yes", "y", "yeah", "yep", "sure", "ok", "okay", "confirm", "do it"})
NO = frozenset({"no", "n", "nope", "nah", "don't"})
MAX_CHOICE_BUTTONS = 10


class Dialog:
    def __init__(self, registry: Registry, stores: Stores | None = None) -> None:
        self.registry = registry
        stores = stores or memory_stores()
        self.store: DialogStore = stores.dialogs
        self.work = Work(registry, stores)

    def waiting(self, turn: Turn) -> bool:
        """Whether a dialog waits for this person here (so a thread reply without a mention is for us)."""
        return self._load(turn.dialog_key) is not None

    def _load(self, key: str) -> DialogState | None:
        saved = self.store.load(key)
        return DialogState.from_dict(saved) if saved else None

    def _save(self, key: str, state: DialogState) -> None:
        self.store.save(key, state.to_dict())

    def answer(self, turn: Turn) -> Reply:
        """The reply to a turn. An intent's own exception propagates: the job fails and is retried."""
        key = turn.dialog_key
        said = normalize(turn.text).lower()
        state = self._load(key)
        if state and said in CANCEL:
            self.store.clear(key)
            return Reply("Okay, I've dropped that.")
        if turn.call is not None:  # a button or a form names its intent: a fresh start
            intent = self.registry.get(turn.call.intent)
            if intent is None:
                return fallback(self.registry)
            values, problems = parse_slots(intent, turn.call.slots)
            return self._advance(turn, intent, values, problems, confirmed=turn.call.confirmed,
                                 waiting=state is not None)
        if state:
            return self._continue(turn, state, said)
        match = self.registry.match(turn.text)
        if match is None:
            return fallback(self.registry)
        return self._advance(turn, match.intent, match.values, match.problems, waiting=False)

    def _continue(self, turn: Turn, state: DialogState, said: str) -> Reply:
        intent = self.registry.get(state.intent)
        if intent is None:  # declared no more since the dialog began
            self.store.clear(turn.dialog_key)
            return fallback(self.registry)
        if state.awaiting == CONFIRMATION:
            if said in YES:
                return self._advance(turn, intent, state.slots, {}, confirmed=True, waiting=True)
            if said in NO:
                self.store.clear(turn.dialog_key)
                return Reply("Okay, I won't.")
            return _confirmation(intent, state.slots, lead="Please answer yes or no (or say `cancel`). ")
        values, problems = parse_slots(intent, {state.awaiting: turn.text}, known=state.slots)
        return self._advance(turn, intent, values, problems, waiting=True)

    def _advance(self, turn: Turn, intent: Intent, values: Mapping[str, Any], problems: Mapping[str, str], *,
                 waiting: bool, confirmed: bool = False) -> Reply:
        """Ask for what is still wrong or missing, then for confirmation, then run the intent.

        `waiting`: a dialog was stored for this turn, so running the intent must clear it (a one-shot
        intent costs no store write).
        """
        key = turn.dialog_key
        if problems:
            name, problem = next(iter(problems.items()))
            self._save(key, DialogState(intent.name, name, dict(values)))
            return _ask(intent.slot(name), lead=f"Sorry, {problem}. ")
        missing = [slot for slot in intent.slots if slot.required and slot.name not in values]
        if missing:
            self._save(key, DialogState(intent.name, missing[0].name, dict(values)))
            return _ask(missing[0])
        if intent.confirm and not confirmed:
            self._save(key, DialogState(intent.name, CONFIRMATION, dict(values)))
            return _confirmation(intent, values)
        if waiting:
            self.store.clear(key)
        return self.work.run(intent, turn.with_slots(values))


def parse_slots(intent: Intent, raw: Mapping[str, Any], known: Mapping[str, Any] | None = None
                ) -> tuple[dict[str, Any], dict[str, str]]:
    """Slot values parsed by their types (added to those already `known`), and what could not be parsed."""
    values = dict(known or {})
    problems: dict[str, str] = {}
    for name, text in raw.items():
        slot = next((slot for slot in intent.slots if slot.name == name), None)
        if slot is None:
            continue  # a stale button or form field: ignore what the intent no longer has
        try:
            values[name] = slot.type.parse(str(text))
        except SlotValueError as error:
            problems[name] = str(error)
    return values, problems


def _ask(slot: Slot, lead: str = "") -> Reply:
    buttons: tuple[Button, ...] = ()
    if isinstance(slot.type, Choice):
        buttons = tuple(Button(value, say=value) for value in slot.type.values[:MAX_CHOICE_BUTTONS])
    return Reply(f"{lead}{slot.prompt}", buttons=buttons)


def confirmation_question(intent: Intent, values: Mapping[str, Any]) -> str:
    """The intent's `confirm` text with the slot values in place."""
    return PLACEHOLDER.sub(lambda found: str(values.get(found.group(1), "")), intent.confirm or "")


def _confirmation(intent: Intent, values: Mapping[str, Any], lead: str = "") -> Reply:
    question = confirmation_question(intent, values)
    return Reply(f"{lead}{question}", buttons=(Button("Yes", say="yes", style="primary"), Button("No", say="no")))


def answer(turn: Turn, registry: Registry) -> Reply:
    """A single turn with no dialog kept (tests, one-shot callers)."""
    return Dialog(registry).answer(turn)
