"""The worker's assistant threads and feedback buttons in process: real Bolt (its Assistant middleware), the real
Slack stand-in recording each call, DynamoDB in moto for dialogs and thread records."""

from __future__ import annotations

import json
import logging

import pytest

from bot.channels.slack.surface import FEEDBACK_ACTION
from bot.local.slack_events import (
    assistant_message_event,
    assistant_thread_context_changed_event,
    assistant_thread_started_event,
    feedback_click,
    new_ts,
)
from bot.local.standin.server import SlackStandIn
from bot.settings import Settings
from bot.stores.assistant_threads import AssistantThreads
from bot.worker.handler import Worker
from tests.functional.test_worker import CONTEXT, last_seq, make_worker, ok, sqs_event

STAGE = "local-assistant"
TOKEN = "xoxb-assistant-test-token"
SECRET = "functional-signing-secret"


@pytest.fixture(scope="module")
def worker(settings: Settings) -> Worker:
    return make_worker(settings)


def calls_in(slack: SlackStandIn, channel: str, after: int) -> list[dict]:
    """The Web API calls made in `channel` since `after`, oldest first."""
    return [call for call in slack.calls(after=after)
            if channel in (call["args"].get("channel"), call["args"].get("channel_id"))]


def test_a_thread_opens_with_a_greeting_and_prompts_from_the_intents(worker: Worker, slack: SlackStandIn) -> None:
    after, thread_ts = last_seq(slack), new_ts()
    ok(worker.process_batch(sqs_event(assistant_thread_started_event(thread_ts=thread_ts, channel="DA1")), CONTEXT))
    greeting, prompts = calls_in(slack, "DA1", after)
    assert greeting["method"] == "chat.postMessage" and greeting["args"]["thread_ts"] == thread_ts
    assert greeting["args"]["text"].startswith("Hi, I'm Parley")
    assert prompts["method"] == "assistant.threads.setSuggestedPrompts" and prompts["response"]["ok"]
    offered = prompts["args"]["prompts"]
    assert 1 <= len(offered) <= 4 and all(prompt["title"] and prompt["message"] for prompt in offered)
    assert "fail" not in json.dumps(offered)  # hidden intents (tools for tests) are never offered
    assert slack.assistant_thread("DA1", thread_ts)["prompts"] == offered


def test_a_message_in_the_thread_is_answered_with_status_set_then_cleared(worker: Worker,
                                                                         slack: SlackStandIn) -> None:
    thread_ts = new_ts()
    worker.process_batch(sqs_event(assistant_thread_started_event(thread_ts=thread_ts, channel="DA2")), CONTEXT)
    after = last_seq(slack)
    ok(worker.process_batch(sqs_event(assistant_message_event("roll 6", thread_ts=thread_ts, channel="DA2")),
                            CONTEXT))
    calls = calls_in(slack, "DA2", after)
    methods = [call["method"] for call in calls]
    assert methods == ["assistant.threads.setStatus", "chat.postMessage", "assistant.threads.setTitle"]
    assert calls[0]["args"]["status"] == "is thinking…" and calls[0]["args"]["thread_ts"] == thread_ts
    answer = calls[1]["args"]
    assert answer["thread_ts"] == thread_ts and answer["text"].startswith("You rolled a ")
    assert answer["blocks"][-1]["type"] == "context_actions"  # the feedback buttons
    assert calls[2]["args"]["title"] == "Roll a die"
    state = slack.assistant_thread("DA2", thread_ts)
    assert state["status"] == "" and state["title"] == "Roll a die"  # the answer's post cleared the status


def test_only_the_first_intent_names_the_thread(worker: Worker, slack: SlackStandIn) -> None:
    thread_ts = new_ts()
    worker.process_batch(sqs_event(assistant_message_event("roll 6", thread_ts=thread_ts, channel="DA3")), CONTEXT)
    after = last_seq(slack)
    worker.process_batch(sqs_event(assistant_message_event("hello", thread_ts=thread_ts, channel="DA3")), CONTEXT)
    assert "assistant.threads.setTitle" not in [call["method"] for call in calls_in(slack, "DA3", after)]


def test_the_dm_listener_does_not_answer_a_thread_message_too(worker: Worker, slack: SlackStandIn) -> None:
    after = last_seq(slack)
    worker.process_batch(sqs_event(assistant_message_event("hello", thread_ts=new_ts(), channel="DA4")), CONTEXT)
    posts = [call for call in calls_in(slack, "DA4", after) if call["method"] == "chat.postMessage"]
    assert len(posts) == 1


def test_a_context_change_is_kept_by_workspace_and_channel(worker: Worker, slack: SlackStandIn) -> None:
    thread_ts = new_ts()
    ok(worker.process_batch(sqs_event(assistant_thread_context_changed_event(
        thread_ts=thread_ts, channel="DA5", context_channel="C0ELSEWHERE")), CONTEXT))
    record = AssistantThreads(worker.engine.store).load("slack:-:T0LOCAL", "DA5", thread_ts)
    assert record["context"]["channel_id"] == "C0ELSEWHERE"


def test_a_refused_status_does_not_stop_the_answer(worker: Worker, slack: SlackStandIn) -> None:
    slack.add_fault("assistant.threads.setStatus", 200, error="invalid_thread_ts", count=5)
    try:
        after = last_seq(slack)
        ok(worker.process_batch(sqs_event(assistant_message_event("roll 6", thread_ts=new_ts(), channel="DA6")),
                                CONTEXT))
        assert any(call["method"] == "chat.postMessage" for call in calls_in(slack, "DA6", after))
    finally:
        slack.clear_faults()


def test_a_feedback_click_is_logged_per_intent_and_runs_nothing(worker: Worker, slack: SlackStandIn,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    thread_ts = new_ts()
    after = last_seq(slack)
    worker.process_batch(sqs_event(assistant_message_event("roll 6", thread_ts=thread_ts, channel="DA7")), CONTEXT)
    [answer] = [call for call in calls_in(slack, "DA7", after) if call["method"] == "chat.postMessage"]
    message = {**answer["args"], "ts": answer["response"]["ts"]}
    after = last_seq(slack)
    with caplog.at_level(logging.INFO):
        ok(worker.process_batch(sqs_event(feedback_click(message, False, channel="DA7")), CONTEXT))
    assert calls_in(slack, "DA7", after) == []  # acknowledged, nothing posted, the intent not run again
    [record] = [record for record in caplog.records if record.getMessage() == "feedback"]
    assert (record.intent, record.rating, record.workspace, record.channel) == ("roll", "negative",
                                                                                "slack:-:T0LOCAL", "DA7")
    assert "You rolled" not in caplog.text.split("feedback", 1)[-1]


def test_a_forged_feedback_value_is_not_counted(worker: Worker, slack: SlackStandIn,
                                                caplog: pytest.LogCaptureFixture) -> None:
    message = {"ts": new_ts(), "text": "x", "blocks": [{"type": "context_actions", "block_id": "feedback", "elements": [
        {"type": "feedback_buttons", "action_id": FEEDBACK_ACTION,
         "positive_button": {"text": {"type": "plain_text", "text": "+"}, "value": "positive:<!channel>"},
         "negative_button": {"text": {"type": "plain_text", "text": "-"}, "value": "negative:nope"}}]}]}
    with caplog.at_level(logging.INFO):
        ok(worker.process_batch(sqs_event(feedback_click(message, True, channel="DA8")), CONTEXT))
    assert not [record for record in caplog.records if record.getMessage() == "feedback"]
    assert "<!channel>" not in caplog.text
