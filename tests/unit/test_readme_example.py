"""The README's "Adding an intent" example works as written: its intent, its Conversation test and its eval lines."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.conversation import Registry
from bot.testing import Conversation

README = Path(__file__).resolve().parents[2] / "README.md"


def blocks(kind: str) -> list[str]:
    section = README.read_text().split("## Adding an intent", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{kind}\n(.*?)```", section, flags=re.S)


def test_the_example_intent_its_test_and_its_evaluation_lines_hold() -> None:
    intent_code, test_code = blocks("python")
    local = Registry()
    namespace: dict = {}
    # the example declares into a registry of its own here, not the bot's
    exec(intent_code.replace("from bot.conversation import Choice, Reply, Slot, intent",  # noqa: S102
                             "from bot.conversation import Choice, Reply, Slot"), {**namespace, "intent": local.intent})
    assert [declared.name for declared in local] == ["flip"]
    test_namespace: dict = {"Conversation": lambda: Conversation(local)}
    exec(test_code.replace("from bot.testing import Conversation\n", ""), test_namespace)  # noqa: S102
    test_namespace["test_a_call_is_asked_for_when_missing_and_taken_when_given"]()
    [evaluation] = blocks("yaml")
    cases = yaml.safe_load(evaluation)
    recogniser = local.recogniser()
    for case in cases["flip"]:
        text, slots = (case, {}) if isinstance(case, str) else (case["text"], case["slots"])
        recognition = recogniser.recognise(text)
        assert recognition.verdict == "confident" and recognition.best.intent.name == "flip", text
        assert all(recognition.best.values.get(name) == value for name, value in slots.items()), text
    for text in cases["none"]:
        assert recogniser.recognise(text).verdict == "unknown", text
