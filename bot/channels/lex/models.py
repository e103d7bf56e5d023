"""Amazon Lex V2 code-hook event and response (messageVersion "1.0").

Field names are snake_case in Python and AWS's camelCase on the wire (aliases). Every model keeps fields it does not
know: AWS says the event can grow without a new messageVersion, and a hook that echoes state back must not lose them.

The event is read strictly only where the hook uses it: messageVersion, invocationSource, inputMode, sessionId,
inputTranscript, bot.id / localeId / aliasId, requestAttributes, and in sessionState the intent (name, slots,
confirmationState), sessionAttributes and dialogAction. A turn whose used fields are wrong cannot be answered
correctly, so it is refused (the hook apologises). Everything else is read leniently (`Lenient`, `LenientList`):
a value of the wrong shape becomes None, or drops out of its list, instead of costing the caller the turn. The
shapes AWS's own libraries write are read as they are: `nluConfidence` as `{"score": n}` (Go, and .NET before it
changed to a number), no `bot.aliasName` (.NET), `sentiment` as any string, Go's zero values ("" for
confirmationState and state, null for an empty map or list, `{}` for an unfilled slot, a List slot's items as bare
values). Null is read as empty where Lex may send it (session and request attributes, an intent's slots, a slot).
Nothing read leniently is echoed back to Lex: the hook echoes the session attributes, which are read as given.

The response models hold Lex's documented limits (`limits.py`), so a reply that would break one fails where it is
built, not in Lex. The full response rules, for the tests, are `tests/support/lex_rules.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from bot.channels.lex import limits

InvocationSource = Literal["DialogCodeHook", "FulfillmentCodeHook"]
InputMode = Literal["Text", "Speech", "DTMF"]
SlotShape = Literal["Scalar", "List", "Composite"]
ConfirmationState = Literal["Confirmed", "Denied", "None"]
# what Lex may send; FulfillmentInProgress and Waiting only occur in streaming conversations
EventIntentState = Literal["Failed", "Fulfilled", "FulfillmentInProgress", "InProgress", "ReadyForFulfillment",
                           "Waiting"]
# what a code hook may answer (lambda-response-format / common structures)
ResponseIntentState = Literal["Fulfilled", "Failed", "InProgress", "ReadyForFulfillment"]
DialogActionType = Literal["Close", "ConfirmIntent", "Delegate", "ElicitIntent", "ElicitSlot"]
SlotElicitationStyle = Literal["Default", "SpellByLetter", "SpellByWord"]
ContentType = Literal["PlainText", "SSML", "ImageResponseCard", "CustomPayload"]

ACCEPT_CONTENT_TYPES = "x-amz-lex:accept-content-types"

T = TypeVar("T")


def _or_none(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except ValidationError:
        return None


def _good_items(value: Any, handler: ValidatorFunctionWrapHandler) -> list[Any]:
    if not isinstance(value, list):
        return []
    return [item for item in handler(value) if item is not None]


def _empty_list_if_wrong(value: Any, handler: ValidatorFunctionWrapHandler) -> list[Any]:
    return _or_none(value, handler) or []


def _empty_if_null(value: Any) -> Any:
    return {} if value is None else value


def _score(value: Any) -> Any:
    return value.get("score") if isinstance(value, Mapping) else value


def _no_confirmation(value: Any) -> Any:
    # Go's zero value ("") and a null both mean no confirmation asked yet, which Lex itself says as "None"
    return "None" if value is None or value == "" else value


Lenient = Annotated[T | None, WrapValidator(_or_none)]  # a value of the wrong shape is read as None
LenientList = Annotated[list[Lenient[T]], WrapValidator(_good_items)]  # items of the wrong shape are left out
StringMap = Annotated[dict[str, str], BeforeValidator(_empty_if_null)]  # strict, but null is empty
# Lex documents a number; the .NET library's first release and the Go library write {"score": n}
Confidence = Annotated[float | None, BeforeValidator(_score), WrapValidator(_or_none)]
Confirmation = Annotated[ConfirmationState, BeforeValidator(_no_confirmation)]


class LexModel(BaseModel):
    """Base of every Lex model: AWS names on the wire, Python names in code, unknown fields kept."""

    model_config = ConfigDict(extra="allow", alias_generator=to_camel, validate_by_name=True, validate_by_alias=True)


# --- shared by the event and the response ---------------------------------------------------------------------


class SlotValue(LexModel):
    original_value: str | None = None
    interpreted_value: str | None = None  # absent when Lex could not resolve what was said ("" from Go)
    resolved_values: Annotated[list[str], WrapValidator(_empty_list_if_wrong)] = []


class Slot(LexModel):
    shape: SlotShape = "Scalar"
    value: SlotValue | None = None
    values: list[Slot] | None = None  # shape List: one slot per item
    sub_slots: dict[str, Slot | None] | None = None  # shape Composite: its parts, by name

    @model_validator(mode="before")
    @classmethod
    def _bare_value(cls, data: Any) -> Any:
        # Go's library types a List slot's items as slot values, so it writes them without the slot around them
        if isinstance(data, Mapping) and not {"shape", "value"} & data.keys() and \
                {"originalValue", "interpretedValue"} & data.keys():
            return {"value": data}
        return data

    def text(self) -> str | None:
        """What the caller gave for this slot as one string, or None when there is nothing usable."""
        if self.shape == "Composite":
            return None  # its parts have their own names; the caller reads `sub_slots`
        if self.shape == "List" and self.values:
            items = [text for item in self.values if (text := item.text())]
            if items:
                return ", ".join(items)
        if self.value is None:
            return None
        return self.value.interpreted_value or self.value.original_value or None


class DialogAction(LexModel):
    type: DialogActionType
    slot_to_elicit: str | None = None
    slot_elicitation_style: Lenient[SlotElicitationStyle] = None  # the hook neither reads nor sets it


class ContextTimeToLive(LexModel):
    time_to_live_in_seconds: Lenient[int] = None
    turns_to_live: Lenient[int] = None


class ActiveContext(LexModel):
    name: str
    time_to_live: Lenient[ContextTimeToLive] = None
    context_attributes: Lenient[dict[str, str]] = {}


# --- the event ------------------------------------------------------------------------------------------------


class Bot(LexModel):
    id: str
    locale_id: str
    alias_id: str
    name: Lenient[str] = None
    version: Lenient[str] = None
    alias_name: Lenient[str] = None  # the .NET library's event has none


class Intent(LexModel):
    name: str
    slots: Annotated[dict[str, Slot | None], BeforeValidator(_empty_if_null)] = {}  # an unfilled slot is null
    state: Lenient[EventIntentState] = None
    confirmation_state: Confirmation = "None"

    def slot_text(self, name: str) -> str | None:
        """The text of slot `name` (see `Slot.text`); None when the slot is unknown, unfilled or composite."""
        slot = self.slots.get(name)
        return slot.text() if slot is not None else None


class SentimentResponse(LexModel):
    sentiment: Lenient[str] = None  # AWS names MIXED, NEGATIVE, NEUTRAL, POSITIVE; its libraries take any string
    sentiment_score: Lenient[dict[str, Lenient[float]]] = None


class Interpretation(LexModel):
    intent: Lenient[Intent] = None
    nlu_confidence: Confidence = None  # absent on FallbackIntent
    sentiment_response: Lenient[SentimentResponse] = None
    interpretation_source: Lenient[str] = None


class ProposedNextState(LexModel):
    dialog_action: Lenient[DialogAction] = None
    intent: Lenient[Intent] = None


class SessionState(LexModel):
    active_contexts: LenientList[ActiveContext] = []
    session_attributes: StringMap = {}
    runtime_hints: Lenient[dict[str, Any]] = None
    dialog_action: DialogAction | None = None
    intent: Intent | None = None
    originating_request_id: Lenient[str] = None


class Transcription(LexModel):
    transcription: Lenient[str] = None
    transcription_confidence: Confidence = None
    resolved_context: Lenient[dict[str, Any]] = None
    resolved_slots: Lenient[dict[str, Slot | None]] = None


class LexEvent(LexModel):
    """What Lex V2 sends the code-hook Lambda."""

    message_version: Literal["1.0"]  # another version is another format: refuse it rather than misread it
    invocation_source: InvocationSource
    input_mode: InputMode
    session_id: str
    input_transcript: str = ""
    bot: Bot
    request_attributes: StringMap = {}
    session_state: SessionState
    response_content_type: Lenient[str] = None
    interpretations: LenientList[Interpretation] = []
    proposed_next_state: Lenient[ProposedNextState] = None
    transcriptions: LenientList[Transcription] = []

    @property
    def spoken(self) -> bool:
        """True when the answer will be heard: a voice or keypad turn, or a channel that says it takes SSML.

        The request attribute is how Amazon Connect asks for SSML, and it may do so on a turn whose input is text.
        """
        if self.input_mode in ("Speech", "DTMF"):
            return True
        accepted = self.request_attributes.get(ACCEPT_CONTENT_TYPES, "")
        return "SSML" in (kind.strip() for kind in accepted.split(","))


# --- the response ---------------------------------------------------------------------------------------------


def _text(longest: int) -> Any:
    return Field(min_length=1, max_length=longest)


class Button(LexModel):
    text: Annotated[str, _text(limits.BUTTON_TEXT)]
    value: Annotated[str, _text(limits.BUTTON_VALUE)]


class ImageResponseCard(LexModel):
    title: Annotated[str, _text(limits.CARD_TITLE)]
    subtitle: Annotated[str, _text(limits.CARD_SUBTITLE)] | None = None
    image_url: Annotated[str, _text(limits.CARD_IMAGE_URL)] | None = None
    buttons: Annotated[list[Button], Field(max_length=limits.CARD_BUTTONS)] = []


class Message(LexModel):
    content_type: ContentType
    content: Annotated[str, _text(limits.MESSAGE_CONTENT)] | None = None  # PlainText, SSML, CustomPayload
    image_response_card: ImageResponseCard | None = None  # ImageResponseCard


class ResponseIntent(LexModel):
    name: str
    slots: dict[str, Slot | None] | None = None
    state: ResponseIntentState | None = None
    confirmation_state: ConfirmationState | None = None


class ResponseSessionState(LexModel):
    dialog_action: DialogAction
    intent: ResponseIntent | None = None
    session_attributes: dict[str, str] = {}
    active_contexts: Annotated[list[ActiveContext], Field(max_length=limits.ACTIVE_CONTEXTS)] | None = None


class LexResponse(LexModel):
    """What the code-hook Lambda answers Lex V2."""

    session_state: ResponseSessionState
    messages: list[Message] = []
    request_attributes: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The response as Lex reads it: AWS names, no nulls (Lex refuses null where it expects a value)."""
        body = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        if not body.get("messages"):
            # an empty list says no more than a missing key, and leaving it out is the documented way to let Lex
            # use the bot's own prompts
            body.pop("messages", None)
        return body
