"""Parley's promise, counted: every event Slack delivers is answered exactly once or lands in the
dead-letter queue, whatever fails. Each scenario injects a fault into the real local stack and settles
the accounts (see conftest.py)."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import boto3

from bot.local.stack import LocalStack
from bot.local.standin.client import StandInClient
from tests.conftest import load_event
from tests.reliability.conftest import Counts, Ledger, assert_accounted, injected, record, scale
from tests.support.lex_rules import response_problems


@injected("each event delivered 4 times (original + X-Slack-Retry-Num 1..3); half in turn, half all at once, "
          "racing the first while it is being worked on")
def test_slack_retries(ledger: Ledger) -> None:
    events = [ledger.event(f"retry-{number}") for number in range(scale(20, 200))]
    for number, event in enumerate(events):
        deliveries = [(event, retry) for retry in (None, 1, 2, 3)]
        if number % 2:
            ledger.deliver_all(deliveries, senders=4)
        else:
            for delivery in deliveries:
                ledger.deliver(*delivery)
    counts = ledger.settle()
    assert_accounted(counts)
    assert counts.answered == len(events)


@injected("distinct events as fast as the ingress takes them, from 16 concurrent senders")
def test_burst(ledger: Ledger) -> None:
    events = [ledger.event(f"burst-{number}") for number in range(scale(100, 500))]
    statuses = ledger.deliver_all([(event, None) for event in events], senders=16)
    assert set(statuses) == {200}
    counts = ledger.settle(timeout=300)
    assert_accounted(counts)
    assert counts.answered == len(events)


@injected("the jobs queue deleted: every request gets a 5xx; queue recreated, Slack's retry is answered once")
def test_queue_down(ledger: Ledger, reliable_stack: LocalStack) -> None:
    sqs = reliable_stack.sqs()
    url = reliable_stack.queue_url()
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy", "VisibilityTimeout"])
    sqs.delete_queue(QueueUrl=url)
    events = [ledger.event(f"down-{number}") for number in range(scale(10, 50))]
    try:
        statuses = ledger.deliver_all([(event, None) for event in events])
        assert all(500 <= status < 600 for status in statuses), statuses
        assert not ledger.accepted
    finally:
        sqs.create_queue(QueueName=reliable_stack.settings.jobs_queue_name, Attributes=attributes["Attributes"])
    statuses = ledger.deliver_all([(event, 1) for event in events])  # Slack's first retry, after recovery
    assert set(statuses) == {200}
    counts = ledger.settle()
    assert_accounted(counts)
    assert counts.answered == len(events)


@injected("the dedup table (the job claims) gone for a moment: the ingress fails open and the worker's jobs fail "
          "and are retried; each event and a retry of it, answered once")
def test_dedup_store_down(ledger: Ledger, reliable_stack: LocalStack) -> None:
    dynamodb = boto3.client("dynamodb", endpoint_url=reliable_stack.endpoint, region_name="us-east-1")
    table = reliable_stack.settings.dedup_table
    description = dynamodb.describe_table(TableName=table)["Table"]
    dynamodb.delete_table(TableName=table)
    try:
        events = [ledger.event(f"nodedup-{number}") for number in range(scale(10, 100))]
        statuses = ledger.deliver_all([(event, None) for event in events])
        assert set(statuses) == {200}  # never a lost event for want of the dedup store
        time.sleep(0.5)  # the worker meets the outage: no claim can be written, so no job may run
    finally:
        dynamodb.create_table(TableName=table, KeySchema=description["KeySchema"],
                              AttributeDefinitions=description["AttributeDefinitions"],
                              BillingMode="PAY_PER_REQUEST")
    statuses = ledger.deliver_all([(event, 1) for event in events])  # Slack's first retries, once it is back
    assert set(statuses) == {200}
    counts = ledger.settle()
    assert_accounted(counts)
    assert counts.answered == len(events)


@injected("an intent that raises on some inputs (poison): after 3 receives in the DLQ; the rest answered")
def test_poison_jobs(ledger: Ledger) -> None:
    events = [ledger.event(f"mixed-{number}", text=f"explode mixed-{number}" if number % 5 == 0 else None)
              for number in range(scale(20, 100))]
    statuses = ledger.deliver_all([(event, None) for event in events])
    assert set(statuses) == {200}
    counts = ledger.settle(timeout=180)
    assert_accounted(counts)
    poison = len([number for number in range(len(events)) if number % 5 == 0])
    assert (counts.dead_lettered, counts.answered) == (poison, len(events) - poison)


@injected("the worker processes killed (SIGKILL) in the middle of a batch; their jobs redelivered")
def test_worker_killed_mid_batch(ledger: Ledger, reliable_stack: LocalStack) -> None:
    # As in AWS, a redelivery must come after the killed worker's idempotency lock (its timeout) ran out:
    # the queue's visibility timeout is longer than the worker's.
    for poller in reliable_stack.pollers:
        poller.retry_after_seconds = 20
    try:
        slow = ledger.event("slept", text="sleep 5", reply="Slept 5 s.")
        events = [slow] + [ledger.event(f"killed-{number}") for number in range(scale(5, 20))]
        ledger.deliver_all([(event, None) for event in events])
        _wait_for_a_busy_worker(reliable_stack)
        killed = _kill_worker_runners(reliable_stack)
        assert killed, "no worker process was running"
        # serverless offline keeps a killed runner in its pool and hangs on it: Lambda would start a new
        # sandbox, so the stack's serverless offline starts afresh
        reliable_stack.restart("offline")
        counts = ledger.settle(timeout=240)
    finally:
        for poller in reliable_stack.pollers:
            poller.retry_after_seconds = reliable_stack.retry_after_seconds
    assert_accounted(counts)
    assert counts.answered == len(events)


@injected("the Slack Web API answering 500 to 5 posts, then 429 (Retry-After: 1) to 5 more")
def test_slack_web_api_failing_then_rate_limiting(ledger: Ledger, reliable_stack: LocalStack) -> None:
    slack = StandInClient(reliable_stack.slack_url)
    slack.add_fault("chat.postMessage", 500, count=5)
    slack.add_fault("chat.postMessage", 429, retry_after=1, count=5)
    try:
        events = [ledger.event(f"flaky-{number}") for number in range(scale(10, 50))]
        ledger.deliver_all([(event, None) for event in events])
        counts = ledger.settle(timeout=180)
    finally:
        slack.clear_faults()
    assert_accounted(counts)
    assert counts.answered == len(events)


@injected("malformed events, oversized session attributes and unknown intents sent to the lex function")
def test_lex_hook_faults(reliable_stack: LocalStack) -> None:
    invoke = reliable_stack.invoker("lex")
    good = load_event("lex/edge_null_slots.json")
    unknown = json.loads(json.dumps(good))
    unknown["sessionState"]["intent"]["name"] = "OrderPizza"
    oversized = json.loads(json.dumps(good))
    oversized["sessionState"]["sessionAttributes"] = {f"k{number}": "x" * 1000 for number in range(100)}
    events: list[object] = [{}, {"messageVersion": "1.0"}, {"sessionState": None}, unknown, oversized,
                            {**good, "invocationSource": "Nonsense"}, {**good, "bot": "not a bot"}]
    events += [{**good, "inputTranscript": "x" * size} for size in (0, 10_000)]
    problems = {index: response_problems(invoke(event)) for index, event in enumerate(events)}  # type: ignore[arg-type]
    assert all(not found for found in problems.values()), problems
    valid = sum(1 for found in problems.values() if not found)
    record(Counts(scenario="lex_hook_faults", injected=test_lex_hook_faults.injected,  # type: ignore[attr-defined]
                  sent=len(events), accepted=len(events), answered=valid))


def _wait_for_a_busy_worker(stack: LocalStack, timeout: float = 30) -> None:
    """Until a worker is in the middle of the slow job (the sleep intent logs `sleeping`)."""
    log = stack.log_dir / "offline.log"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any('"message":"sleeping"' in line for line in _lines(log)):
            time.sleep(1)  # well inside the sleep
            return
        time.sleep(0.2)
    raise TimeoutError("no worker took the slow job")


def _lines(path: Path) -> list[str]:
    return path.read_text(errors="replace").splitlines() if path.exists() else []


def _kill_worker_runners(stack: LocalStack) -> list[int]:
    """SIGKILL the python processes this stack's serverless offline runs the worker in."""
    pids = [pid for pid in stack.descendants("offline") if "bot/worker/handler" in _cmdline(pid)]
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    return pids


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""
