"""The path of one message through the real local stack: HTTP -> ingress -> SQS -> worker -> intent -> reply.

moto server, the Slack stand-in and serverless offline (with serverless-offline-sqs) run as `make run`
starts them; requests are signed Slack requests over HTTP.
"""

from __future__ import annotations

import json
import os
import time

import pytest

from bot.local.chat import SlackChat
from bot.local.slack_events import message_event, post, sign, signed_request
from bot.local.stack import LocalStack
from bot.observability.metrics import is_metrics_line
from tests.e2e.conftest import log_records

pytestmark = pytest.mark.e2e


def secret(stack: LocalStack) -> str:
    return stack.settings.signing_secret.get_secret_value()


def posts_to(chat: SlackChat, channel: str) -> list[dict]:
    return [call["args"] for call in chat.slack.calls("chat.postMessage") if call["args"].get("channel") == channel]


def test_hello_help_and_a_slot_intent_are_answered(chat: SlackChat) -> None:
    [hello] = chat.texts("hello")
    assert hello.startswith("Hello!")
    [help_text] = chat.texts("help")
    assert "*Roll a die*" in help_text
    assert "*Say something back*" in help_text and "my_tickets" not in help_text
    [roll] = chat.texts("roll 6")
    assert roll.startswith("You rolled a ")


def test_unknown_text_gets_the_polite_fallback(chat: SlackChat) -> None:
    [reply] = chat.texts("please file my taxes")
    assert reply.startswith("Sorry, I can't do that yet.")


def test_a_reply_in_a_thread_stays_in_the_thread(stack: LocalStack, chat: SlackChat) -> None:
    channel = "D-E2E-THREAD"
    event = message_event("roll a d20", channel=channel, thread_ts="1700000000.000100")
    body, headers = signed_request(event, secret(stack))
    assert post(stack.ingress_url, body, headers)[0] == 200
    [reply] = chat.slack.wait_for(lambda call: call["args"].get("channel") == channel, timeout=30)
    assert reply["args"]["thread_ts"] == "1700000000.000100"


def test_a_signed_event_posted_twice_gets_200_both_times_within_3_s(stack: LocalStack, chat: SlackChat) -> None:
    channel = "D-E2E-TWICE"
    body, headers = signed_request(message_event("hello", channel=channel), secret(stack))
    for _ in range(2):
        started = time.monotonic()
        status, _, _ = post(stack.ingress_url, body, headers)
        assert status == 200
        assert time.monotonic() - started < 3
    chat.slack.wait_for(lambda call: call["args"].get("channel") == channel, timeout=30)
    time.sleep(2)
    assert len(posts_to(chat, channel)) == 1  # the same event_id: answered once


def test_a_bad_signature_is_401_and_nothing_is_queued(stack: LocalStack, chat: SlackChat) -> None:
    channel = "D-E2E-FORGED"
    event = message_event("hello", channel=channel)
    body, headers = signed_request(event, "not-the-signing-secret")
    status, _, answer = post(stack.ingress_url, body, headers)
    assert (status, json.loads(answer)) == (401, {"error": "invalid request signature"})
    chat.say("hello")  # a later message's reply proves the worker ran past where the forged one would be
    time.sleep(1)
    assert posts_to(chat, channel) == []
    queued = [r for r in log_records(stack.log_dir) if r.get("message") == "queued"]
    assert event["event_id"] not in {r.get("correlation_id") for r in queued}


@pytest.mark.parametrize(
    ("make_request", "status"),
    [
        # timestamp older than five minutes
        (lambda secret: signed_request(message_event("hello"), secret, timestamp=int(time.time()) - 600), 401),
        # missing signature headers
        (lambda secret: (json.dumps(message_event("hello")).encode(), {"Content-Type": "application/json"}), 401),
        # malformed JSON, correctly signed
        (lambda secret: (b"{nope", {"Content-Type": "application/json", **sign(b"{nope", secret)}), 400),
        # unknown content type
        (lambda secret: (b"hi", {"Content-Type": "text/plain", **sign(b"hi", secret)}), 415),
        # over the body limit
        (lambda secret: signed_request(message_event("x" * 200_000), secret), 413),
    ],
)
def test_bad_requests_get_clear_errors(stack: LocalStack, make_request, status: int) -> None:
    body, headers = make_request(secret(stack))
    answer_status, _, answer = post(stack.ingress_url, body, headers)
    assert answer_status == status
    assert "error" in json.loads(answer)
    assert "traceback" not in answer.decode().lower()


@pytest.mark.parametrize(("method", "path"), [("GET", "/slack/events"), ("POST", "/slack/other"), ("GET", "/")])
def test_wrong_method_or_path_is_404_or_405(stack: LocalStack, method: str, path: str) -> None:
    url = stack.ingress_url.replace("/slack/events", path)
    body, headers = signed_request(message_event("hello"), secret(stack))
    status, _, _ = post(url, body if method == "POST" else None, headers, method=method)  # type: ignore[arg-type]
    assert status in (404, 405)


def test_url_verification_is_answered_by_the_ingress(stack: LocalStack) -> None:
    challenge = os.urandom(8).hex()
    body, headers = signed_request({"token": "t", "challenge": challenge, "type": "url_verification"}, secret(stack))
    status, _, answer = post(stack.ingress_url, body, headers)
    assert (status, json.loads(answer)) == (200, {"challenge": challenge})


def test_the_bots_own_posts_come_back_and_are_dropped(stack: LocalStack, chat: SlackChat) -> None:
    chat.say("hello")
    time.sleep(1)  # the stand-in echoes each post back to the ingress, as Slack does
    dropped = [r for r in log_records(stack.log_dir) if r.get("note") == "message from a bot"]
    assert dropped


def test_one_correlation_id_follows_a_message_from_ingress_to_reply(stack: LocalStack, chat: SlackChat) -> None:
    status, correlation_id, _ = chat.send(message_event("roll 6"))
    assert status == 200
    assert correlation_id and correlation_id.startswith("Ev")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        trail = [r["message"] for r in log_records(stack.log_dir)
                 if r.get("correlation_id") == correlation_id and not is_metrics_line(r)]
        if "job done" in trail:
            break
        time.sleep(0.2)
    # serverless offline relays each process's lines as it reads them: the order across processes is its own
    assert "queued" in trail  # the ingress
    assert "job received" in trail  # the worker
    assert "reply sent" in trail  # the reply, through the Web API
    assert "job done" in trail


def test_no_secret_reaches_a_log_line(stack: LocalStack, chat: SlackChat) -> None:
    chat.say("hello")
    logs = "".join(path.read_text(errors="replace") for path in stack.log_dir.glob("*.log"))
    assert secret(stack) not in logs
    assert stack.settings.bot_token.get_secret_value() not in logs
