"""What a workflow costs on Lambda durable functions, counted: the durable operations of each path of the demo
workflows, on the durable SDK's own engine (in-process, modelled hours shortened), as the README's Workflows section
prices them ($8 per million durable operations; Step Functions standard bills $25 per million state transitions).

Counted: every operation the engine records for the execution, the execution itself included (an upper bound if
Lambda bills steps, waits and callbacks only). A question (`flow.ask`) is three: its context, its callback and the
step that posts the buttons; a note of what the workflow waits for, a message and the record's end are one step
each. A step that fails and is retried adds its retries. The Lambda invocations are the start plus one per wait
that ends (a decision, a timeout, a sleep's end): those bill as Lambda requests and duration, not while waiting.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.support.workflows import APPROVERS, TEAM, Harness, harness

ANA, BO = APPROVERS
PRICE_PER_OPERATION = 8 / 1_000_000  # USD, us-east-1 (README: Workflows)


def operations(h: Harness, workflow_id: str) -> Counter[str]:
    """The execution's operations by type (EXECUTION, STEP, CONTEXT, CALLBACK, WAIT), once it has ended."""
    arn = h.engine.started[workflow_id]
    h.engine.runner.wait_for_result(arn, timeout=60)
    execution = h.engine.runner._store.load(arn)  # the test runner's own record of every operation
    return Counter(str(getattr(each.operation_type, "value", each.operation_type)) for each in execution.operations)


def decided(monkeypatch: pytest.MonkeyPatch, choice: str, *, after_escalation: bool = False) -> Counter[str]:
    with harness(0.1 if after_escalation else 2.0, monkeypatch) as h:
        record = h.start("access_request", {"system": "grafana"})
        round_ = "escalate" if after_escalation else "ask"
        h.until(record, lambda r: r.round == round_ and r.status == "waiting")
        assert h.workflows.decide(record.workspace, record.workflow_id, choice, BO if after_escalation else ANA,
                                  TEAM).changed
        return operations(h, record.workflow_id)


def test_an_access_request_approved_at_once_is_eight_operations(monkeypatch: pytest.MonkeyPatch) -> None:
    counted = decided(monkeypatch, "approve")
    # the execution; load, the question (3), the grant, the requester told, the record's end
    assert counted == {"EXECUTION": 1, "STEP": 5, "CONTEXT": 1, "CALLBACK": 1}
    assert sum(counted.values()) * PRICE_PER_OPERATION == pytest.approx(0.000064)


def test_an_access_request_denied_is_seven(monkeypatch: pytest.MonkeyPatch) -> None:
    assert sum(decided(monkeypatch, "deny").values()) == 7  # no grant


def test_an_escalated_request_approved_is_fifteen(monkeypatch: pytest.MonkeyPatch) -> None:
    counted = decided(monkeypatch, "approve", after_escalation=True)
    # three questions (ask, reminder, escalation), the requester told of the escalation, then as approved at once
    assert counted == {"EXECUTION": 1, "STEP": 8, "CONTEXT": 3, "CALLBACK": 3}


def test_a_request_nobody_answers_is_fourteen(monkeypatch: pytest.MonkeyPatch) -> None:
    with harness(0.1, monkeypatch) as h:
        record = h.start("access_request", {"system": "vault"})
        counted = operations(h, record.workflow_id)
    assert counted == {"EXECUTION": 1, "STEP": 7, "CONTEXT": 3, "CALLBACK": 3}


def test_a_reminder_is_seven(monkeypatch: pytest.MonkeyPatch) -> None:
    with harness(2.0, monkeypatch) as h:
        record = h.start("reminder", {"task": "stretch", "hours": 0.5})
        counted = operations(h, record.workflow_id)
    # the execution; load, what it waits for, the wait, woken, the reminder, the record's end
    assert counted == {"EXECUTION": 1, "STEP": 5, "WAIT": 1}
