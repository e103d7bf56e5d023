"""Whether the local stack's workflows are between steps, or wait: what `make run`'s `/wait` waits for.

A workflow waits for a person (its record says `waiting`, until a deadline) or for a time (asleep: its record says
what time, in words, and the engine knows when). Anything else means a step is running, or is about to: the engine
has just woken it, a decision was just claimed, a wait ends within `SOON_SECONDS`. Piped input to `make run` waits
for that to pass before its next line, so "ana has been asked" or "you have been reminded" holds when it goes on.

Read from the two places that know: the workflows table in moto (bot/stores/workflows.py) and, for a sleep's end,
the durable-execution emulator's history of the execution (GetDurableExecutionHistory, Lambda's own API).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from bot.stores.workflows import WorkflowRecord, WorkflowStore

SOON_SECONDS = 1.5  # a wait that ends sooner than this counts as running: its next step is as good as begun


class WorkflowWatch:
    def __init__(self, store: WorkflowStore, lambda_client: Any) -> None:
        self.store = store
        self.lambda_client = lambda_client  # boto3's, on the emulator

    def busy(self) -> list[WorkflowRecord]:
        """The open workflows with a step running or about to."""
        now = time.time()
        return [record for record in self.store.open_workflows() if not self._waits(record, now)]

    def _waits(self, record: WorkflowRecord, now: float) -> bool:
        if record.status == "waiting":  # for a decision, until its deadline; then it reminds, escalates, expires
            return record.deadline - now >= SOON_SECONDS
        if record.decision is not None or not record.waiting_for or not record.execution:
            return False  # a decision was claimed, or it runs between steps
        end = self.sleep_ends(record.execution)
        return end is not None and end - now >= SOON_SECONDS

    def sleep_ends(self, execution: str) -> float | None:
        """When the execution's current sleep ends (epoch seconds); None when it is not asleep."""
        history = self.lambda_client.get_durable_execution_history(DurableExecutionArn=execution, ReverseOrder=True,
                                                                   MaxItems=100)
        later: set[str] = set()  # operations with a newer event: a wait among them has ended
        for event in history.get("Events", []):  # newest first
            if event.get("EventType") == "WaitStarted" and event.get("Id") not in later:
                scheduled = (event.get("WaitStartedDetails") or {}).get("ScheduledEndTimestamp")
                return scheduled.timestamp() if isinstance(scheduled, datetime) else None
            later.add(str(event.get("Id")))
        return None
