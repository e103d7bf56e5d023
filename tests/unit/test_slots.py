"""Slot types: Number forms and bounds, Choice values, synonyms and typos, and what importing them costs."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.conversation.slots import Choice, Number, SlotValueError

ROOT = Path(__file__).resolve().parents[2]
PRIORITY = Choice(("low", "normal", "high"), synonyms={"high": ("urgent", "asap"), "low": ("not urgent",)})


@pytest.mark.parametrize(("text", "value"), [("six", 6), ("1,000", 1000), ("200 million", 200_000_000),
                                             ("200,000,000", 200_000_000), ("a hundred", 100), ("10k", 10_000)])
def test_a_number_in_any_form_people_write_it(text: str, value: int) -> None:
    assert Number(minimum=2, maximum=1_000_000_000).parse(text) == value


@pytest.mark.parametrize(("text", "why"), [("abc", "“abc” is not a whole number"), ("1", "1 is less than 2"),
                                          ("1001", "1001 is more than 1000"), ("2.5", "2.5 is not a whole number")])
def test_a_number_that_does_not_fit_says_why(text: str, why: str) -> None:
    with pytest.raises(SlotValueError, match=why):
        Number(minimum=2, maximum=1000).parse(text)


@pytest.mark.parametrize(("text", "value"), [("high", "high"), ("HIGH!", "high"), ("urgent", "high"),
                                             ("ASAP", "high"), ("not urgent", "low"), ("hihg", "high"),
                                             ("nromal", "normal"), ("urgnet", "high")])
def test_a_choice_by_its_value_a_synonym_or_a_typo(text: str, value: str) -> None:
    assert PRIORITY.parse(text) == value


@pytest.mark.parametrize("text", ["huge", "lo", "hi", "medium rare", ""])
def test_a_choice_refuses_what_is_none_of_its_values(text: str) -> None:
    with pytest.raises(SlotValueError, match="is not one of: low, normal, high"):
        PRIORITY.parse(text)


def test_a_typo_between_two_values_is_not_guessed() -> None:
    assert Choice(("cart", "card")).closest("carx") is None


def test_synonyms_are_checked_when_declared_and_keep_a_choice_hashable() -> None:
    assert hash(PRIORITY) == hash(Choice(("low", "normal", "high"),
                                         synonyms={"high": ["urgent", "asap"], "low": ["not urgent"]}))
    with pytest.raises(ValueError, match="not one of the values"):
        Choice(("a", "b"), synonyms={"c": ("see",)})
    with pytest.raises(ValueError, match="already means"):
        Choice(("low", "high"), synonyms={"high": ("low",)})
    with pytest.raises(ValueError, match="given twice"):
        Choice(("High", "high"))


def test_suggestions_find_values_by_their_synonyms_too() -> None:
    assert PRIORITY.matching("urg") == ["high", "low"]  # urgent starts with it, "not urgent" contains it
    assert PRIORITY.matching("") == ["low", "normal", "high"]


PROBE = """
import json, sys
from bot.conversation.slots import Choice, Number
Choice(("low", "high")).parse("HIGH"); Number().parse("1,000")
print(json.dumps(sorted(sys.modules)))
"""


def test_slot_types_import_nothing_heavy_until_a_typo_needs_it() -> None:
    # the ingress parses forms with these: rapidfuzz loads only for a value that is not found as written
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
    loaded = json.loads(result.stdout)
    assert not [name for name in loaded if name.split(".")[0] in ("rapidfuzz", "Stemmer", "pydantic")]


def test_what_no_one_means_as_a_number_is_refused_briefly() -> None:
    with pytest.raises(SlotValueError) as refused:
        Number().parse("9" * 5000)  # Python will not read an int this long: still a polite refusal
    assert len(str(refused.value)) < 100
    with pytest.raises(SlotValueError, match=r"^1e\+99 is more than 1000$"):
        Number(maximum=1000).parse("1e99")
