"""The demo intents' evaluation set (tests/nlu/demo.yml) is understood, and `make nlu` reads any set.

Acceptance (issue 11): at least 95 % of the paraphrases recognised with the right slot values, and at least 95 % of
the out-of-scope lines left to the fallback. `make nlu` prints what fell through when this fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import intents  # noqa: F401 - declares the demo intents
from bot.conversation import registry
from tests.nlu.evaluate import HERE, OUT_OF_SCOPE, evaluate, load, main, render, same_value

THRESHOLD = 0.95
DEMO_INTENTS = ("echo", "hello", "help", "my_tickets", "open_ticket", "primes", "roll", "status")
LINK_INTENTS = ("link_voice", "link", "unlink")


def test_the_demo_set_is_understood() -> None:
    report = evaluate(load([HERE]), registry.recogniser())
    shown = render(report)
    assert report.slot_accuracy >= THRESHOLD, shown
    assert report.out_of_scope_accuracy >= THRESHOLD, shown
    print(shown)  # shown with -s


def test_the_demo_set_is_large_enough_to_mean_something() -> None:
    items = load([HERE / "demo.yml"])
    for name in DEMO_INTENTS:
        assert len([item for item in items if item.intent == name]) >= 20, name
    for name in LINK_INTENTS:  # newer: fewer lines, written before the recogniser was tuned for them
        assert len([item for item in items if item.intent == name]) >= 10, name
    assert len([item for item in items if item.intent == OUT_OF_SCOPE]) >= 60


def test_any_set_can_be_evaluated_and_a_floor_fails_the_run(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    held_out = tmp_path / "held_out.yaml"
    held_out.write_text(
        "roll:\n  - {text: 'throw a d12', slots: {sides: 12}}\n  - roll a die\n"
        "open_ticket:\n  - {text: 'open a ticket about the VPN', slots: {topic: 'the vpn.', priority: null}}\n"
        "none:\n  - roll back the release\n  - roll over\n")
    assert main([str(held_out), "--min", "0.9"]) == 0
    out = capsys.readouterr().out
    assert "intent and slot values right:  100.0%" in out and "out of scope left unknown:     100.0%" in out
    held_out.write_text("roll:\n  - {text: 'roll a die', slots: {sides: 6}}\nnone:\n  - roll over\n")
    assert main([str(held_out), "--min", "0.9"]) == 1
    assert "right intent, wrong slot values:" in capsys.readouterr().out
    held_out.write_text("teleport:\n  - beam me up\n")
    assert main([str(held_out)]) == 2
    assert "teleport" in capsys.readouterr().err


def test_malformed_items_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("roll:\n  - [not, an, item]\n")
    with pytest.raises(ValueError, match="an item is a text or"):
        load([bad])


@pytest.mark.parametrize(("expected", "got", "same"), [
    (12, 12, True), (12, "12", False), ("The VPN.", "the vpn", True), ("high", "High", True), (None, None, True),
    (None, "x", False), ("x", None, False), ("¯\\_(ツ)_/¯", "ツ", True),
])
def test_slot_values_compare_as_the_format_says(expected: object, got: object, same: bool) -> None:
    assert same_value(expected, got) is same
