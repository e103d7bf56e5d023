"""Amazon Lex V2 code-hook event and response (messageVersion "1.0").

Field names are snake_case in Python and AWS's camelCase on the wire (aliases). Every model keeps fields it does not
know: AWS says the event can grow without a new messageVersion, and a hook that echoes state back must not lose them.

The response models hold Lex's documented limits (`limits.py`), so a reply that would break one fails where it is
built, not in Lex. The full response rules, for the tests, are `tests/support/lex_rules.py`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
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


class LexModel(BaseModel):
    """Base of every Lex model: AWS names on the wire, Python names in code, unknown fields kept."""

    model_config = ConfigDict(extra="allow", alias_generator=to_camel, validate_by_name=True, validate_by_alias=True)


# --- shared by the event and the response ---------------------------------------------------------------------


class SlotValue(LexModel):
    original_value: str | None = None
    interpreted_value: str | None = None  # absent when Lex could not resolve what was said
    resolved_values: list[str] = []


class Slot(LexModel):
    shape: SlotShape = "Scalar"
    value: SlotValue | None = None
    values: list[Slot] | None = None  # shape List: one slot per item
    sub_slots: dict[str, Slot | None] | None = None  # shape Composite: its parts, by name

    def text(self) -> str | None:
        """What the caller gave for this slot as one string, or None when there is nothing usable."""
        if self.shape == "Composite":
            return None  # its parts have their own names; the caller reads `sub_slots`
        if self.shape == "List" and self.values:
            items = [text for item in self.values if (text := item.text())]
            return ", ".join(items) or None
        if self.value is None:
            return None
        return self.value.interpreted_value or self.value.original_value or None


class DialogAction(LexModel):
    type: DialogActionType
    slot_to_elicit: str | None = None
    slot_elicitation_style: SlotElicitationStyle | None = None


class ContextTimeToLive(LexModel):
    time_to_live_in_seconds: int | None = None
    turns_to_live: int | None = None


class ActiveContext(LexModel):
    name: str
    time_to_live: ContextTimeToLive | None = None
    context_attributes: dict[str, str] = {}


# --- the event ------------------------------------------------------------------------------------------------


class Bot(LexModel):
    id: str
    name: str
    locale_id: str
    version: str
    alias_id: str
    alias_name: str


class Intent(LexModel):
    name: str
    slots: dict[str, Slot | None] = {}  # an unfilled slot is null
    state: EventIntentState | None = None
    confirmation_state: ConfirmationState = "None"

    def slot_text(self, name: str) -> str | None:
        """The text of slot `name` (see `Slot.text`); None when the slot is unknown, unfilled or composite."""
        slot = self.slots.get(name)
        return slot.text() if slot is not None else None


class SentimentResponse(LexModel):
    sentiment: Literal["MIXED", "NEGATIVE", "NEUTRAL", "POSITIVE"]
    sentiment_score: dict[str, float] = {}


class Interpretation(LexModel):
    intent: Intent
    nlu_confidence: float | None = None  # absent on FallbackIntent
    sentiment_response: SentimentResponse | None = None
    interpretation_source: Literal["Bedrock", "Lex"] | None = None


class ProposedNextState(LexModel):
    dialog_action: DialogAction | None = None
    intent: Intent | None = None


class SessionState(LexModel):
    active_contexts: list[ActiveContext] = []
    session_attributes: dict[str, str] = {}
    runtime_hints: dict[str, Any] | None = None
    dialog_action: DialogAction | None = None
    intent: Intent | None = None
    originating_request_id: str | None = None


class Transcription(LexModel):
    transcription: str | None = None
    transcription_confidence: float | None = None
    resolved_context: dict[str, Any] | None = None
    resolved_slots: dict[str, Slot | None] = {}


class LexEvent(LexModel):
    """What Lex V2 sends the code-hook Lambda."""

    message_version: Literal["1.0"]  # another version is another format: refuse it rather than misread it
    invocation_source: InvocationSource
    input_mode: InputMode
    response_content_type: str
    session_id: str
    input_transcript: str = ""
    bot: Bot
    interpretations: list[Interpretation] = []
    proposed_next_state: ProposedNextState | None = None
    request_attributes: dict[str, str] = {}
    session_state: SessionState
    transcriptions: list[Transcription] = []

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
