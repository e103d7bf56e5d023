"""The Lex code hook over SAM CLI events and hand-made edge cases: every response valid by Lex's rules."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

import intents  # noqa: F401 - declares the intents
from bot.conversation import Person, answer, registry
from bot.lex.hook import ON_IT, LexHook
from bot.stores.bundle import Stores, memory_stores
from bot.testing import turn
from tests.support.lex_rules import response_problems

LEX_EVENTS = Path(__file__).parents[1] / "events" / "lex"
APOLOGY = "Sorry, something went wrong on my side. Please try again."


@pytest.fixture
def stores() -> Stores:
    return memory_stores()


@pytest.fixture
def queued() -> list[tuple]:
    return []


@pytest.fixture
def hook(stores: Stores, queued: list[tuple]) -> LexHook:
    return LexHook(registry, stores, lambda *job: queued.append(job))


def lex_event(name: str) -> dict:
    return json.loads((LEX_EVENTS / name).read_text())


def event(intent: str, slots: dict[str, str | None], *, source: str = "DialogCodeHook", spoken: bool = False,
          confirmation: str = "None", attributes: dict[str, str] | None = None, transcript: str = "") -> dict:
    """A Lex V2 event for one of our intents (from a hand-made fixture, so its shape stays Lex's)."""
    base = lex_event("edge_null_slots.json")
    base.update(invocationSource=source, inputMode="Speech" if spoken else "Text", inputTranscript=transcript)
    lex_slots = {name: None if value is None else {"shape": "Scalar", "value": {
        "originalValue": value, "interpretedValue": value, "resolvedValues": [value]}} for name, value in slots.items()}
    base["sessionState"]["intent"] = {"name": intent, "slots": lex_slots, "state": "InProgress",
                                      "confirmationState": confirmation}
    base["sessionState"]["sessionAttributes"] = attributes or {}
    base["interpretations"] = [{"intent": copy.deepcopy(base["sessionState"]["intent"]), "nluConfidence": 0.9}]
    return base


def valid(response: dict) -> dict:
    assert response_problems(response) == []
    return response


def action(response: dict) -> str:
    return response["sessionState"]["dialogAction"]["type"]


def texts(response: dict) -> list[str]:
    return [message.get("content", "") for message in response.get("messages", [])]


def answered(response: dict) -> dict:
    """`response`, checked to be valid by Lex's rules and a real answer, not the apology."""
    valid(response)
    assert APOLOGY not in " ".join(texts(response)), response
    return response


@pytest.mark.parametrize("name", sorted(path.name for path in LEX_EVENTS.glob("*.json")))
def test_every_fixture_gets_a_real_answer(hook: LexHook, name: str) -> None:
    answered(hook(lex_event(name)))


# --- tolerant where it costs nothing: what AWS's libraries and a logged turn send ------------------------------


def fulfil_roll() -> dict:
    return event("roll", {"sides": "6"}, source="FulfillmentCodeHook")


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda body: body["interpretations"][0].update(nluConfidence={"score": 0.9}),
                     id="nluConfidence as an object (Go, .NET)"),
        pytest.param(lambda body: body["bot"].pop("aliasName"), id="no bot.aliasName (.NET)"),
        pytest.param(lambda body: body["interpretations"][0].update(sentimentResponse={
            "sentiment": "testsentiment", "sentimentScore": {"positive": 0.9}}), id="sentiment a plain string"),
        pytest.param(lambda body: body["sessionState"].update(activeContexts=None), id="activeContexts null (logged)"),
    ],
)
def test_a_field_the_hook_never_reads_does_not_cost_the_turn(hook: LexHook, change: object) -> None:
    body = fulfil_roll()
    change(body)  # type: ignore[operator]
    response = answered(hook(body))
    assert (action(response), response["sessionState"]["intent"]["state"]) == ("Close", "Fulfilled")
    assert texts(response)[0].startswith("You rolled a ")


def test_a_dotnet_keypad_turn_is_carried_on(hook: LexHook) -> None:
    # Lex was asking for the sides and 20 was keyed in: "20" alone says nothing to the engine, Lex's reading does
    response = answered(hook(lex_event("dotnet_confidence_object.json")))
    assert action(response) == "Close"
    assert response["sessionState"]["intent"]["slots"]["sides"]["value"]["interpretedValue"] == "20"
    assert "You rolled a " in texts(response)[0] and "(d20)" in texts(response)[0]  # spoken: SSML
    assert response["sessionState"]["sessionAttributes"] == {"caller": "keypad"}


def test_a_dotnet_turn_is_fulfilled(hook: LexHook) -> None:
    response = answered(hook(lex_event("dotnet_current.json")))
    assert (action(response), texts(response)) == ("Close", ["hello from dot net"])


def test_a_go_turn_is_fulfilled(hook: LexHook) -> None:
    response = answered(hook(lex_event("go_library_event.json")))
    assert action(response) == "Close"
    assert texts(response)[0].startswith("You rolled a ") and texts(response)[0].endswith("(d6).")
    assert response["sessionState"]["sessionAttributes"] == {"last_intent": "hello"}


def test_go_zero_values_are_read_for_what_they_mean(hook: LexHook) -> None:
    event = lex_event("go_zero_values.json")
    event["inputTranscript"] = ""  # no words: the engine goes by Lex's reading of the slots
    response = answered(hook(event))
    assert action(response) == "ElicitSlot"  # priority unfilled ({}): the engine asks for it
    assert response["sessionState"]["dialogAction"]["slotToElicit"] == "priority"
    slots = response["sessionState"]["intent"]["slots"]
    assert slots["priority"] is None
    assert slots["component"]["value"]["interpretedValue"] == "billing"  # a List slot's bare values



def test_a_logged_turn_with_null_contexts_is_answered(hook: LexHook) -> None:
    response = answered(hook(lex_event("logged_null_active_contexts.json")))
    assert (action(response), texts(response)[0][:6]) == ("Close", "Hello!")


@pytest.mark.parametrize("name", ["sam_banking_bot.json", "sam_book_car.json", "sam_book_hotel.json",
                                  "edge_fallback.json"])
def test_intents_we_do_not_have_get_help_and_a_new_start(hook: LexHook, name: str) -> None:
    response = valid(hook(lex_event(name)))
    assert action(response) == "ElicitIntent"
    assert "can't do that yet" in " ".join(texts(response))


@pytest.mark.parametrize("broken", [None, "text", [], {}, {"messageVersion": "2.0"}, {"messageVersion": "1.0"},
                                    {**lex_event("edge_null_slots.json"), "sessionState": "x"},
                                    {**lex_event("edge_null_slots.json"), "invocationSource": "Other"}])
def test_malformed_events_get_an_apology_never_an_exception(hook: LexHook, broken: object) -> None:
    response = valid(hook(broken))
    assert action(response) == "Close"
    assert response["sessionState"]["intent"]["state"] == "Failed"
    assert texts(response) == [APOLOGY]


def test_missing_slots_are_asked_for_by_the_engine(hook: LexHook) -> None:
    response = valid(hook(event("open_ticket", {"topic": None, "priority": None, "component": None})))
    assert (action(response), response["sessionState"]["dialogAction"]["slotToElicit"]) == ("ElicitSlot", "topic")
    assert texts(response) == ["What is the ticket about?"]


def test_an_invalid_value_is_asked_again_with_the_reason(hook: LexHook) -> None:
    response = valid(hook(event("roll", {"sides": "1"})))
    assert action(response) == "ElicitSlot"
    assert response["sessionState"]["dialogAction"]["slotToElicit"] == "sides"
    assert response["sessionState"]["intent"]["slots"]["sides"] is None
    assert texts(response) == ["Sorry, 1 is less than 2. How many sides should the die have?"]


def test_a_value_lex_did_not_interpret_is_read_from_what_was_said(hook: LexHook) -> None:
    response = valid(hook(lex_event("edge_missing_interpreted_value.json")))  # roll, originalValue "20" only
    assert action(response) == "Close"
    assert texts(response)[0].endswith("(d20).")


def test_an_unresolved_choice_is_asked_again(hook: LexHook) -> None:
    unresolved = event("open_ticket", {"topic": "printer", "priority": None, "component": None})
    unresolved["sessionState"]["intent"]["slots"]["priority"] = {"shape": "Scalar", "value": {
        "originalValue": "purple", "resolvedValues": []}}
    response = valid(hook(unresolved))
    assert action(response) == "ElicitSlot"
    assert texts(response)[0] == "Sorry, “purple” is not one of: low, normal, high. How urgent is it?"
    card = response["messages"][1]["imageResponseCard"]
    assert [button["text"] for button in card["buttons"]] == ["low", "normal", "high"]


def test_a_declared_confirmation_is_asked_once_the_slots_are_in(hook: LexHook) -> None:
    response = valid(hook(event("open_ticket", {"topic": "printer", "priority": "high", "component": None})))
    assert action(response) == "ConfirmIntent"
    assert texts(response)[0] == "Open a high priority ticket about “printer”?"
    card = response["messages"][1]["imageResponseCard"]
    assert [button["text"] for button in card["buttons"]] == ["Yes", "No"]


def test_a_denied_confirmation_closes(hook: LexHook) -> None:
    asked = valid(hook(event("open_ticket", {"topic": "x", "priority": "low", "component": None})))
    assert action(asked) == "ConfirmIntent"
    response = valid(hook(event("open_ticket", {"topic": "x", "priority": "low", "component": None},
                                confirmation="Denied")))
    assert (action(response), response["sessionState"]["intent"]["state"]) == ("Close", "Failed")
    assert texts(response) == ["Okay, I won't."]


def test_a_fast_intent_is_fulfilled_inline(hook: LexHook) -> None:
    response = valid(hook(event("roll", {"sides": "20"}, source="FulfillmentCodeHook")))
    assert (action(response), response["sessionState"]["intent"]["state"]) == ("Close", "Fulfilled")
    assert texts(response)[0].startswith("You rolled a ")


def test_spoken_turns_get_ssml_typed_turns_plain_text_and_the_same_intent_serves_slack(hook: LexHook) -> None:
    spoken = valid(hook(event("roll", {"sides": "6"}, source="FulfillmentCodeHook", spoken=True)))
    typed = valid(hook(event("roll", {"sides": "6"}, source="FulfillmentCodeHook")))
    [spoken_message] = spoken["messages"]
    [typed_message] = typed["messages"]
    assert spoken_message["contentType"] == "SSML"
    assert spoken_message["content"].startswith("<speak>")
    assert "You rolled a" in spoken_message["content"]
    assert typed_message["contentType"] == "PlainText"
    assert typed_message["content"].startswith("You rolled a ")
    assert answer(turn("roll 6"), registry).text.startswith("You rolled a ")


def test_ssml_is_chosen_for_a_connect_text_turn_that_accepts_it(hook: LexHook) -> None:
    response = valid(hook(lex_event("edge_connect_ssml.json")))
    assert all(message["contentType"] in ("SSML",) for message in response.get("messages", []))


def test_a_slow_intent_is_queued_and_its_result_told_on_the_next_turn(hook: LexHook, stores: Stores,
                                                                      queued: list[tuple]) -> None:
    response = valid(hook(event("primes", {"limit": "1000"}, source="FulfillmentCodeHook")))
    assert (action(response), texts(response)) == ("Close", [ON_IT])
    [(job_id, intent, slots, session_id, owner, workspace)] = queued
    assert (intent, slots) == ("primes", {"limit": "1000"})
    assert owner["user_id"] == f"session:{session_id}" and workspace.startswith("lex:")

    pending = valid(hook(event("status", {}, source="FulfillmentCodeHook")))
    assert texts(pending)[0].startswith("I'm still working on it")

    stores.jobs.finish(Person.from_dict(owner).key, job_id, "done", "There are 168 primes below 1,000.")
    later = valid(hook(event("hello", {}, source="FulfillmentCodeHook")))
    assert texts(later)[0] == "Your earlier request is done. There are 168 primes below 1,000."
    assert texts(later)[1].startswith("Hello!")
    again = valid(hook(event("hello", {}, source="FulfillmentCodeHook")))
    assert texts(again)[0].startswith("Hello!")  # told once


def test_status_tells_a_finished_result_itself(hook: LexHook, stores: Stores, queued: list[tuple]) -> None:
    hook(event("primes", {"limit": "10"}, source="FulfillmentCodeHook"))
    [(job_id, _, _, _, owner, _)] = queued
    stores.jobs.finish(Person.from_dict(owner).key, job_id, "done", "All done.")
    response = valid(hook(event("status", {}, source="FulfillmentCodeHook")))
    assert texts(response) == ["It's done. All done."]
    assert texts(valid(hook(event("hello", {}, source="FulfillmentCodeHook"))))[0].startswith("Hello!")


def test_a_failing_intent_is_an_apology(stores: Stores) -> None:
    def broken(*job: object) -> None:
        raise RuntimeError("queue down")

    response = valid(LexHook(registry, stores, broken)(event("primes", {"limit": "10"},
                                                             source="FulfillmentCodeHook")))
    assert response["sessionState"]["intent"] == {"name": "primes", "state": "Failed"}


def test_a_free_text_answer_keeps_the_callers_words(hook: LexHook) -> None:
    asked = event("open_ticket", {"topic": "the", "priority": None, "component": None},
                  transcript="the badge reader on floor three is broken")
    asked["sessionState"]["dialogAction"] = {"type": "ElicitSlot", "slotToElicit": "topic"}
    response = valid(hook(asked))
    topic = response["sessionState"]["intent"]["slots"]["topic"]["value"]["interpretedValue"]
    assert topic == "the badge reader on floor three is broken"
