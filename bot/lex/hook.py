"""The Lex V2 code hook: Lex drives the conversation, the intents of `intents/` decide and answer.

Lex invokes the hook synchronously and waits about 30 s, and there is no way to push a late answer
into a Lex conversation. So:

- DialogCodeHook: slot values are checked with the slot types the intents declare; a value that does
  not fit is asked again (ElicitSlot) with the reason; an intent that declares a confirmation asks it
  (ConfirmIntent) once its required slots are in; otherwise Lex carries on (Delegate).
- FulfillmentCodeHook: a fast intent runs here and Closes with its reply. A slow one is queued to the
  worker, as Slack's jobs are; the hook Closes at once saying so, with the job id in the session. The
  caller's next turn (any intent) starts with the finished result; `status` asks for it.
- Spoken turns get SSML, typed turns plain text and a response card for choices.

Whatever comes in, a valid Lex response goes out: a malformed event is logged and answered with an
apology (intent state Failed), never an exception.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from pydantic import ValidationError

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
from bot.conversation.intent import Intent as Declared
from bot.conversation.registry import Registry
from bot.conversation.reply import Button, Reply
from bot.conversation.slots import Text
from bot.conversation.turn import Turn
from bot.queue.results import JOB_ATTRIBUTE, JOB_RESULT_ATTRIBUTE, JobResult, JobResults

log = Logger(child=True)

# Linking a Lex session to a Slack user (set by the client that starts the session) sends results there too
SLACK_USER_ATTRIBUTE = "slack_user_id"
APOLOGY = "Sorry, something went wrong on my side. Please try again."
ON_IT = "I'm on it. It takes a little while: ask me for the status, or just carry on and I'll tell you when it's done."
DECLINED = "Okay, I won't."
YES_NO = (Button("Yes", say="yes"), Button("No", say="no"))

Enqueue = Callable[[str, str, dict[str, str], str, str, str | None], None]


class LexHook:
    def __init__(self, registry: Registry, results: JobResults, enqueue: Enqueue) -> None:
        self.registry = registry
        self.results = results
        self.enqueue = enqueue  # (job_id, intent, raw slots, session_id, user_id, slack_user_id)

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

    def _answer(self, lex: LexEvent) -> LexResponse:
        attributes = dict(lex.session_state.session_attributes)
        lex_intent = lex.session_state.intent or Intent(name=FALLBACK_INTENT)
        declared = self.registry.get(intent_from_lex(lex_intent.name) or "")
        finished = self._finished_job(attributes)
        news: list[Reply] = []
        if finished is not None:
            attributes.pop(JOB_ATTRIBUTE)  # told now, once: by `status` itself, or before this turn's answer
            if declared is None or declared.name != STATUS_INTENT:
                news = [_told(finished)]
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
        turn_attributes = dict(lex.session_state.session_attributes)
        if finished is not None:
            turn_attributes[JOB_RESULT_ATTRIBUTE] = finished.text
        return self._fulfil(lex, declared, values, attributes, turn_attributes, news, intent)

    def _fulfil(self, lex: LexEvent, declared: Declared, values: dict[str, Any], attributes: dict[str, str],
                turn_attributes: dict[str, str], news: list[Reply], intent: ResponseIntent) -> LexResponse:
        user_id = attributes.get(SLACK_USER_ATTRIBUTE) or lex.session_id
        if declared.slow:
            job_id = "job-" + os.urandom(8).hex()
            raw = {name: str(value) for name, value in values.items()}
            self.enqueue(job_id, declared.name, raw, lex.session_id, user_id, attributes.get(SLACK_USER_ATTRIBUTE))
            attributes[JOB_ATTRIBUTE] = job_id
            log.info("slow intent queued", extra={"job_id": job_id, "intent": declared.name})
            reply = Reply(ON_IT)
        else:
            turn = Turn(text=lex.input_transcript, channel="lex", user_id=user_id, conversation_id=lex.session_id,
                        correlation_id=lex.session_state.originating_request_id, attributes=turn_attributes,
                        slots=values)
            reply = declared.handler(turn)
        fulfilled = intent.model_copy(update={"state": "Fulfilled"})
        return self._respond(lex, [*news, reply], attributes, "Close", fulfilled)

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

    def _finished_job(self, attributes: dict[str, str]) -> JobResult | None:
        """The result of the caller's earlier slow request, once it is ready."""
        job_id = attributes.get(JOB_ATTRIBUTE)
        return self.results.get(job_id) if job_id else None

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


def _told(result: JobResult) -> Reply:
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
