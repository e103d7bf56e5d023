"""Running intents: services given by name, typed slot parameters checked at declaration, heavy work bounded."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

import intents  # noqa: F401 - declares the intents
from bot.conversation import Number, Registry, Reply, Slot, Text, registry
from bot.conversation.engine import Engine
from bot.conversation.work import SLOW_PER_MINUTE, TOO_MUCH, MissingServices, Work
from bot.stores.bundle import memory_stores
from bot.testing import turn


def test_a_handler_gets_its_slots_typed_and_its_services_by_name() -> None:
    local = Registry()
    seen: dict = {}

    @local.intent("note", description="d", examples=["repeat {text} {times} times"],
                  slots=[Slot("text", Text(), prompt="?"), Slot("times", Number(), prompt="?")])
    def note(text: str, times: int, tickets: object, turn: object) -> Reply:
        seen.update(text=text, times=times, tickets=tickets, turn=turn)
        return Reply("ok")

    stores = memory_stores()
    assert Engine(local, stores).answer(turn("repeat hello 3 times")).text == "ok"
    assert (seen["text"], seen["times"], seen["tickets"]) == ("hello", 3, stores.tickets)


def test_a_slot_parameter_of_the_wrong_type_is_refused_when_declared() -> None:
    with pytest.raises(ValueError, match="should be int"):
        @Registry().intent("roll", description="d", examples=["roll {sides}"],
                           slots=[Slot("sides", Number(), prompt="?")])
        def roll(sides: str) -> Reply:
            return Reply("x")


def test_an_optional_slot_parameter_must_accept_none() -> None:
    with pytest.raises(ValueError, match="must accept None"):
        @Registry().intent("tag", description="d", examples=["tag"],
                           slots=[Slot("label", Text(), prompt="?", required=False)])
        def tag(label: str) -> Reply:
            return Reply("x")


def test_a_service_nobody_provides_is_found_at_start_not_on_a_turn() -> None:
    local = Registry()

    @local.intent("weather", description="d", examples=["weather"])
    def weather(forecast: object) -> Reply:
        return Reply("x")

    with pytest.raises(MissingServices, match="forecast"):
        Work(local, memory_stores())


def test_hidden_intents_stay_out_of_help() -> None:
    from bot.conversation.help import describe, fallback

    local = Registry()
    local.intent("ping", description="Ping.", examples=["ping"])(lambda: Reply("pong"))
    local.intent("explode", description="Fail.", examples=["explode"], hidden=True)(lambda: Reply("boom"))
    assert "explode" not in describe(local).text and "ping" in describe(local).text
    assert "explode" not in fallback(local).text


def test_heavy_work_is_refused_politely_past_the_rate_for_one_person() -> None:
    dialog = Engine(registry, memory_stores())
    answers = [dialog.answer(turn("count primes below 1000")).text for _ in range(SLOW_PER_MINUTE + 1)]
    assert all(text.startswith("There are 168 primes") for text in answers[:-1])
    assert answers[-1] == TOO_MUCH
    assert dialog.answer(turn("count primes below 1000", user="U2")).text.startswith("There are 168")
    assert dialog.answer(turn("roll 6")).text.startswith("You rolled")  # light work is not counted


def test_slow_work_keeps_to_the_turns_deadline_and_says_what_would_fit() -> None:
    dialog = Engine(registry, memory_stores())
    started = time.monotonic()
    asked = replace(turn("count primes below 1000000000"), deadline=time.monotonic() + 0.5)
    reply = dialog.answer(asked)
    assert time.monotonic() - started < 2
    assert "longer than I can spend on one request" in reply.text
    assert "Try a number below" in reply.text


def test_slow_work_is_recorded_so_status_can_tell_it() -> None:
    stores = memory_stores()
    dialog = Engine(registry, stores)
    dialog.answer(turn("count primes below 1000"))
    assert dialog.answer(turn("status")).text == "It's done. There are 168 primes below 1,000."
    assert dialog.answer(turn("status", user="U2")).text == "Nothing of yours is running right now."
