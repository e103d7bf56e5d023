import copy

import pytest

from bot.channels.slack.forms import form_errors, form_slots, form_values, form_view, suggestion_options
from bot.channels.slack.surface import FORM_INPUT_ACTION, form_callback_id
from bot.conversation import Choice, Number, Reply, Slot, Text, Turn
from bot.conversation.intent import Intent, make_intent
from tests.conftest import load_event

COMPONENTS = (
    "accounts", "admin-ui", "alerts", "api-gateway", "audit-log", "auth", "billing", "cache", "cdn", "checkout",
    "cron", "dashboards", "email", "exports", "feature-flags", "imports", "inventory", "ledger", "mobile-app",
    "notifications", "payments", "queue", "reports", "search-api", "sessions", "sso", "storage", "webhooks",
    "web-app", "worker",
)


def handle(turn: Turn) -> Reply:
    return Reply("filed")


FILE_TICKET = make_intent(
    "file_ticket", handle,
    description="File a ticket.",
    examples=["file a ticket about {topic}"],
    slots=[
        Slot("topic", Text(max_length=120), prompt="What is the ticket about?"),
        Slot("priority", Choice(("low", "normal", "high")), prompt="How urgent is it?"),
        Slot("component", Choice(COMPONENTS, suggest=True), prompt="Which component?"),
        Slot("count", Number(minimum=1, maximum=10), prompt="How many people are affected?", required=False),
    ],
)


def elements(view: dict) -> dict[str, dict]:
    return {block["block_id"]: block["element"] for block in view["blocks"]}


def test_the_form_has_one_input_per_slot() -> None:
    view = form_view(FILE_TICKET, private_metadata='{"channel":"C1"}')
    assert view["type"] == "modal"
    assert view["callback_id"] == form_callback_id("file_ticket")
    assert view["title"] == {"type": "plain_text", "text": "File Ticket"}
    assert view["submit"]["text"] == "Submit"
    assert view["close"]["text"] == "Cancel"
    assert view["private_metadata"] == '{"channel":"C1"}'
    assert [block["type"] for block in view["blocks"]] == ["input"] * 4
    assert [(block["block_id"], block["label"]["text"], block["optional"]) for block in view["blocks"]] == [
        ("topic", "What is the ticket about?", False), ("priority", "How urgent is it?", False),
        ("component", "Which component?", False), ("count", "How many people are affected?", True)]
    found = elements(view)
    assert all(element["action_id"] == FORM_INPUT_ACTION for element in found.values())
    assert found["topic"] == {"type": "plain_text_input", "action_id": "value", "multiline": False, "max_length": 120}
    assert found["priority"]["type"] == "static_select"
    assert found["priority"]["options"] == [{"text": {"type": "plain_text", "text": v}, "value": v}
                                            for v in ("low", "normal", "high")]
    assert found["component"] == {"type": "external_select", "action_id": "value", "min_query_length": 0}
    assert found["count"] == {"type": "number_input", "action_id": "value", "is_decimal_allowed": False,
                              "min_value": "1", "max_value": "10"}


def test_a_prefilled_form_starts_with_the_values_the_slots_accept() -> None:
    view = form_view(FILE_TICKET, prefill={"topic": " slow search ", "priority": "HIGH", "component": "sso",
                                           "count": "five", "unknown": "x"})
    found = elements(view)
    assert found["topic"]["initial_value"] == "slow search"
    assert found["priority"]["initial_option"] == {"text": {"type": "plain_text", "text": "high"}, "value": "high"}
    assert found["component"]["initial_option"] == {"text": {"type": "plain_text", "text": "sso"}, "value": "sso"}
    assert found["count"]["initial_value"] == "5"
    refused = elements(form_view(FILE_TICKET, prefill={"priority": "urgent", "count": "42"}))
    assert "initial_option" not in refused["priority"]
    assert "initial_value" not in refused["count"]


def test_long_texts_get_a_text_area_within_slacks_limit() -> None:
    essay = make_intent("essay", handle, description="d", examples=["essay"],
                        slots=[Slot("body", Text(), prompt="Write it.")])
    [block] = form_view(essay)["blocks"]
    assert block["element"]["multiline"] is True
    assert block["element"]["max_length"] == 2000
    huge = make_intent("huge", handle, description="d", examples=["huge"],
                       slots=[Slot("body", Text(max_length=10_000), prompt="P" * 2500)])
    [block] = form_view(huge)["blocks"]
    assert block["element"]["max_length"] == 3000
    assert len(block["label"]["text"]) == 2000


def test_more_than_a_hundred_choices_become_a_menu_that_filters() -> None:
    many = make_intent("pick_a_very_long_named_thing_indeed", handle, description="d", examples=["pick"],
                       slots=[Slot("thing", Choice(tuple(f"thing {i}" for i in range(150))), prompt="Which?")])
    view = form_view(many)
    assert len(view["title"]["text"]) <= 24 and view["title"]["text"].endswith("…")
    assert view["title"]["text"].endswith("…")
    [block] = view["blocks"]
    assert block["element"]["type"] == "external_select"
    assert len(suggestion_options(many, "thing", "")["options"]) == 100


def test_what_slack_would_refuse_is_refused() -> None:
    with pytest.raises(ValueError, match="private_metadata"):
        form_view(FILE_TICKET, private_metadata="m" * 3001)
    long_value = make_intent("odd", handle, description="d", examples=["odd"],
                             slots=[Slot("x", Choice(("v" * 151,)), prompt="?")])
    with pytest.raises(ValueError, match="option value"):
        form_view(long_value)


def test_form_values_reads_a_view_submission() -> None:
    view = load_event("interactive_view_submission.json")["view"]
    assert view["callback_id"] == form_callback_id(FILE_TICKET.name)
    values = form_values(FILE_TICKET, view)
    assert values == {"topic": "Search results are slow", "priority": "high", "component": "search-api", "count": "3"}
    assert form_errors(FILE_TICKET, values) == {}
    assert form_slots(FILE_TICKET, values) == {"topic": "Search results are slow", "priority": "high",
                                               "component": "search-api", "count": 3}


def test_form_values_leaves_out_empty_inputs_and_tolerates_older_forms() -> None:
    view = copy.deepcopy(load_event("interactive_view_submission.json")["view"])
    state = view["state"]["values"]
    state["count"][FORM_INPUT_ACTION]["value"] = None  # an optional input left empty
    state["priority"][FORM_INPUT_ACTION]["selected_option"] = None
    state["topic"][FORM_INPUT_ACTION]["value"] = "   "
    del state["component"]  # a form opened before the slot existed
    state["gone"] = {FORM_INPUT_ACTION: {"type": "plain_text_input", "value": "a slot since removed"}}
    assert form_values(FILE_TICKET, view) == {}
    assert form_values(FILE_TICKET, {}) == {}
    assert form_values(FILE_TICKET, {"state": {"values": {"topic": {"other_action": {"value": "x"}}}}}) == {}
    assert form_values(FILE_TICKET, {"state": None}) == {}


def test_form_errors_names_each_bad_or_missing_slot() -> None:
    errors = form_errors(FILE_TICKET, {"topic": "t" * 121, "priority": "urgent", "count": "eleven"})
    assert errors == {
        "topic": "That is longer than 120 characters",
        "priority": "“urgent” is not one of: low, normal, high",
        "component": "Please fill this in.",
        "count": "11 is more than 10",
    }
    assert set(form_errors(FILE_TICKET, {"count": "0"})) == {"topic", "priority", "component", "count"}
    # an optional slot may be left out; a required one may not be blank
    assert form_errors(FILE_TICKET, {"topic": "x", "priority": "low", "component": "sso"}) == {}
    assert form_errors(FILE_TICKET, {"topic": " ", "priority": "low", "component": "sso"}) == {
        "topic": "Please fill this in."}


def test_form_slots_refuses_values_with_errors() -> None:
    with pytest.raises(ValueError, match="errors"):
        form_slots(FILE_TICKET, {"topic": "x"})
    assert form_slots(FILE_TICKET, {"topic": "x", "priority": "LOW", "component": "SSO"}) == {
        "topic": "x", "priority": "low", "component": "sso"}


def test_suggestion_options_filter_as_the_person_types() -> None:
    payload = load_event("interactive_block_suggestion.json")
    assert (payload["type"], payload["action_id"]) == ("block_suggestion", FORM_INPUT_ACTION)
    answer = suggestion_options(FILE_TICKET, payload["block_id"], payload["value"])
    # those that start with what was typed come first
    assert answer == {"options": [{"text": {"type": "plain_text", "text": "api-gateway"}, "value": "api-gateway"},
                                  {"text": {"type": "plain_text", "text": "search-api"}, "value": "search-api"}]}
    assert [option["value"] for option in suggestion_options(FILE_TICKET, "component", "s")["options"]] == [
        "search-api", "sessions", "sso", "storage", "accounts", "alerts", "dashboards", "exports",
        "feature-flags", "imports", "notifications", "payments", "reports", "webhooks"]
    assert len(suggestion_options(FILE_TICKET, "component", "")["options"]) == len(COMPONENTS)
    assert suggestion_options(FILE_TICKET, "component", "zzz") == {"options": []}


def test_suggestion_options_are_empty_for_other_slots() -> None:
    assert suggestion_options(FILE_TICKET, "topic", "a") == {"options": []}
    assert suggestion_options(FILE_TICKET, "no_such_slot", "a") == {"options": []}


def test_long_choices_fit_an_option() -> None:
    label = "a rather long component name that goes on and on past the seventy-five limit"
    intent = make_intent("pick", handle, description="d", examples=["pick"],
                         slots=[Slot("thing", Choice((label,), suggest=True), prompt="Which?")])
    [option] = suggestion_options(intent, "thing", "rather")["options"]
    assert len(option["text"]["text"]) == 75
    assert option["value"] == label


def test_an_intent_without_slots_is_a_form_with_its_description() -> None:
    ping: Intent = make_intent("ping", handle, description="Check the bot is alive.", examples=["ping"])
    view = form_view(ping)
    assert view["blocks"] == [{"type": "section", "text": {"type": "plain_text", "text": "Check the bot is alive."}}]
    assert form_errors(ping, {}) == {}
    assert form_slots(ping, {}) == {}
