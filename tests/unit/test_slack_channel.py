import pytest

from bot.channels.slack.turns import message_arguments, plain_text, turn_from_event
from bot.conversation import Reply
from tests.conftest import load_event


@pytest.mark.parametrize(
    ("wire", "typed"),
    [
        ("<@U0LAN0Z89> roll 6", "roll 6"),
        ("<@U0LAN0Z89|parley>: hello", "hello"),
        ("echo a &lt;b&gt; &amp; c", "echo a <b> & c"),
        ("echo <https://example.com|example> and <https://x.org>", "echo example and https://x.org"),
        ("ask <@U123> later", "ask <@U123> later"),
    ],
)
def test_plain_text(wire: str, typed: str) -> None:
    assert plain_text(wire) == typed


def test_a_direct_message_is_answered_in_the_conversation() -> None:
    turn = turn_from_event(load_event("event_message_im.json")["event"], "Ev0PV52K21")
    assert (turn.text, turn.user_id, turn.conversation_id, turn.thread_id, turn.correlation_id) == (
        "hello", "U2147483697", "D024BE91L", None, "Ev0PV52K21")
    assert message_arguments(Reply("hi"), turn) == {"channel": "D024BE91L", "text": "hi"}


def test_a_message_in_a_thread_is_answered_in_that_thread() -> None:
    turn = turn_from_event(load_event("event_message_thread.json")["event"], None)
    assert message_arguments(Reply("hi"), turn)["thread_ts"] == "1355517523.000005"


def test_a_top_level_mention_opens_a_thread() -> None:
    event = load_event("event_app_mention.json")["event"]
    turn = turn_from_event(event, None)
    assert turn.text == "is it everything a river should be?"
    assert message_arguments(Reply("hi"), turn)["thread_ts"] == event["ts"]
