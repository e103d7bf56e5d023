"""An intent as a Slack form (a modal with one input per slot), and the submitted form read back.

No third-party imports: the ingress answers `view_submission` errors and `block_suggestion` options
synchronously (Slack takes them only in the ack, within 3 s), so this may run on a cold start. Its one
import beyond the standard library is the slot types, which holding an Intent has loaded already.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.channels.slack.surface import FORM_INPUT_ACTION, form_callback_id
from bot.conversation.slots import Choice, Number, Slot, SlotValueError, Text
from bot.text import truncate

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (type checkers read the name)
if TYPE_CHECKING:
    from bot.conversation.intent import Intent

# Block Kit limits (docs.slack.dev/reference): Slack refuses a view that exceeds one.
MAX_TITLE = 24  # modal title, submit and close texts
MAX_CALLBACK_ID = 255
MAX_PRIVATE_METADATA = 3000
MAX_VIEW_BLOCKS = 100  # a modal's blocks
MAX_LABEL = 2000  # an input block's label
MAX_SECTION_TEXT = 3000
MAX_TEXT_INPUT = 3000  # plain_text_input's max_length
MULTILINE_ABOVE = 150  # our choice: text that may run longer than this gets a text area
MAX_OPTIONS = 100  # static_select options, and options in a block_suggestion answer
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
# Slack documents no length limit for a `response_action: errors` message; it shows under the input,
# so we keep it to the size Slack allows for the input's own label and hint.
MAX_ERROR = 2000
MISSING = "Please fill this in."


def form_view(intent: Intent, *, prefill: Mapping[str, str] | None = None, private_metadata: str = "") -> dict:
    """A `modal` view (for `views.open`) that asks for the intent's slots, one input each.

    `prefill` holds slot values as typed (from the conversation so far); a value the slot's type
    refuses is left out, so the form never opens with something it would not accept.
    Raises ValueError for what Slack would refuse and cannot be shortened without changing meaning.
    """
    callback_id = form_callback_id(intent.name)
    if len(callback_id) > MAX_CALLBACK_ID:
        raise ValueError(f"intent name {intent.name!r} is too long for a Slack callback_id")
    if len(private_metadata) > MAX_PRIVATE_METADATA:
        raise ValueError(f"private_metadata is {len(private_metadata)} characters; Slack takes {MAX_PRIVATE_METADATA}")
    if len(intent.slots) > MAX_VIEW_BLOCKS:
        raise ValueError(f"intent {intent.name!r} has more slots than a Slack form holds ({MAX_VIEW_BLOCKS})")
    prefill = prefill or {}
    blocks = [_input_block(slot, prefill.get(slot.name)) for slot in intent.slots]
    if not blocks:
        # A view needs something to show; an intent without slots is a form with only its description
        blocks = [{"type": "section", "text": {"type": "plain_text",
                                               "text": truncate(intent.description or intent.name, MAX_SECTION_TEXT)}}]
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": _plain(truncate(intent.name.replace("_", " ").title(), MAX_TITLE)),
        "submit": _plain("Submit"),
        "close": _plain("Cancel"),
        "private_metadata": private_metadata,
        "blocks": blocks,
    }


def form_values(intent: Intent, view: dict) -> dict[str, str]:
    """The text of each slot as submitted (a `view_submission`'s `view`), without the empty ones.

    Anything missing or shaped otherwise counts as empty: the form may come from an older version
    of the intent, opened before a deploy and submitted after it.
    """
    state = _get(_get(view, "state"), "values")
    values: dict[str, str] = {}
    for slot in intent.slots:
        element = _get(_get(state, slot.name), FORM_INPUT_ACTION)
        selected = _get(element, "selected_option")
        raw = _get(selected, "value") if selected else _get(element, "value")
        if isinstance(raw, str) and raw.strip():
            values[slot.name] = raw
    return values


def form_errors(intent: Intent, values: Mapping[str, str]) -> dict[str, str]:
    """The `errors` of a `response_action: errors` answer (block_id -> message); empty when all is well.

    Slack checks required inputs and the elements' own limits itself, but the slot's type has the
    last word (a form from an older version, a value the element allowed but the type does not).
    """
    errors: dict[str, str] = {}
    for slot in intent.slots:
        raw = values.get(slot.name)
        if raw is None or not raw.strip():
            if slot.required:
                errors[slot.name] = MISSING
            continue
        try:
            slot.type.parse(raw)
        except SlotValueError as refused:
            errors[slot.name] = truncate(_sentence(str(refused)), MAX_ERROR)
    return errors


def form_slots(intent: Intent, values: Mapping[str, str]) -> dict[str, object]:
    """The submitted values, parsed by their slots' types (slots left empty are absent).

    Call it once `form_errors` is empty; raises ValueError otherwise, rather than run an intent on
    values it would refuse.
    """
    errors = form_errors(intent, values)
    if errors:
        raise ValueError(f"the form for {intent.name!r} has errors: {errors}")
    return {slot.name: slot.type.parse(values[slot.name])
            for slot in intent.slots if values.get(slot.name, "").strip()}


def suggestion_options(intent: Intent, slot_name: str, typed: str) -> dict:
    """The answer to a `block_suggestion`: the slot's values that match what was typed so far.

    Any other slot (or one the intent no longer has) gets no options rather than an error: Slack
    then shows an empty menu, which is all it could do with an error anyway.
    """
    slot = next((slot for slot in intent.slots if slot.name == slot_name), None)
    if slot is None or not isinstance(slot.type, Choice):
        return {"options": []}
    # A value too long for an option cannot be offered (form_view refuses such a Choice outright)
    found = [value for value in slot.type.matching(typed, limit=len(slot.type.values))
             if len(value) <= MAX_OPTION_VALUE]
    return {"options": [_option(value) for value in found[:MAX_OPTIONS]]}


def _input_block(slot: Slot, prefill: str | None) -> dict:
    initial = _parsed(slot, prefill)
    return {
        "type": "input",
        "block_id": slot.name,  # form_values and form_errors find the slot by it
        "label": _plain(truncate(slot.prompt, MAX_LABEL)),
        "optional": not slot.required,
        "element": _element(slot, initial),
    }


def _element(slot: Slot, initial: object) -> dict:
    kind = slot.type
    if isinstance(kind, Number):
        element: dict = {"type": "number_input", "action_id": FORM_INPUT_ACTION, "is_decimal_allowed": False}
        # Slack takes numbers in a number_input as strings
        if kind.minimum is not None:
            element["min_value"] = str(kind.minimum)
        if kind.maximum is not None:
            element["max_value"] = str(kind.maximum)
        if initial is not None:
            element["initial_value"] = str(initial)
        return element
    if isinstance(kind, Text):
        # Slack caps max_length at 3000; a longer Text is still checked in full by form_errors
        longest = min(kind.max_length, MAX_TEXT_INPUT)
        element = {"type": "plain_text_input", "action_id": FORM_INPUT_ACTION,
                   "multiline": kind.max_length > MULTILINE_ABOVE, "max_length": longest}
        if isinstance(initial, str) and len(initial) <= longest:
            element["initial_value"] = initial
        return element
    if isinstance(kind, Choice):
        too_long = [value for value in kind.values if len(value) > MAX_OPTION_VALUE]
        if too_long:
            # The option's value is what comes back; cut, it would no longer be one of the choices
            raise ValueError(f"slot {slot.name!r}: {too_long[0]!r} is longer than a Slack option value "
                             f"({MAX_OPTION_VALUE})")
        if kind.suggest or len(kind.values) > MAX_OPTIONS:
            # Slack asks for the options as the person types (block_suggestion); 0 lists them on opening
            element = {"type": "external_select", "action_id": FORM_INPUT_ACTION, "min_query_length": 0}
        else:
            element = {"type": "static_select", "action_id": FORM_INPUT_ACTION,
                       "options": [_option(value) for value in kind.values]}
        if isinstance(initial, str):
            element["initial_option"] = _option(initial)
        return element
    raise TypeError(f"slot {slot.name!r} has a type Slack forms do not know: {type(kind).__name__}")


def _parsed(slot: Slot, prefill: str | None) -> object:
    """The prefilled value as the slot's type reads it, or None (missing, or refused)."""
    if prefill is None or not prefill.strip():
        return None
    try:
        return slot.type.parse(prefill)
    except SlotValueError:
        return None


def _option(value: str) -> dict:
    return {"text": _plain(truncate(value, MAX_OPTION_TEXT)), "value": value}


def _plain(text: str) -> dict:
    return {"type": "plain_text", "text": text}


def _sentence(message: str) -> str:
    # Slot messages are written to follow "Sorry, ..." in chat; under a form field they stand alone
    return message[:1].upper() + message[1:]


def _get(container: object, key: str) -> object:
    """`container[key]` when container is a JSON object that has it, else None."""
    return container.get(key) if isinstance(container, dict) else None
