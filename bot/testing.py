"""Conversations with the bot in a few lines: for intent authors, and for Parley's own tests.

    from bot.testing import Conversation

    chat = Conversation()                      # the intents of intents/, every store in memory
    chat.say("open a ticket about the printer")
    assert chat.text == "How urgent is it?"
    chat.press("high")                         # a button of the last reply, by label or number
    chat.say("yes")
    assert chat.text.startswith("Opened ticket")

It is the real engine on real stores (in memory): what `say` returns is the same step Slack, Lex and the console
would show. `chat.slack()` is the last reply as the Slack messages the worker would post, `chat.lex()` the Lex V2
response the code hook would give. `turn` and `person` build single turns for lower-level tests.
"""

from __future__ import annotations

from typing import Any

from bot.conversation.engine import Engine
from bot.conversation.identity import Person
from bot.conversation.registry import Registry
from bot.conversation.reply import Button, Reply
from bot.conversation.steps import Step
from bot.conversation.turn import IntentCall, Turn
from bot.stores.bundle import Stores, memory_stores

TEST_TEAM = "T0TEST"


def person(user: str = "U1", *, via: str = "slack", team: str = TEST_TEAM, enterprise: str = "") -> Person:
    return Person(via, user, team_id=team, enterprise_id=enterprise)


def turn(text: str, *, via: str = "slack", user: str = "U1", team: str = TEST_TEAM, conversation: str = "C1",
         thread: str | None = None, call: IntentCall | None = None, who: Person | None = None,
         workspace: str = "", caller_id: str = "", command: str = "") -> Turn:
    """A turn saying `text` (or pressing `call`), from `user` of a test workspace unless `who` is given."""
    return Turn(text=text, via=via, person=who or person(user, via=via, team=team), conversation_id=conversation,
                thread_id=thread, call=call, workspace=workspace, caller_id=caller_id, command=command)


class Conversation:
    """One person talking to the bot in one place, turn after turn."""

    def __init__(self, registry: Registry | None = None, *, via: str = "slack", user: str = "U1",
                 stores: Stores | None = None, conversation: str = "D1") -> None:
        if registry is None:
            import intents  # noqa: F401 - declares the intents of intents/
            from bot.conversation.registry import registry as declared

            registry = declared
        self.stores = stores or memory_stores()
        self.engine = Engine(registry, self.stores)
        self.who = person(user, via=via)
        self.via = via
        self.conversation = conversation
        self.steps: list[Step] = []

    def say(self, text: str) -> Step:
        return self._take(turn(text, via=self.via, who=self.who, conversation=self.conversation))

    def press(self, button: str | int) -> Step:
        """Press a button of the last reply, by its label or its number (1 is the first)."""
        chosen = self._button(button)
        if chosen.intent is not None:
            call = IntentCall(chosen.intent, dict(chosen.slots))
            return self._take(turn("", via=self.via, who=self.who, conversation=self.conversation, call=call))
        return self.say(chosen.say or "")

    @property
    def step(self) -> Step:
        return self.steps[-1]

    @property
    def reply(self) -> Reply:
        return self.step.reply

    @property
    def text(self) -> str:
        return self.reply.text

    @property
    def buttons(self) -> list[str]:
        return [button.label for button in self.reply.buttons]

    def slack(self) -> list[dict[str, Any]]:
        """The last reply as the Slack messages (`text` and Block Kit `blocks`) the worker would post."""
        from bot.channels.slack.blocks import render

        return render(self.reply)

    def lex(self, *, spoken: bool = False) -> list[dict[str, Any]]:
        """The last reply as the Lex V2 messages the code hook would answer with."""
        from bot.channels.lex.speech import lex_messages

        return lex_messages(self.reply, spoken=spoken)

    def _take(self, said: Turn) -> Step:
        self.steps.append(self.engine.step(said))
        return self.step

    def _button(self, button: str | int) -> Button:
        buttons = list(self.reply.buttons)
        if isinstance(button, int):
            if not 1 <= button <= len(buttons):
                raise LookupError(f"the last reply has no button {button}: {self.buttons}")
            return buttons[button - 1]
        found = next((each for each in buttons if each.label.lower() == button.lower()), None)
        if found is None:
            raise LookupError(f"the last reply has no button {button!r}: {self.buttons}")
        return found
