"""The generated Lex bot understands the words the recogniser does: choice synonyms, other verbs, intent synonyms."""

from __future__ import annotations

from typing import Any

import intents  # noqa: F401 - declares the demo intents
from bot.conversation import Choice, Registry, Reply, Slot, registry
from bot.tools.lex_bot import MAX_EXTRA_UTTERANCES, bot_resources, sample_utterances


def utterances_by_intent(resources: dict[str, Any]) -> dict[str, list[str]]:
    [locale] = resources["LexBot"]["Properties"]["BotLocales"]
    return {intent["Name"]: [each["Utterance"] for each in intent.get("SampleUtterances", [])]
            for intent in locale["Intents"]}


def test_a_choice_slot_type_carries_the_choices_synonyms() -> None:
    [locale] = bot_resources(registry)["LexBot"]["Properties"]["BotLocales"]
    priority = next(each for each in locale["SlotTypes"] if each["Name"] == "open_ticket_priority")
    high = next(each for each in priority["SlotTypeValues"] if each["SampleValue"]["Value"] == "high")
    assert {"Value": "urgent"} in high["Synonyms"]
    normal = next(each for each in priority["SlotTypeValues"] if each["SampleValue"]["Value"] == "normal")
    assert {"Value": "medium"} in normal["Synonyms"]


def test_other_verbs_and_the_intents_synonyms_become_sample_utterances() -> None:
    said = utterances_by_intent(bot_resources(registry))
    assert {"throw a die", "toss a d {sides}"} <= set(said["roll"])
    assert {"create a ticket", "raise a ticket about {topic}", "open an issue"} <= set(said["open_ticket"])
    assert "my issues" in said["my_tickets"]


def test_no_utterance_belongs_to_two_intents_and_each_intent_has_a_bound() -> None:
    said = utterances_by_intent(bot_resources(registry))
    owners: dict[str, str] = {}
    for name, utterances in said.items():
        assert len(utterances) <= len(registry.get(name).examples if registry.get(name) else []) + MAX_EXTRA_UTTERANCES
        assert len(set(map(str.lower, utterances))) == len(utterances), name
        for utterance in utterances:
            assert owners.setdefault(utterance.lower(), name) == name, (utterance, name, owners[utterance.lower()])


def test_a_variant_that_is_another_intents_example_is_left_to_it() -> None:
    local = Registry()
    local.intent("start", description="d.", examples=["start a timer"])(lambda turn: Reply(""))
    local.intent("open", description="d.", examples=["open a timer"],
                 slots=[Slot("size", Choice(("big", "small")), "?")])(lambda turn: Reply(""))
    assert sample_utterances(local.get("open"), {"start a timer"}) == [  # type: ignore[arg-type]
        "open a timer", "create a timer", "file a timer", "raise a timer", "submit a timer", "log a timer"]
