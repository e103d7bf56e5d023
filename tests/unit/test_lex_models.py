"""The Lex V2 models read every recorded event, and `response_problems` knows Lex's response rules."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from bot.channels.lex.models import (
    ActiveContext,
    Button,
    DialogAction,
    ImageResponseCard,
    Intent,
    LexEvent,
    LexResponse,
    Message,
    ResponseIntent,
    ResponseSessionState,
    Slot,
    SlotValue,
)
from tests.support.lex_rules import response_problems

LEX_EVENTS = Path(__file__).resolve().parents[1] / "events" / "lex"
FILES = sorted(LEX_EVENTS.glob("*.json"))


def load(name: str) -> dict[str, Any]:
    return json.loads((LEX_EVENTS / name).read_text())


def event(name: str) -> LexEvent:
    return LexEvent.model_validate(load(name))


# --- the events -----------------------------------------------------------------------------------------------


def test_the_fixtures_are_all_there() -> None:
    names = {path.name for path in FILES}
    assert {"sam_banking_bot.json", "sam_book_car.json", "sam_book_hotel.json"} <= names
    assert {f"edge_{kind}.json" for kind in ("null_slots", "list_slot", "composite_slot", "missing_interpreted_value",
                                              "unknown_fields", "no_interpretations", "speech_input", "connect_ssml",
                                              "fallback", "confirmation_denied")} <= names
    assert {"dotnet_confidence_object.json", "dotnet_current.json", "go_library_event.json", "go_zero_values.json",
            "logged_null_active_contexts.json"} <= names


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_every_event_parses(path: Path) -> None:
    parsed = LexEvent.model_validate_json(path.read_text())
    assert parsed.message_version == "1.0"
    assert parsed.invocation_source in ("DialogCodeHook", "FulfillmentCodeHook")
    assert parsed.bot.locale_id


def test_sam_events_read_as_aws_wrote_them() -> None:
    banking = event("sam_banking_bot.json")
    assert banking.invocation_source == "FulfillmentCodeHook"
    assert banking.session_state.intent is not None
    assert banking.session_state.intent.slot_text("accountType") == "Savings"
    assert banking.interpretations[1].intent.name == "FallbackIntent"
    assert banking.interpretations[1].nlu_confidence is None
    assert banking.transcriptions[0].transcription == "01/01/1990"

    car = event("sam_book_car.json")
    assert car.proposed_next_state is not None
    assert car.proposed_next_state.dialog_action == DialogAction(type="ElicitSlot", slot_to_elicit="PickUpCity")
    assert car.session_state.session_attributes == {}  # absent in the event: defaulted
    assert car.request_attributes == {}


def test_no_interpretations_key_defaults_to_empty() -> None:
    assert "interpretations" not in load("edge_no_interpretations.json")
    assert event("edge_no_interpretations.json").interpretations == []


def test_fallback_has_no_confidence() -> None:
    parsed = event("edge_fallback.json")
    assert parsed.interpretations[0].intent.name == "FallbackIntent"
    assert parsed.interpretations[0].nlu_confidence is None
    assert parsed.interpretations[1].nlu_confidence == 0.21


def test_confirmation_denied() -> None:
    intent = event("edge_confirmation_denied.json").session_state.intent
    assert intent is not None
    assert intent.confirmation_state == "Denied"


def test_confirmation_state_defaults_to_none() -> None:
    assert Intent(name="roll").confirmation_state == "None"


def test_another_message_version_is_refused() -> None:
    body = load("sam_book_car.json")
    body["messageVersion"] = "2.0"
    with pytest.raises(ValidationError):
        LexEvent.model_validate(body)


def test_unknown_fields_are_kept_at_every_level() -> None:
    body = load("edge_unknown_fields.json")
    parsed = LexEvent.model_validate(body)
    assert parsed.model_extra == {"invocationLabel": "fulfill-primes", "futureTopLevelField": {"anything": [1, 2, 3]}}
    assert parsed.bot.model_extra == {"futureBotField": "kept"}
    assert parsed.interpretations[0].model_extra == {"futureInterpretationField": 0.5}
    intent = parsed.session_state.intent
    assert intent is not None
    assert intent.model_extra == {"futureIntentField": ["a", "b"]}
    slot = intent.slots["limit"]
    assert slot is not None and slot.value is not None
    assert slot.model_extra == {"futureSlotField": {"nested": True}}
    assert slot.value.model_extra == {"futureValueField": "kept"}
    assert parsed.session_state.model_extra == {"futureSessionField": {"x": 1}}
    assert parsed.transcriptions[0].model_extra == {"futureTranscriptionField": True}
    # and they go back out unchanged: nothing the hook echoes is lost
    assert parsed.model_dump(mode="json", by_alias=True, exclude_unset=True) == body


# --- tolerant where it costs nothing ---------------------------------------------------------------------------


def changed(change: Any, name: str = "edge_null_slots.json") -> dict[str, Any]:
    """The event `name`, changed by `change(body)`."""
    body = load(name)
    change(body)
    return body


def test_aws_libraries_write_the_confidence_as_an_object() -> None:
    assert event("go_library_event.json").interpretations[0].nlu_confidence == 0.95
    assert event("dotnet_confidence_object.json").interpretations[0].nlu_confidence == 1.0
    assert event("dotnet_current.json").interpretations[0].nlu_confidence == 0.88  # the library's number today


def test_the_dotnet_library_writes_no_alias_name() -> None:
    bot = event("dotnet_current.json").bot
    assert (bot.id, bot.locale_id, bot.alias_id, bot.alias_name) == ("PARLEYB0T1", "en_US", "TSTALIASID", None)


def test_a_sentiment_is_any_string_kept_as_given() -> None:
    sentiment = event("dotnet_confidence_object.json").interpretations[0].sentiment_response
    assert sentiment is not None and sentiment.sentiment == "Neutral"
    assert event("dotnet_current.json").interpretations[0].sentiment_response.sentiment == "positive"  # type: ignore[union-attr]


def test_a_logged_turn_with_null_active_contexts() -> None:
    assert load("logged_null_active_contexts.json")["sessionState"]["activeContexts"] is None
    assert event("logged_null_active_contexts.json").session_state.active_contexts == []


def test_go_zero_values_read_as_what_they_mean() -> None:
    parsed = event("go_zero_values.json")
    intent = parsed.session_state.intent
    assert intent is not None
    assert (intent.confirmation_state, intent.state) == ("None", None)  # "" and ""
    assert intent.slot_text("topic") == "the printer on floor three"  # no shape: Scalar
    assert intent.slot_text("priority") is None  # {}: unfilled
    assert intent.slot_text("component") == "billing"  # a List whose items are bare values
    assert parsed.request_attributes == {}  # null
    first = parsed.interpretations[0].intent
    assert first is not None and first.slots == {}  # null


NULLS = {
    "sessionAttributes": lambda body: body["sessionState"].update(sessionAttributes=None),
    "requestAttributes": lambda body: body.update(requestAttributes=None),
    "proposedNextState": lambda body: body.update(proposedNextState=None),
    "an interpretation's slot": lambda body: body["interpretations"][0]["intent"]["slots"].update(topic=None),
    "an interpretation's slots": lambda body: body["interpretations"][0]["intent"].update(slots=None),
    "the intent's slots": lambda body: body["sessionState"]["intent"].update(slots=None),
    "a slot's value": lambda body: body["sessionState"]["intent"]["slots"].update(topic={"shape": "Scalar",
                                                                                         "value": None}),
    "a value's resolvedValues": lambda body: body["sessionState"]["intent"]["slots"].update(
        topic={"shape": "Scalar", "value": {"originalValue": "x", "interpretedValue": "x", "resolvedValues": None}}),
}


@pytest.mark.parametrize("where", list(NULLS))
def test_null_where_lex_may_send_null(where: str) -> None:
    parsed = LexEvent.model_validate(changed(NULLS[where]))
    assert parsed.session_state.session_attributes == {} and parsed.request_attributes == {}


def case(change: Any, read: Any, name: str) -> Any:
    return pytest.param(change, read, id=name)


@pytest.mark.parametrize(
    ("change", "read"),
    [
        case(lambda body: body["interpretations"][0].update(nluConfidence="high"),
             lambda parsed: parsed.interpretations[0].nlu_confidence, "nluConfidence a word"),
        case(lambda body: body["interpretations"][0].update(nluConfidence={"value": 0.9}),
             lambda parsed: parsed.interpretations[0].nlu_confidence, "nluConfidence an object without score"),
        case(lambda body: body["interpretations"][0].update(sentimentResponse="POSITIVE"),
             lambda parsed: parsed.interpretations[0].sentiment_response, "sentimentResponse a string"),
        case(lambda body: body["interpretations"][0].update(interpretationSource=["Lex"]),
             lambda parsed: parsed.interpretations[0].interpretation_source, "interpretationSource a list"),
        case(lambda body: body["interpretations"][0]["intent"].update(confirmationState="Maybe"),
             lambda parsed: parsed.interpretations[0].intent, "an interpretation's confirmationState"),
        case(lambda body: body["interpretations"][0]["intent"].update(state="Pondering"),
             lambda parsed: parsed.interpretations[0].intent.state, "an interpretation's intent state"),
        case(lambda body: body.update(proposedNextState="ElicitSlot"),
             lambda parsed: parsed.proposed_next_state, "proposedNextState a string"),
        case(lambda body: body["proposedNextState"].update(dialogAction={"type": "Ponder"}),
             lambda parsed: parsed.proposed_next_state.dialog_action, "proposed dialogAction type"),
        case(lambda body: body.update(responseContentType=7),
             lambda parsed: parsed.response_content_type, "responseContentType a number"),
        case(lambda body: body["bot"].pop("aliasName"), lambda parsed: parsed.bot.alias_name, "no bot.aliasName"),
        case(lambda body: body["bot"].update(name=None, version=2),
             lambda parsed: parsed.bot.name or parsed.bot.version, "bot name and version"),
        case(lambda body: body["sessionState"].update(runtimeHints=[]),
             lambda parsed: parsed.session_state.runtime_hints, "runtimeHints a list"),
        case(lambda body: body["sessionState"].update(originatingRequestId=7),
             lambda parsed: parsed.session_state.originating_request_id, "originatingRequestId a number"),
        case(lambda body: body["sessionState"]["intent"].update(state="Pondering"),
             lambda parsed: parsed.session_state.intent.state, "the intent's state"),
        case(lambda body: body["sessionState"].update(dialogAction={"type": "ElicitSlot", "slotToElicit": "topic",
                                                                     "slotElicitationStyle": "Loudly"}),
             lambda parsed: parsed.session_state.dialog_action.slot_elicitation_style, "slotElicitationStyle"),
        case(lambda body: body["transcriptions"][0].update(transcriptionConfidence={"score": "sure"}),
             lambda parsed: parsed.transcriptions[0].transcription_confidence, "transcriptionConfidence a word"),
        case(lambda body: body["transcriptions"][0].update(resolvedSlots="topic"),
             lambda parsed: parsed.transcriptions[0].resolved_slots, "resolvedSlots a string"),
    ],
)
def test_a_field_the_hook_never_reads_is_none_when_malformed(change: Any, read: Any) -> None:
    assert read(LexEvent.model_validate(changed(change))) is None


@pytest.mark.parametrize(
    ("change", "read"),
    [
        case(lambda body: body.update(interpretations="open_ticket"), lambda parsed: parsed.interpretations,
             "interpretations a string"),
        case(lambda body: body["sessionState"].update(activeContexts={"name": "x"}),
             lambda parsed: parsed.session_state.active_contexts, "activeContexts an object"),
        case(lambda body: body["sessionState"].update(activeContexts=[{"name": 3}]),
             lambda parsed: parsed.session_state.active_contexts, "an active context without a name"),
        case(lambda body: body.update(transcriptions=None), lambda parsed: parsed.transcriptions,
             "transcriptions null"),
    ],
)
def test_a_list_the_hook_never_reads_keeps_only_its_good_items(change: Any, read: Any) -> None:
    assert read(LexEvent.model_validate(changed(change))) == []


def test_a_bad_interpretation_drops_out_and_the_rest_stay_in_order() -> None:
    def insert(body: dict[str, Any]) -> None:
        body["interpretations"][1:1] = ["garbage", {"intent": "roll", "nluConfidence": 0.5}]

    parsed = LexEvent.model_validate(changed(insert))
    assert [each.intent.name if each.intent else None for each in parsed.interpretations] == [
        "open_ticket", None, "my_tickets", "FallbackIntent"]  # "garbage" is not an interpretation; "roll" not an intent
    assert parsed.interpretations[1].nlu_confidence == 0.5


STRICT = {
    "another messageVersion": lambda body: body.update(messageVersion="2.0"),
    "an unknown invocationSource": lambda body: body.update(invocationSource="Other"),
    "an unknown inputMode": lambda body: body.update(inputMode="Video"),
    "no sessionId": lambda body: body.pop("sessionId"),
    "a null sessionId": lambda body: body.update(sessionId=None),
    "inputTranscript a number": lambda body: body.update(inputTranscript=5),
    "no bot.id": lambda body: body["bot"].pop("id"),
    "a null bot.localeId": lambda body: body["bot"].update(localeId=None),
    "no bot.aliasId": lambda body: body["bot"].pop("aliasId"),
    "a request attribute not a string": lambda body: body.update(
        requestAttributes={"x-amz-lex:accept-content-types": ["SSML"]}),
    "a session attribute not a string": lambda body: body["sessionState"].update(sessionAttributes={"turns": 2}),
    "sessionAttributes a string": lambda body: body["sessionState"].update(sessionAttributes="turns=2"),
    "an intent without a name": lambda body: body["sessionState"]["intent"].pop("name"),
    "an unknown confirmationState": lambda body: body["sessionState"]["intent"].update(confirmationState="Maybe"),
    "slots a list": lambda body: body["sessionState"]["intent"].update(slots=["topic"]),
    "an unknown slot shape": lambda body: body["sessionState"]["intent"]["slots"].update(topic={"shape": "Tree"}),
    "a slot value not a string": lambda body: body["sessionState"]["intent"]["slots"].update(
        topic={"value": {"originalValue": 5}}),
    "an unknown dialogAction type": lambda body: body["sessionState"].update(dialogAction={"type": "Ponder"}),
    "slotToElicit a number": lambda body: body["sessionState"].update(
        dialogAction={"type": "ElicitSlot", "slotToElicit": 5}),
    "a null sessionState": lambda body: body.update(sessionState=None),
}


@pytest.mark.parametrize("name", list(STRICT))
def test_what_the_hook_uses_is_read_strictly(name: str) -> None:
    with pytest.raises(ValidationError):
        LexEvent.model_validate(changed(STRICT[name]))


# --- spoken ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "spoken"),
    [("edge_speech_input.json", True), ("edge_connect_ssml.json", True), ("sam_book_car.json", False),
     ("edge_null_slots.json", False)],
)
def test_spoken_fixtures(name: str, spoken: bool) -> None:
    assert event(name).spoken is spoken


@pytest.mark.parametrize(
    ("mode", "accepts", "spoken"),
    [
        ("Text", None, False),
        ("Speech", None, True),
        ("DTMF", None, True),
        ("Text", "PlainText,SSML", True),
        ("Text", "PlainText, SSML", True),
        ("Text", "SSML", True),
        ("Text", "PlainText", False),
        ("Text", "", False),
    ],
)
def test_spoken(mode: str, accepts: str | None, spoken: bool) -> None:
    body = load("sam_book_car.json")
    body["inputMode"] = mode
    if accepts is not None:
        body["requestAttributes"] = {"x-amz-lex:accept-content-types": accepts}
    assert LexEvent.model_validate(body).spoken is spoken


# --- slot text ------------------------------------------------------------------------------------------------


def test_slot_text_scalar() -> None:
    intent = event("edge_no_interpretations.json").session_state.intent
    assert intent is not None
    assert intent.slot_text("sides") == "6"


def test_slot_text_list_joins_the_values() -> None:
    intent = event("edge_list_slot.json").session_state.intent
    assert intent is not None
    assert intent.slot_text("component") == "billing, invoices"
    assert intent.slot_text("topic") == "the invoice page is blank"


def test_slot_text_composite_is_none() -> None:
    intent = event("edge_composite_slot.json").session_state.intent
    assert intent is not None
    component = intent.slots["component"]
    assert component is not None and component.sub_slots is not None
    assert intent.slot_text("component") is None
    area = component.sub_slots["area"]
    assert area is not None and area.text() == "mobile app"
    assert component.sub_slots["build"] is None


def test_slot_text_falls_back_to_the_original_value() -> None:
    intent = event("edge_missing_interpreted_value.json").session_state.intent
    assert intent is not None
    slot = intent.slots["sides"]
    assert slot is not None and slot.value is not None and slot.value.interpreted_value is None
    assert intent.slot_text("sides") == "20"


def test_slot_text_of_null_and_unknown_slots_is_none() -> None:
    intent = event("edge_null_slots.json").session_state.intent
    assert intent is not None
    assert intent.slots == {"topic": None, "priority": None, "component": None}
    assert intent.slot_text("topic") is None
    assert intent.slot_text("no_such_slot") is None


def test_slot_text_edge_values() -> None:
    assert Slot().text() is None
    assert Slot(value=SlotValue(original_value="", interpreted_value="")).text() is None
    assert Slot(value=SlotValue(original_value="six", interpreted_value="6")).text() == "6"
    # a List slot whose items are not there yet: the phrase Lex heard
    assert Slot(shape="List", value=SlotValue(original_value="a and b")).text() == "a and b"
    assert Slot(shape="List", values=[Slot(), Slot(value=SlotValue(original_value="b"))]).text() == "b"


# --- the response model ---------------------------------------------------------------------------------------


def test_to_dict_uses_aws_names_and_drops_nulls() -> None:
    response = LexResponse(
        session_state=ResponseSessionState(
            dialog_action=DialogAction(type="ElicitSlot", slot_to_elicit="priority"),
            intent=ResponseIntent(name="open_ticket", state="InProgress",
                                  slots={"topic": Slot(value=SlotValue(original_value="x", interpreted_value="x")),
                                         "priority": None}),
            session_attributes={"turns": "2"},
        ),
        messages=[Message(content_type="PlainText", content="How urgent is it?"),
                  Message(content_type="ImageResponseCard",
                          image_response_card=ImageResponseCard(title="Priority",
                                                                buttons=[Button(text="high", value="high")]))],
    )
    body = response.to_dict()
    assert body == {
        "sessionState": {
            "dialogAction": {"type": "ElicitSlot", "slotToElicit": "priority"},
            "intent": {"name": "open_ticket", "state": "InProgress",
                       "slots": {"topic": {"shape": "Scalar", "value": {"originalValue": "x", "interpretedValue": "x",
                                                                        "resolvedValues": []}},
                                 "priority": None}},
            "sessionAttributes": {"turns": "2"},
        },
        "messages": [
            {"contentType": "PlainText", "content": "How urgent is it?"},
            {"contentType": "ImageResponseCard",
             "imageResponseCard": {"title": "Priority", "buttons": [{"text": "high", "value": "high"}]}},
        ],
    }
    assert response_problems(body) == []


def test_to_dict_leaves_out_empty_messages() -> None:
    response = LexResponse(session_state=ResponseSessionState(
        dialog_action=DialogAction(type="Delegate"), intent=ResponseIntent(name="roll")))
    assert response.to_dict() == {"sessionState": {"dialogAction": {"type": "Delegate"},
                                                   "intent": {"name": "roll"}, "sessionAttributes": {}}}


def test_response_reads_aws_names_and_keeps_unknown_fields() -> None:
    body = {"sessionState": {"dialogAction": {"type": "Close"}, "intent": {"name": "roll", "state": "Fulfilled"},
                             "futureField": 1},
            "messages": [{"contentType": "PlainText", "content": "You rolled a 4 (d6)."}]}
    response = LexResponse.model_validate(body)
    assert response.session_state.intent is not None and response.session_state.intent.state == "Fulfilled"
    assert response.to_dict() == {**body, "sessionState": {**body["sessionState"], "sessionAttributes": {}}}


def test_a_response_intent_state_lex_would_refuse_does_not_build() -> None:
    with pytest.raises(ValidationError):
        ResponseIntent(name="roll", state="Waiting")  # type: ignore[arg-type]


def test_a_response_at_lex_limits_builds() -> None:
    card = ImageResponseCard(title="T" * 250, subtitle="S" * 250, image_url="u" * 250,
                             buttons=[Button(text="t" * 50, value="v" * 50)] * 5)
    message = Message(content_type="ImageResponseCard", image_response_card=card)
    state = ResponseSessionState(dialog_action=DialogAction(type="ElicitIntent"),
                                 active_contexts=[ActiveContext(name=f"c{n}") for n in range(20)])
    body = LexResponse(session_state=state, messages=[Message(content_type="PlainText", content="x" * 1000),
                                                      message]).to_dict()
    assert response_problems(body) == []


@pytest.mark.parametrize(
    "build",
    [
        lambda: Message(content_type="PlainText", content="x" * 1001),
        lambda: Message(content_type="SSML", content=""),
        lambda: Button(text="t" * 51, value="v"),
        lambda: Button(text="t", value="v" * 51),
        lambda: Button(text="", value="v"),
        lambda: ImageResponseCard(title="T" * 251),
        lambda: ImageResponseCard(title="T", subtitle="S" * 251),
        lambda: ImageResponseCard(title="T", image_url="u" * 251),
        lambda: ImageResponseCard(title="T", buttons=[Button(text="b", value="b")] * 6),
        lambda: ResponseSessionState(dialog_action=DialogAction(type="Delegate"),
                                     active_contexts=[ActiveContext(name=f"c{n}") for n in range(21)]),
    ],
)
def test_a_response_past_a_lex_limit_does_not_build(build: Any) -> None:
    with pytest.raises(ValidationError):
        build()


# --- response_problems: valid responses -----------------------------------------------------------------------


def text(content: str) -> dict[str, str]:
    return {"contentType": "PlainText", "content": content}


FILLED = {"shape": "Scalar", "value": {"originalValue": "6", "interpretedValue": "6", "resolvedValues": ["6"]}}

GOOD = {
    "Close Fulfilled": {
        "sessionState": {"dialogAction": {"type": "Close"}, "intent": {"name": "roll", "state": "Fulfilled",
                                                                       "slots": {"sides": FILLED}},
                         "sessionAttributes": {}},
        "messages": [text("You rolled a 4 (d6).")],
    },
    "Close Failed, no message": {
        "sessionState": {"dialogAction": {"type": "Close"}, "intent": {"name": "primes", "state": "Failed"}},
    },
    "Close InProgress": {
        "sessionState": {"dialogAction": {"type": "Close"}, "intent": {"name": "primes", "state": "InProgress"}},
        "messages": [text("Still counting; ask me again in a minute.")],
    },
    "ConfirmIntent": {
        "sessionState": {"dialogAction": {"type": "ConfirmIntent"},
                         "intent": {"name": "open_ticket", "state": "InProgress", "confirmationState": "None",
                                    "slots": {"topic": FILLED, "priority": FILLED, "component": None}}},
        "messages": [text("Open a high priority ticket about the printer?"),
                     {"contentType": "ImageResponseCard",
                      "imageResponseCard": {"title": "Open it?", "buttons": [{"text": "Yes", "value": "yes"},
                                                                             {"text": "No", "value": "no"}]}}],
    },
    "Delegate ReadyForFulfillment": {
        "sessionState": {"dialogAction": {"type": "Delegate"},
                         "intent": {"name": "roll", "state": "ReadyForFulfillment", "slots": {"sides": FILLED}}},
    },
    "ElicitIntent, no intent": {
        "sessionState": {"dialogAction": {"type": "ElicitIntent"}, "sessionAttributes": {"last": "roll"}},
        "messages": [{"contentType": "SSML", "content": "<speak>Sorry, I did not get that. <break time=\"300ms\"/>"
                                                         "Say help to hear what I can do.</speak>"}],
    },
    "ElicitSlot": {
        "sessionState": {"dialogAction": {"type": "ElicitSlot", "slotToElicit": "priority",
                                          "slotElicitationStyle": "Default"},
                         "intent": {"name": "open_ticket", "state": "InProgress",
                                    "slots": {"topic": FILLED, "priority": None, "component": None}}},
        "messages": [
            text("How urgent is it?"),
            {"contentType": "ImageResponseCard",
             "imageResponseCard": {"title": "T" * 250, "subtitle": "S" * 250, "imageUrl": "https://example.com/p.png",
                                   "buttons": [{"text": f"b{n}", "value": "v" * 50} for n in range(5)]}},
            {"contentType": "CustomPayload", "content": json.dumps({"choices": ["low", "normal", "high"]})},
        ],
        "requestAttributes": {"x-parley": "1"},
    },
    "list and composite slots": {
        "sessionState": {"dialogAction": {"type": "Delegate"},
                         "intent": {"name": "open_ticket", "state": "InProgress", "slots": {
                             "component": {"shape": "List", "value": FILLED["value"], "values": [FILLED, FILLED]},
                             "topic": {"shape": "Composite", "subSlots": {"a": FILLED, "b": None}}}}},
    },
    "content at the limit": {
        "sessionState": {"dialogAction": {"type": "Close"}, "intent": {"name": "echo", "state": "Fulfilled"}},
        "messages": [text("x" * 1000)],  # limits.MESSAGE_CONTENT: the smaller of the two values AWS's pages give
    },
}


@pytest.mark.parametrize("name", list(GOOD))
def test_valid_responses_have_no_problems(name: str) -> None:
    assert response_problems(GOOD[name]) == []


# --- response_problems: one broken response per rule ----------------------------------------------------------


def broken(name: str, change: Any) -> dict[str, Any]:
    """A copy of the valid response `name`, changed by `change(response)`."""
    response = copy.deepcopy(GOOD[name])
    change(response)
    return response


def card(**fields: Any) -> dict[str, Any]:
    return {"contentType": "ImageResponseCard", "imageResponseCard": {"title": "Pick one", **fields}}


def with_messages(*messages: Any) -> dict[str, Any]:
    return broken("Close Fulfilled", lambda r: r.update(messages=list(messages)))


def with_slot(slot: Any) -> dict[str, Any]:
    return broken("Close Fulfilled", lambda r: r["sessionState"]["intent"]["slots"].update(sides=slot))


BROKEN = {
    "not JSON-serializable": (broken("Close Fulfilled", lambda r: r.update(extra={1, 2})), "JSON-serializable"),
    "a null instead of a missing key": (broken("ElicitSlot", lambda r: r.update(requestAttributes=None)),
                                        "requestAttributes is null"),
    "no sessionState": ({"messages": [text("hi")]}, "sessionState is required"),
    "no dialogAction": (broken("Close Fulfilled", lambda r: r["sessionState"].pop("dialogAction")),
                        "dialogAction is required"),
    "unknown dialogAction type": (broken("Close Fulfilled", lambda r: r["sessionState"]["dialogAction"].update(
        type="Finish")), "dialogAction.type 'Finish'"),
    "ElicitSlot without slotToElicit": (broken("ElicitSlot", lambda r: r["sessionState"]["dialogAction"].pop(
        "slotToElicit")), "needs slotToElicit"),
    "ElicitSlot with an empty slotToElicit": (broken("ElicitSlot", lambda r: r["sessionState"]["dialogAction"].update(
        slotToElicit="")), "needs slotToElicit"),
    "ElicitSlot without intent": (broken("ElicitSlot", lambda r: r["sessionState"].pop("intent")),
                                  "ElicitSlot needs sessionState.intent"),
    "ConfirmIntent without intent": (broken("ConfirmIntent", lambda r: r["sessionState"].pop("intent")),
                                     "ConfirmIntent needs sessionState.intent"),
    "Delegate without intent": (broken("Delegate ReadyForFulfillment", lambda r: r["sessionState"].pop("intent")),
                                "Delegate needs sessionState.intent"),
    "Close without intent": (broken("Close Fulfilled", lambda r: r["sessionState"].pop("intent")),
                             "Close needs sessionState.intent"),
    "unknown slotElicitationStyle": (broken("ElicitSlot", lambda r: r["sessionState"]["dialogAction"].update(
        slotElicitationStyle="Loudly")), "slotElicitationStyle 'Loudly'"),
    "ElicitIntent without messages": (broken("ElicitIntent, no intent", lambda r: r.pop("messages")),
                                      "ElicitIntent needs at least one message"),
    "ElicitIntent with an empty message list": (broken("ElicitIntent, no intent", lambda r: r.update(messages=[])),
                                                "ElicitIntent needs at least one message"),
    "ConfirmIntent without messages": (broken("ConfirmIntent", lambda r: r.pop("messages")),
                                       "ConfirmIntent needs at least one message"),
    "intent without a name": (broken("Close Fulfilled", lambda r: r["sessionState"]["intent"].pop("name")),
                              "intent.name must be a non-empty string"),
    "intent that is not an object": (broken("Close Fulfilled", lambda r: r["sessionState"].update(intent="roll")),
                                     "sessionState.intent must be an object"),
    "unknown intent state": (broken("Delegate ReadyForFulfillment", lambda r: r["sessionState"]["intent"].update(
        state="Done")), "intent.state 'Done'"),
    "a state Lex sends but a hook may not answer": (
        broken("Delegate ReadyForFulfillment", lambda r: r["sessionState"]["intent"].update(state="Waiting")),
        "intent.state 'Waiting'"),
    "ReadyForFulfillment with ElicitSlot": (broken("ElicitSlot", lambda r: r["sessionState"]["intent"].update(
        state="ReadyForFulfillment")), "only valid with dialogAction Delegate, not ElicitSlot"),
    "ReadyForFulfillment with Close": (broken("Close Fulfilled", lambda r: r["sessionState"]["intent"].update(
        state="ReadyForFulfillment")), "only valid with dialogAction Delegate, not Close"),
    "Close without an intent state": (broken("Close Failed, no message", lambda r: r["sessionState"]["intent"].pop(
        "state")), "dialogAction Close needs sessionState.intent.state"),
    "unknown confirmationState": (broken("ConfirmIntent", lambda r: r["sessionState"]["intent"].update(
        confirmationState="Maybe")), "confirmationState 'Maybe'"),
    "slots that are not an object": (broken("Close Fulfilled", lambda r: r["sessionState"]["intent"].update(
        slots=["sides"])), "intent.slots must be an object"),
    "slot that is not an object": (with_slot("6"), "slots['sides'] must be an object or null"),
    "unknown slot shape": (with_slot({**FILLED, "shape": "Tree"}), "shape 'Tree'"),
    "slot value without interpretedValue": (with_slot({"shape": "Scalar", "value": {"originalValue": "6"}}),
                                            "needs a non-empty interpretedValue"),
    "Scalar slot without value": (with_slot({"shape": "Scalar"}), "Scalar slot without a value"),
    "List slot without values": (with_slot({"shape": "List", "value": FILLED["value"]}),
                                 "List slot without a values list"),
    "List slot item without interpretedValue": (
        with_slot({"shape": "List", "value": FILLED["value"], "values": [{"value": {"originalValue": "6"}}]}),
        "values[0].value needs a non-empty interpretedValue"),
    "Composite slot without subSlots": (with_slot({"shape": "Composite"}), "Composite slot without a subSlots object"),
    "session attribute that is not a string": (broken("Close Fulfilled", lambda r: r["sessionState"].update(
        sessionAttributes={"turns": 2})), "sessionAttributes['turns'] must be a string"),
    "session attribute with an empty key": (broken("Close Fulfilled", lambda r: r["sessionState"].update(
        sessionAttributes={"": "x"})), "not a non-empty string"),
    "session attributes that are not an object": (broken("Close Fulfilled", lambda r: r["sessionState"].update(
        sessionAttributes=[["a", "b"]])), "sessionAttributes must be an object"),
    "request attribute that is not a string": (broken("ElicitSlot", lambda r: r.update(
        requestAttributes={"x-parley": True})), "requestAttributes['x-parley'] must be a string"),
    "too many active contexts": (broken("Close Fulfilled", lambda r: r["sessionState"].update(
        activeContexts=[{"name": f"c{n}"} for n in range(21)])), "activeContexts has 21 items"),
    "messages not a list": (broken("Close Fulfilled", lambda r: r.update(messages=text("hi"))),
                            "messages must be a list"),
    "message not an object": (with_messages("hi"), "messages[0] must be an object"),
    "unknown contentType": (with_messages({"contentType": "Markdown", "content": "*hi*"}),
                            "contentType 'Markdown'"),
    "PlainText without content": (with_messages({"contentType": "PlainText"}), "needs a non-empty content string"),
    "PlainText with empty content": (with_messages(text("")), "needs a non-empty content string"),
    "PlainText content not a string": (with_messages({"contentType": "PlainText", "content": 4}),
                                       "needs a non-empty content string"),
    "CustomPayload without content": (with_messages({"contentType": "CustomPayload"}),
                                      "a CustomPayload message needs a non-empty content string"),
    "content too long": (with_messages(text("x" * 1001)), "1001 characters; at most 1000"),
    "SSML without speak": (with_messages({"contentType": "SSML", "content": "Hello there."}),
                           "must start with <speak> and end with </speak>"),
    "SSML not closed with speak": (with_messages({"contentType": "SSML", "content": "<speak>Hello</speak> there"}),
                                   "must start with <speak> and end with </speak>"),
    "SSML not well-formed": (with_messages({"contentType": "SSML", "content": "<speak>A <b>bold</speak>"}),
                             "not well-formed XML"),
    "SSML with a bare ampersand": (with_messages({"contentType": "SSML", "content": "<speak>R&D</speak>"}),
                                   "not well-formed XML"),
    "card without imageResponseCard": (with_messages({"contentType": "ImageResponseCard"}),
                                       "needs an imageResponseCard object"),
    "card without title": (with_messages({"contentType": "ImageResponseCard", "imageResponseCard": {"buttons": []}}),
                           "title must be 1 to 250 characters"),
    "card title too long": (with_messages(card(title="T" * 251)), "title must be 1 to 250 characters"),
    "card subtitle too long": (with_messages(card(subtitle="S" * 251)), "subtitle must be 1 to 250 characters"),
    "card imageUrl too long": (with_messages(card(imageUrl="https://example.com/" + "p" * 240)),
                               "imageUrl must be 1 to 250 characters"),
    "card with six buttons": (with_messages(card(buttons=[{"text": str(n), "value": str(n)} for n in range(6)])),
                              "has 6 buttons; at most 5"),
    "card buttons not a list": (with_messages(card(buttons={"text": "a", "value": "a"})), "buttons must be a list"),
    "button not an object": (with_messages(card(buttons=["yes"])), "buttons[0] must be an object"),
    "button without text": (with_messages(card(buttons=[{"value": "yes"}])), "buttons[0].text must be 1 to 50"),
    "button text too long": (with_messages(card(buttons=[{"text": "t" * 51, "value": "yes"}])),
                             "buttons[0].text must be 1 to 50"),
    "button without value": (with_messages(card(buttons=[{"text": "Yes"}])), "buttons[0].value must be 1 to 50"),
    "button value too long": (with_messages(card(buttons=[{"text": "Yes", "value": "v" * 51}])),
                              "buttons[0].value must be 1 to 50"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_each_broken_response_is_refused_for_its_reason(name: str) -> None:
    response, reason = BROKEN[name]
    problems = response_problems(response)
    assert len(problems) == 1, problems  # each rule stands alone: one break, one problem
    assert reason in problems[0]


def test_a_response_that_is_not_an_object() -> None:
    assert response_problems([]) == ["the response must be a JSON object"]  # type: ignore[arg-type]


def test_several_problems_are_all_reported() -> None:
    response = {"sessionState": {"dialogAction": {"type": "ElicitSlot"}}, "messages": [text("")]}
    problems = response_problems(response)
    assert len(problems) == 3
    assert any("slotToElicit" in problem for problem in problems)
    assert any("needs sessionState.intent" in problem for problem in problems)
    assert any("content" in problem for problem in problems)
