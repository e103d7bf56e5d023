"""Streaming under faults, the issue's acceptance: a streamed slow answer whose event Slack delivers four times and
whose worker is killed mid-stream still ends as one complete answer, with no stream left open and no duplicate
message, checked at the Slack stand-in."""

from __future__ import annotations

import os
import time

from bot.local.slack_events import app_mention_event, post, signed_request
from bot.local.stack import LocalStack
from bot.local.standin.client import StandInClient
from tests.reliability.conftest import Counts, injected, record
from tests.reliability.test_scenarios import _kill_worker_runners

ANSWER = "There are 16,252,325 primes below 300,000,000."


@injected("a streamed slow answer: its event delivered 4 times (original + X-Slack-Retry-Num 1..3), the worker "
          "SIGKILLed mid-stream and its job redelivered")
def test_streaming_killed_mid_stream(reliable_stack: LocalStack) -> None:
    started = time.monotonic()
    slack = StandInClient(reliable_stack.slack_url)
    channel = "C0RELSTREAM" + os.urandom(2).hex().upper()
    event = app_mention_event("count primes below 300000000", channel=channel)
    secret = reliable_stack.settings.signing_secret.get_secret_value()
    # the redelivery comes after the killed worker's idempotency lock ran out, as in AWS (see test_scenarios)
    for poller in reliable_stack.pollers:
        poller.retry_after_seconds = 20
    try:
        statuses = [_deliver(reliable_stack, event, secret, retry) for retry in (None, 1)]
        slack.wait_for(lambda call: _here(call, channel, "chat.appendStream"), timeout=90)  # mid-stream
        statuses += [_deliver(reliable_stack, event, secret, retry) for retry in (2, 3)]
        assert _kill_worker_runners(reliable_stack), "no worker process was running"
        reliable_stack.restart("offline")
        slack.wait_for(lambda call: _here(call, channel, "chat.stopStream") and call["response"]["ok"], timeout=240)
        time.sleep(3)  # anything still to come (a second stream, a post) would come now
    finally:
        for poller in reliable_stack.pollers:
            poller.retry_after_seconds = reliable_stack.retry_after_seconds

    streams = [s for s in slack.streams() if s["channel"] == channel]
    posts = [c for c in slack.calls("chat.postMessage") if c["args"].get("channel") == channel]
    answered = [s for s in streams if ANSWER in str(s["blocks"])]
    record(Counts(scenario="streaming_killed_mid_stream", injected=test_streaming_killed_mid_stream.injected,
                  sent=len(statuses), accepted=int(200 in statuses), answered=len(answered),
                  duplicates=max(len(streams) - 1, 0) + len(posts), lost=int(not answered),
                  seconds=round(time.monotonic() - started, 1)))
    assert statuses[0] == 200
    assert len(streams) == 1, streams  # never a second stream
    [stream] = streams
    assert stream["state"] == "completed" and stream["stopped_by"] == "bot"  # none left open
    assert ANSWER in str(stream["blocks"])  # the complete answer
    assert "\nCounting the primes" in stream["text"]  # the re-run went on in the same stream
    assert posts == []  # no duplicate message


def _deliver(stack: LocalStack, event: dict, secret: str, retry: int | None) -> int:
    body, headers = signed_request(event, secret, retry_num=retry)
    return post(stack.ingress_url, body, headers, timeout=30)[0]


def _here(call: dict, channel: str, method: str) -> bool:
    return call["method"] == method and call["args"].get("channel") == channel
