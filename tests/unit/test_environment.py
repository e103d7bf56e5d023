"""Typed settings from the environment (bot/environment.py): what pydantic-settings did for Parley, and no more."""

from __future__ import annotations

import pytest

from bot.environment import EnvSettings, Secret, SettingsError, env


class Knobs(EnvSettings):
    name: str = env("KNOB_NAME", "KNOB_OLD_NAME", default="none")
    count: int = env("KNOB_COUNT", default=3, kind="whole")
    ratio: float = env("KNOB_RATIO", default=0.5, kind="number")
    on: bool = env("KNOB_ON", default=False, kind="flag")
    maybe: bool | None = env("KNOB_MAYBE", kind="flag", optional=True)
    token: Secret = env("KNOB_TOKEN", default="", kind="secret")
    mode: str = env("KNOB_MODE", default="a", kind="choice", choices=("a", "b"))
    where: str | None = env("KNOB_WHERE", optional=True)


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KNOB_NAME", "KNOB_OLD_NAME", "KNOB_COUNT", "KNOB_RATIO", "KNOB_ON", "KNOB_MAYBE", "KNOB_TOKEN",
                 "KNOB_MODE", "KNOB_WHERE"):
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    knobs = Knobs()
    assert (knobs.name, knobs.count, knobs.ratio, knobs.on, knobs.maybe, knobs.mode, knobs.where) == (
        "none", 3, 0.5, False, None, "a", None)
    assert knobs.token == Secret("") and knobs.token.get_secret_value() == ""


def test_the_environment_and_its_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"KNOB_OLD_NAME": "old", "KNOB_COUNT": " 7 ", "KNOB_RATIO": "1.25", "KNOB_ON": "On",
                        "KNOB_MAYBE": "no", "KNOB_TOKEN": "xoxb-1", "KNOB_MODE": "b", "KNOB_WHERE": ""}.items():
        monkeypatch.setenv(name, value)
    knobs = Knobs()
    assert (knobs.name, knobs.count, knobs.ratio, knobs.on, knobs.maybe, knobs.mode, knobs.where) == (
        "old", 7, 1.25, True, False, "b", "")
    assert knobs.token.get_secret_value() == "xoxb-1"
    monkeypatch.setenv("KNOB_NAME", "new")
    assert Knobs().name == "new"  # the first variable named wins


def test_given_values_win_by_name_or_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KNOB_COUNT", "7")
    assert Knobs(count=9).count == 9
    assert Knobs(KNOB_COUNT="11").count == 11
    assert Knobs(KNOB_ON="off", on=True).on is True  # the setting's own name first
    assert Knobs(token="s").token.get_secret_value() == "s"
    assert Knobs(unknown="ignored").name == "none"


@pytest.mark.parametrize(("variable", "value", "says"), [
    ("KNOB_COUNT", "1.5", "KNOB_COUNT must be a whole number"),
    ("KNOB_COUNT", "many", "KNOB_COUNT must be a whole number"),
    ("KNOB_RATIO", "half", "KNOB_RATIO must be a number"),
    ("KNOB_ON", "maybe-secret", "KNOB_ON must be a yes or no"),
    ("KNOB_MODE", "c-secret", "KNOB_MODE must be one of: a, b"),
])
def test_a_value_that_does_not_read_is_named_never_quoted(monkeypatch: pytest.MonkeyPatch, variable: str,
                                                          value: str, says: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=says) as refused:
        Knobs()
    assert value not in str(refused.value)
    assert isinstance(refused.value, ValueError)


def test_secrets_never_show() -> None:
    knobs = Knobs(token="very-secret")
    assert "very-secret" not in repr(knobs) + str(knobs) + repr(knobs.token) + str(knobs.token)
    assert "**********" in repr(knobs)
