"""Spans of time as people say them: "10 minutes", "an hour", "2 hours 30 minutes", "3 days", "1h30m", "a week".

Reminders take them as hours (fractions allowed). Standard library only.
"""

from __future__ import annotations

import re
from fractions import Fraction

from bot.conversation.numbers import parse_number

HOURS_PER_UNIT = {
    "second": Fraction(1, 3600), "sec": Fraction(1, 3600), "s": Fraction(1, 3600),
    "minute": Fraction(1, 60), "min": Fraction(1, 60), "m": Fraction(1, 60),
    "hour": Fraction(1), "hr": Fraction(1), "h": Fraction(1),
    "day": Fraction(24), "d": Fraction(24),
    "week": Fraction(24 * 7), "wk": Fraction(24 * 7), "w": Fraction(24 * 7),
    "fortnight": Fraction(24 * 14),
}
_PART = re.compile(r"(?P<amount>[\w,.\-]+(?:\s+(?!and\b)[a-z\-]+)*?)\s*(?P<unit>seconds?|secs?|minutes?|mins?|hours?|"
                   r"hrs?|days?|weeks?|wks?|fortnights?|[smhdw])\b", re.I)
_HALF = {"half an hour": "30 minutes", "half a day": "12 hours", "an hour and a half": "90 minutes",
         "a quarter of an hour": "15 minutes", "quarter of an hour": "15 minutes"}


def parse_hours(text: str) -> Fraction | None:
    """The span `text` says, in hours; None when it is not one."""
    if re.search(r"-\s*\d", text):
        return None  # a span before now ("-5 minutes") is no span
    said = " ".join(text.lower().replace("-", " ").split()).removeprefix("in ").strip()
    for phrase, plain in _HALF.items():
        said = said.replace(phrase, plain)
    said = re.sub(r"(\d)([a-z])", r"\1 \2", re.sub(r"([a-z])(\d)", r"\1 \2", said)).replace(" and ", " ")
    total, end = Fraction(0), 0
    for found in _PART.finditer(said):
        if said[end:found.start()].strip(" ,") not in ("", "and"):
            return None
        amount = found["amount"].strip()
        number = Fraction(1) if amount in ("a", "an", "one") else _number(amount)
        unit = found["unit"].lower().rstrip("s") or "s"
        unit = {"hr": "hr", "min": "min", "sec": "sec", "wk": "wk"}.get(unit, unit)
        if number is None or unit not in HOURS_PER_UNIT:
            return None
        total += number * HOURS_PER_UNIT[unit]
        end = found.end()
    if end == 0 or said[end:].strip(" ,."):
        return None
    return total if total > 0 else None


def _number(text: str) -> Fraction | None:
    try:
        return Fraction(text.replace(",", ""))
    except ValueError:
        value = parse_number(text)
        return Fraction(value) if value is not None else None


def say_hours(hours: Fraction | float) -> str:
    """A span in words: "10 minutes", "2 hours 30 minutes", "3 days"."""
    minutes = round(Fraction(hours) * 60)
    if minutes < 1:
        return "less than a minute"
    parts = []
    for size, name in ((7 * 24 * 60, "week"), (24 * 60, "day"), (60, "hour"), (1, "minute")):
        count, minutes = divmod(minutes, size)
        if count:
            parts.append(f"{count} {name}{'s' * (count != 1)}")
    return " ".join(parts[:2])
