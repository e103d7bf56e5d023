"""Multi-turn dialogs: ask for what is missing, remember it between turns, confirm, run; `cancel` ends it."""

import pytest

from bot.conversation import Choice, IntentCall, Registry, Reply, Slot, Text, Turn
from bot.conversation.engine import Engine
from bot.conversation.state import CONFIRMATION, DialogState
from bot.stores.bundle import memory_stores
from bot.stores.dialogs import MemoryDialogStore
from bot.testing import turn

opened: list[dict] = []


@pytest.fixture
def dialog() -> Engine:
    opened.clear()
    local = Registry()

    @local.intent(
        "order",
        description="Order a drink.",
        examples=["order", "order a {drink}", "order a {drink} {size}"],
        slots=[Slot("drink", Text(max_length=30), prompt="What would you like?"),
               Slot("size", Choice(("small", "large")), prompt="What size?"),
               Slot("note", Text(), prompt="Anything else?", required=False)],
        confirm="Order a {size} {drink}?",
    )
    def order(turn: Turn) -> Reply:
        opened.append(dict(turn.slots))
        return Reply(f"Ordered a {turn.slots['size']} {turn.slots['drink']}.")

    @local.intent("ping", description="Ping.", examples=["ping"])
    def ping(turn: Turn) -> Reply:
        return Reply("pong")

    return Engine(local, memory_stores())


def say(dialog: Engine, text: str, *, user: str = "U1", thread: str | None = "T1", call: IntentCall | None = None):
    return dialog.answer(turn(text, user=user, thread=thread, call=call))


def test_missing_slots_are_asked_for_one_by_one_then_confirmed(dialog: Engine) -> None:
    assert say(dialog, "order").text == "What would you like?"
    asked = say(dialog, "tea")
    assert asked.text == "What size?"
    assert [button.label for button in asked.buttons] == ["small", "large"]
    confirm = say(dialog, "large")
    assert confirm.text == "Order a large tea?"
    assert [(button.label, button.say) for button in confirm.buttons] == [("Yes", "yes"), ("No", "no")]
    assert opened == []
    assert say(dialog, "yes").text == "Ordered a large tea."
    assert opened == [{"drink": "tea", "size": "large"}]
    assert not dialog.waiting(turn("", thread="T1"))


def test_slots_given_up_front_skip_their_questions(dialog: Engine) -> None:
    assert say(dialog, "order a coffee small").text == "Order a small coffee?"


def test_a_bad_answer_is_explained_and_asked_again(dialog: Engine) -> None:
    say(dialog, "order a tea")
    assert say(dialog, "huge").text == "Sorry, “huge” is not one of: small, large. What size?"
    assert say(dialog, "SMALL").text == "Order a small tea?"


def test_no_drops_it_and_anything_else_asks_again(dialog: Engine) -> None:
    say(dialog, "order a tea small")
    assert say(dialog, "perhaps").text.startswith("Please answer yes or no")
    assert say(dialog, "no").text == "Okay, I won't."
    assert opened == []
    assert say(dialog, "ping").text == "pong"  # the dialog is over


def test_cancel_ends_a_dialog_at_any_step(dialog: Engine) -> None:
    say(dialog, "order")
    assert say(dialog, "cancel").text == "Okay, I've dropped that."
    assert say(dialog, "ping").text == "pong"


def test_dialogs_are_kept_apart_by_thread_and_person(dialog: Engine) -> None:
    say(dialog, "order", thread="T1")
    assert say(dialog, "ping", thread="T2").text == "pong"  # another thread
    assert say(dialog, "ping", user="U2").text == "pong"  # another person in the same thread
    assert say(dialog, "tea", thread="T1").text == "What size?"


def test_a_form_is_its_own_confirmation(dialog: Engine) -> None:
    reply = say(dialog, "", call=IntentCall("order", {"drink": "cocoa", "size": "small"}, confirmed=True))
    assert reply.text == "Ordered a small cocoa."


def test_a_button_naming_an_intent_starts_it_with_its_slots(dialog: Engine) -> None:
    reply = say(dialog, "", call=IntentCall("order", {"drink": "tea"}))
    assert reply.text == "What size?"
    store = dialog.store
    state = DialogState.from_dict(store.load(turn("", thread="T1").dialog_key) or {})
    assert (state.intent, state.awaiting, state.slots) == ("order", "size", {"drink": "tea"})


def test_a_button_with_a_bad_value_asks_for_that_slot(dialog: Engine) -> None:
    reply = say(dialog, "", call=IntentCall("order", {"drink": "tea", "size": "medium"}))
    assert reply.text == "Sorry, “medium” is not one of: small, large. What size?"


def test_state_survives_a_round_trip_through_its_dict() -> None:
    store = MemoryDialogStore()
    store.save("k", DialogState("order", CONFIRMATION, {"drink": "tea", "count": 2}).to_dict())
    assert DialogState.from_dict(store.load("k") or {}) == DialogState("order", CONFIRMATION, {"drink": "tea",
                                                                                             "count": 2})
    store.clear("k")
    assert store.load("k") is None


def test_a_one_shot_intent_costs_the_store_no_write(dialog: Engine) -> None:
    writes: list[str] = []

    class CountingStore(MemoryDialogStore):
        def save(self, key: str, state) -> None:
            writes.append("save")
            super().save(key, state)

        def clear(self, key: str) -> None:
            writes.append("clear")
            super().clear(key)

    dialog.store = CountingStore()
    assert say(dialog, "ping").text == "pong"
    assert writes == []
    say(dialog, "order a tea small")
    say(dialog, "yes")
    assert writes == ["save", "clear"]
