"""The worker, in process: SQS batch events in, Bolt listeners run, replies recorded by the real Slack stand-in."""

import copy
import json
from collections.abc import Iterator

import pytest

from bot.dialog import Registry
from bot.local.slack_events import app_mention_event, message_event, signed_request
from bot.local.slack_standin import BOT_ID, BOT_USER_ID, SlackStandIn
from bot.queue.envelope import slack_job
from bot.settings import Settings
from bot.worker.app import build_app
from bot.worker.handler import process_batch
from tests.conftest import load_event

TOKEN = "xoxb-functional-test-token"
SECRET = "functional-signing-secret"


@pytest.fixture(scope="module")
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(token=TOKEN) as standin:
        yield standin


@pytest.fixture(scope="module")
def app(slack: SlackStandIn, crashing_registry: Registry):
    settings = Settings(slack_api_url=slack.api_url, bot_token=TOKEN, signing_secret=SECRET)
    return build_app(settings, crashing_registry)


def sqs_event(*payloads: dict | str) -> dict:
    """An SQS event whose records are jobs as the ingress writes them."""
    template = load_event("sqs_event.json")["Records"][0]
    records = []
    for number, payload in enumerate(payloads):
        record = copy.deepcopy(template)
        record["messageId"] = f"message-{number}"
        if isinstance(payload, str) and not payload.startswith("command="):
            record["body"] = payload  # a raw (broken) job
        else:
            body, headers = signed_request(payload, SECRET)
            correlation_id = payload.get("event_id", f"job-{number}") if isinstance(payload, dict) else f"job-{number}"
            record["body"] = slack_job(correlation_id, body, {k.lower(): v for k, v in headers.items()})
        records.append(record)
    return {"Records": records}


def posts_to(slack: SlackStandIn, channel: str, after: int) -> list[dict]:
    return [call["args"] for call in slack.calls("chat.postMessage", after=after) if call["args"]["channel"] == channel]


def last_seq(slack: SlackStandIn) -> int:
    calls = slack.calls()
    return calls[-1]["seq"] if calls else 0


def test_a_direct_message_is_answered(app, slack: SlackStandIn) -> None:
    after = last_seq(slack)
    assert process_batch(sqs_event(message_event("hello", channel="D1")), None, app) == {"batchItemFailures": []}
    [post] = posts_to(slack, "D1", after)
    assert post["text"].startswith("Hello!")
    assert "thread_ts" not in post


def test_unknown_text_gets_the_polite_fallback(app, slack: SlackStandIn) -> None:
    after = last_seq(slack)
    process_batch(sqs_event(message_event("make me a sandwich", channel="D2")), None, app)
    [post] = posts_to(slack, "D2", after)
    assert post["text"].startswith("Sorry, I can't do that yet.")


def test_a_reply_stays_in_the_thread(app, slack: SlackStandIn) -> None:
    after = last_seq(slack)
    process_batch(sqs_event(message_event("roll 6", channel="D3", thread_ts="1700000000.000001")), None, app)
    [post] = posts_to(slack, "D3", after)
    assert post["thread_ts"] == "1700000000.000001"
    assert post["text"].startswith("You rolled a ")


def test_a_mention_is_answered_in_a_new_thread(app, slack: SlackStandIn) -> None:
    after = last_seq(slack)
    event = app_mention_event("roll a d20", channel="C4")
    process_batch(sqs_event(event), None, app)
    [post] = posts_to(slack, "C4", after)
    assert post["thread_ts"] == event["event"]["ts"]


def test_channel_messages_are_left_to_the_mention_listener(app, slack: SlackStandIn) -> None:
    after = last_seq(slack)
    process_batch(sqs_event(message_event("hello", channel="C5", channel_type="channel")), None, app)
    assert posts_to(slack, "C5", after) == []


def test_the_bots_own_message_is_ignored_by_bolt_too(app, slack: SlackStandIn) -> None:
    event = load_event("event_message_from_bot_token.json")
    event["event"].update(user=BOT_USER_ID, bot_id=BOT_ID, channel="D6")
    after = last_seq(slack)
    assert process_batch(sqs_event(event), None, app) == {"batchItemFailures": []}
    assert posts_to(slack, "D6", after) == []


def test_a_failing_job_is_reported_and_the_rest_of_the_batch_answered(app, slack: SlackStandIn) -> None:
    after = last_seq(slack)
    event = sqs_event(
        message_event("hello", channel="D7"),
        message_event("crash", channel="D7"),
        "{not a job at all",
        json.dumps({"version": 99, "id": "x"}),
        message_event("roll 6", channel="D7"),
    )
    answer = process_batch(event, None, app)
    assert answer == {"batchItemFailures": [{"itemIdentifier": "message-1"}, {"itemIdentifier": "message-2"},
                                            {"itemIdentifier": "message-3"}]}
    texts = [post["text"] for post in posts_to(slack, "D7", after)]
    assert len(texts) == 2
    assert texts[0].startswith("Hello!")
    assert texts[1].startswith("You rolled a ")


def test_an_all_failed_batch_is_reported_not_raised(app) -> None:
    answer = process_batch(sqs_event(message_event("crash", channel="D8")), None, app)
    assert answer == {"batchItemFailures": [{"itemIdentifier": "message-0"}]}


def test_web_api_rate_limits_are_retried_without_posting_twice(app, slack: SlackStandIn) -> None:
    slack.add_fault("chat.postMessage", 429, retry_after=1, count=1)
    after = last_seq(slack)
    assert process_batch(sqs_event(message_event("hello", channel="D9")), None, app) == {"batchItemFailures": []}
    assert len(posts_to(slack, "D9", after)) == 2  # the refused one and the retry
    assert len([c for c in slack.calls("chat.postMessage", after=after) if c["response"].get("ok")]) == 1
