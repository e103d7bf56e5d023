"""One conversation, three channels, the same steps: the engine decides; Slack, Lex and the console only show.

The same lines go to the console (`bot.testing.Conversation`), to Slack (real Bolt in the worker, the Slack
stand-in, moto) and to Lex (the code hook, driven by the local Lex emulator from the generated bot); what each says
back must be the same, markup aside, and Lex's dialog actions must be the steps' kinds.
"""

from __future__ import annotations

import os
import re

from bot.lex.handler import build_hook
from bot.local.lex_emulator import LexEmulator, load_bot
from bot.local.slack_events import message_event
from bot.local.standin.server import SlackStandIn
from bot.settings import Settings
from bot.testing import Conversation
from bot.worker.handler import Worker, build_engine
from tests.conftest import FakeLambdaContext
from tests.functional.test_worker import sqs_event
from tests.support.lex_rules import response_problems

STAGE = "local-one-engine"
TOKEN = "xoxb-one-engine"
SCRIPT = ["open a ticket", "help", "the printer is on fire", "hihg", "no wait, make it normal", "yes"]
KINDS = ["ask", "ask", "ask", "confirm", "confirm", "answer"]
LEX_ACTIONS = {"ask": "ElicitSlot", "confirm": "ConfirmIntent", "answer": "Close"}




def plain(text: str) -> str:
    """What a reply says, without the markup one channel shows and another strips (*bold*, `code`, entities)."""
    return re.sub(r"[*`]", "", text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")).strip()


def test_the_same_conversation_takes_the_same_steps_in_slack_lex_and_the_console(settings: Settings,
                                                                                 slack: SlackStandIn) -> None:
    console = Conversation()
    steps = [console.say(line) for line in SCRIPT]
    assert [step.kind for step in steps] == KINDS
    expected = [plain(step.reply.text) for step in steps]
    expected[-1] = expected[-1].split("PAR-")[0]  # each channel opens a ticket of its own

    worker = Worker(settings, build_engine(settings))
    channel = "D" + os.urandom(4).hex().upper()
    in_slack = []
    for line in SCRIPT:
        after = slack.calls()[-1]["seq"] if slack.calls() else 0
        assert worker.process_batch(sqs_event(message_event(line, channel=channel)), FakeLambdaContext()) == {
            "batchItemFailures": []}
        [post] = [call["args"] for call in slack.calls("chat.postMessage", after=after)
                  if call["args"]["channel"] == channel]
        in_slack.append(plain(post["text"]))

    hook = build_hook(settings)
    actions: list[str] = []

    def invoke(event: dict) -> dict:
        response = hook(event)
        assert response_problems(response) == []
        actions.append(response["sessionState"]["dialogAction"]["type"])
        return response

    lex = LexEmulator(invoke=invoke, intents=load_bot())
    in_lex = [plain(lex.say(line)[0].text) for line in SCRIPT]

    assert [text.split("PAR-")[0] for text in in_slack] == expected
    assert [text.split("PAR-")[0] for text in in_lex] == expected
    assert actions == [LEX_ACTIONS[kind] for kind in KINDS]
