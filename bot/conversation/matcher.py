"""From text to an intent and its slots, using the intents' own example utterances.

Each example becomes an anchored pattern: its words must be there (case and extra spaces aside) and
each `{slot}` takes the words in its place, which the slot's type then parses. Of the examples that
fit, the one whose slots all parse wins, then the one with the most literal words, then the most slots.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.conversation.intent import PLACEHOLDER, Intent
from bot.conversation.slots import SlotValueError

TRAILING_PUNCTUATION = re.compile(r"[\s.!?]+$")
SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """What matching looks at: trimmed, single-spaced, without closing punctuation."""
    return TRAILING_PUNCTUATION.sub("", SPACES.sub(" ", text.strip()))


@dataclass(frozen=True)
class Match:
    intent: Intent
    values: dict[str, Any] = field(default_factory=dict)  # slot name -> parsed value
    problems: dict[str, str] = field(default_factory=dict)  # slot name -> why its words do not fit
    missing: tuple[str, ...] = ()  # required slots the text did not give


@dataclass(frozen=True)
class _Pattern:
    intent: Intent
    regex: re.Pattern[str]
    literal_length: int


def _compile(intent: Intent, example: str) -> _Pattern:
    parts = PLACEHOLDER.split(normalize(example))
    # split() alternates literal text and slot names: even indexes are literal
    regex = ""
    literal_length = 0
    for index, part in enumerate(parts):
        if index % 2:
            regex += f"(?P<{part}>.+?)"
        else:
            literal_length += len(part.strip())
            regex += r"\s+".join(re.escape(word) for word in part.split(" "))
    return _Pattern(intent, re.compile(regex, re.IGNORECASE), literal_length)


class Matcher:
    def __init__(self, intents: Iterable[Intent]) -> None:
        self._patterns = [_compile(intent, example) for intent in intents for example in intent.examples]

    def match(self, text: str) -> Match | None:
        cleaned = normalize(text)
        best: tuple[tuple[bool, int, int], Match] | None = None
        for pattern in self._patterns:
            found = pattern.regex.fullmatch(cleaned)
            if not found:
                continue
            candidate = _read_slots(pattern.intent, found.groupdict())
            rank = (not candidate.problems, pattern.literal_length, len(candidate.values))
            if best is None or rank > best[0]:
                best = (rank, candidate)
        return best[1] if best else None


def _read_slots(intent: Intent, words: dict[str, str]) -> Match:
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, text in words.items():
        try:
            values[name] = intent.slot(name).type.parse(text)
        except SlotValueError as error:
            problems[name] = str(error)
    missing = tuple(slot.name for slot in intent.slots if slot.required and slot.name not in words)
    return Match(intent, values, problems, missing)
