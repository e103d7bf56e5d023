"""The reliability suite's stack and its accounting.

The stack is the real local one (moto server, the Slack stand-in, serverless offline), with the worker
fed by a poller that settles each record as Lambda does (ReportBatchItemFailures, redelivery, the
queue's redrive to the dead-letter queue), and the fault intents declared (`intents/faults.py`).

Every scenario sends events through a `Ledger`, which knows each event by a marker its reply echoes,
then settles the accounts: accepted = answered once + in the dead-letter queue, duplicates = 0,
lost = 0. The counts of each scenario are written to `.parley/reliability/results.json` for
RELIABILITY.md. `PARLEY_SOAK=1` (make soak) runs the long counts.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

import pytest

from bot.local.slack_events import message_event, post, signed_request
from bot.local.stack import ROOT, LocalStack
from bot.local.standin.client import StandInClient
from tests.e2e.conftest import stack_settings

SOAK = os.environ.get("PARLEY_SOAK") == "1"
RESULTS = ROOT / ".parley" / "reliability" / "results.json"


def scale(short: int, soak: int) -> int:
    return soak if SOAK else short


@dataclass
class Counts:
    scenario: str
    injected: str
    sent: int = 0  # requests posted, retries included
    accepted: int = 0  # distinct events that got a 200 at least once
    answered: int = 0  # distinct events answered exactly once
    duplicates: int = 0  # extra replies beyond the first
    dead_lettered: int = 0  # distinct events whose job is in the dead-letter queue
    lost: int = 0  # accepted, yet neither answered nor dead-lettered
    seconds: float = 0.0


@dataclass
class Ledger:
    stack: LocalStack
    scenario: str
    injected: str
    channel: str = field(default_factory=lambda: "D-REL-" + os.urandom(3).hex().upper())
    statuses: Counter[int] = field(default_factory=Counter)
    accepted: set[str] = field(default_factory=set)  # markers of events that got a 200
    expected: dict[str, str] = field(default_factory=dict)  # marker -> the reply that answers it
    markers: dict[str, str] = field(default_factory=dict)  # event_id -> marker
    started: float = field(default_factory=time.monotonic)
    sent: int = 0

    @property
    def secret(self) -> str:
        return self.stack.settings.signing_secret.get_secret_value()

    def event(self, marker: str, text: str | None = None, reply: str | None = None) -> dict:
        """A DM known by its marker: by default `echo <marker>`, answered by the marker itself."""
        event = message_event(text or f"echo {marker}", channel=self.channel)
        self.expected[marker] = marker if reply is None else reply
        self.markers[event["event_id"]] = marker
        return event

    def deliver(self, event: dict, retry_num: int | None = None) -> int:
        body, headers = signed_request(event, self.secret, retry_num=retry_num)
        status, _, _ = post(self.stack.ingress_url, body, headers, timeout=30)
        self.sent += 1
        self.statuses[status] += 1
        if status == 200:
            self.accepted.add(self.markers[event["event_id"]])
        return status

    def deliver_all(self, deliveries: list[tuple[dict, int | None]], senders: int = 8) -> list[int]:
        with ThreadPoolExecutor(senders) as pool:
            return list(pool.map(lambda delivery: self.deliver(*delivery), deliveries))

    def replies(self) -> Counter[str]:
        """How many times each marker was answered."""
        calls = StandInClient(self.stack.slack_url).calls("chat.postMessage")
        texts = Counter(call["args"].get("text", "") for call in calls
                        if call["args"].get("channel") == self.channel and (call.get("response") or {}).get("ok"))
        return Counter({marker: texts[reply] for marker, reply in self.expected.items()})

    def dead_lettered(self) -> set[str]:
        """Markers whose job is in the dead-letter queue: looked at, then put back as they were."""
        sqs = self.stack.sqs()
        url = self.stack.queue_url("-dlq")
        found: set[str] = set()
        taken: list[dict] = []
        while True:  # each look hides what it saw for a while, so the next one sees the next messages
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30,
                                           WaitTimeSeconds=0).get("Messages", [])
            if not messages:
                break
            taken.extend(messages)
            for message in messages:
                marker = self.markers.get(str(json.loads(message["Body"]).get("id")))
                if marker:
                    found.add(marker)
        for start in range(0, len(taken), 10):
            entries = [{"Id": str(number), "ReceiptHandle": message["ReceiptHandle"], "VisibilityTimeout": 0}
                       for number, message in enumerate(taken[start:start + 10])]
            sqs.change_message_visibility_batch(QueueUrl=url, Entries=entries)
        return found

    def settle(self, timeout: float = 120.0, quiet: float = 3.0) -> Counts:
        """Wait until every accepted event is answered or dead-lettered (then a little more, for duplicates)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            replies = self.replies()
            unsettled = {marker for marker in self.accepted if not replies[marker]}
            if not unsettled or not unsettled - self.dead_lettered():
                time.sleep(quiet)
                break
            time.sleep(0.5)
        replies = self.replies()
        dead = self.dead_lettered()
        counts = Counts(
            scenario=self.scenario,
            injected=self.injected,
            sent=self.sent,
            accepted=len(self.accepted),
            answered=sum(1 for marker in self.accepted if replies[marker] == 1),
            duplicates=sum(max(0, replies[marker] - 1) for marker in self.accepted),
            dead_lettered=len(dead & self.accepted),
            lost=sum(1 for marker in self.accepted if not replies[marker] and marker not in dead),
            seconds=round(time.monotonic() - self.started, 1),
        )
        record(counts)
        return counts


def record(counts: Counts) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    existing[counts.scenario] = {**asdict(counts), "mode": "soak" if SOAK else "short"}
    RESULTS.write_text(json.dumps(existing, indent=2) + "\n")


def assert_accounted(counts: Counts) -> None:
    assert counts.duplicates == 0, counts
    assert counts.lost == 0, counts
    assert counts.accepted == counts.answered + counts.dead_lettered, counts


@pytest.fixture(scope="session")
def reliable_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    stack = LocalStack(stack_settings(), tmp_path_factory.mktemp("reliability-logs"), worker_feed="lambda-api",
                       retry_after_seconds=1, feeders=4, extra_env={"PARLEY_FAULT_INTENTS": "1"})
    with stack:
        yield stack
    # and nothing of all that, faults included, wrote a secret into a log
    logs = "".join(path.read_text(errors="replace") for path in stack.log_dir.glob("*.log"))
    for secret in (stack.settings.signing_secret, stack.settings.bot_token):
        assert secret.get_secret_value() not in logs, "a secret reached a log line"


@pytest.fixture
def ledger(reliable_stack: LocalStack, request: pytest.FixtureRequest) -> Ledger:
    injected = getattr(request.node.function, "injected", "")
    return Ledger(reliable_stack, request.node.name.removeprefix("test_"), injected)


def injected(description: str):
    """What the scenario injects, for the report."""

    def mark(function):
        function.injected = description
        return function

    return mark

