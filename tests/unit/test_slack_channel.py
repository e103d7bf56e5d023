import json
import re

import pytest

from bot.channels.slack.blocks import render
from bot.channels.slack.turns import plain_text, turn_from_event
from bot.conversation import answer, registry
from tests.conftest import load_event


@pytest.mark.parametrize(
    ("wire", "typed"),
    [
        ("<@U0LAN0Z89> roll 6", "roll 6"),
        ("<@U0LAN0Z89|parley>: hello", "hello"),
        ("echo a &lt;b&gt; &amp; c", "echo a <b> & c"),
        ("echo <https://example.com|example> and <https://x.org>", "echo example and https://x.org"),
        ("ask <@U123> later", "ask @U123 later"),
        ("ask <@U123|alice> and <#C1|general> <!here> <!subteam^S1|@oncall>", "ask @alice and #general @here @oncall"),
        ("echo &lt;!channel&gt; all hands", "echo <!channel> all hands"),
    ],
)
def test_plain_text(wire: str, typed: str) -> None:
    assert plain_text(wire) == typed


def test_a_direct_message_is_answered_in_the_conversation() -> None:
    turn = turn_from_event(load_event("event_message_im.json")["event"], "Ev0PV52K21")
    assert (turn.text, turn.user_id, turn.conversation_id, turn.thread_id, turn.correlation_id) == (
        "hello", "U2147483697", "D024BE91L", None, "Ev0PV52K21")


def test_a_message_in_a_thread_is_answered_in_that_thread() -> None:
    turn = turn_from_event(load_event("event_message_thread.json")["event"], None)
    assert turn.thread_id == "1355517523.000005"


def test_a_top_level_mention_opens_a_thread() -> None:
    event = load_event("event_app_mention.json")["event"]
    turn = turn_from_event(event, None)
    assert turn.text == "is it everything a river should be?"
    assert turn.thread_id == event["ts"]


def shown(wire_text: str) -> str:
    """Everything Slack would render (sections, fields, the notification text) of the bot's answer to a DM."""
    import intents  # noqa: F401 - declares the real intents

    event = {**load_event("event_message_im.json")["event"], "text": wire_text}
    messages = render(answer(turn_from_event(event, None), registry))
    return json.dumps(messages)


@pytest.mark.parametrize("wire", [
    "echo &lt;!channel&gt; all hands",  # typed literally: Slack escapes it; the bot must not unescape it into a mention
    "echo &lt;https://evil.example|https://sso.example&gt;",  # a disguised link, typed
    "echo &lt;@U0BOSS&gt; approve this",
    "roll &lt;!here&gt;",  # the slot's complaint quotes what was typed
])
def test_text_people_type_never_comes_back_as_live_markup(wire: str) -> None:
    rendered = shown(wire)
    assert not re.search(r"<[!@#]|<https?:", rendered), rendered
