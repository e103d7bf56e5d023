"""A streamed slow intent through the real local stack: a signed app_mention over HTTP, the ingress, SQS, the worker,
Bolt, and Slack's streaming methods at the stand-in: one stream, its progress growing, stopped with the answer."""

from __future__ import annotations

import os

from bot.local.slack_events import app_mention_event, post, signed_request
from bot.local.stack import LocalStack
from bot.local.standin.client import StandInClient


def test_a_slow_intent_in_a_thread_streams_its_progress_and_ends_with_the_answer(stack: LocalStack) -> None:
    channel = "C0E2ESTREAM" + os.urandom(2).hex().upper()
    event = app_mention_event("count primes below 300000000", channel=channel)
    body, headers = signed_request(event, stack.settings.signing_secret.get_secret_value())
    assert post(stack.ingress_url, body, headers)[0] == 200

    slack = StandInClient(stack.slack_url)
    slack.wait_for(lambda call: call["method"] == "chat.stopStream" and call["args"].get("channel") == channel,
                   timeout=90)
    [stream] = [s for s in slack.streams() if s["channel"] == channel]
    assert stream["state"] == "completed" and stream["stopped_by"] == "bot"
    assert stream["thread_ts"] == event["event"]["ts"]  # a top-level mention is answered in its thread
    assert stream["text"].startswith("Counting the primes below 300,000,000…")
    assert "There are 16,252,325 primes below 300,000,000." in str(stream["blocks"])
    # the progress went as the stream, not as a message updated in place
    mine = [c for c in slack.calls() if c["args"].get("channel") == channel]
    assert {c["method"] for c in mine} == {"chat.startStream", "chat.appendStream", "chat.stopStream"}
