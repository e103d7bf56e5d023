"""The conversation engine: one turn in, one step out, for every channel. Nothing else orders a dialog.

Given a turn and the dialog waiting in its place (if any), the engine decides the next step (`bot.conversation.
steps`): ask for a slot (and why), confirm, offer a choice of intents, or answer (running the intent through
`Work`). Slack, Lex and the console only read a turn and show a step.

What it understands comes from the recogniser (`Recogniser.recognise` for a request, `read_slots` for an answer to
a question); how it forgives is written here and in `bot.conversation.repair`:
- never act on a guess: a confident recognition starts its intent, an ambiguous one asks "Did you mean ...?", an
  unknown one gets the fallback with the closest intents as suggestions;
- while a slot is asked for, `help` explains the question, `cancel` ends the dialog, a correction ("make it high",
  "no, 8 sides") changes a filled slot, several slots may come at once, and a request for another intent asks
  whether to drop the current one; a confirmation takes the ways people say yes and no, or a correction.

A dialog waits in a store between turns (DynamoDB in the Lambdas, memory in tests and the console), under the
turn's dialog key. Every recognition is logged: the intent chosen, its score, the runner-up and the reason (the
values of secret slots never).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from aws_lambda_powertools import Logger

from bot.conversation import repair
from bot.conversation.help import fallback, suggestions, title
from bot.conversation.intent import PLACEHOLDER, Intent
from bot.conversation.recogniser import Candidate, Recognition, affirmation
from bot.conversation.registry import Registry
from bot.conversation.reply import Button, Reply
from bot.conversation.slots import Choice, Slot, SlotValueError
from bot.conversation.state import CHOICE, CONFIRMATION, SWITCH, DialogState
from bot.conversation.steps import Step, answer, ask, choose, confirm
from bot.conversation.turn import Turn
from bot.conversation.work import Work
from bot.observability.misses import log_miss
from bot.stores.bundle import Stores, memory_stores

log = Logger(child=True)

MAX_CHOICE_BUTTONS = 10
# A text this little explained as an answer, while it reads as a request of its own, is that request
ANSWER_EXPLAINS = 0.5
YES_NO = (Button("Yes", say="yes", style="primary"), Button("No", say="no"))
DROPPED = "Okay, I've dropped that."
DECLINED = "Okay, I won't."
NOTHING_TO_CANCEL = "There's nothing to cancel right now. Say `help` to see what I can do."
GREETING = "Hi! What can I do for you? Say `help` to see what I can do."
WELCOME = "You're welcome!"
GOODBYE = "Bye! Say hello any time."

# How a channel runs slow work it cannot wait for (Lex: queue it, answer at once); None: run it now
Later = Callable[[Intent, Turn], Reply]
# Told of every recognition (the worker and the Lex hook count its confidence); never changes the step
Observer = Callable[[Turn, Recognition], None]


class Engine:
    def __init__(self, registry: Registry, stores: Stores | None = None, *, later: Later | None = None,
                 observer: Observer | None = None) -> None:
        self.registry = registry
        self.observer = observer
        stores = stores or memory_stores()
        self.store = stores.dialogs
        self.work = Work(registry, stores)
        self.later = later

    # --- the public face ----------------------------------------------------------------------------------------

    def step(self, turn: Turn) -> Step:
        """The next step of the conversation in the turn's place. An intent's own exception propagates."""
        state = None if turn.new_thread else self._load(turn.dialog_key)
        if turn.call is not None:  # a button or a form names its intent: a fresh start
            return self._called(turn, state)
        if state is None:
            return self._fresh(turn)
        return self._continue(turn, state)

    def answer(self, turn: Turn) -> Reply:
        return self.step(turn).reply

    def waiting(self, turn: Turn) -> bool:
        """Whether a dialog waits for this person here (so a thread reply without a mention is for us)."""
        return self._load(turn.dialog_key) is not None

    def run_job(self, turn: Turn, intent_name: str, raw: Mapping[str, str], job_id: str) -> Reply:
        """Slow work a channel queued earlier (`later`), now run: its slot values as the engine accepted them."""
        intent = self.registry.get(intent_name)
        if intent is None:
            raise LookupError(f"no intent {intent_name!r}")
        values, problems = parse_slots(intent, raw)
        if problems:
            raise ValueError(f"slot values the engine should have refused: {problems}")
        return self.work.run(intent, turn.with_slots(values), job_id=job_id, tell_later=True)

    # --- a turn with no dialog waiting ----------------------------------------------------------------------------

    def _fresh(self, turn: Turn) -> Step:
        said = repair.clean(turn.text)
        if not said:  # a bare @mention
            return answer(Reply(GREETING))
        if repair.is_cancel(said):
            return answer(Reply(NOTHING_TO_CANCEL))
        if repair.is_thanks(said):
            return answer(Reply(WELCOME))
        if repair.is_goodbye(said):
            return answer(Reply(GOODBYE))
        recognition = self._recognise(turn)
        if recognition.verdict == "unknown" and turn.hint is not None and self.registry.get(turn.hint.intent):
            log.info("the channel's understanding taken", extra={"intent": turn.hint.intent, "via": turn.via})
            return self._called(replace(turn, call=turn.hint), None)
        return self._act_on(turn, recognition, waiting=False)

    def _act_on(self, turn: Turn, recognition: Recognition, *, waiting: bool) -> Step:
        best = recognition.best
        if recognition.verdict == "confident" and best is not None:
            return self._advance(turn, best.intent, best.values, best.problems, waiting=waiting)
        if recognition.verdict == "ambiguous":
            log_miss(log, turn.text, "ambiguous", turn.via, [each.intent.name for each in recognition.candidates])
            return self._offer(turn, recognition.candidates)
        if waiting:
            self.store.clear(turn.dialog_key)
        closest = suggestions(recognition)
        log_miss(log, turn.text, "fallback", turn.via, [intent.name for intent in closest])
        reply = fallback(self.registry, closest, prefix=turn.command)
        # the closest intents are pressable too: each button asks for its intent with what was understood of it
        values = {each.intent.name: each.values for each in recognition.candidates}
        buttons = tuple(Button(title(intent), intent=intent.name, slots=_jsonable(values.get(intent.name, {})))
                        for intent in closest)
        return answer(replace(reply, buttons=buttons), outcome="fallback")

    def _offer(self, turn: Turn, candidates: tuple[Candidate, ...]) -> Step:
        offered = [{"intent": each.intent.name, "slots": dict(each.values)} for each in candidates]
        self._save(turn.dialog_key, DialogState(None, CHOICE, {}, offered=offered))
        options = tuple(each.intent for each in candidates)
        names = repair.or_list([f"*{title(each)}*" for each in options])
        buttons = tuple(Button(title(each.intent), intent=each.intent.name, slots=_jsonable(each.values))
                        for each in candidates)
        return choose(options, Reply(f"Did you mean {names}?", buttons=(*buttons, Button("Neither", say="neither"))))

    # --- a turn with a dialog waiting -----------------------------------------------------------------------------

    def _continue(self, turn: Turn, state: DialogState) -> Step:
        said = repair.clean(turn.text)
        if repair.is_cancel(said):
            self.store.clear(turn.dialog_key)
            return answer(Reply(DROPPED), outcome="cancelled")
        if state.awaiting == CHOICE:
            return self._chosen(turn, state, said)
        intent = self.registry.get(state.intent or "")
        if intent is None:  # declared no more since the dialog began: start afresh
            self.store.clear(turn.dialog_key)
            return self._fresh(turn)
        if repair.is_help(said):
            return self._explain(turn, intent, state)
        if state.awaiting == SWITCH:
            return self._switch_answered(turn, intent, state, said)
        if state.awaiting == CONFIRMATION:
            return self._confirmation_answered(turn, intent, state, said)
        return self._slot_answered(turn, intent, state)

    def _slot_answered(self, turn: Turn, intent: Intent, state: DialogState) -> Step:
        asked = state.awaiting
        reading = self.registry.recogniser().read_slots(intent, turn.text, asked=asked)
        other = self._other_request(turn, intent)
        if other is not None and (not (reading.values or reading.problems) or reading.explained <= ANSWER_EXPLAINS):
            return self._ask_to_switch(turn, intent, state, other)
        if reading.values or reading.problems:
            values = {**state.slots, **reading.values}
            problems = {name: problem for name, problem in reading.problems.items() if name not in reading.values}
            return self._advance(turn, intent, values, problems, waiting=True,
                                 lead=_corrected(intent, state.slots, reading.values))
        slot = intent.slot(asked)
        return self._ask(turn, intent, slot, state.slots, lead="Sorry, I didn't catch that. ")

    def _confirmation_answered(self, turn: Turn, intent: Intent, state: DialogState, said: str) -> Step:
        verdict = affirmation(said)
        if verdict == "yes":
            return self._advance(turn, intent, state.slots, {}, confirmed=True, waiting=True)
        reading = self.registry.recogniser().read_slots(intent, turn.text)
        if reading.values:  # "no wait, make it normal": a correction, asked to confirm again
            values = {**state.slots, **reading.values}
            return self._advance(turn, intent, values, reading.problems, waiting=True)
        if verdict == "no":
            self.store.clear(turn.dialog_key)
            return answer(Reply(DECLINED), intent, state.slots, outcome="declined")
        other = self._other_request(turn, intent)
        if other is not None:
            return self._ask_to_switch(turn, intent, state, other)
        return self._confirm(turn, intent, state.slots, lead="Please answer yes or no (or say `cancel`). ")

    def _chosen(self, turn: Turn, state: DialogState, said: str) -> Step:
        offered = [(self.registry.get(each["intent"]), each.get("slots") or {}) for each in state.offered]
        offered = [(intent, values) for intent, values in offered if intent is not None]
        number = repair.number_chosen(said, len(offered))
        if number is not None:
            intent, values = offered[number - 1]
            return self._start_with_raw(turn, intent, values, waiting=True)
        if repair.is_neither(said) or affirmation(said) == "no":
            self.store.clear(turn.dialog_key)
            return answer(Reply("Okay. Tell me another way, or say `help` to see what I can do."), outcome="cancelled")
        recognition = self._recognise(turn)
        best = recognition.best
        names = [intent.name for intent, _ in offered]
        if best is not None and best.intent.name in names and recognition.verdict != "unknown":
            return self._advance(turn, best.intent, best.values, best.problems, waiting=True)
        return self._act_on(turn, recognition, waiting=True)  # something else entirely: a fresh request

    def _switch_answered(self, turn: Turn, intent: Intent, state: DialogState, said: str) -> Step:
        pending = state.pending or {}
        verdict = affirmation(said)
        resumed = DialogState(state.intent, str(pending.get("resume") or ""), state.slots)
        if verdict == "yes":
            target = self.registry.get(str(pending.get("intent")))
            if target is None:
                self.store.clear(turn.dialog_key)
                return self._fresh(turn)
            return self._start_with_raw(turn, target, pending.get("slots") or {}, waiting=True)
        if verdict == "no":
            self._save(turn.dialog_key, resumed)
            return self._reask(turn, intent, resumed, lead="Okay, let's carry on. ")
        self._save(turn.dialog_key, resumed)
        return self._continue(turn, resumed)  # neither: read it as what was asked before

    def _explain(self, turn: Turn, intent: Intent, state: DialogState) -> Step:
        what = f"I'm helping you {title(intent).lower()}: {intent.description}"
        if state.awaiting == CONFIRMATION:
            return self._confirm(turn, intent, state.slots, lead=f"{what} Say yes to go ahead, no to stop, or "
                                                                 "tell me what to change. ")
        if state.awaiting == SWITCH:
            return self._reask(turn, intent, state, lead=f"{what} Say `cancel` to stop. ")
        slot = intent.slot(state.awaiting)
        choices = ""
        if isinstance(slot.type, Choice):
            choices = f"Choose {repair.or_list(list(slot.type.values[:MAX_CHOICE_BUTTONS]))}. "
        elif slot.example:
            choices = f"For example: {slot.example}. "
        return self._ask(turn, intent, slot, state.slots, lead=f"{what} {choices}Say `cancel` to stop. ")

    def _reask(self, turn: Turn, intent: Intent, state: DialogState, lead: str = "") -> Step:
        if state.awaiting == CONFIRMATION:
            return self._confirm(turn, intent, state.slots, lead=lead)
        return self._ask(turn, intent, intent.slot(state.awaiting), state.slots, lead=lead)

    def _ask_to_switch(self, turn: Turn, intent: Intent, state: DialogState, other: Candidate) -> Step:
        pending = {"intent": other.intent.name, "slots": _jsonable(other.values), "resume": state.awaiting}
        self._save(turn.dialog_key, DialogState(intent.name, SWITCH, state.slots, pending=pending))
        question = (f"We're in the middle of: {title(intent).lower()}. Drop that and "
                    f"{title(other.intent).lower()} instead?")
        return Step("confirm", Reply(question, buttons=YES_NO), intent, None, dict(state.slots))

    def _other_request(self, turn: Turn, current: Intent) -> Candidate | None:
        """Another intent the text clearly asks for, mid-dialog ("roll 6 please" while a topic is asked)."""
        recognition = self._recognise(turn)
        best = recognition.best
        if recognition.verdict == "confident" and best is not None and best.intent.name != current.name:
            return best
        return None

    # --- moving a dialog on ---------------------------------------------------------------------------------------

    def _called(self, turn: Turn, state: DialogState | None) -> Step:
        assert turn.call is not None
        intent = self.registry.get(turn.call.intent)
        if intent is None:
            if state is not None:
                self.store.clear(turn.dialog_key)
            return answer(fallback(self.registry, prefix=turn.command), outcome="fallback")
        values, problems = parse_slots(intent, turn.call.slots)
        return self._advance(turn, intent, values, problems, confirmed=turn.call.confirmed, waiting=state is not None)

    def _start_with_raw(self, turn: Turn, intent: Intent, raw: Mapping[str, Any], *, waiting: bool) -> Step:
        values, problems = parse_slots(intent, raw)
        return self._advance(turn, intent, values, problems, waiting=waiting)

    def _advance(self, turn: Turn, intent: Intent, values: Mapping[str, Any], problems: Mapping[str, str], *,
                 waiting: bool, confirmed: bool = False, lead: str = "") -> Step:
        """Ask for what is still wrong or missing, then for confirmation, then run the intent.

        `waiting`: a dialog was stored for this turn, so finishing must clear it (a one-shot intent costs no write).
        `lead` goes before a question asked now (what a correction changed).
        """
        key = turn.dialog_key
        if problems:
            name, problem = next(iter(problems.items()))
            return self._ask(turn, intent, intent.slot(name), {k: v for k, v in values.items() if k != name},
                             lead=f"{lead}Sorry, {problem}. ")
        missing = [slot for slot in intent.slots if slot.required and slot.name not in values]
        if missing:
            return self._ask(turn, intent, missing[0], values, lead=lead)
        if intent.confirm and not confirmed:
            return self._confirm(turn, intent, values)
        if waiting:
            self.store.clear(key)
        ready = turn.with_slots(values)
        if intent.slow and self.later is not None:
            reply = self.work.admit(intent, ready) or self.later(intent, ready)
        else:
            reply = self.work.run(intent, ready)
        return answer(reply, intent, values, outcome="done")

    def _ask(self, turn: Turn, intent: Intent, slot: Slot, values: Mapping[str, Any], lead: str = "") -> Step:
        self._save(turn.dialog_key, DialogState(intent.name, slot.name, dict(values)))
        buttons: tuple[Button, ...] = ()
        if isinstance(slot.type, Choice):
            buttons = tuple(Button(value, say=value) for value in slot.type.values[:MAX_CHOICE_BUTTONS])
        return ask(intent, slot.name, values, Reply(f"{lead}{slot.prompt}", buttons=buttons))

    def _confirm(self, turn: Turn, intent: Intent, values: Mapping[str, Any], lead: str = "") -> Step:
        self._save(turn.dialog_key, DialogState(intent.name, CONFIRMATION, dict(values)))
        return confirm(intent, values, Reply(f"{lead}{confirmation_question(intent, values)}", buttons=YES_NO))

    # --- recognition and state ------------------------------------------------------------------------------------

    def _recognise(self, turn: Turn) -> Recognition:
        recognition = self.registry.recogniser().recognise(turn.text)
        _log_recognition(turn, recognition)
        if self.observer is not None:
            self.observer(turn, recognition)
        return recognition

    def _load(self, key: str) -> DialogState | None:
        saved = self.store.load(key)
        return DialogState.from_dict(saved) if saved else None

    def _save(self, key: str, state: DialogState) -> None:
        self.store.save(key, state.to_dict())


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


def confirmation_question(intent: Intent, values: Mapping[str, Any]) -> str:
    """The intent's `confirm` text with the slot values in place."""
    return PLACEHOLDER.sub(lambda found: str(values.get(found.group(1), "")), intent.confirm or "")


def answer_once(turn: Turn, registry: Registry) -> Reply:
    """A single turn with no dialog kept (tests, one-shot callers)."""
    return Engine(registry).answer(turn)


def _corrected(intent: Intent, before: Mapping[str, Any], now: Mapping[str, Any]) -> str:
    """What an answer changed of slots already filled, said back ("Okay, the topic is now “the vpn”. ")."""
    changed = [f"the {name.replace('_', ' ')} is now “{value}”" for name, value in now.items()
               if name in before and before[name] != value and not intent.slot(name).secret]
    return f"Okay, {repair.or_list(changed)}. " if changed else ""


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if isinstance(value, str | int | float | bool)}


def _log_recognition(turn: Turn, recognition: Recognition) -> None:
    best = recognition.best
    runner_up = recognition.candidates[1] if len(recognition.candidates) > 1 else None
    fields: dict[str, Any] = {"verdict": recognition.verdict, "via": turn.via}
    if best is not None:
        secret = any(slot.secret for slot in best.intent.slots)
        fields.update(intent=best.intent.name, score=round(best.score, 3),
                      reason="(has a secret slot)" if secret else best.reason)
    if runner_up is not None:
        fields.update(runner_up=runner_up.intent.name, runner_up_score=round(runner_up.score, 3))
    log.info("recognised", extra=fields)
