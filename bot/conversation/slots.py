"""Slot types: how a piece of an utterance becomes a typed value, or a clear reason it cannot."""

from __future__ import annotations

from dataclasses import dataclass

_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
)
NUMBER_WORDS = {word: value for value, word in enumerate(_WORDS)}


class SlotValueError(ValueError):
    """The words given for a slot do not fit its type; the message is said to the user."""


@dataclass(frozen=True)
class Number:
    """A whole number, as digits or (up to twenty) as a word, within [minimum, maximum]."""

    minimum: int | None = None
    maximum: int | None = None
    name: str = "number"

    def parse(self, text: str) -> int:
        cleaned = text.strip().lower()
        if cleaned in NUMBER_WORDS:
            value = NUMBER_WORDS[cleaned]
        else:
            try:
                value = int(cleaned)
            except ValueError:
                raise SlotValueError(f"“{text.strip()}” is not a whole number") from None
        if self.minimum is not None and value < self.minimum:
            raise SlotValueError(f"{value} is less than {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise SlotValueError(f"{value} is more than {self.maximum}")
        return value


@dataclass(frozen=True)
class Text:
    """Free text, kept as typed."""

    max_length: int = 2000
    name: str = "text"

    def parse(self, text: str) -> str:
        value = text.strip()
        if not value:
            raise SlotValueError("that is empty")
        if len(value) > self.max_length:
            raise SlotValueError(f"that is longer than {self.max_length} characters")
        return value


@dataclass(frozen=True)
class Choice:
    """One of a fixed set of values (matched without regard to case).

    Offered as buttons in chat and a select menu in forms; with `suggest`, a long list is offered as a
    menu that filters as the person types (Slack asks for the options while they type).
    """

    values: tuple[str, ...]
    name: str = "choice"
    suggest: bool = False

    def matching(self, typed: str, limit: int = 100) -> list[str]:
        """The values that contain what was typed so far, those that start with it first."""
        wanted = typed.strip().lower()
        starts = [value for value in self.values if value.lower().startswith(wanted)]
        contains = [value for value in self.values if wanted in value.lower() and value not in starts]
        return (starts + contains)[:limit]

    def parse(self, text: str) -> str:
        wanted = text.strip().lower()
        for value in self.values:
            if value.lower() == wanted:
                return value
        raise SlotValueError(f"“{text.strip()}” is not one of: {', '.join(self.values)}")


SlotType = Number | Text | Choice


@dataclass(frozen=True)
class Slot:
    name: str
    type: SlotType
    prompt: str  # asked when the slot is missing
    required: bool = True
    example: str | None = None  # a value that shows the slot in help ("6" for a die's sides)
    secret: bool = False  # never written to a log (a link code, a password someone types by mistake)
