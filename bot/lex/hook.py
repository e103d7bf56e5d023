"""The Lex V2 code hook: Lex hears the caller, Parley's conversation engine decides, the hook speaks Lex's language.

Lex invokes the hook synchronously, on every turn (dialog and fulfillment code hooks alike), and waits about 30 s;
there is no way to push a late answer into a Lex conversation. So the hook is a translator:

- in: the caller's words (`inputTranscript`) become a turn for the engine (`bot.conversation.engine`), the same
  engine Slack and the console use, with the dialog kept in Parley's own store, not in Lex's session; an empty
  transcript (a keypad, a hand-made event) is read from Lex's own interpretation instead;
- out: the engine's step becomes Lex's action: ask -> ElicitSlot, confirm -> ConfirmIntent, a choice of intents ->
  ElicitIntent with a card, an answer -> Close (or ElicitIntent when no intent ran, so Lex listens for a new one);
- slow intents are queued to the worker, as Slack's jobs are; the hook answers at once, and the caller's next turn
  starts with the outcome, read from the job store by who the caller is; `status` asks for it;
- spoken turns get SSML, typed turns plain text and a response card for choices.

Who the caller is never comes from what the client sets (session attributes, the session id): a caller is
anonymous, scoped to their own session (or to their verified caller id, `bot.channels.lex.caller`), unless a
server-side link made with a one-time code from Slack (`intents/link.py`) says which Slack person they are.

Whatever comes in, a valid Lex response goes out: a malformed event is logged and answered with an
apology (intent state Failed), never an exception.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from pydantic import ValidationError

from bot.channels.lex.caller import ATTRIBUTE as CALLER_ATTRIBUTE
from bot.channels.lex.caller import verified_caller
from bot.channels.lex.models import (
    DialogAction,
    LexEvent,
    LexResponse,
    Message,
    ResponseIntent,
    ResponseSessionState,
    Slot,
    SlotValue,
)
from bot.channels.lex.names import FALLBACK_INTENT, intent_from_lex, lex_intent_name, lex_slot_name, slot_from_lex
from bot.channels.lex.speech import lex_messages
from bot.conversation.engine import Engine
from bot.conversation.identity import Person, anonymous_caller, caller_key
from bot.conversation.intent import Intent as Declared
from bot.conversation.registry import Registry
from bot.conversation.reply import Reply
from bot.conversation.steps import Step
from bot.conversation.turn import IntentCall, Turn
from bot.observability.emit import Emitter
from bot.observability.metrics import LEX_TURNS
from bot.stores.bundle import Stores
from bot.stores.jobs import JobRecord
from bot.stores.keys import workspace_key

log = Logger(child=True)

APOLOGY = "Sorry, something went wrong on my side. Please try again."
ON_IT = "I'm on it. It takes a little while: ask me for the status, or just carry on and I'll tell you when it's done."
STATUS_INTENT = "status"  # intents/status.py: it tells a finished result itself
LEX_SURE = 0.8  # Lex's NLU confidence above which its reading is a second opinion worth taking

# (job_id, intent, raw slot values, session_id, owner: Person.to_dict(), workspace key)
Enqueue = Callable[[str, str, dict[str, str], str, dict[str, str], str], None]


class Caller:
    """Who a Lex turn comes from: the person (linked, or anonymous), and the keys the channel knows them by."""

    def __init__(self, person: Person, caller_id: str, workspace: str) -> None:
        self.person = person
        self.caller_id = caller_id  # what links are stored under: a verified caller id, else the session
        self.workspace = workspace  # the Lex bot's workspace key


class LexHook:
    def __init__(self, registry: Registry, stores: Stores, enqueue: Enqueue,
                 caller_key: Callable[[], str | None] = lambda: None, metrics: Emitter | None = None) -> None:
        self.registry = registry
        self.stores = stores
        self.metrics = metrics  # each turn's outcome and recognition counted (EMF lines), when given
        self.engine = Engine(registry, stores, later=self._queue,
                             observer=metrics.recognised if metrics is not None else None)
        self.enqueue = enqueue
        self.caller_key = caller_key  # the stage's key for signed caller assertions, when it has one

    def __call__(self, event: Any) -> dict[str, Any]:
        try:
            lex = LexEvent.model_validate(event)
        except ValidationError as error:
            log.error("malformed Lex event", extra={"errors": error.errors(include_url=False, include_input=False)})
            return _apology(event)
        try:
            return self._answer(lex).to_dict()
        except Exception:
            log.exception("Lex hook failed", extra={"session_id": lex.session_id})
            if self.metrics is not None:
                self.metrics.failed(None, "lex", lex.session_state.originating_request_id)
            return _apology(event)

    def caller(self, lex: LexEvent) -> Caller:
        """The caller as the server knows them: a link made with a code from Slack, else anonymous."""
        workspace = workspace_key("lex", lex.bot.id)
        assertion = (lex.request_attributes.get(CALLER_ATTRIBUTE)
                     or lex.session_state.session_attributes.get(CALLER_ATTRIBUTE))
        verified = verified_caller(assertion, self.caller_key()) if assertion else None
        caller_id = caller_key(workspace, verified=verified, session_id=lex.session_id)
        linked = self.stores.links.linked(caller_id)
        if linked is not None:
            return Caller(Person.from_dict(linked), caller_id, workspace)
        return Caller(anonymous_caller(lex.bot.id, lex.session_id, verified=verified), caller_id, workspace)

    def turn(self, lex: LexEvent, caller: Caller) -> Turn:
        """The caller's turn, as the engine reads every channel's."""
        text, call = self._said(lex)
        return Turn(text=text, via="lex", person=caller.person, conversation_id=lex.session_id,
                    workspace=caller.workspace, caller_id=caller.caller_id, call=call,
                    hint=self._understood(lex) if call is None else None,
                    correlation_id=lex.session_state.originating_request_id)

    def _answer(self, lex: LexEvent) -> LexResponse:
        caller = self.caller(lex)
        turn = self.turn(lex, caller)
        step = self.engine.step(turn)
        if self.metrics is not None:
            self.metrics.step(step.kind, step.outcome, step.intent.name if step.intent else None, "lex",
                              turn.correlation_id)
            self.metrics.put({LEX_TURNS: 1}, turn.correlation_id)
        told_itself = step.intent is not None and step.intent.name == STATUS_INTENT
        news = [] if told_itself else self._news(caller.person)
        return self._respond(lex, step, news)

    def _said(self, lex: LexEvent) -> tuple[str, IntentCall | None]:
        """The caller's words; without any (a keypad, a hand-made event), what Lex understood instead."""
        text = lex.input_transcript.strip()
        if text:
            return text, None
        intent = lex.session_state.intent
        if intent is None:
            return "", None
        if intent.confirmation_state == "Denied":
            return "no", None
        declared = self.registry.get(intent_from_lex(intent.name) or "")
        if declared is None:
            return "", None
        return "", IntentCall(declared.name, self._slot_texts(intent),
                              confirmed=intent.confirmation_state == "Confirmed")

    def _understood(self, lex: LexEvent) -> IntentCall | None:
        """What Lex made of the words, when it is one of our intents and Lex is sure of it, or was asking for one
        of its slots (a keypad answer "20" to "How many sides?"): the engine's second opinion."""
        intent = lex.session_state.intent
        declared = self.registry.get(intent_from_lex(intent.name) or "") if intent is not None else None
        if intent is None or declared is None:
            return None
        asked = lex.session_state.dialog_action
        eliciting = asked is not None and asked.type == "ElicitSlot" and asked.slot_to_elicit
        confidence = next((each.nlu_confidence for each in lex.interpretations
                           if each.intent is not None and each.intent.name == intent.name), None)
        if not eliciting and (confidence is None or confidence < LEX_SURE):
            return None
        texts = self._slot_texts(intent)
        if eliciting and asked is not None and lex.input_transcript.strip():
            name = slot_from_lex(asked.slot_to_elicit or "")
            if name is not None:
                texts[name] = lex.input_transcript.strip()  # the caller's own words for what Lex asked
        return IntentCall(declared.name, texts)

    @staticmethod
    def _slot_texts(intent: Any) -> dict[str, str]:
        return {name: text for lex_name in intent.slots
                if (name := slot_from_lex(lex_name)) and (text := intent.slot_text(lex_name)) is not None}

    def _queue(self, declared: Declared, turn: Turn) -> Reply:
        """Slow work goes to the worker; the caller hears the outcome on a later turn (or in Slack, if linked)."""
        job_id = "job-" + os.urandom(8).hex()
        self.stores.jobs.start(turn.person.key, job_id, via="lex", intent=declared.name)
        raw = {name: str(value) for name, value in turn.slots.items()}
        self.enqueue(job_id, declared.name, raw, turn.conversation_id, turn.person.to_dict(), turn.workspace)
        log.info("slow intent queued", extra={"job_id": job_id, "intent": declared.name})
        return Reply(ON_IT)

    def _news(self, person: Person) -> list[Reply]:
        """Outcomes of the caller's earlier slow requests, told once, before this turn's answer."""
        told = []
        for record in self.stores.jobs.untold(person.key, "lex"):
            self.stores.jobs.mark_told(person.key, record.job_id)
            told.append(_told(record))
        return told

    @staticmethod
    def _respond(lex: LexEvent, step: Step, news: list[Reply]) -> LexResponse:
        """The step as Lex's dialog action, with news first; the session attributes as they came."""
        intent: ResponseIntent | None = None
        slot_to_elicit = None
        if step.intent is not None and step.kind != "choose":
            state = {"ask": "InProgress", "confirm": "InProgress"}.get(
                step.kind, "Failed" if step.outcome == "declined" else "Fulfilled")
            intent = ResponseIntent(name=lex_intent_name(step.intent.name), slots=_slots(step.intent, step.values),
                                    state=state, confirmation_state="None" if step.kind == "confirm" else None)
        if step.kind == "ask":
            action, slot_to_elicit = "ElicitSlot", lex_slot_name(step.slot or "")
        elif step.kind == "confirm":
            action = "ConfirmIntent"
        elif intent is None:  # a choice of intents, or an answer no intent gave: Lex listens for a new intent
            action = "ElicitIntent"
        else:
            action = "Close"
        messages = [Message.model_validate(message) for reply in [*news, step.reply]
                    for message in lex_messages(reply, spoken=lex.spoken)]
        return LexResponse(
            session_state=ResponseSessionState(
                dialog_action=DialogAction(type=action, slot_to_elicit=slot_to_elicit),
                intent=intent,
                session_attributes=dict(lex.session_state.session_attributes),
            ),
            messages=messages,
        )


def _told(result: JobRecord) -> Reply:
    if result.status == "done":
        return Reply(f"Your earlier request is done. {result.text}")
    return Reply("Your earlier request could not be finished, sorry.")


def _slots(declared: Declared, values: Any) -> dict[str, Slot | None]:
    """The intent's slots as Lex should keep them: parsed values in place, the rest unfilled (null)."""
    slots: dict[str, Slot | None] = {}
    for slot in declared.slots:
        value = values.get(slot.name)
        slots[lex_slot_name(slot.name)] = None if value is None else Slot(
            shape="Scalar", value=SlotValue(original_value=str(value), interpreted_value=str(value),
                                            resolved_values=[str(value)]))
    return slots


def _apology(event: Any) -> dict[str, Any]:
    """A valid Close, whatever the event was: its intent's name when it has one."""
    name = FALLBACK_INTENT
    attributes: dict[str, str] = {}
    spoken = False
    if isinstance(event, dict):
        state = event.get("sessionState") if isinstance(event.get("sessionState"), dict) else {}
        intent = state.get("intent") if isinstance(state.get("intent"), dict) else {}
        if isinstance(intent.get("name"), str) and intent["name"]:
            name = intent["name"]
        raw = state.get("sessionAttributes")
        if isinstance(raw, dict):
            attributes = {str(k): str(v) for k, v in raw.items() if isinstance(v, str)}
        spoken = event.get("inputMode") in ("Speech", "DTMF")
    content = f"<speak>{APOLOGY}</speak>" if spoken else APOLOGY
    return {
        "sessionState": {"dialogAction": {"type": "Close"}, "intent": {"name": name, "state": "Failed"},
                         "sessionAttributes": attributes},
        "messages": [{"contentType": "SSML" if spoken else "PlainText", "content": content}],
    }
