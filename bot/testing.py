"""Testing conversations in a few lines: for intent authors, and for Parley's own tests.

    from bot.testing import turn
    reply = Dialog(registry).answer(turn("roll 6"))

`turn` builds a turn as a channel would, with a person of a test workspace; every store is in memory unless
given. The whole-conversation harness (say, press, read the Slack or Lex rendering) grows here with the engine.
"""

from __future__ import annotations

from bot.conversation.identity import Person
from bot.conversation.turn import IntentCall, Turn

TEST_TEAM = "T0TEST"


def person(user: str = "U1", *, via: str = "slack", team: str = TEST_TEAM, enterprise: str = "") -> Person:
    return Person(via, user, team_id=team, enterprise_id=enterprise)


def turn(text: str, *, via: str = "slack", user: str = "U1", team: str = TEST_TEAM, conversation: str = "C1",
         thread: str | None = None, call: IntentCall | None = None, who: Person | None = None,
         workspace: str = "", caller_id: str = "") -> Turn:
    """A turn saying `text` (or pressing `call`), from `user` of a test workspace unless `who` is given."""
    return Turn(text=text, via=via, person=who or person(user, via=via, team=team),
                conversation_id=conversation, thread_id=thread, call=call, workspace=workspace, caller_id=caller_id)
