"""The `workflows` service intents are given: start a workflow, decide its wait, cancel it, list one's own.

An intent starts a workflow in one call and answers at once ("I've asked ana; I'll tell you"); the workflow then
runs in the workflows function for as long as it waits. The worker's button listeners decide and cancel through
here too, so every rule about who may do what is in one place:
- a decision comes from a Slack user the record names as an approver of its current wait, in the approvers'
  workspace (both from Slack's signed click); it is claimed in the record (once) before the engine is told;
- only the requester cancels (the same person, by their verified identity);
- a workflow's id comes from the turn that started it, so a job run twice starts one workflow (the record's
  conditional create and the engine's execution name both refuse the second).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.conversation.identity import Person
from bot.stores.jobs import JobStore
from bot.stores.keys import workspace_key
from bot.stores.workflows import WorkflowRecord, WorkflowStore
from bot.workflows.engine import Engine

_NAME = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class Answer:
    """What the person who clicked is told (ephemeral), and whether anything changed."""

    text: str
    changed: bool = False


class Workflows:
    def __init__(self, store: WorkflowStore, jobs: JobStore, engine: Engine | None, approvers: list[str],
                 approvers_team: str = "") -> None:
        self.store = store
        self.jobs = jobs
        self.engine = engine
        self.approvers = list(approvers)
        self.approvers_team = approvers_team  # the stage's Slack team id: who approves a voice caller's request

    @property
    def ready(self) -> bool:
        """Whether workflows can run on this stage (an engine and at least one approver)."""
        return self.engine is not None and bool(self.approvers)

    def start(self, name: str, person: Person, *, via: str, started_by: str, summary: str,
              inputs: Mapping[str, Any]) -> WorkflowRecord:
        """Start workflow `name` for `person` (told by `via`); `started_by` is the turn's stable id."""
        if self.engine is None:
            raise RuntimeError("no workflow engine on this stage")
        digest = hashlib.sha256(f"{person.key}|{name}|{started_by}".encode()).hexdigest()[:16]
        workflow_id = _NAME.sub("-", f"{name}-{digest}")[:64]
        # The approvers are people of the requester's Slack workspace; a voice caller's, of the stage's
        team = person.workspace if person.via == "slack" else workspace_key("slack", self.approvers_team)
        record = WorkflowRecord(workspace=person.workspace, workflow_id=workflow_id, name=name,
                                requester=person.to_dict(), summary=summary[:300], approvers_team=team,
                                reply_via="slack" if via == "slack" and person.slack_user_id else via)
        if self.store.create(record) and record.reply_via != "slack":
            self.jobs.start(person.key, workflow_id, via=record.reply_via, intent=name)
        payload = {"workflow": name, "workspace": record.workspace, "workflow_id": workflow_id,
                   "inputs": dict(inputs), "correlation_id": started_by}
        execution = self.engine.start(workflow_id, payload)
        self.store.set_execution(record.workspace, workflow_id, execution)
        return record

    def decide(self, workspace: str, workflow_id: str, choice: str, user: str, team: str) -> Answer:
        """A click on a decision button, by Slack user `user` of workspace key `team` (Slack's signed click)."""
        record = self.store.get(workspace, workflow_id)
        if record is None:
            return Answer("I can't find that request any more.")
        if user not in record.approvers or team != record.approvers_team:
            return Answer("Only the approvers asked can decide this request.")
        if record.status != "waiting":
            return Answer(self._settled(record))
        claimed = self.store.claim(workspace, workflow_id, record.round, choice, user)
        if claimed is None:
            return Answer(self._settled(self.store.get(workspace, workflow_id) or record))
        assert self.engine is not None
        if not self.engine.decide(record.callback_id, {"choice": choice, "by": user}):
            return Answer("This request has expired: it waited too long for a decision.")
        return Answer(f"Thanks: you chose *{choice}*.", changed=True)

    def cancel(self, workspace: str, workflow_id: str, person: Person) -> Answer:
        """The requester's Cancel (who clicked: Slack's signed click)."""
        record = self.store.get(workspace, workflow_id)
        if record is None:
            return Answer("I can't find that request any more.")
        if Person.from_dict(record.requester).key != person.key:
            return Answer("Only the person who asked can cancel this request.")
        cancelled = self.store.cancel(workspace, workflow_id)
        if cancelled is None:
            return Answer(self._settled(record))
        if self.engine is not None and record.execution:
            self.engine.stop(record.execution, f"cancelled by {person.user_id}")
        return Answer("Cancelled: nobody will be asked about it any more.", changed=True)

    def mine(self, person: Person) -> list[WorkflowRecord]:
        return [each for each in self.store.open_in(person.workspace) if each.requester == person.to_dict()]

    @staticmethod
    def _settled(record: WorkflowRecord) -> str:
        if record.decision is not None and record.status in ("running", "done"):
            return f"Already decided: <@{record.decision['by']}> chose *{record.decision['choice']}*."
        if record.status == "expired":
            return "This request has expired: it waited too long for a decision."
        if record.status == "cancelled":
            return "This request was cancelled by the person who asked."
        if record.status == "failed":
            return "This request failed; the person who asked has been told."
        return "This request is not waiting for a decision now."
