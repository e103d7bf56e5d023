"""Workflows run in-process by the durable SDK's own test runner (its in-memory engine, waits skipped), with
Parley's real workflow code and memory stores: the engine half of the local stack's tests, in a second each."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aws_durable_execution_sdk_python.context import DurableContext
from aws_durable_execution_sdk_python.execution import durable_execution
from aws_durable_execution_sdk_python_testing.runner import DurableFunctionTestRunner

from bot.conversation.identity import Person
from bot.stores.jobs import MemoryJobStore
from bot.stores.workflows import MemoryWorkflowStore, WorkflowRecord
from bot.workflows.flow import Services
from bot.workflows.handler import run
from bot.workflows.service import Workflows

TEAM = "slack:-:T0LOCAL"
REQUESTER = Person("slack", "U0LOCALUSER", "T0LOCAL")
APPROVERS = ["U0LOCALANA", "U0LOCALBO"]


@dataclass
class Sent:
    team: str
    user: str
    text: str
    buttons: list[tuple[str, str, str]]


@dataclass
class RecordingMessenger:
    sent: list[Sent] = field(default_factory=list)
    fail_for: set[str] = field(default_factory=set)  # users whose DMs fail

    def to_user(self, team: str, user: str, text: str, buttons: Sequence[tuple[str, str, str]] = ()) -> None:
        if user in self.fail_for:
            raise RuntimeError(f"chat.postMessage to {user} failed")
        self.sent.append(Sent(team, user, text, list(buttons)))

    def to(self, user: str) -> list[str]:
        return [each.text for each in self.sent if each.user == user]


class RunnerEngine:
    """The `Engine` the worker uses, over the SDK's in-process runner."""

    def __init__(self, runner: DurableFunctionTestRunner) -> None:
        self.runner = runner
        self.started: dict[str, str] = {}
        self.lock = threading.Lock()

    def start(self, execution_name: str, payload: dict[str, Any]) -> str:
        with self.lock:
            if execution_name in self.started:
                return self.started[execution_name]
            arn = self.runner.run_async(input=json.dumps(payload), execution_name=execution_name,
                                        execution_timeout=120)
            self.started[execution_name] = arn
            return arn

    def decide(self, callback_id: str, result: dict[str, Any]) -> bool:
        try:
            self.runner.send_callback_success(callback_id, json.dumps(result).encode())
        except Exception:  # noqa: BLE001 - timed out or already completed: no longer waiting
            return False
        return True

    def stop(self, execution: str, reason: str) -> None:
        self.runner._executor.stop_execution(execution, None)


@dataclass
class Harness:
    workflows: Workflows
    store: MemoryWorkflowStore
    jobs: MemoryJobStore
    messenger: RecordingMessenger
    engine: RunnerEngine

    def start(self, name: str, inputs: dict[str, Any], person: Person = REQUESTER, via: str = "slack",
              started_by: str = "Ev1") -> WorkflowRecord:
        return self.workflows.start(name, person, via=via, started_by=started_by, summary=name, inputs=inputs)

    def until(self, record: WorkflowRecord, test: Any, timeout: float = 30.0) -> WorkflowRecord:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            current = self.store.get(record.workspace, record.workflow_id)
            if current is not None and test(current):
                return current
            time.sleep(0.05)
        raise AssertionError(f"workflow never got there: {self.store.get(record.workspace, record.workflow_id)}")

    def result(self, record: WorkflowRecord) -> Any:
        arn = self.engine.started[record.workflow_id]
        return self.engine.runner.wait_for_result(arn, timeout=60)


@contextmanager
def harness(seconds_per_hour: float, monkeypatch: Any, approvers: list[str] | None = None) -> Iterator[Harness]:
    monkeypatch.setenv("PARLEY_WORKFLOW_SECONDS_PER_HOUR", str(seconds_per_hour))
    store, jobs, messenger = MemoryWorkflowStore(), MemoryJobStore(), RecordingMessenger()
    services = Services(store=store, jobs=jobs, messenger=messenger,
                        approvers=APPROVERS if approvers is None else approvers)

    @durable_execution
    def handler(event: dict[str, Any], context: DurableContext) -> dict[str, str]:
        return run(event, context, services)

    with DurableFunctionTestRunner(handler=handler, poll_interval=0.05) as runner:
        engine = RunnerEngine(runner)
        workflows = Workflows(store, jobs, engine, services.approvers, "T0LOCAL")
        yield Harness(workflows, store, jobs, messenger, engine)
