"""Lex through the local stack: the `lex` function invoked through serverless offline's Lambda API, as
Lex invokes a code hook, driven by the local Lex emulator; slow work through the real queue and worker."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from bot.lex.hook import ON_IT
from bot.local.chat import SlackChat
from bot.local.lex_emulator import LexEmulator, load_bot
from bot.local.processes import free_port
from bot.local.stack import LocalStack
from bot.local.standin.client import StandInClient
from tests.support.lex_rules import response_problems

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def caller(stack: LocalStack, **kwargs) -> tuple[LexEmulator, list[float]]:
    invoke = stack.invoker("lex")
    took: list[float] = []

    def timed(event: dict) -> dict:
        started = time.monotonic()
        response = invoke(event)
        took.append(time.monotonic() - started)
        assert response_problems(response) == [], response
        return response

    return LexEmulator(invoke=timed, intents=load_bot(), **kwargs), took


def link_code(chat: SlackChat, user: str) -> str:
    """What a Slack user gets for `link voice`: a six-digit code, shown as *123 456*."""
    said = chat.say_as(user, "link voice")
    return "".join(ch for ch in said[0].text.split("*")[1] if ch.isdigit())


def test_a_slow_intent_via_lex_is_reported_on_the_next_turn_and_dmed_to_the_linked_slack_user(
        stack: LocalStack, chat: SlackChat) -> None:
    user = "U-LEX-" + os.urandom(3).hex().upper()
    lex, took = caller(stack)
    assert lex.say("hello")[0].text.startswith("Hello!")  # the function is warm from here on
    assert lex.say(f"link {link_code(chat, user)}")[0].text.startswith("Done: you're linked")
    took.clear()
    said = lex.say("count primes below 20000000")
    assert [each.text for each in said] == [ON_IT]
    assert lex.session_attributes == {}  # nothing of the job is left for the client to tamper with
    assert max(took) < 1.0  # the hook answers at once; the work is queued
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and lex.say("status")[0].text.startswith("I'm still working"):
        time.sleep(0.5)
    lex.say("count primes below 1000")  # a second job, so the next turn has news to open with
    time.sleep(1)
    dms = [call["args"]["text"] for call in _stand_in_calls(stack) if call["args"].get("channel") == user]
    assert "There are 1,270,607 primes below 20,000,000." in dms
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        said = lex.say("hello")
        if said[0].text.startswith("Your earlier request is done."):
            break
        time.sleep(0.5)
    assert said[0].text == "Your earlier request is done. There are 168 primes below 1,000."
    assert said[1].text.startswith("Hello!")


def test_a_caller_who_claims_a_slack_user_sees_and_causes_nothing_of_theirs(stack: LocalStack,
                                                                          chat: SlackChat) -> None:
    victim = "U-VICTIM-" + os.urandom(3).hex().upper()
    chat.say_as(victim, "open a ticket about the victim's secret project")
    chat.say_as(victim, "high")
    assert chat.say_as(victim, "yes")[0].text.startswith("Opened ticket")
    lex, _ = caller(stack, session_id=victim, session_attributes={"slack_user_id": victim})
    assert lex.say("my tickets")[0].text.startswith("You have no tickets")
    assert lex.say("count primes below 1000")[0].text == ON_IT
    time.sleep(3)  # the worker finishes in well under a second
    assert [call for call in _stand_in_calls(stack) if call["args"].get("channel") == victim] == []
    # linked with a code from Slack, the same caller does see the victim's (now their own) tickets
    assert lex.say(f"link {link_code(chat, victim)}")[-1].text.startswith("Done: you're linked")  # after the news
    assert "secret project" in lex.say("my tickets")[0].text


def _stand_in_calls(stack: LocalStack) -> list[dict]:
    return StandInClient(stack.slack_url).calls("chat.postMessage")


def test_spoken_turns_come_back_as_ssml(stack: LocalStack) -> None:
    lex, _ = caller(stack, spoken=True)
    [said] = lex.say("roll 20")
    assert said.ssml and said.ssml.startswith("<speak>") and said.ssml.endswith("</speak>")


def test_make_run_in_lex_mode_completes_a_dialog_with_an_invalid_value_asked_again() -> None:
    ports = {name: str(free_port()) for name in ("PARLEY_HTTP_PORT", "PARLEY_LAMBDA_PORT", "PARLEY_MOTO_PORT",
                                                 "PARLEY_SLACK_PORT", "PARLEY_WORKFLOWS_PORT")}
    lines = "open a ticket\nthe printer is on fire\npurple\nhigh\n1\n"
    result = subprocess.run(["make", "run", "CHANNEL=lex"], input=lines, cwd=ROOT, env={**os.environ, **ports},
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    replies = [line for line in result.stdout.splitlines() if line.startswith("parley> ")]
    assert replies[:4] == [
        "parley> What is the ticket about?",
        "parley> How urgent is it?",
        "parley> Sorry, “purple” is not one of: low, normal, high. How urgent is it?",
        "parley> Open a high priority ticket about “the printer is on fire”?",
    ]
    assert replies[4].startswith("parley> Opened ticket PAR-")
