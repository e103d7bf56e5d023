"""Spans of time as people say them, read as hours (reminders)."""

from fractions import Fraction

import pytest

from bot.conversation.durations import parse_hours, say_hours


@pytest.mark.parametrize(("said", "hours"), [
    ("10 minutes", Fraction(1, 6)), ("an hour", 1), ("in 5 min", Fraction(1, 12)), ("2 hours 30 minutes", 2.5),
    ("two hours and 15 minutes", 2.25), ("1h30m", 1.5), ("an hour and a half", 1.5), ("half an hour", 0.5),
    ("3 days", 72), ("a week", 168), ("a fortnight", 336), ("twenty minutes", Fraction(1, 3)), ("1.5 hours", 1.5),
])
def test_spans_people_say(said: str, hours: float) -> None:
    assert parse_hours(said) == Fraction(hours)


@pytest.mark.parametrize("said", ["soon", "5", "tomorrow", "-5 minutes", "in - 2 hours", "0 minutes", "minutes",
                                  "10 minutes later"])
def test_what_is_not_a_span_is_refused(said: str) -> None:
    assert parse_hours(said) is None


def test_a_span_said_back() -> None:
    assert [say_hours(Fraction(each)) for each in (Fraction(1, 6), 2.5, 72, Fraction(1, 180))] == \
        ["10 minutes", "2 hours 30 minutes", "3 days", "less than a minute"]
