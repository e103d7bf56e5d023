"""Numbers as people write them, for Number slots and the recogniser."""

from fractions import Fraction

import pytest

from bot.conversation.numbers import find_numbers, parse_number


@pytest.mark.parametrize(("text", "value"), [
    ("6", 6), ("six", 6), ("Twenty", 20), ("twenty-one", 21), ("twenty one", 21), ("a hundred", 100),
    ("one hundred and five", 105), ("1,000", 1000), ("10 000", 10_000), ("10k", 10_000), ("2.5 million", 2_500_000),
    ("200 million", 200_000_000), ("200,000,000", 200_000_000), ("a million", 1_000_000), ("1e6", 1_000_000),
    ("three thousand two hundred", 3200), ("one thousand and one", 1001), ("a dozen", 12), ("-3", -3),
    ("2.5", Fraction(5, 2)), (" 42 ", 42), ("10^7", 10**7), ("2**20", 2**20), ("10 ^ 4", 10_000), ("10⁶", 10**6),
    ("5x10^4", 50_000), ("1 000 000", 1_000_000),
])
def test_a_number_as_written(text: str, value: Fraction) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "6 apples", "hundred", "a", "twenty twelve", "d20", "me a d20",
                                  "back the last deploy", "2^100000"])
def test_text_that_is_not_exactly_one_number(text: str) -> None:
    assert parse_number(text) is None


def test_numbers_are_found_among_words_with_the_words_they_span() -> None:
    found = find_numbers(["count", "primes", "under", "twenty", "thousand", "and", "roll", "6"])
    assert [(each.start, each.end, each.value) for each in found] == [(3, 5, 20_000), (7, 8, 6)]
    assert [each.value for each in find_numbers(["roll", "one", "die", "with", "4", "sides"])] == [1, 4]
    assert find_numbers(["roll", "a", "die"]) == []  # "a" is a number only before hundred, thousand, ...
    assert not find_numbers(["2.5"])[0].whole
