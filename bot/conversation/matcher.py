"""What today's engine reads of a recognition (`Registry.match`), and the text clean-up it compares with.

The regex matcher that lived here (each example an anchored pattern) gave way to `recogniser.py`, which
understands what people type rather than the examples word for word; `Match` is the confident candidate as the
engine before it expects one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.conversation.intent import Intent

TRAILING_PUNCTUATION = re.compile(r"[\s.!?]+$")
SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Trimmed, single-spaced, without closing punctuation (how `cancel` and `yes` are compared)."""
    return TRAILING_PUNCTUATION.sub("", SPACES.sub(" ", text.strip()))


@dataclass(frozen=True)
class Match:
    intent: Intent
    values: dict[str, Any] = field(default_factory=dict)  # slot name -> parsed value
    problems: dict[str, str] = field(default_factory=dict)  # slot name -> why its words do not fit
    missing: tuple[str, ...] = ()  # required slots the text did not give
