"""The Home view and the Workflow Builder step definitions, rendered from intents: within Slack's limits, escaped,
and saying what the intents declare."""

from __future__ import annotations

import json

import pytest

from bot.channels.slack.home import MAX_HOME_BLOCKS, Panel, home_view
from bot.channels.slack.steps import function_definition, step_outputs, step_slots
from bot.channels.slack.surface import HOME_FORM_ACTION_PREFIX
from bot.conversation import Choice, Number, Registry, Reply, Slot, Text
from bot.tools.manifest import with_steps


def declared(count: int = 2) -> Registry:
    local = Registry()
    for number in range(count):
        @local.intent(f"thing_{number}", description=f"Do thing <{number}>.", examples=[f"do thing {number}"])
        def thing() -> Reply:
            return Reply("done")
    return local


def test_the_home_view_offers_each_intent_with_a_button_that_opens_its_form() -> None:
    view = home_view(list(declared()), [Panel("Your tickets", "• *PAR-1*: <!channel> the printer")])
    assert view["type"] == "home"
    texts = [block.get("text", {}).get("text") for block in view["blocks"]]
    assert texts[:2] == ["Your tickets", "• *PAR-1*: &lt;!channel&gt; the printer"]
    assert "*Thing 0*\nDo thing &lt;0&gt;." in texts
    buttons = [block["accessory"] for block in view["blocks"] if "accessory" in block]
    assert [(button["action_id"], button["value"]) for button in buttons] == [
        (HOME_FORM_ACTION_PREFIX + "thing_0", "thing_0"), (HOME_FORM_ACTION_PREFIX + "thing_1", "thing_1")]


def test_the_home_view_stays_within_slacks_100_blocks() -> None:
    view = home_view(list(declared(150)), [Panel(f"Panel {n}", "x" * 4000) for n in range(60)])
    assert len(view["blocks"]) <= MAX_HOME_BLOCKS
    assert all(len(block.get("text", {}).get("text", "")) <= 3000 for block in view["blocks"])
    assert "more: say `help`" in view["blocks"][-1]["elements"][0]["text"]


def test_a_home_intent_may_not_need_a_slot() -> None:
    with pytest.raises(ValueError, match="Home"):
        Registry().intent("mine", description="Mine.", examples=["mine {what}"], home=True,
                          slots=[Slot("what", Text(), prompt="What?")])(lambda what: Reply(what))


def stepped() -> Registry:
    local = Registry()

    @local.intent("pick", title="Pick one", description="Pick a side.", examples=["pick {sides} {colour} {note}"],
                  workflow_step=True, slots=[
                      Slot("sides", Number(minimum=2, maximum=10), prompt="How many sides?", example="6"),
                      Slot("colour", Choice(("red", "blue")), prompt="Which colour?"),
                      Slot("note", Text(), prompt="Anything else?", required=False)])
    def pick(sides: int, colour: str, note: str | None) -> Reply:
        return Reply(f"{sides} {colour} {note}")

    @local.intent("plain", description="Not a step.", examples=["plain"])
    def plain() -> Reply:
        return Reply("plain")

    return local


def test_a_step_is_declared_from_its_slots_and_answers_text() -> None:
    pick = stepped().get("pick")
    assert pick is not None
    definition = function_definition(pick)
    assert (definition["title"], definition["description"]) == ("Pick one", "Pick a side.")
    inputs = definition["input_parameters"]["properties"]
    assert definition["input_parameters"]["required"] == ["sides", "colour"]  # note is optional
    assert inputs["sides"] == {"type": "integer", "title": "Sides", "description": "How many sides?",
                               "is_required": True, "name": "sides", "hint": "e.g. 6", "minimum": 2, "maximum": 10}
    assert (inputs["colour"]["type"], inputs["colour"]["enum"]) == ("string", ["red", "blue"])
    assert inputs["note"]["is_required"] is False
    assert definition["output_parameters"]["required"] == ["text"]
    assert definition["output_parameters"]["properties"]["text"]["type"] == "string"


def test_the_manifest_has_functions_only_with_steps() -> None:
    manifest = with_steps({"settings": {"org_deploy_enabled": False}}, stepped())
    assert list(manifest["functions"]) == ["pick"]
    assert manifest["settings"] == {"org_deploy_enabled": True, "function_runtime": "remote"}
    assert "functions" not in with_steps({"settings": {}}, declared())


def test_inputs_become_slot_text_and_a_reply_becomes_escaped_outputs() -> None:
    pick = stepped().get("pick")
    assert pick is not None
    assert step_slots(pick, {"sides": 6, "colour": "red", "note": "  "}) == ({"sides": "6", "colour": "red"}, [])
    assert step_slots(pick, {"sides": 6}) == ({"sides": "6"}, ["colour"])
    assert step_outputs(Reply("<!here> *hi*")) == {"text": "&lt;!here&gt; *hi*"}


def test_the_ingress_answers_a_home_button_at_once_and_queues_other_buttons() -> None:
    from bot.ingress.slack_request import decide, home_form_action
    from bot.local.slack_events import form

    def press(action_id: str) -> bytes:
        payload = {"type": "block_actions", "trigger_id": "1.2.3", "team": {"id": "T1"},
                   "actions": [{"action_id": action_id, "value": "roll"}]}
        return form({"payload": json.dumps(payload)}).encode()

    home = decide(press(HOME_FORM_ACTION_PREFIX + "roll"), "application/x-www-form-urlencoded")
    assert home.answer_now and home_form_action(home.payload or {}) == "roll"
    other = decide(press("parley:button:0"), "application/x-www-form-urlencoded")
    assert not other.answer_now and other.enqueue
