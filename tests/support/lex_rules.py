"""The rules a Lex V2 code-hook response must keep, as one check: `response_problems(response) == []`.

Lex answers a response it cannot read with a conversation error, not a message to the developer, so every test
that gets a response from the hook (unit, functional, end to end, reliability) asserts it has no problems.

The rules are what the Lex V2 documentation states: the Lambda response format and common structures pages
(docs.aws.amazon.com/lexv2/latest/dg/lambda-response-format.html, lambda-common-structures.html) and the runtime
API shapes they use (API_runtime_Message, _ImageResponseCard, _Button, _Intent, _Slot, _Value, _SessionState,
_DialogAction). The lengths and counts are `bot.channels.lex.limits`, the ones the hook writes to; the value sets
are the models' own (`bot.channels.lex.models`).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET  # only ever parses SSML the bot wrote
from collections.abc import Mapping
from typing import Any, get_args

from bot.channels.lex.limits import (
    ACTIVE_CONTEXTS,
    BUTTON_TEXT,
    BUTTON_VALUE,
    CARD_BUTTONS,
    CARD_IMAGE_URL,
    CARD_SUBTITLE,
    CARD_TITLE,
    MESSAGE_CONTENT,
)
from bot.channels.lex.models import (
    ConfirmationState,
    ContentType,
    DialogActionType,
    ResponseIntentState,
    SlotElicitationStyle,
    SlotShape,
)

_DIALOG_ACTIONS = frozenset(get_args(DialogActionType))
_RESPONSE_STATES = frozenset(get_args(ResponseIntentState))
_CONFIRMATION_STATES = frozenset(get_args(ConfirmationState))
_CONTENT_TYPES = frozenset(get_args(ContentType))
_SHAPES = frozenset(get_args(SlotShape))
_ELICITATION_STYLES = frozenset(get_args(SlotElicitationStyle))
_NEEDS_MESSAGES = frozenset({"ElicitIntent", "ConfirmIntent"})  # lambda-response-format: messages required
# Every action but ElicitIntent is about an intent (which slot of which intent, which intent to confirm, to close,
# to hand back): inferred from what each action means, AWS's pages do not list it as a rule.
_NEEDS_INTENT = frozenset({"Close", "ConfirmIntent", "Delegate", "ElicitSlot"})
# AWS's pages do not say which intent states Close takes. Fulfilled and Failed are what its samples send; InProgress
# is let through until a real bot says otherwise; ReadyForFulfillment goes with Delegate only.
_CLOSE_STATES = frozenset({"Fulfilled", "Failed", "InProgress"})


def _is_text(value: object, longest: int | None = None) -> bool:
    return isinstance(value, str) and len(value) >= 1 and (longest is None or len(value) <= longest)


def _string_map(value: object, where: str, problems: list[str]) -> None:
    if not isinstance(value, Mapping):
        problems.append(f"{where} must be an object of strings to strings")
        return
    for key, item in value.items():
        if not isinstance(key, str) or not key:
            problems.append(f"{where} has a key that is not a non-empty string: {key!r}")
        if not isinstance(item, str):
            problems.append(f"{where}[{key!r}] must be a string, not {type(item).__name__}")


def _slot_problems(slot: object, where: str, problems: list[str]) -> None:
    if slot is None:
        return  # an unfilled slot
    if not isinstance(slot, Mapping):
        problems.append(f"{where} must be an object or null")
        return
    shape = slot.get("shape", "Scalar")
    if shape not in _SHAPES:
        problems.append(f"{where}.shape {shape!r} is not one of {sorted(_SHAPES)}")
        return
    value = slot.get("value")
    if value is not None:
        # API_runtime_Value: interpretedValue is required, at least one character
        if not isinstance(value, Mapping) or not _is_text(value.get("interpretedValue")):
            problems.append(f"{where}.value needs a non-empty interpretedValue")
    elif shape == "Scalar":
        problems.append(f"{where} is a Scalar slot without a value: send null for an unfilled slot")
    if shape == "List":
        values = slot.get("values")
        if not isinstance(values, list):
            problems.append(f"{where} is a List slot without a values list")
        else:
            for index, item in enumerate(values):
                if item is None:
                    problems.append(f"{where}.values[{index}] is null")
                _slot_problems(item, f"{where}.values[{index}]", problems)
    if shape == "Composite":
        sub_slots = slot.get("subSlots")
        if not isinstance(sub_slots, Mapping):
            problems.append(f"{where} is a Composite slot without a subSlots object")
        else:
            for name, item in sub_slots.items():
                _slot_problems(item, f"{where}.subSlots[{name!r}]", problems)


def _intent_problems(intent: object, action: str | None, problems: list[str]) -> None:
    where = "sessionState.intent"
    if not isinstance(intent, Mapping):
        problems.append(f"{where} must be an object")
        return
    if not _is_text(intent.get("name")):
        problems.append(f"{where}.name must be a non-empty string")
    state = intent.get("state")
    if state is not None and state not in _RESPONSE_STATES:
        problems.append(f"{where}.state {state!r} is not one of {sorted(_RESPONSE_STATES)}")
    elif state == "ReadyForFulfillment" and action != "Delegate":
        problems.append(f"{where}.state ReadyForFulfillment is only valid with dialogAction Delegate, not {action}")
    elif action == "Close" and state not in _CLOSE_STATES:
        problems.append(f"dialogAction Close needs {where}.state in {sorted(_CLOSE_STATES)}, not {state!r}")
    confirmation = intent.get("confirmationState")
    if confirmation is not None and confirmation not in _CONFIRMATION_STATES:
        problems.append(f"{where}.confirmationState {confirmation!r} is not one of {sorted(_CONFIRMATION_STATES)}")
    slots = intent.get("slots")
    if slots is not None:
        if not isinstance(slots, Mapping):
            problems.append(f"{where}.slots must be an object")
        else:
            for name, slot in slots.items():
                _slot_problems(slot, f"{where}.slots[{name!r}]", problems)


def _ssml_problems(content: str, where: str, problems: list[str]) -> None:
    text = content.strip()
    if not (text.startswith("<speak>") and text.endswith("</speak>")):
        problems.append(f"{where}: SSML must start with <speak> and end with </speak>")
        return
    try:
        ET.fromstring(text)  # noqa: S314  the bot's own SSML: a well-formedness check, not untrusted input
    except ET.ParseError as error:
        problems.append(f"{where}: SSML is not well-formed XML ({error})")


def _card_problems(card: object, where: str, problems: list[str]) -> None:
    if not isinstance(card, Mapping):
        problems.append(f"{where}: an ImageResponseCard message needs an imageResponseCard object")
        return
    if not _is_text(card.get("title"), CARD_TITLE):
        problems.append(f"{where}.title must be 1 to {CARD_TITLE} characters")
    for field, longest in (("subtitle", CARD_SUBTITLE), ("imageUrl", CARD_IMAGE_URL)):
        if field in card and not _is_text(card[field], longest):
            problems.append(f"{where}.{field} must be 1 to {longest} characters when present")
    buttons = card.get("buttons", [])
    if not isinstance(buttons, list):
        problems.append(f"{where}.buttons must be a list")
        return
    if len(buttons) > CARD_BUTTONS:
        problems.append(f"{where} has {len(buttons)} buttons; at most {CARD_BUTTONS}")
    for index, button in enumerate(buttons):
        if not isinstance(button, Mapping):
            problems.append(f"{where}.buttons[{index}] must be an object")
            continue
        for field, longest in (("text", BUTTON_TEXT), ("value", BUTTON_VALUE)):
            if not _is_text(button.get(field), longest):
                problems.append(f"{where}.buttons[{index}].{field} must be 1 to {longest} characters")


def _message_problems(message: object, where: str, problems: list[str]) -> None:
    if not isinstance(message, Mapping):
        problems.append(f"{where} must be an object")
        return
    content_type = message.get("contentType")
    if content_type not in _CONTENT_TYPES:
        problems.append(f"{where}.contentType {content_type!r} is not one of {sorted(_CONTENT_TYPES)}")
        return
    if content_type == "ImageResponseCard":
        _card_problems(message.get("imageResponseCard"), f"{where}.imageResponseCard", problems)
        return
    content = message.get("content")
    if not _is_text(content):
        problems.append(f"{where}: a {content_type} message needs a non-empty content string")
        return
    if len(content) > MESSAGE_CONTENT:
        problems.append(f"{where}.content has {len(content)} characters; at most {MESSAGE_CONTENT}")
    if content_type == "SSML":
        _ssml_problems(content, where, problems)


def _nulls(value: object, where: str, problems: list[str]) -> None:
    """Nulls are only meaningful for unfilled slots; anywhere else Lex wants the key left out."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            path = f"{where}.{key}" if where else str(key)
            if item is None:
                if not (where.endswith(".slots") or where.endswith(".subSlots")):
                    problems.append(f"{path} is null: leave the key out instead")
            else:
                _nulls(item, path, problems)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _nulls(item, f"{where}[{index}]", problems)


def response_problems(response: Mapping[str, Any]) -> list[str]:
    """Everything in `response` that Lex V2 would refuse or that breaks its documented rules; [] when valid."""
    if not isinstance(response, Mapping):
        return ["the response must be a JSON object"]
    problems: list[str] = []
    try:
        json.dumps(response)
    except (TypeError, ValueError) as error:
        problems.append(f"the response is not JSON-serializable ({error})")
    _nulls(response, "", problems)

    session_state = response.get("sessionState")
    if not isinstance(session_state, Mapping):
        return [*problems, "sessionState is required and must be an object"]

    action = session_state.get("dialogAction")
    action_type: str | None = None
    if not isinstance(action, Mapping):
        problems.append("sessionState.dialogAction is required and must be an object")
    else:
        action_type = action.get("type")
        if action_type not in _DIALOG_ACTIONS:
            problems.append(f"sessionState.dialogAction.type {action_type!r} is not one of {sorted(_DIALOG_ACTIONS)}")
            action_type = None
        if action_type == "ElicitSlot" and not _is_text(action.get("slotToElicit")):
            problems.append("dialogAction ElicitSlot needs slotToElicit")
        style = action.get("slotElicitationStyle")
        if style is not None and style not in _ELICITATION_STYLES:
            problems.append(f"dialogAction.slotElicitationStyle {style!r} is not one of {sorted(_ELICITATION_STYLES)}")

    intent = session_state.get("intent")
    if intent is None:
        if action_type in _NEEDS_INTENT:
            problems.append(f"dialogAction {action_type} needs sessionState.intent")
    else:
        _intent_problems(intent, action_type, problems)

    if "sessionAttributes" in session_state:
        _string_map(session_state["sessionAttributes"], "sessionState.sessionAttributes", problems)
    contexts = session_state.get("activeContexts")
    if contexts is not None:
        if not isinstance(contexts, list):
            problems.append("sessionState.activeContexts must be a list")
        elif len(contexts) > ACTIVE_CONTEXTS:
            problems.append(f"sessionState.activeContexts has {len(contexts)} items; at most {ACTIVE_CONTEXTS}")

    messages = response.get("messages")
    if messages is not None and not isinstance(messages, list):
        problems.append("messages must be a list")
        messages = None
    if action_type in _NEEDS_MESSAGES and not messages:
        problems.append(f"dialogAction {action_type} needs at least one message")
    for index, message in enumerate(messages or []):
        _message_problems(message, f"messages[{index}]", problems)

    if response.get("requestAttributes") is not None:
        _string_map(response["requestAttributes"], "requestAttributes", problems)
    return problems
