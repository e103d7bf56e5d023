"""Workflows in flight: who asked, what each waits for, and the one decision each wait takes.

The durable execution (bot/workflows/) is the workflow's own state; this table is what people and commands read
without replaying it: `make workflows` lists what runs and what it waits for, a button click finds the wait it
answers, the requester's Cancel finds the execution to stop. Its one rule: a wait takes one decision. `claim` is a
conditional write (the record must be waiting, in that round, undecided), so of two clicks, from one person or two
approvers, from one sandbox or two, exactly one wins; the loser is told what became of it.

Keys carry the requester's workspace (channel, enterprise, team): a Lex caller's request lives under the Lex bot's
workspace even when a Slack user approves it; who may decide is the record's `approvers`, checked against the
Slack user of the signed click, never against anything in the button's value. Kept for 30 days after it ends (TTL).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal, Protocol

from bot.stores.table import EXPIRES_AT, Condition, DynamoTable

ENDED_TTL_SECONDS = 30 * 24 * 60 * 60
RUNNING_TTL_SECONDS = 366 * 24 * 60 * 60  # a durable execution lives a year at most
Status = Literal["running", "waiting", "done", "failed", "cancelled", "expired"]
OPEN: tuple[Status, ...] = ("running", "waiting")


@dataclass(frozen=True)
class WorkflowRecord:
    workspace: str  # the requester's workspace key (bot.stores.keys.workspace_key)
    workflow_id: str
    name: str  # the workflow's registered name ("access_request", "reminder")
    requester: dict[str, str]  # Person.to_dict() of who asked (vouched for by their channel)
    summary: str = ""  # what was asked, as typed (escape it where it is rendered)
    reply_via: str = "slack"  # where the requester is told the outcome: "slack" (a DM), "lex" (their next turn)
    status: Status = "running"
    waiting_for: str = ""  # in words: "a decision from <@U0APPROVER>", "the time: 2026-12-02 09:00 UTC"
    approvers: list[str] = field(default_factory=list)  # Slack users who may decide the current wait
    approvers_team: str = ""  # their workspace key
    round: str = ""  # the current wait's name: a click on an older round's buttons is late
    callback_id: str = ""  # the engine's callback that the current wait's decision completes
    deadline: int = 0  # epoch seconds the current wait ends by
    decision: dict[str, str] | None = None  # {"choice": ..., "by": <slack user>} once claimed
    execution: str = ""  # the engine's execution id (ARN in AWS), to stop it
    outcome: str = ""
    started_at: int = 0
    updated_at: int = 0

    @property
    def open(self) -> bool:
        return self.status in OPEN


class WorkflowStore(Protocol):
    def create(self, record: WorkflowRecord) -> bool: ...
    def get(self, workspace: str, workflow_id: str) -> WorkflowRecord | None: ...
    def set_execution(self, workspace: str, workflow_id: str, execution: str) -> None: ...
    def wait(self, workspace: str, workflow_id: str, *, round: str, waiting_for: str, approvers: list[str],
             approvers_team: str, callback_id: str, deadline: int) -> None: ...
    def claim(self, workspace: str, workflow_id: str, round: str, choice: str, by: str) -> WorkflowRecord | None: ...
    def resume(self, workspace: str, workflow_id: str, waiting_for: str = "") -> None: ...
    def finish(self, workspace: str, workflow_id: str, status: Status, outcome: str) -> None: ...
    def cancel(self, workspace: str, workflow_id: str) -> WorkflowRecord | None: ...
    def open_workflows(self) -> list[WorkflowRecord]: ...
    def open_in(self, workspace: str) -> list[WorkflowRecord]: ...


class MemoryWorkflowStore:
    def __init__(self) -> None:
        self._records: dict[tuple[str, str], WorkflowRecord] = {}

    def create(self, record: WorkflowRecord) -> bool:
        key = (record.workspace, record.workflow_id)
        if key in self._records:
            return False
        now = int(time.time())
        self._records[key] = replace(record, started_at=record.started_at or now, updated_at=now)
        return True

    def get(self, workspace: str, workflow_id: str) -> WorkflowRecord | None:
        return self._records.get((workspace, workflow_id))

    def set_execution(self, workspace: str, workflow_id: str, execution: str) -> None:
        self._change(workspace, workflow_id, execution=execution)

    def wait(self, workspace: str, workflow_id: str, *, round: str, waiting_for: str, approvers: list[str],
             approvers_team: str, callback_id: str, deadline: int) -> None:
        record = self.get(workspace, workflow_id)
        if record is not None and record.open:
            self._change(workspace, workflow_id, status="waiting", round=round, waiting_for=waiting_for,
                         approvers=list(approvers), approvers_team=approvers_team, callback_id=callback_id,
                         deadline=deadline, decision=None)

    def claim(self, workspace: str, workflow_id: str, round: str, choice: str, by: str) -> WorkflowRecord | None:
        record = self.get(workspace, workflow_id)
        if record is None or record.status != "waiting" or record.round != round or record.decision is not None:
            return None
        return self._change(workspace, workflow_id, decision={"choice": choice, "by": by}, status="running")

    def resume(self, workspace: str, workflow_id: str, waiting_for: str = "") -> None:
        record = self.get(workspace, workflow_id)
        if record is not None and record.open:
            self._change(workspace, workflow_id, status="running", waiting_for=waiting_for)

    def finish(self, workspace: str, workflow_id: str, status: Status, outcome: str) -> None:
        record = self.get(workspace, workflow_id)
        if record is not None and record.open:
            self._change(workspace, workflow_id, status=status, outcome=outcome, waiting_for="")

    def cancel(self, workspace: str, workflow_id: str) -> WorkflowRecord | None:
        record = self.get(workspace, workflow_id)
        if record is None or not record.open:
            return None
        return self._change(workspace, workflow_id, status="cancelled", waiting_for="", outcome="cancelled")

    def open_workflows(self) -> list[WorkflowRecord]:
        return sorted((each for each in self._records.values() if each.open), key=lambda each: each.started_at)

    def open_in(self, workspace: str) -> list[WorkflowRecord]:
        return [each for each in self.open_workflows() if each.workspace == workspace]

    def _change(self, workspace: str, workflow_id: str, **changes: Any) -> WorkflowRecord:
        record = replace(self._records[workspace, workflow_id], **changes, updated_at=int(time.time()))
        self._records[workspace, workflow_id] = record
        return record


class DynamoWorkflowStore:
    """Partition `workspace`, sort `workflow_id`, in the stage's workflows table."""

    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def create(self, record: WorkflowRecord) -> bool:
        now = int(time.time())
        item = {**asdict(replace(record, started_at=record.started_at or now, updated_at=now)),
                EXPIRES_AT: now + RUNNING_TTL_SECONDS}
        return self.table.put(item, Condition("attribute_not_exists(workflow_id)"))

    def get(self, workspace: str, workflow_id: str) -> WorkflowRecord | None:
        item = self.table.get({"workspace": workspace, "workflow_id": workflow_id})
        return _record(item) if item is not None else None

    def set_execution(self, workspace: str, workflow_id: str, execution: str) -> None:
        self._set(workspace, workflow_id, {"execution": execution})

    def wait(self, workspace: str, workflow_id: str, *, round: str, waiting_for: str, approvers: list[str],
             approvers_team: str, callback_id: str, deadline: int) -> None:
        self._set(workspace, workflow_id, {"status": "waiting", "round": round, "waiting_for": waiting_for,
                                           "approvers": list(approvers), "approvers_team": approvers_team,
                                           "callback_id": callback_id, "deadline": deadline, "decision": None},
                  only_open=True)

    def claim(self, workspace: str, workflow_id: str, round: str, choice: str, by: str) -> WorkflowRecord | None:
        condition = Condition("#status = :waiting AND #round = :round AND "
                              "(attribute_not_exists(decision) OR decision = :none)",
                              names={"#status": "status", "#round": "round"},
                              values={":waiting": "waiting", ":round": round, ":none": None})
        new = self.table.update(self._key(workspace, workflow_id),
                                "SET decision = :decision, #s2 = :running, updated_at = :now",
                                names={"#s2": "status"},
                                values={":decision": {"choice": choice, "by": by}, ":running": "running",
                                        ":now": int(time.time())},
                                condition=condition)
        return _record(new) if new is not None else None

    def resume(self, workspace: str, workflow_id: str, waiting_for: str = "") -> None:
        self._set(workspace, workflow_id, {"status": "running", "waiting_for": waiting_for}, only_open=True)

    def finish(self, workspace: str, workflow_id: str, status: Status, outcome: str) -> None:
        self._set(workspace, workflow_id, {"status": status, "outcome": outcome, "waiting_for": "",
                                           EXPIRES_AT: int(time.time()) + ENDED_TTL_SECONDS}, only_open=True)

    def cancel(self, workspace: str, workflow_id: str) -> WorkflowRecord | None:
        return self._set(workspace, workflow_id, {"status": "cancelled", "outcome": "cancelled", "waiting_for": "",
                                                  EXPIRES_AT: int(time.time()) + ENDED_TTL_SECONDS}, only_open=True)

    def open_workflows(self) -> list[WorkflowRecord]:
        items = self.table.scan_prefix("status", "")  # rare, operator work: `make workflows`
        records = [_record(item) for item in items]
        return sorted((each for each in records if each.open), key=lambda each: each.started_at)

    def open_in(self, workspace: str) -> list[WorkflowRecord]:
        """The open workflows of one workspace: one Query (what a person's own requests are found among)."""
        records = [_record(item) for item in self.table.query("workspace", workspace)]
        return sorted((each for each in records if each.open), key=lambda each: each.started_at)

    @staticmethod
    def _key(workspace: str, workflow_id: str) -> dict[str, str]:
        return {"workspace": workspace, "workflow_id": workflow_id}

    def _set(self, workspace: str, workflow_id: str, values: dict[str, object], *, only_open: bool = False
             ) -> WorkflowRecord | None:
        values = {**values, "updated_at": int(time.time())}
        names = {f"#a{index}": name for index, name in enumerate(values)}
        expression = "SET " + ", ".join(f"#a{index} = :v{index}" for index in range(len(values)))
        bound = {f":v{index}": value for index, value in enumerate(values.values())}
        condition = None
        if only_open:
            condition = Condition("#st IN (:open1, :open2)", names={"#st": "status"},
                                  values={":open1": OPEN[0], ":open2": OPEN[1]})
        else:
            condition = Condition("attribute_exists(workflow_id)")
        new = self.table.update(self._key(workspace, workflow_id), expression, names=names, values=bound,
                                condition=condition)
        return _record(new) if new is not None else None


def _record(item: dict[str, Any]) -> WorkflowRecord:
    decision = item.get("decision")
    status = str(item.get("status", "running"))
    return WorkflowRecord(
        workspace=str(item["workspace"]), workflow_id=str(item["workflow_id"]), name=str(item.get("name", "")),
        requester={str(k): str(v) for k, v in dict(item.get("requester") or {}).items()},
        summary=str(item.get("summary", "")), reply_via=str(item.get("reply_via", "slack")),
        status=status if status in ("running", "waiting", "done", "failed", "cancelled", "expired")
        else "failed",  # type: ignore[arg-type]
        waiting_for=str(item.get("waiting_for", "")), approvers=[str(each) for each in item.get("approvers") or []],
        approvers_team=str(item.get("approvers_team", "")), round=str(item.get("round", "")),
        callback_id=str(item.get("callback_id", "")), deadline=int(str(item.get("deadline", 0) or 0)),
        decision={str(k): str(v) for k, v in decision.items()} if isinstance(decision, dict) else None,
        execution=str(item.get("execution", "")), outcome=str(item.get("outcome", "")),
        started_at=int(str(item.get("started_at", 0) or 0)), updated_at=int(str(item.get("updated_at", 0) or 0)),
    )
