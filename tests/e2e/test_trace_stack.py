"""make trace and make misses on the real local stack: a message's whole path, a dead-lettered job, the misses.

The answered message and the misses go through the session's stack (as `make run` starts it). The dead-lettered
job needs a worker fed as Lambda feeds it (failed receives settled, a dead letter after 3) and the fault intents,
so it gets a stack of its own; that stack also turns the misses off, to show nothing is logged then.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.local.chat import SlackChat
from bot.local.slack_events import message_event, post, signed_request
from bot.local.stack import ROOT, LocalStack
from bot.local.standin.client import StandInClient
from bot.observability import trace
from tests.e2e.conftest import stack_settings

pytestmark = pytest.mark.e2e


def test_a_message_through_the_stack_shows_its_whole_path_with_durations(stack: LocalStack, chat: SlackChat) -> None:
    chat.say("roll 6")
    found = trace.trace_local(chat.last_correlation_id or "", stack.log_dir)
    messages = [record.message for record in found.records]
    for step in ("queued", "job received", "recognised", "intent ran", "web api call", "reply sent", "job done"):
        assert step in messages, (step, messages)
    assert messages.index("queued") < messages.index("job received") < messages.index("recognised") \
        < messages.index("reply sent") < messages.index("job done")
    shown = trace.render(found)
    for duration in ("ack (ingress: request in to queued)", "queue delay", "recognition", "intent run (roll)",
                     "reply (recognised to reply sent)", "total"):
        assert duration in shown
    assert "chat.postMessage -> 200 ok" in shown
    assert shown.endswith("answered: the job ran to its end.")


def make(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def test_make_trace_prints_it_and_make_misses_groups_what_nothing_understood(stack: LocalStack,
                                                                            chat: SlackChat) -> None:
    chat.say("flibbertigibbet wobble")
    correlation_id = chat.last_correlation_id or ""
    chat.say("Flibbertigibbet  wobble!")
    chat.say("zorblax quux at ada@example.com")
    traced = make("trace", f"ID={correlation_id}", f"LOG_DIR={stack.log_dir}")
    assert traced.returncode == 0 and "verdict=unknown" in traced.stdout, traced
    listed = make("misses", f"LOG_DIR={stack.log_dir}")
    assert listed.returncode == 0, listed
    rows = [row.split(None, 1) for row in listed.stdout.splitlines() if row.strip()[:1].isdigit()]
    counted = {text.split("  ")[0]: int(count) for count, text in rows}
    assert counted["flibbertigibbet wobble"] == 2
    assert counted["zorblax quux at [email]"] == 1
    assert "ada@example.com" not in (stack.log_dir / "offline.log").read_text()


@pytest.fixture(scope="module")
def failing_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    with LocalStack(stack_settings(), tmp_path_factory.mktemp("trace-dlq-logs"), worker_feed="lambda-api",
                    retry_after_seconds=1, extra_env={"PARLEY_FAULT_INTENTS": "1",
                                                      "PARLEY_LOG_MISSES": "false"}) as running:
        running.wait_until_polling()
        yield running


def send(stack: LocalStack, text: str) -> str:
    event = message_event(text, channel="D0TRACE" + os.urandom(2).hex().upper())
    body, headers = signed_request(event, stack.settings.signing_secret.get_secret_value())
    status, answer_headers, _ = post(stack.ingress_url, body, headers, timeout=30)
    assert status == 200
    return answer_headers["x-parley-correlation-id"]


def wait_for(log_dir: Path, correlation_id: str, words: str, timeout: float = 120) -> trace.Trace:
    deadline = time.monotonic() + timeout
    while True:
        found = trace.trace_local(correlation_id, log_dir)
        if words in trace.verdict(found) or time.monotonic() > deadline:
            return found
        time.sleep(1)


def test_a_job_that_failed_three_times_is_traced_as_dead_lettered(failing_stack: LocalStack) -> None:
    correlation_id = send(failing_stack, "explode on purpose")
    found = wait_for(failing_stack.log_dir, correlation_id, "dead-lettered")
    shown = trace.render(found)
    assert "FAILED 3 times, dead-lettered (receive 3 of 3)" in shown, shown
    assert [record.fields.get("receive_count") for record in found.records
            if record.message == "job received"] == [1, 2, 3]
    assert "InjectedFault" in shown
    dead = failing_stack.sqs().receive_message(QueueUrl=failing_stack.queue_url("-dlq"), WaitTimeSeconds=5)
    assert any(correlation_id in message["Body"] for message in dead.get("Messages", []))


def test_with_the_misses_turned_off_nothing_of_what_people_said_is_logged(failing_stack: LocalStack) -> None:
    correlation_id = send(failing_stack, "glorpington splunge")
    wait_for(failing_stack.log_dir, correlation_id, "answered")
    assert StandInClient(failing_stack.slack_url).calls("chat.postMessage")  # the fallback was answered
    log = (failing_stack.log_dir / "offline.log").read_text()
    assert correlation_id in log
    assert '"not understood"' not in log and "glorpington" not in log
