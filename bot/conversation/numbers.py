"""Numbers as people write them: "6", "six", "twenty-one", "a hundred", "1,000", "10 000", "1 000 000", "10k",
"2.5 million", "200,000,000", powers ("10^7", "2**20", "10⁶", "5x10^4"), "d20" (a die's sides, read by the
recogniser).

Standard library only: `slots.Number` parses with it on the ingress's form path. Two entry points: `parse_number`
for a whole piece of text that should be one number (a slot's answer, a form field), and `find_numbers` for the
numbers inside a sentence's words (the recogniser's tokens), each with the words it spans.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
HUNDRED = {"hundred": 100}
SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 1_000_000_000_000,
          "k": 1_000, "m": 1_000_000, "mn": 1_000_000, "mil": 1_000_000, "b": 1_000_000_000, "bn": 1_000_000_000}
WORD_SCALES = frozenset({"thousand", "million", "billion", "trillion"})  # "k", "m", "bn" only glued to digits
SPECIAL = {"dozen": 12}
ARTICLES = frozenset({"a", "an"})  # "a hundred", "a million": one
DIGITS = re.compile(r"-?\d+(?:[.,]\d+)*")
GROUPED = re.compile(r"-?\d{1,3}(?:,\d{3})+")  # 1,000 and 200,000,000: commas group thousands
DECIMAL = re.compile(r"-?\d+\.\d+")
SUFFIXED = re.compile(r"(-?\d+(?:\.\d+)?)(k|m|mn|bn|b)")  # 10k, 2.5m, 3bn
SCIENTIFIC = re.compile(r"(-?\d+(?:\.\d+)?)e(\d{1,2})")  # 1e6
THREE_DIGITS = re.compile(r"\d{3}")
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# A power as typed: "10^7", "2**20", "10 ^ 4", "10⁶", "5x10^4" (one word for the recogniser's tokens)
POWER = re.compile(r"(?:\d+(?:\.\d+)?\s*[x×*]\s*)?\d+(?:\s*(?:\^|\*\*)\s*\d+|[" + SUPERSCRIPTS + r"]+)")
_POWER_PARTS = re.compile(r"(?:(\d+(?:\.\d+)?)\s*[x×*]\s*)?(\d+)\s*(?:\^|\*\*)\s*(\d+)")
_FROM_SUPERSCRIPT = str.maketrans(SUPERSCRIPTS, "0123456789")


@dataclass(frozen=True)
class FoundNumber:
    start: int  # index of its first word
    end: int  # index after its last word
    value: Fraction  # exact: 2.5 million is a whole number, 2.5 is not

    @property
    def whole(self) -> bool:
        return self.value.denominator == 1


MAX_DIGITS = 40  # longer is no number anyone means (and Python refuses to read an int past 4,300 digits)


def _digits(word: str) -> Fraction | None:
    """A number written with digits: "6", "-3", "1,000", "2.5", "10k", "2.5m"; None for anything else."""
    if len(word) > MAX_DIGITS:
        return None
    if POWER.fullmatch(word.lstrip("-")):
        return _power(word)
    scientific = SCIENTIFIC.fullmatch(word)
    if scientific:
        return Fraction(scientific.group(1)) * 10 ** int(scientific.group(2))
    suffixed = SUFFIXED.fullmatch(word)
    if suffixed:
        base = _digits(suffixed.group(1))
        return None if base is None else base * SCALES[suffixed.group(2)]
    if GROUPED.fullmatch(word):
        return Fraction(int(word.replace(",", "")))
    if DECIMAL.fullmatch(word):
        return Fraction(word)
    if re.fullmatch(r"-?\d+", word):
        return Fraction(int(word))
    return None


def _power(word: str) -> Fraction | None:
    """ "10^7", "2**20", "5x10^4", "10⁶": None when it would have more than MAX_DIGITS digits."""
    typed = word.lstrip("-")
    raised = next((index for index, char in enumerate(typed) if char in SUPERSCRIPTS), None)
    if raised is not None:  # "10⁶" is "10^6"
        typed = typed[:raised] + "^" + typed[raised:].translate(_FROM_SUPERSCRIPT)
    parts = _POWER_PARTS.fullmatch(typed)
    if parts is None:
        return None
    factor, base, exponent = Fraction(parts.group(1) or 1), int(parts.group(2)), int(parts.group(3))
    if base > 1 and exponent * math.log10(base) > MAX_DIGITS:
        return None
    value = factor * base**exponent
    return -value if word.startswith("-") else value


def _is_number_word(word: str) -> bool:
    return word in UNITS or word in TENS or word in HUNDRED or word in WORD_SCALES or word in SPECIAL


def _spaced_thousands(words: Sequence[str], index: int, value: Fraction) -> bool:
    """ "10 000": up to three digits, then a group of exactly three, written with a space between."""
    return (index + 1 < len(words) and THREE_DIGITS.fullmatch(words[index + 1]) is not None
            and re.fullmatch(r"\d{1,3}", words[index]) is not None and value > 0)


# Which word may follow which: "twenty one", "one hundred and five", "two million three hundred", "a dozen"
_AFTER = {
    "digits": ("", "and", "scale"),
    "unit": ("", "and", "scale", "hundred", "tens"),
    "tens": ("", "and", "scale", "hundred"),
    "hundred": ("unit", "digits", "tens"),
    "scale": ("unit", "digits", "tens", "hundred", "dozen"),
    "dozen": ("", "unit", "digits"),
}


def _kind(word: str) -> str | None:
    if _digits(word) is not None:
        return "digits"
    if word in UNITS:
        return "unit"
    if word in TENS:
        return "tens"
    if word in HUNDRED:
        return "hundred"
    if word in WORD_SCALES:
        return "scale"
    if word in SPECIAL:
        return "dozen"
    return None


def _read(words: Sequence[str], start: int) -> tuple[int, Fraction] | None:
    """The longest number starting at words[start]: (index after it, value), or None."""
    total = Fraction(0)  # closed by a scale word: "two million" of "two million three hundred"
    current: Fraction | None = None  # the group below the next scale word
    last = ""  # the kind of the previous word ("" at the start)
    index = end = start
    if words[start] in ARTICLES:  # "a hundred", "a million", "a dozen": the article is a one
        if start + 1 >= len(words) or _kind(words[start + 1]) not in ("hundred", "scale", "dozen"):
            return None
        current, last, index = Fraction(1), "unit", start + 1
    while index < len(words):
        word = words[index]
        kind = _kind(word)
        if word == "and" and last in ("hundred", "scale") and index + 1 < len(words) and _kind(
                words[index + 1]) in ("unit", "tens", "digits"):
            last, index = "and", index + 1
            continue
        if kind is None or last not in _AFTER[kind]:
            break
        if kind == "unit" and last == "tens" and UNITS[word] >= 10:
            break  # "twenty twelve" is two numbers
        if kind == "digits":
            value = _digits(word) or Fraction(0)
            if _spaced_thousands(words, index, value):
                while index + 1 < len(words) and THREE_DIGITS.fullmatch(words[index + 1]):  # 1 000 000
                    value, index = value * 1000 + int(words[index + 1]), index + 1
            current = (current or 0) + value
        elif kind == "unit":
            current = (current or 0) + UNITS[word]
        elif kind == "tens":
            current = (current or 0) + TENS[word]
        elif kind == "hundred":
            current = (current or 0) * 100
        elif kind == "scale":
            total, current = total + (current or 0) * SCALES[word], None
        else:  # dozen, score
            current = (current if current is not None else 1) * SPECIAL[word]
        last = kind
        index += 1
        end = index
    if end == start or last == "and":
        return None
    return end, total + (current or 0)


def find_numbers(words: Sequence[str]) -> list[FoundNumber]:
    """The numbers in a sentence's words (lower-case, split as `language.tokens` splits them), left to right."""
    found: list[FoundNumber] = []
    index = 0
    while index < len(words):
        word = words[index]
        if _digits(word) is not None or _is_number_word(word) or word in ARTICLES:
            read = _read(words, index)
            if read is not None and not (read[0] == index + 1 and words[index] in WORD_SCALES):
                end, value = read
                found.append(FoundNumber(index, end, value))
                index = end
                continue
        index += 1
    return found


NUMBER_WORD = re.compile(r"-?" + POWER.pattern + r"|-?\d(?:[\d,.]*\d)?(?:e\d+|[a-z]*)|[a-z]+")
JOINED = re.compile(r"(?<=[a-z])[-‑–](?=[a-z])")  # twenty-one


def parse_number(text: str) -> Fraction | None:
    """The number a whole piece of text says ("six", "1,000", "200 million", "a hundred", "-3"), or None when
    the text is not exactly one number."""
    words = NUMBER_WORD.findall(JOINED.sub(" ", text.strip().lower()))
    if not words:
        return None
    found = find_numbers(words)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(words):
        return found[0].value
    return None
