"""The recogniser: what people type -> the intent, its slot values, a score, a verdict and the reason; and, mid-dialog,
what an answer says about the slots."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import intents  # noqa: F401 - declares the demo intents
from bot.conversation import Choice, Number, Registry, Reply, Slot, Text, registry
from bot.conversation.recogniser import Recogniser, Recognition, affirmation


@pytest.fixture(scope="module")
def recogniser() -> Recogniser:
    return registry.recogniser()


def confident(recogniser: Recogniser, text: str) -> Recognition:
    recognition = recogniser.recognise(text)
    assert recognition.verdict == "confident", (text, recognition)
    return recognition


# --- what a newcomer typed (issue 11) ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "intent", "values"), [
    ("hi there!", "hello", {}),
    ("can you roll a die for me", "roll", {}),
    ("show me my tickets", "my_tickets", {}),
    ("create a ticket", "open_ticket", {}),
    ("count the primes under 5000", "primes", {"limit": 5000}),
    ("is it done yet?", "status", {}),
    ("roll me a d20", "roll", {"sides": 20}),
    ("roll d20", "roll", {"sides": 20}),
    ("count primes below 200 million", "primes", {"limit": 200_000_000}),
    ("count primes below 200,000,000", "primes", {"limit": 200_000_000}),
    ("roll a twenty sided die", "roll", {"sides": 20}),
    ("throw a 6-sided die", "roll", {"sides": 6}),
    ("tickets I opened", "my_tickets", {}),
    ("list my open tickets", "my_tickets", {}),
    ("what's the status?", "status", {}),
    ("I'd like to open a ticket about the printer, high priority", "open_ticket",
     {"topic": "the printer", "priority": "high"}),
    ("hi :wave:", "hello", {}),  # a Slack emoji code is no word
    ("good day", "hello", {}),
    ("open a ticket for the broken printer", "open_ticket", {"topic": "the broken printer"}),
    ("any tips?", "help", {}),
    ("heyyy", "hello", {}),  # a letter held: doubled by the words, single when that is a known word
    ("new ticket, topic: wifi in room 4", "open_ticket", {"topic": "wifi in room 4"}),
    ("open a ticket about payments, it's urgent", "open_ticket", {"topic": "payments", "priority": "high"}),
    ("can you help me open a ticket?", "open_ticket", {}),
    ("can you help me?", "help", {}),
    ("how long left?", "status", {}),  # the ways of asking how long something has left
    ("when will it be finished?", "status", {}),
    ("still going?", "status", {}),  # a question without its "is it"
    ("almost done?", "status", {}),
    ("is my prime count done?", "status", {}),  # a known word that says which job
    ("tickets I filed yesterday", "my_tickets", {}),  # when, said of a listing
    ("show my tickets from this week", "my_tickets", {}),
    ("what sorts of things can you help me with?", "help", {}),  # "things" ask what, "sort of" hedges
    ("show me some examples", "help", {}), ("any docs?", "help", {}),  # help's own words for itself
    ("tell me what you're good at", "help", {}), ("what am I meant to say here", "help", {}),
    ("is the job I started finished?", "status", {}),  # the thing I did something to is mine
    ("list the tickets I've opened", "my_tickets", {}),
    ("is the request I sent finished?", "status", {}),
    ("how long till my job finishes?", "status", {}),
    ("link 555 123", "link", {"code": "555 123"}),  # a code is said in numbers
    ("disconnect me", "unlink", {}),
    ("is it finished or not", "status", {}),
])
def test_what_people_type_is_understood(recogniser: Recogniser, text: str, intent: str, values: dict) -> None:
    best = confident(recogniser, text).best
    assert best is not None and best.intent.name == intent
    assert best.values == values
    assert 0.0 < best.score <= 1.0


@pytest.mark.parametrize("text", ["roll back the last deploy", "tickets for the concert", "open the pod bay doors",
                                  "roll over", "open a bank account", "is the pasta done?", "close my ticket",
                                  "help yourself to cookies", "", "?!", "I can't help it",
                                  "hello kitty", "the die is cast", "count on me", "we're on a roll this week",
                                  "the echo in this room is terrible", "my echo dot won't connect",
                                  "echo $PATH is empty on my laptop, any idea why",
                                  "how much longer is the meeting?", "how long is a piece of string",
                                  "I'm running late", "what's my flight status", "thanks for the help",
                                  "the code is broken", "link the PR to the issue", "this link is broken",
                                  "egg roll recipe", "who says that?", "helpful bot"])
def test_a_word_that_happens_to_be_an_intents_does_not_start_it(recogniser: Recogniser, text: str) -> None:
    assert recogniser.recognise(text).verdict == "unknown"


def test_unknown_offers_the_closest_intents_as_suggestions(recogniser: Recogniser) -> None:
    recognition = recogniser.recognise("roll back the last deploy")
    assert recognition.verdict == "unknown"
    assert recognition.best is not None and recognition.best.intent.name == "roll"
    assert "unexplained" in recognition.best.reason


def test_two_intents_that_fit_alike_are_offered_as_a_choice() -> None:
    local = Registry()
    local.intent("reset_password", description="d.", examples=["reset my password"])(lambda turn: Reply(""))
    local.intent("change_password", description="d.", examples=["change my password"])(lambda turn: Reply(""))
    local.intent("ping", description="d.", examples=["ping"])(lambda turn: Reply(""))
    recognition = local.recogniser().recognise("my password")
    assert recognition.verdict == "ambiguous"
    assert {each.intent.name for each in recognition.candidates} == {"reset_password", "change_password"}
    assert local.recogniser().recognise("reset my password please").verdict == "confident"


# --- slots where people put them ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "values"), [
    ("roll a die with 8 sides", {"sides": 8}),
    ("roll one die with 4 sides", {"sides": 4}),
    ("pls roll a 10 sided dice", {"sides": 10}),
    ("roll a hundred sided die", {"sides": 100}),
    ("primes under 10k", {"limit": 10_000}),
    ("how many primes are below 2.5 million", {"limit": 2_500_000}),
    ("open an urgent ticket about billing errors", {"priority": "high", "topic": "billing errors"}),
    ("file a ticket about the printer", {"topic": "the printer"}),
    ("raise a ticket: the printer is on fire", {"topic": "the printer is on fire"}),
    ("can you open a ticket about the login page for me", {"topic": "the login page"}),
    ("open a ticket in the search component about slow results", {"component": "search", "topic": "slow results"}),
    ("echo Hello, *World*", {"text": "Hello, *World*"}),
    ('say "open a ticket"', {"text": "open a ticket"}),
    ("echo ¯\\_(ツ)_/¯", {"text": "¯\\_(ツ)_/¯"}),
    ("how many primes &lt; 1000", {"limit": 1000}),  # as Slack sends "<"
    ("echo &lt;https://example.com|a link&gt;", {"text": "&lt;https://example.com|a link&gt;"}),
    ("say this back to me: lunch at noon", {"text": "lunch at noon"}),  # the words that frame the text
    ("repeat the following back to me: meeting moved", {"text": "meeting moved"}),
    ("echo back hello", {"text": "hello"}), ("parrot this: we ship friday", {"text": "we ship friday"}),
    ("say I'm back again 🙂", {"text": "I'm back again 🙂"}),  # "again" is not politeness when the text goes on
    ("say hi again!", {"text": "hi"}), ("can you say hello world back to me", {"text": "hello world"}),
    ("say the words 'all good'", {"text": "all good"}),
    ("echo: back in 5", {"text": "back in 5"}),  # no "echo back" over the colon
    ("file a ticket: the mobile app logs me out", {"topic": "the mobile app logs me out"}),  # a choice in the topic
    ("open a ticket, low priority: typo in the footer", {"topic": "typo in the footer", "priority": "low"}),
    ("raise a ticket against the dashboard: charts don't render",  # a label before the colon
     {"topic": "charts don't render", "component": "dashboard"}),
    ("ticket: billing page shows wrong totals", {"topic": "billing page shows wrong totals"}),  # no verb
    ("ticket please - the calendar won't load", {"topic": "the calendar won't load"}),
    ("create ticket - priority: low - typo in the footer", {"topic": "typo in the footer", "priority": "low"}),
    ("the export is broken, can you file a ticket?", {"topic": "the export is broken"}),  # the topic first
])
def test_slots_are_read_where_people_put_them(recogniser: Recogniser, text: str, values: dict) -> None:
    best = confident(recogniser, text).best
    assert best is not None and best.values == values


@pytest.mark.parametrize(("text", "problem"), [("roll 1", "1 is less than 2"), ("roll 1001", "1001 is more than 1000"),
                                               ("roll abc", "“abc” is not a whole number"),
                                               ("roll &lt;!here&gt;", "“&lt;!here&gt;” is not a whole number")])
def test_a_value_that_does_not_fit_is_a_problem_of_the_right_intent(recogniser: Recogniser, text: str,
                                                                    problem: str) -> None:
    best = confident(recogniser, text).best
    assert best is not None and best.intent.name == "roll" and best.problems == {"sides": problem}


def test_a_real_word_is_not_taken_for_a_typo_of_a_small_one(recogniser: Recogniser) -> None:
    said = recogniser._reader.analyse("roll back the last world")
    assert [unit.typo for unit in said.units] == [None] * len(said.units)  # not "cast", not "would"


@pytest.mark.parametrize(("text", "intent", "values"), [
    ("helo", "hello", {}),  # a doubled letter typed once
    ("rool a d8", "roll", {"sides": 8}),  # ... or doubled in the wrong place
    ("shw my tickets", "my_tickets", {}),  # vowels left out, as in chat
    ("mytickets", "my_tickets", {}),  # two words typed as one
    ("openticket", "open_ticket", {}),
    ("halp", "help", {}),  # chat shorthand
    ("can u list my tix", "my_tickets", {}),
    ("hw many primes below 2000", "primes", {"limit": 2000}),
    ("how many primes are less than 10^7", "primes", {"limit": 10_000_000}),
])
def test_short_words_as_people_type_them_in_chat(recogniser: Recogniser, text: str, intent: str,
                                                 values: dict) -> None:
    best = confident(recogniser, text).best
    assert best is not None and (best.intent.name, best.values) == (intent, values)


def test_a_word_in_capitals_is_an_acronym_not_vowels_left_out(recogniser: Recogniser) -> None:
    assert recogniser._reader.analyse("hlp").units[0].typo == "hlp"
    assert recogniser._reader.analyse("HLP").units[0].typo is None


def test_typos_are_read_as_the_word_one_edit_away(recogniser: Recogniser) -> None:
    assert confident(recogniser, "show my tickts").best.intent.name == "my_tickets"  # type: ignore[union-attr]
    assert confident(recogniser, "hlep").best.intent.name == "help"  # type: ignore[union-attr]
    best = confident(recogniser, "open a hihg priority ticket about the VPN").best
    assert best is not None and best.values == {"priority": "high", "topic": "the VPN"}
    assert "hihg~high" in best.reason or "priority=high" in best.reason


# --- the reason, and determinism ---------------------------------------------------------------------------------


def test_the_reason_names_the_example_and_keeps_free_text_out(recogniser: Recogniser) -> None:
    best = confident(recogniser, "throw a d20").best
    assert best is not None and best.reason == "'roll a d{sides}': throw~roll, sides=20"
    secret = confident(recogniser, "open a ticket about my password hunter2 leaking").best
    assert secret is not None and "hunter2" not in secret.reason and "topic=<" in secret.reason


def test_the_same_text_gets_the_same_answer(recogniser: Recogniser) -> None:
    text = "can you open a high priority ticket about the VPN being down"
    assert recogniser.recognise(text) == recogniser.recognise(text) == Recogniser(registry).recognise(text)


def test_the_registry_builds_its_recogniser_once_and_again_when_an_intent_is_added() -> None:
    local = Registry()
    local.intent("ping", description="d.", examples=["ping"])(lambda turn: Reply("pong"))
    first = local.recogniser()
    assert local.recogniser() is first
    assert local.recogniser().recognise("pong").verdict == "unknown"
    local.intent("pong", description="d.", examples=["pong"])(lambda turn: Reply("ping"))
    assert local.recogniser() is not first
    assert local.recogniser().recognise("pong").best.intent.name == "pong"  # type: ignore[union-attr]




def test_intent_synonyms_are_the_intents_own() -> None:
    local = Registry()
    local.intent("book", description="d.", examples=["book a room"], synonyms={"room": ["suite", "double room"]})(
        lambda turn: Reply(""))
    local.intent("clean", description="d.", examples=["clean the room"])(lambda turn: Reply(""))
    recogniser = local.recogniser()
    assert recogniser.recognise("book a double room").best.intent.name == "book"  # type: ignore[union-attr]
    assert recogniser.recognise("clean the suite").verdict != "confident"  # "suite" is book's word, not clean's
    with pytest.raises(ValueError, match="none of its examples says"):
        local.intent("bad", description="d.", examples=["go"], synonyms={"room": ["suite"]})(lambda turn: Reply(""))


# --- a dialog in progress ----------------------------------------------------------------------------------------


TICKET = registry.get("open_ticket")
ROLL = registry.get("roll")
ECHO = registry.get("echo")


@pytest.mark.parametrize(("intent", "text", "asked", "values"), [
    (TICKET, "high", "priority", {"priority": "high"}),
    (TICKET, "hihg", "priority", {"priority": "high"}),
    (TICKET, "it's pretty urgent", "priority", {"priority": "high"}),
    (TICKET, "the printer is on fire", "topic", {"topic": "the printer is on fire"}),
    (TICKET, "make it high", None, {"priority": "high"}),
    (TICKET, "make it high", "topic", {"priority": "high"}),
    (TICKET, "actually the topic is login", "priority", {"topic": "login"}),
    (TICKET, "change the priority to low", None, {"priority": "low"}),
    (TICKET, "high priority, about the login page", "topic", {"priority": "high", "topic": "the login page"}),
    (TICKET, "no, the printer is broken", "topic", {"topic": "the printer is broken"}),
    (TICKET, "login", "topic", {"topic": "login"}),
    (TICKET, "yesterday the VPN was down", "topic", {"topic": "yesterday the VPN was down"}),  # when is the topic's
    (ROLL, "3", "sides", {"sides": 3}),
    (ROLL, "no, 8 sides", None, {"sides": 8}),
    (ROLL, "make it a d12", None, {"sides": 12}),
    (ROLL, "roll 6 please", "sides", {"sides": 6}),
    (ROLL, "twenty", "sides", {"sides": 20}),
    (ECHO, "say hi", "text", {"text": "hi"}),
])
def test_an_answer_a_correction_or_several_slots_at_once(recogniser: Recogniser, intent, text: str, asked: str | None,
                                                          values: dict) -> None:
    reading = recogniser.read_slots(intent, text, asked=asked)
    assert (reading.values, reading.problems) == (values, {})
    assert reading.explained == 1.0


@pytest.mark.parametrize(("intent", "text", "asked", "problem"), [
    (TICKET, "huge", "priority", "“huge” is not one of: low, normal, high"),
    (TICKET, "roll 6 please", "priority", "“roll 6 please” is not one of: low, normal, high"),
    (ROLL, "help", "sides", "“help” is not a whole number"),
])
def test_something_else_said_mid_dialog_explains_nothing(recogniser: Recogniser, intent, text: str, asked: str,
                                                         problem: str) -> None:
    reading = recogniser.read_slots(intent, text, asked=asked)
    assert reading.values == {} and reading.problems == {asked: problem}
    assert reading.explained == 0.0


def test_a_number_out_of_range_is_an_answer_that_does_not_fit(recogniser: Recogniser) -> None:
    reading = recogniser.read_slots(ROLL, "a thousand and one", asked="sides")
    assert reading.problems == {"sides": "1001 is more than 1000"} and reading.explained == 1.0


@pytest.mark.parametrize("text", ["help", "roll 6 please", "open a ticket", "cancel"])
def test_a_free_text_answer_that_reads_as_a_request_is_half_explained(recogniser: Recogniser, text: str) -> None:
    reading = recogniser.read_slots(TICKET, text, asked="topic")
    assert "topic" in reading.values and reading.explained == 0.5


def test_read_slots_works_for_an_intent_the_recogniser_was_not_built_with(recogniser: Recogniser) -> None:
    local = Registry()
    local.intent("order", description="d.", examples=["order a {drink} {size}"],
                 slots=[Slot("drink", Text(), "What?"), Slot("size", Choice(("small", "large")), "Size?"),
                        Slot("count", Number(minimum=1), "How many?", required=False)])(lambda turn: Reply(""))
    order = local.get("order")
    assert order is not None
    reading = recogniser.read_slots(order, "large, and 2 of them", asked="size")
    assert reading.values == {"size": "large", "count": 2}


def test_affirmation_is_part_of_the_interface() -> None:
    assert affirmation("yep") == "yes" and affirmation("not now") == "no"
    assert affirmation("no wait, make it normal") is None


# --- whatever comes in ---------------------------------------------------------------------------------------------

WORDS = st.sampled_from(["roll", "a", "d20", "open", "ticket", "about", "high", "priority", "1,000", "200", "million",
                         "the", "my", "tickets", "please", "can", "you", "'", '"', ":", ",", "-", "hihg", "¯\\_(ツ)_/¯",
                         "İ", "ﬁ", "a hundred", "and", "no", "make it", "topic", "is", "sides", "2d6", "-5", "1e6"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), st.lists(WORDS, max_size=12).map(" ".join)))
def test_any_text_gets_an_answer_and_never_an_exception(text: str) -> None:
    recogniser = registry.recogniser()
    recognition = recogniser.recognise(text)
    assert recognition.verdict in ("confident", "ambiguous", "unknown")
    assert all(0.0 <= each.score <= 1.0 for each in recognition.candidates)
    for intent, asked in ((TICKET, "topic"), (TICKET, "priority"), (ROLL, "sides"), (ROLL, None)):
        reading = recogniser.read_slots(intent, text, asked=asked)
        assert 0.0 <= reading.explained <= 1.0
