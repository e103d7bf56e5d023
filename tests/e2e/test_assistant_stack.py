"""Assistant threads and feedback buttons through the real local stack: signed HTTP requests into the ingress, SQS
in moto, the worker's real Bolt, and the Slack stand-in's record of every Web API call (issue 13's acceptance)."""

from __future__ import annotations

import pytest

from bot.local.chat import SlackChat
from bot.local.slack_events import LOCAL_DM
from bot.local.stack import LocalStack
from bot.local.standin.client import StandInClient
from tests.e2e.conftest import log_records

pytestmark = pytest.mark.e2e


@pytest.fixture
def chat(stack: LocalStack) -> SlackChat:
    """A chat of its own (it moves into assistant threads), following each job to its end in the stack's log."""
    return SlackChat(stack.ingress_url, stack.settings.signing_secret.get_secret_value(),
                     StandInClient(stack.slack_url), stack.slack_url, worker_log=stack.log_dir / "offline.log")


def in_thread(chat: SlackChat, thread_ts: str, after: int) -> list[dict]:
    """The Web API calls made in the assistant thread since `after`, oldest first."""
    return [call for call in chat.slack.calls(after=after)
            if thread_ts in (call["args"].get("thread_ts"),) and LOCAL_DM in (call["args"].get("channel"),
                                                                              call["args"].get("channel_id"))]


def last_seq(chat: SlackChat) -> int:
    calls = chat.slack.calls()
    return calls[-1]["seq"] if calls else 0


def test_a_thread_starts_with_a_greeting_and_prompts(chat: SlackChat) -> None:
    after = last_seq(chat)
    said = chat.say("/assistant")
    thread_ts = chat.place.thread_ts
    assert thread_ts and said[0].text.startswith("Hi, I'm Parley")
    [prompts] = [call for call in in_thread(chat, thread_ts, after)
                 if call["method"] == "assistant.threads.setSuggestedPrompts"]
    assert prompts["response"]["ok"] and 1 <= len(prompts["args"]["prompts"]) <= 4
    assert said[1].buttons == [prompt["title"] for prompt in prompts["args"]["prompts"]]


def test_a_message_in_the_thread_is_answered_with_its_status_set_and_cleared(chat: SlackChat) -> None:
    chat.say("/assistant")
    thread_ts = chat.place.thread_ts
    after = last_seq(chat)
    said = chat.say("roll 20")
    calls = in_thread(chat, thread_ts, after)
    methods = [call["method"] for call in calls]
    status, answer = methods.index("assistant.threads.setStatus"), methods.index("chat.postMessage")
    assert status < answer and calls[status]["args"]["status"] == "is thinking…"
    assert calls[answer]["args"]["text"].startswith("You rolled a ")
    # Slack clears a thread's status when the app posts there; nothing set it again after the answer
    assert not [call for call in calls[answer:] if call["method"] == "assistant.threads.setStatus"
                and call["args"]["status"]]
    assert "assistant.threads.setTitle" in methods[answer:]
    shown = [each.shown for each in said]
    assert shown[0] == "(status: is thinking…)" and "(status cleared: the answer is posted)" in shown[1]
    assert shown[-1] == "(thread title: Roll a die)"


def test_a_feedback_click_is_recorded_for_its_intent(stack: LocalStack, chat: SlackChat) -> None:
    chat.say("/assistant")
    said = chat.say("roll 6")
    buttons = [label for each in said for label in each.buttons]
    after = last_seq(chat)
    [note] = chat.say(str(buttons.index("👎") + 1))
    assert note.text == "(feedback sent: 👎)"
    assert [call["method"] for call in chat.slack.calls(after=after)] == []  # acknowledged; nothing run again
    records = [record for record in log_records(stack.log_dir) if record.get("message") == "feedback"]
    assert records and {key: records[-1].get(key) for key in ("intent", "rating", "workspace", "channel")} == {
        "intent": "roll", "rating": "negative", "workspace": "slack:-:T0LOCAL", "channel": LOCAL_DM}
    assert "roll 6" not in str(records[-1])
