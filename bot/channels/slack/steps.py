"""Intents as Workflow Builder custom steps: how Slack knows a step (the manifest's `functions`), its inputs read as
slot values, and an intent's reply as the step's outputs.

A step's callback_id is the intent's name. Inputs come from the intent's slots (a Number is an `integer` with its
bounds, a Choice a `string` with its values as `enum`, a Text a `string`), required as the slot is; every step has
one output, `text`: its reply's text, escaped for mrkdwn as every message Parley posts is (a step's output usually
goes on to a "send a message" step, and may carry words people typed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.channels.slack.surface import STEP_TEXT_OUTPUT
from bot.conversation.help import title
from bot.conversation.intent import Intent
from bot.conversation.reply import Reply
from bot.conversation.slots import Choice, Number, Slot
from bot.text import escape_mrkdwn, truncate

STRING = "string"
INTEGER = "integer"
MAX_TITLE = 255  # our bound for a step's and a parameter's title and description
OUTPUT_TEXT_TITLE = "Answer"
OUTPUT_TEXT_DESCRIPTION = "What the step answered, as text"


def function_definition(intent: Intent) -> dict[str, Any]:
    """The step as the manifest's `functions.<callback_id>` declares it."""
    return {
        "title": truncate(title(intent), MAX_TITLE),
        "description": truncate(intent.description, MAX_TITLE),
        "input_parameters": parameter_set([input_parameter(slot) for slot in intent.slots]),
        "output_parameters": parameter_set([{
            "type": STRING, "title": OUTPUT_TEXT_TITLE, "description": OUTPUT_TEXT_DESCRIPTION,
            "is_required": True, "name": STEP_TEXT_OUTPUT}]),
    }


def parameter_set(parameters: list[dict[str, Any]]) -> dict[str, Any]:
    """Parameters as the manifest declares them: `properties` by name, and the names that are `required`."""
    return {"properties": {parameter["name"]: parameter for parameter in parameters},
            "required": [parameter["name"] for parameter in parameters if parameter.get("is_required")]}


def parameters_of(definition: Mapping[str, Any] | None, side: str) -> dict[str, dict[str, Any]]:
    """A step definition's `input_parameters` or `output_parameters`, by name."""
    return dict(((definition or {}).get(side) or {}).get("properties") or {})


def input_parameter(slot: Slot) -> dict[str, Any]:
    parameter: dict[str, Any] = {"type": STRING, "title": truncate(slot.name.replace("_", " ").capitalize(),
                                                                    MAX_TITLE),
                                 "description": truncate(slot.prompt, MAX_TITLE), "is_required": slot.required,
                                 "name": slot.name}
    if slot.example:
        parameter["hint"] = truncate(f"e.g. {slot.example}", MAX_TITLE)
    if isinstance(slot.type, Number):
        parameter["type"] = INTEGER
        parameter.update({key: value for key, value in (("minimum", slot.type.minimum),
                                                        ("maximum", slot.type.maximum)) if value is not None})
    elif isinstance(slot.type, Choice):
        parameter["enum"] = list(slot.type.values)
    return parameter


def step_slots(intent: Intent, inputs: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """The inputs as the slot values typed (to be parsed by the slots' types), and the required slots missing."""
    raw = {slot.name: str(inputs[slot.name]) for slot in intent.slots
           if inputs.get(slot.name) is not None and str(inputs[slot.name]).strip()}
    missing = [slot.name for slot in intent.slots if slot.required and slot.name not in raw]
    return raw, missing


def step_outputs(reply: Reply) -> dict[str, str]:
    """The outputs of a step whose intent answered `reply`."""
    return {STEP_TEXT_OUTPUT: escape_mrkdwn(reply.text)}
