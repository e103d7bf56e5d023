"""The Lex V2 code hook: Lex drives the conversation, the intents of `intents/` decide and answer.

Lex invokes the hook synchronously and waits about 30 s, and there is no way to push a late answer
into a Lex conversation. So:

- DialogCodeHook: slot values are checked with the slot types the intents declare; a value that does
  not fit is asked again (ElicitSlot) with the reason; an intent that declares a confirmation asks it
  (ConfirmIntent) once its required slots are in; otherwise Lex carries on (Delegate).
- FulfillmentCodeHook: a fast intent runs here and Closes with its reply. A slow one is queued to the
  worker, as Slack's jobs are; the hook Closes at once saying so. The caller's next turn (any intent)
  starts with the finished result, read from the job store by who the caller is; `status` asks for it.
- Spoken turns get SSML, typed turns plain text and a response card for choices.

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
    Intent,
    LexEvent,
    LexResponse,
    Message,
    ResponseIntent,
    ResponseSessionState,
    Slot,
    SlotValue,
)
from bot.channels.lex.names import FALLBACK_INTENT, intent_from_lex, lex_slot_name, slot_from_lex
from bot.channels.lex.speech import lex_messages
from bot.conversation.engine import confirmation_question, parse_slots
from bot.conversation.help import fallback
from bot.conversation.identity import Person, anonymous_caller, caller_key
from bot.conversation.intent import Intent as Declared
from bot.conversation.registry import Registry
from bot.conversation.reply import Button, Reply
from bot.conversation.slots import Text
from bot.conversation.turn import Turn
from bot.conversation.work import Work
from bot.stores.bundle import Stores
from bot.stores.jobs import JobRecord
from bot.stores.keys import workspace_key

log = Logger(child=True)

APOLOGY = "Sorry, something went wrong on my side. Please try again."
ON_IT = "I'm on it. It takes a little while: ask me for the status, or just carry on and I'll tell you when it's done."
DECLINED = "Okay, I won't."
YES_NO = (Button("Yes", say="yes"), Button("No", say="no"))

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
                 caller_key: Callable[[], str | None] = lambda: None) -> None:
        self.registry = registry
        self.stores = stores
        self.work = Work(registry, stores)
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

    def _answer(self, lex: LexEvent) -> LexResponse:
        attributes = dict(lex.session_state.session_attributes)
        lex_intent = lex.session_state.intent or Intent(name=FALLBACK_INTENT)
        declared = self.registry.get(intent_from_lex(lex_intent.name) or "")
        caller = self.caller(lex)
        news: list[Reply] = []
        if declared is None or declared.name != STATUS_INTENT:  # `status` tells a finished job itself
            news = self._news(caller.person)
        if declared is None:
            # FallbackIntent or an intent this code does not know: say what works, and listen for a new intent
            return self._respond(lex, [*news, fallback(self.registry)], attributes, "ElicitIntent", None)

        values, problems = parse_slots(declared, self._slot_texts(lex, declared, lex_intent))
        if problems:
            name, problem = next(iter(problems.items()))
            values.pop(name, None)
            prompt = declared.slot(name).prompt
            return self._respond(lex, [*news, Reply(f"Sorry, {problem}. {prompt}")], attributes, "ElicitSlot",
                                 ResponseIntent(name=lex_intent.name, slots=_slots(declared, values),
                                                state="InProgress", confirmation_state=lex_intent.confirmation_state),
                                 slot_to_elicit=lex_slot_name(name))
        if lex_intent.confirmation_state == "Denied":
            return self._respond(lex, [*news, Reply(DECLINED)], attributes, "Close",
                                 ResponseIntent(name=lex_intent.name, slots=_slots(declared, values), state="Failed",
                                                confirmation_state="Denied"))
        missing = [slot for slot in declared.slots if slot.required and slot.name not in values]
        intent = ResponseIntent(name=lex_intent.name, slots=_slots(declared, values), state="InProgress",
                                confirmation_state=lex_intent.confirmation_state)
        if lex.invocation_source == "DialogCodeHook":
            if not missing and declared.confirm and lex_intent.confirmation_state == "None":
                question = Reply(confirmation_question(declared, values), buttons=YES_NO)
                return self._respond(lex, [*news, question], attributes, "ConfirmIntent", intent)
            return self._respond(lex, news, attributes, "Delegate", intent)  # Lex asks for the rest itself
        if missing:  # fulfillment without a required slot: ask for it rather than fail
            prompt = Reply(missing[0].prompt)
            return self._respond(lex, [*news, prompt], attributes, "ElicitSlot", intent,
                                 slot_to_elicit=lex_slot_name(missing[0].name))
        return self._fulfil(lex, caller, declared, values, attributes, news, intent)

    def _fulfil(self, lex: LexEvent, caller: Caller, declared: Declared, values: dict[str, Any],
                attributes: dict[str, str], news: list[Reply], intent: ResponseIntent) -> LexResponse:
        turn = Turn(text=lex.input_transcript, via="lex", person=caller.person, conversation_id=lex.session_id,
                    workspace=caller.workspace, caller_id=caller.caller_id,
                    correlation_id=lex.session_state.originating_request_id, slots=values)
        if declared.slow:
            reply = self.work.admit(declared, turn) or self._queue(lex, caller, declared, values)
        else:
            reply = self.work.run(declared, turn)
        fulfilled = intent.model_copy(update={"state": "Fulfilled"})
        return self._respond(lex, [*news, reply], attributes, "Close", fulfilled)

    def _queue(self, lex: LexEvent, caller: Caller, declared: Declared, values: dict[str, Any]) -> Reply:
        """Slow work goes to the worker; the caller hears the outcome on a later turn (or in Slack, if linked)."""
        job_id = "job-" + os.urandom(8).hex()
        self.stores.jobs.start(caller.person.key, job_id, via="lex", intent=declared.name)
        raw = {name: str(value) for name, value in values.items()}
        self.enqueue(job_id, declared.name, raw, lex.session_id, caller.person.to_dict(), caller.workspace)
        log.info("slow intent queued", extra={"job_id": job_id, "intent": declared.name})
        return Reply(ON_IT)

    def _news(self, person: Person) -> list[Reply]:
        """Outcomes of the caller's earlier slow requests, told once, before this turn's answer."""
        told = []
        for record in self.stores.jobs.untold(person.key, "lex"):
            self.stores.jobs.mark_told(person.key, record.job_id)
            told.append(_told(record))
        return told

    def _slot_texts(self, lex: LexEvent, declared: Declared, intent: Intent) -> dict[str, str]:
        texts: dict[str, str] = {}
        for lex_name in intent.slots:
            name = slot_from_lex(lex_name)
            text = intent.slot_text(lex_name)
            if name is not None and text is not None:
                texts[name] = text
        # A free-text slot Lex just asked for: the caller's own words, as Lex may keep only part of a long answer
        asked = lex.session_state.dialog_action
        if asked is not None and asked.type == "ElicitSlot" and asked.slot_to_elicit and lex.input_transcript:
            name = slot_from_lex(asked.slot_to_elicit)
            slot = next((slot for slot in declared.slots if slot.name == name), None)
            if slot is not None and isinstance(slot.type, Text):
                texts[slot.name] = lex.input_transcript
        return texts

    @staticmethod
    def _respond(lex: LexEvent, replies: list[Reply], attributes: dict[str, str], action: str,
                 intent: ResponseIntent | None, slot_to_elicit: str | None = None) -> LexResponse:
        messages = [Message.model_validate(message) for reply in replies
                    for message in lex_messages(reply, spoken=lex.spoken)]
        return LexResponse(
            session_state=ResponseSessionState(
                dialog_action=DialogAction(type=action, slot_to_elicit=slot_to_elicit),
                intent=intent,
                session_attributes=attributes,
            ),
            messages=messages,
        )


def _told(result: JobRecord) -> Reply:
    if result.status == "done":
        return Reply(f"Your earlier request is done. {result.text}")
    return Reply("Your earlier request could not be finished, sorry.")


STATUS_INTENT = "status"  # intents/status.py: it tells a finished result itself


def _slots(declared: Declared, values: dict[str, Any]) -> dict[str, Slot | None]:
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
