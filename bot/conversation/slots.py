"""Slot types: how a piece of an utterance becomes a typed value, or a clear reason it cannot.

Imported by the ingress on its form path: the standard library only at import. A Choice's typo matching loads
rapidfuzz the first time a value is not found as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from bot.conversation.edits import osa_distance  # stdlib: the ingress checks forms from a stdlib-only zip
from bot.conversation.numbers import UNITS, parse_number

# The words the local Lex emulator resolves as AMAZON.Number does (Lex reads more; so does Number.parse)
NUMBER_WORDS = {**UNITS, "twenty": 20}


class SlotValueError(ValueError):
    """The words given for a slot do not fit its type; the message is said to the user."""


QUOTED_MAX = 60


def quoted(text: str) -> str:
    """What someone typed, as a message quotes it back: trimmed, and cut when long."""
    text = " ".join(text.split())
    return text if len(text) <= QUOTED_MAX else text[: QUOTED_MAX - 1] + "…"


def shown(value: int) -> str:
    """A number as a message shows it: as is, or in powers of ten when it would not fit a line."""
    return str(value) if abs(value) < 10**15 else f"{value:.3g}"


@dataclass(frozen=True)
class Number:
    """A whole number within [minimum, maximum], written as people write it: "6", "six", "twenty-one",
    "a hundred", "1,000", "10k", "200 million", "200,000,000"."""

    minimum: int | None = None
    maximum: int | None = None
    name: str = "number"

    def parse(self, text: str) -> int:
        value = parse_number(text)
        if value is None:
            raise SlotValueError(f"“{quoted(text)}” is not a whole number")
        return self.accept(value)

    def accept(self, number: Fraction | int) -> int:
        """A number already read (by the recogniser) checked against this type: whole, and within bounds."""
        if Fraction(number).denominator != 1:
            raise SlotValueError(f"{float(number):g} is not a whole number")
        value = int(number)
        if self.minimum is not None and value < self.minimum:
            raise SlotValueError(f"{shown(value)} is less than {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise SlotValueError(f"{shown(value)} is more than {self.maximum}")
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


Synonyms = Mapping[str, Sequence[str]] | Sequence[tuple[str, Sequence[str]]]
_PUNCTUATION = re.compile(r"[^\w\s]+")


def plain(text: str) -> str:
    """Text as a choice compares it: lower case, punctuation as spaces, single-spaced ("Sign-on!" -> "sign on")."""
    return " ".join(_PUNCTUATION.sub(" ", text.lower().replace("’", "'").replace("'", "")).split())


def typo_distance(length: int) -> int:
    """How many edits (a transposition is one) a typed word of this length may be away from a known one: none
    for short words ("bye" is not "hey"), one up to seven letters, two from eight."""
    return 0 if length < 4 else 1 if length < 8 else 2


@dataclass(frozen=True)
class Choice:
    """One of a fixed set of values, matched without regard to case or punctuation, by the value or one of its
    synonyms (`synonyms={"high": ("urgent", "asap")}`), and forgiving a typo ("hihg" is high).

    Offered as buttons in chat and a select menu in forms; with `suggest`, a long list is offered as a
    menu that filters as the person types (Slack asks for the options while they type).
    """

    values: tuple[str, ...]
    name: str = "choice"
    suggest: bool = False
    # value -> other words for it; given as a mapping, kept as pairs (a Choice is hashable, like every slot)
    synonyms: Synonyms = ()

    def __post_init__(self) -> None:
        pairs = tuple((value, tuple(words)) for value, words in (
            self.synonyms.items() if isinstance(self.synonyms, Mapping) else self.synonyms))
        object.__setattr__(self, "values", tuple(self.values))
        object.__setattr__(self, "synonyms", pairs)
        owner: dict[str, str] = {}
        for value in self.values:
            if plain(value) in owner:
                raise ValueError(f"choice value {value!r} is given twice")
            owner[plain(value)] = value
        for value, words in pairs:
            if value not in self.values:
                raise ValueError(f"synonyms for {value!r}, which is not one of the values {self.values}")
            for word in words:
                taken = owner.get(plain(word))
                if taken is not None and taken != value:
                    raise ValueError(f"{word!r} cannot mean {value!r}: it already means {taken!r}")
                owner[plain(word)] = value

    def phrases(self) -> dict[str, str]:
        """Every way of saying a value, plain (see `plain`) -> the value: the values and their synonyms."""
        said = {plain(value): value for value in self.values}
        for value, words in self.synonyms:  # type: ignore[misc]  # pairs after __post_init__
            said.update((plain(word), value) for word in words)
        return said

    def matching(self, typed: str, limit: int = 100) -> list[str]:
        """The values that contain what was typed so far (or have a synonym that does), those that start with it
        first."""
        wanted = plain(typed)
        said = self.phrases()
        starts = list(dict.fromkeys(value for phrase, value in said.items() if phrase.startswith(wanted)))
        contains = [value for phrase, value in said.items() if wanted in phrase and value not in starts]
        ordered = [value for value in self.values if value in starts] + [
            value for value in self.values if value in contains]
        return list(dict.fromkeys(ordered))[:limit]

    def parse(self, text: str) -> str:
        wanted = plain(text)
        said = self.phrases()
        if wanted in said:
            return said[wanted]
        typo = self.closest(wanted)
        if typo is not None:
            return typo
        raise SlotValueError(f"“{quoted(text)}” is not one of: {', '.join(self.values)}")

    def closest(self, wanted: str) -> str | None:
        """The value whose value or synonym `wanted` (plain) is a typo of: one edit away, two for long words, and
        only when no other value is as close."""
        limit = typo_distance(len(wanted))
        if not limit:
            return None
        said = self.phrases()
        best: dict[str, int] = {}
        for phrase, value in said.items():
            distance = osa_distance(wanted, phrase, limit)
            if distance <= limit and len(phrase) >= 4:
                best[value] = min(distance, best.get(value, distance))
        if not best:
            return None
        nearest = min(best.values())
        winners = [value for value, distance in best.items() if distance == nearest]
        return winners[0] if len(winners) == 1 else None


SlotType = Number | Text | Choice


@dataclass(frozen=True)
class Slot:
    name: str
    type: SlotType
    prompt: str  # asked when the slot is missing
    required: bool = True
    example: str | None = None  # a value that shows the slot in help ("6" for a die's sides)
    secret: bool = False  # never written to a log (a link code, a password someone types by mistake)
