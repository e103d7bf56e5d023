import re

import pytest

import intents  # noqa: F401 - declares the intents
from bot.conversation import Choice, Number, Registry, Reply, Slot, Text, Turn, answer, registry
from bot.conversation.help import describe, example_text, title
from bot.testing import turn


def say(text: str, to: Registry = registry) -> str:
    return answer(turn(text, via="console"), to).text


@pytest.mark.parametrize("text", ["hello", "Hello!", "  hi  ", "HEY", "good morning."])
def test_hello(text: str) -> None:
    assert say(text).startswith("Hello!")


@pytest.mark.parametrize(("text", "sides"), [("roll 6", 6), ("roll a d20", 20), ("roll a 12 sided die", 12),
                                            ("Roll   six", 6), ("roll 1000", 1000)])
def test_roll_parses_its_slot(text: str, sides: int) -> None:
    found = re.fullmatch(rf"You rolled a (\d+) \(d{sides}\)\.", say(text))
    assert found
    assert 1 <= int(found.group(1)) <= sides


@pytest.mark.parametrize(("text", "why"), [("roll abc", "“abc” is not a whole number"), ("roll 1", "1 is less than 2"),
                                          ("roll 1001", "1001 is more than 1000")])
def test_bad_slot_values_are_explained_with_the_prompt(text: str, why: str) -> None:
    assert say(text) == f"Sorry, {why}. How many sides should the die have?"


def test_a_missing_slot_is_asked_for() -> None:
    assert say("roll a die") == "How many sides should the die have?"
    assert say("echo") == "What should I say?"  # the intent's word alone: its slot is asked for


def test_echo_keeps_the_text_as_typed() -> None:
    assert say("echo Hello, *World*") == "Hello, *World*"


@pytest.mark.parametrize("text", ["what is the meaning of life", "bake 6 pies", "roll back the last deploy"])
def test_unknown_text_gets_a_polite_fallback_pointing_to_help(text: str) -> None:
    reply = say(text)
    assert reply.startswith("Sorry, I can't do that yet.")
    assert "`help`" in reply


def test_a_bare_mention_is_greeted_not_refused() -> None:
    assert say("") == "Hi! What can I do for you? Say `help` to see what I can do."


def test_help_is_generated_from_every_intent() -> None:
    text = say("help")
    for declared in registry:
        if declared.hidden:
            assert declared.name not in text
            continue
        assert f"*{title(declared)}*: {declared.description}" in text
        assert f"`{example_text(declared, declared.examples[0])}`" in text
        assert f"*{declared.name}*" not in text or declared.name == title(declared)  # never the internal name
    assert "`roll 6`" in text  # slot examples fill the placeholders
    assert describe(registry).text == text


def test_more_literal_examples_win() -> None:
    local = Registry()
    local.intent("general", description="d.", examples=["open {thing}"],
                 slots=[Slot("thing", Text(), "What?")])(lambda turn: Reply(f"general {turn.slots['thing']}"))
    local.intent("ticket", description="d.", examples=["open a ticket about {topic}"],
                 slots=[Slot("topic", Text(), "About?")])(lambda turn: Reply(f"ticket {turn.slots['topic']}"))
    assert say("open a ticket about printers", local) == "ticket printers"
    assert say("open the door", local) == "general the door"


def test_an_example_whose_slots_parse_beats_one_whose_do_not() -> None:
    local = Registry()
    local.intent("size", description="d.", examples=["size {n}"], slots=[Slot("n", Number(), "How big?")])(
        lambda turn: Reply(str(turn.slots["n"])))
    local.intent("colour", description="d.", examples=["size {c} shirt"],
                 slots=[Slot("c", Choice(("red", "blue")), "Which?")])(lambda turn: Reply(turn.slots["c"]))
    assert say("size 4", local) == "4"
    assert say("size Red shirt", local) == "red"


@pytest.mark.parametrize(
    ("declare", "message"),
    [
        (lambda r: r.intent("Bad Name", description="d", examples=["x"]), "lower_snake_case"),
        (lambda r: r.intent("noexamples", description="d", examples=[]), "at least one example"),
        (lambda r: r.intent("undeclared", description="d", examples=["go {where}"]), "undeclared slot"),
        (lambda r: r.intent("twice", description="d", examples=["a {x}"],
                            slots=[Slot("x", Text(), "?"), Slot("x", Text(), "?")]), "declares a slot twice"),
    ],
)
def test_declaration_mistakes_are_caught_when_declared(declare, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        declare(Registry())(lambda turn: Reply(""))


def test_duplicate_names_and_examples_are_refused() -> None:
    local = Registry()
    local.intent("one", description="d", examples=["Ping"])(lambda turn: Reply("1"))
    with pytest.raises(ValueError, match="declared twice"):
        local.intent("one", description="d", examples=["other"])(lambda turn: Reply("1"))
    with pytest.raises(ValueError, match="already an example of 'one'"):
        local.intent("two", description="d", examples=["ping!"])(lambda turn: Reply("2"))


def test_an_intent_that_raises_propagates() -> None:
    local = Registry()

    @local.intent("boom", description="d", examples=["boom"])
    def boom(turn: Turn) -> Reply:
        raise RuntimeError("intent bug")

    with pytest.raises(RuntimeError, match="intent bug"):
        say("boom", local)
