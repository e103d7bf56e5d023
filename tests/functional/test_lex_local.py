"""The Lex hook in process, driven by the local Lex emulator from the generated bot definition; tickets,
results and the queue in moto; the worker finishing slow intents; the Slack stand-in getting DMs."""

from __future__ import annotations

import boto3
import pytest

from bot.conversation import registry
from bot.conversation.engine import Engine
from bot.lex.handler import build_hook
from bot.lex.hook import ON_IT, LexHook
from bot.local.lex_emulator import LexEmulator, load_bot
from bot.local.poller import SqsPoller
from bot.local.standin.server import SlackStandIn
from bot.settings import Settings
from bot.stores.bundle import dynamodb_stores
from bot.testing import person, turn
from bot.worker.handler import Worker, build_engine
from tests.conftest import FakeLambdaContext
from tests.support.lex_rules import response_problems

STAGE = "local-lex"
TOKEN = "xoxb-lex-local-test"




@pytest.fixture(scope="module")
def hook(settings: Settings) -> LexHook:
    return build_hook(settings)


def emulator(hook: LexHook, **kwargs) -> LexEmulator:
    def invoke(event: dict) -> dict:
        response = hook(event)
        assert response_problems(response) == [], response  # every answer is one Lex accepts
        return response

    return LexEmulator(invoke=invoke, intents=load_bot(), **kwargs)


def texts(said: list) -> list[str]:
    """What was said, a card's title left out where it repeats the question before it (as make run prints it)."""
    shown: list[str] = []
    for each in said:
        if not shown or each.text != shown[-1]:
            shown.append(each.text)
    return shown


def test_a_multi_slot_dialog_with_an_invalid_value_asked_again(hook: LexHook) -> None:
    lex = emulator(hook)
    assert texts(lex.say("open a ticket")) == ["What is the ticket about?"]
    asked = lex.say("the printer is on fire")
    assert texts(asked) == ["How urgent is it?"]
    assert [label for label, _ in lex.last_buttons] == ["low", "normal", "high"]  # the engine offers the choices
    refused = lex.say("purple")  # "urgent" would do: it is a synonym of high
    assert refused[0].text == "Sorry, “purple” is not one of: low, normal, high. How urgent is it?"
    confirm = lex.say("high")
    assert confirm[0].text == "Open a high priority ticket about “the printer is on fire”?"
    assert [label for label, _ in lex.last_buttons] == ["Yes", "No"]
    done = lex.say("1")  # presses "Yes" on the card
    assert done[0].text.startswith("Opened ticket PAR-")
    assert lex.intent is None
    sources = [event["invocationSource"] for event in lex.invocations]
    assert set(sources) == {"DialogCodeHook"}  # the engine answers every turn; Lex never needs to fulfil itself


def test_a_declined_confirmation_opens_nothing(hook: LexHook) -> None:
    lex = emulator(hook)
    lex.say("open a ticket about the coffee machine")
    lex.say("low")
    assert texts(lex.say("no")) == ["Okay, I won't."]


def test_spoken_turns_are_answered_in_ssml(hook: LexHook) -> None:
    lex = emulator(hook, spoken=True)
    [said] = lex.say("roll a twelve sided die")
    assert said.ssml and said.ssml.startswith("<speak>")
    assert said.text.startswith("You rolled a ")


def test_unknown_words_get_help_and_the_next_turn_starts_fresh(hook: LexHook) -> None:
    lex = emulator(hook)
    assert lex.say("bake me a cake")[0].text.startswith("Sorry, I can't do that yet.")
    assert lex.say("hello")[0].text.startswith("Hello!")


def test_a_slow_intent_is_finished_by_the_worker_and_told_on_the_next_turn(
        hook: LexHook, settings: Settings, slack: SlackStandIn) -> None:
    lex = emulator(hook)
    slack_user = person("U-LEX", team="T0LEX")
    code_reply = Engine(registry, dynamodb_stores(settings)).answer(turn("link voice", who=slack_user))
    code = "".join(ch for ch in code_reply.text.split("*")[1] if ch.isdigit())
    assert texts(lex.say(f"link {code}"))[0].startswith("Done: you're linked")
    assert texts(lex.say("count primes below 1000")) == [ON_IT]
    assert texts(lex.say("status"))[0].startswith("I'm still working on it")
    sqs = boto3.client("sqs", endpoint_url=settings.aws_endpoint_url, region_name="us-east-1")
    worker = Worker(settings, build_engine(settings))
    poller = SqsPoller(sqs, settings.queue_url, lambda event, _: worker.process_batch(event, FakeLambdaContext()))
    assert poller.drain() == {"received": 1, "failed": 0}
    [dm] = [call["args"] for call in slack.calls("chat.postMessage") if call["args"]["channel"] == "U-LEX"]
    assert dm["text"] == "There are 168 primes below 1,000."
    later = lex.say("hello")
    assert texts(later)[0] == "Your earlier request is done. There are 168 primes below 1,000."
    assert texts(later)[1].startswith("Hello!")
    assert texts(lex.say("status")) == ["It's done. There are 168 primes below 1,000."]


def test_a_session_that_claims_a_slack_user_gets_no_dm_and_no_one_elses_tickets(
        hook: LexHook, settings: Settings, slack: SlackStandIn) -> None:
    victim = person("U-VICTIM", team="T0LEX")
    dynamodb_stores(settings).tickets.open(victim.key, "the victim's ticket", "high", None)
    lex = emulator(hook, session_id="U-VICTIM", session_attributes={"slack_user_id": "U-VICTIM"})
    assert "victim" not in " ".join(texts(lex.say("my tickets")))
    assert texts(lex.say("count primes below 1000")) == [ON_IT]
    sqs = boto3.client("sqs", endpoint_url=settings.aws_endpoint_url, region_name="us-east-1")
    worker = Worker(settings, build_engine(settings))
    poller = SqsPoller(sqs, settings.queue_url, lambda event, _: worker.process_batch(event, FakeLambdaContext()))
    assert poller.drain() == {"received": 1, "failed": 0}
    assert [call for call in slack.calls("chat.postMessage") if call["args"]["channel"] == "U-VICTIM"] == []


def test_spoken_replies_print_as_the_words_heard() -> None:
    from bot.local.lex_emulator import _ssml_as_text

    assert _ssml_as_text("<speak><s>It&apos;s done.</s><s>All done.</s></speak>") == "It's done. All done."
