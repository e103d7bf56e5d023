"""make misses: what nothing understood is logged only where the stage says so, redacted, and grouped."""

from __future__ import annotations

from typing import Any

import pytest

from bot.observability.misses import MESSAGE, SETTING, group_misses, log_miss, misses_logged, render
from bot.observability.records import json_records
from tests.support.log_lines import line


class Lines:
    def __init__(self) -> None:
        self.lines: list[tuple[str, dict[str, Any]]] = []

    def info(self, message: str, extra: dict[str, Any]) -> None:
        self.lines.append((message, extra))


@pytest.mark.parametrize(("stage", "value", "logged"), [
    ("local", None, True), ("local-e2e", "", True), ("dev", None, False), ("prod", "", False),
    ("prod", "true", True), ("dev", "1", True), ("local", "false", False), ("local", "off", False),
])
def test_the_stage_turns_it_on(stage: str, value: str | None, logged: bool) -> None:
    assert misses_logged(stage, value) is logged


def test_on_the_text_is_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_STAGE", "prod")
    monkeypatch.setenv(SETTING, "true")
    logger = Lines()
    log_miss(logger, "mail ada@example.com or call 555-010-0199 re xoxb-1-2-abc", "fallback", "slack", ["help"])
    assert logger.lines == [(MESSAGE, {"verdict": "fallback", "via": "slack", "closest": ["help"],
                                       "text": "mail [email] or call [phone] re [token]"})]


def test_off_nothing_is_logged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_STAGE", "prod")
    monkeypatch.delenv(SETTING, raising=False)
    logger = Lines()
    log_miss(logger, "what people said", "fallback", "slack", [])
    assert logger.lines == []


def test_misses_group_by_normalised_text_most_frequent_first() -> None:
    lines = [line(0, MESSAGE, "a", text="Flibbertigibbet  wobble!", verdict="fallback", via="slack"),
             line(1, MESSAGE, "b", text="flibbertigibbet wobble", verdict="fallback", via="lex"),
             line(2, MESSAGE, "c", text="flibbertigibbet WOBBLE.", verdict="ambiguous", via="slack",
                  closest=["roll", "rock"]),
             line(3, MESSAGE, "d", text="tell me a joke", verdict="fallback", via="slack"),
             line(4, "recognised", "e", verdict="unknown", via="slack")]
    misses = group_misses(list(json_records(lines)))
    assert [(miss.text, miss.count) for miss in misses] == [("flibbertigibbet wobble", 3), ("tell me a joke", 1)]
    assert dict(misses[0].verdicts) == {"fallback": 2, "ambiguous": 1}
    assert set(misses[0].channels) == {"slack", "lex"}
    shown = render(misses, "here")
    assert shown.index("flibbertigibbet wobble") < shown.index("tell me a joke")


def test_nothing_logged_says_where_to_turn_it_on() -> None:
    assert SETTING in render([], "stage dev")
