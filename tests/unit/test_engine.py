"""The conversation engine, through `bot.testing.Conversation`: what it understands, and how it forgives."""

from __future__ import annotations

import pytest

from bot.conversation import Registry, Reply, Slot, Text
from bot.testing import Conversation


def kinds_and_texts(chat: Conversation, *lines: str) -> list[tuple[str, str]]:
    return [(step.kind, step.reply.text) for step in map(chat.say, lines)]


def test_a_dialog_asks_for_what_is_missing_confirms_and_runs() -> None:
    chat = Conversation()
    assert chat.say("open a ticket").reply.text == "What is the ticket about?"
    assert chat.say("the printer is on fire").reply.text == "How urgent is it?"
    assert chat.buttons == ["low", "normal", "high"]
    chat.press("high")
    assert chat.step.kind == "confirm" and chat.buttons == ["Yes", "No"]
    assert chat.say("go ahead").kind == "answer"
    assert chat.text.startswith("Opened ticket *PAR-")


@pytest.mark.parametrize("yes", ["yes", "yep", "sure", "go ahead", "ok", "yes please", "do it"])
def test_confirmation_takes_the_ways_people_say_yes(yes: str) -> None:
    chat = Conversation()
    chat.say("open a high priority ticket about the vpn")
    assert chat.say(yes).reply.text.startswith("Opened ticket")


@pytest.mark.parametrize("no", ["no", "nope", "nah", "not now", "no thanks"])
def test_confirmation_takes_the_ways_people_say_no(no: str) -> None:
    chat = Conversation()
    chat.say("open a high priority ticket about the vpn")
    assert chat.say(no).reply.text == "Okay, I won't."
    assert chat.say("my tickets").reply.text.startswith("You have no tickets")


def test_help_mid_dialog_explains_the_question_and_keeps_it() -> None:
    chat = Conversation()
    chat.say("open a ticket about the login page")
    explained = chat.say("help").reply.text
    assert "low, normal or high" in explained and "`cancel`" in explained and explained.endswith("How urgent is it?")
    assert chat.say("high").kind == "confirm"


def test_help_is_never_taken_as_a_free_text_answer() -> None:
    chat = Conversation()
    chat.say("open a ticket")
    assert chat.say("help").kind == "ask"
    assert chat.say("the badge reader").reply.text == "How urgent is it?"


def test_cancel_ends_a_dialog_and_says_so_when_there_is_none() -> None:
    chat = Conversation()
    chat.say("open a ticket")
    assert chat.say("never mind").reply.text == "Okay, I've dropped that."
    assert chat.say("cancel").reply.text.startswith("There's nothing to cancel right now.")


def test_asking_for_another_intent_mid_dialog_asks_whether_to_drop_the_current_one() -> None:
    chat = Conversation()
    chat.say("open a ticket")
    switch = chat.say("roll 6 please")
    assert switch.reply.text == "We're in the middle of: open a ticket. Drop that and roll a die instead?"
    assert chat.say("no").reply.text == "Okay, let's carry on. What is the ticket about?"
    chat.say("roll a d20")
    assert chat.say("yes").reply.text.startswith("You rolled a ") and "(d20)" in chat.text


@pytest.mark.parametrize(("correction", "said_back"), [
    ("actually the topic is the vpn", "Okay, the topic is now “the vpn”. "),
    ("no, make it about the vpn", "Okay, the topic is now “the vpn”. "),
])
def test_a_correction_changes_a_filled_slot(correction: str, said_back: str) -> None:
    chat = Conversation()
    chat.say("open a ticket about the login page")
    assert chat.say(correction).reply.text == said_back + "How urgent is it?"


def test_a_correction_at_the_confirmation_asks_again_with_the_new_value() -> None:
    chat = Conversation()
    chat.say("open a high priority ticket about the printer")
    assert chat.say("no wait, make it normal").reply.text == "Open a *normal* priority ticket about “the printer”?"
    assert chat.say("yes").reply.text.startswith("Opened ticket")


def test_a_number_correction_for_a_die() -> None:
    chat = Conversation()
    chat.say("roll a die")
    reply = chat.say("no, 8 sides").reply.text
    assert reply.startswith("You rolled a ") and reply.endswith("(d8).")


def test_a_typo_in_a_choice_is_matched() -> None:
    chat = Conversation()
    chat.say("open a ticket about the printer")
    assert chat.say("hihg").reply.text == "Open a *high* priority ticket about “the printer”?"


def test_an_answer_that_fills_several_slots_at_once_is_taken() -> None:
    chat = Conversation()
    chat.say("open a ticket")
    assert chat.say("high priority, about the login page").kind == "confirm"
    assert chat.text == "Open a *high* priority ticket about “the login page”?"


def test_an_ambiguous_request_asks_which_was_meant() -> None:
    local = Registry()
    local.intent("book_flight", title="Book a flight", description="Book a flight.",
                 examples=["book a flight", "book a flight to {city}"],
                 slots=[Slot("city", Text(), prompt="Where to?", required=False)])(lambda: Reply("flight booked"))
    local.intent("book_hotel", title="Book a hotel", description="Book a hotel.",
                 examples=["book a hotel", "book a hotel in {city}"],
                 slots=[Slot("city", Text(), prompt="Where?", required=False)])(lambda: Reply("hotel booked"))
    chat = Conversation(local)
    asked = chat.say("book a")
    assert asked.kind == "choose" and asked.reply.text == "Did you mean *Book a flight* or *Book a hotel*?"
    assert chat.buttons == ["Book a flight", "Book a hotel", "Neither"]
    assert chat.say("the second one").reply.text == "hotel booked"
    chat.say("book a")
    assert chat.say("neither").reply.text.startswith("Okay. Tell me another way")
    chat.say("book a")
    assert chat.press("Book a flight").reply.text == "flight booked"


def test_an_unknown_request_gets_the_fallback_with_the_closest_intents_to_press() -> None:
    chat = Conversation()
    reply = chat.say("ticket").reply
    assert reply.text.startswith("Sorry, I'm not sure what you mean.") and "`help`" in reply.text
    assert set(chat.buttons) >= {"List my tickets", "Open a ticket"}
    assert chat.press("Open a ticket").reply.text == "What is the ticket about?"


@pytest.mark.parametrize(("said", "answer"), [
    ("thanks", "You're welcome!"), ("thank you so much", "You're welcome!"), ("bye", "Bye! Say hello any time."),
    ("", "Hi! What can I do for you? Say `help` to see what I can do."),
])
def test_small_words_and_a_bare_mention_get_a_word_back_not_the_fallback(said: str, answer: str) -> None:
    assert Conversation().say(said).reply.text == answer


@pytest.mark.parametrize(("said", "sides"), [("roll d20", 20), ("roll me a d20", 20), ("roll a twenty sided die", 20),
                                             ("throw a 6-sided die", 6), ("can you roll a die for me", None)])
def test_what_a_newcomer_typed_to_roll(said: str, sides: int | None) -> None:
    step = Conversation().say(said)
    if sides is None:
        assert step.reply.text == "How many sides should the die have?"
    else:
        assert step.reply.text.endswith(f"(d{sides}).")


@pytest.mark.parametrize("said", ["count primes below 200 million", "count the primes under 200,000,000"])
def test_numbers_as_the_bot_prints_them_are_read(said: str) -> None:
    assert Conversation().say(said).reply.text == "There are 11,078,937 primes below 200,000,000."


def test_roll_back_the_last_deploy_is_not_a_die_roll() -> None:
    assert Conversation().say("roll back the last deploy").reply.text.startswith("Sorry")


def test_help_lists_titles_not_internal_names_and_one_ticket_reads_right() -> None:
    chat = Conversation()
    listed = chat.say("help").reply.text
    assert "my_tickets" not in listed and "*List my tickets*" in listed
    chat.say("open a high priority ticket about the vpn")
    chat.say("yes")
    assert chat.say("my tickets").reply.text.startswith("Your ticket:\n")


def test_help_in_answer_to_the_slash_command_shows_the_command() -> None:
    from bot.testing import turn

    chat = Conversation()
    reply = chat.engine.answer(turn("help", command="/parley"))
    assert "`/parley roll 6`" in reply.text and "`roll 6`" not in reply.text.replace("/parley roll 6", "")


def test_every_recognition_is_logged_with_its_runner_up_and_never_a_secret(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.INFO)
    chat = Conversation()
    chat.say("could you open a ticket about the printer")
    [logged] = [record for record in caplog.records if record.getMessage() == "recognised"]
    assert (logged.intent, logged.verdict) == ("open_ticket", "confident")  # type: ignore[attr-defined]
    assert 0 < logged.score <= 1 and logged.runner_up and logged.reason  # type: ignore[attr-defined]
    caplog.clear()
    chat.say("link 483 921")
    # what the records say (their message and fields), not the logging module's own numbers (a pid may hold "483")
    own = ("process", "thread", "created", "msecs", "relativeCreated", "lineno", "processName", "threadName")
    text = " ".join(str({key: value for key, value in record.__dict__.items() if key not in own})
                    for record in caplog.records)
    assert "483" not in text and "921" not in text
