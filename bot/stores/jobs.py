"""Slow work and its outcome, per person: what is running, what finished, and whether they have been told.

A voice caller hangs up before slow work ends, and Lex cannot be told anything late, so the worker records the
outcome here and the Lex hook tells it on the caller's next turn (or when they ask for the status). Slack gets its
answer as soon as the work ends; its jobs are recorded too, so `status` can say what is running anywhere.

Records belong to their owner (`Person.key`) and are only ever read by the owner's key: a job id a caller names
does not reach anyone else's result. Kept for a day (TTL).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace
from typing import Literal, Protocol

from bot.stores.table import EXPIRES_AT, DynamoTable

JOB_TTL_SECONDS = 24 * 60 * 60
Status = Literal["running", "done", "failed"]


@dataclass(frozen=True)
class JobRecord:
    owner: str
    job_id: str
    via: str  # where it was asked for ("lex", "slack"): where its outcome still has to be told
    intent: str
    status: Status = "running"
    text: str = ""  # the reply, in the light markup every channel renders
    told: bool = False
    started_at: int = 0


class JobStore(Protocol):
    def start(self, owner: str, job_id: str, *, via: str, intent: str) -> JobRecord: ...
    def finish(self, owner: str, job_id: str, status: Status, text: str, *, told: bool = False) -> None: ...
    def untold(self, owner: str, via: str) -> list[JobRecord]: ...
    def mark_told(self, owner: str, job_id: str) -> None: ...
    def latest(self, owner: str) -> JobRecord | None: ...


def _newest(records: list[JobRecord]) -> JobRecord | None:
    return max(records, key=lambda record: record.started_at, default=None)


def _untold(records: list[JobRecord], via: str) -> list[JobRecord]:
    ended = [record for record in records if record.status != "running" and not record.told and record.via == via]
    return sorted(ended, key=lambda record: record.started_at)


class MemoryJobStore:
    def __init__(self) -> None:
        self._records: dict[tuple[str, str], JobRecord] = {}

    def start(self, owner: str, job_id: str, *, via: str, intent: str) -> JobRecord:
        record = JobRecord(owner, job_id, via, intent, started_at=int(time.time()))
        self._records[owner, job_id] = record
        return record

    def finish(self, owner: str, job_id: str, status: Status, text: str, *, told: bool = False) -> None:
        record = self._records.get((owner, job_id)) or JobRecord(owner, job_id, "", "", started_at=int(time.time()))
        self._records[owner, job_id] = replace(record, status=status, text=text, told=told)

    def untold(self, owner: str, via: str) -> list[JobRecord]:
        return _untold(self._mine(owner), via)

    def mark_told(self, owner: str, job_id: str) -> None:
        record = self._records.get((owner, job_id))
        if record is not None:
            self._records[owner, job_id] = replace(record, told=True)

    def latest(self, owner: str) -> JobRecord | None:
        return _newest(self._mine(owner))

    def _mine(self, owner: str) -> list[JobRecord]:
        return [record for (who, _), record in self._records.items() if who == owner]


class DynamoJobStore:
    """Partition `owner`, sort `job_id`, in the stage's results table."""

    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def start(self, owner: str, job_id: str, *, via: str, intent: str) -> JobRecord:
        record = JobRecord(owner, job_id, via, intent, started_at=int(time.time()))
        self.table.put({**asdict(record), EXPIRES_AT: record.started_at + JOB_TTL_SECONDS})
        return record

    def finish(self, owner: str, job_id: str, status: Status, text: str, *, told: bool = False) -> None:
        # An update, not a put: the start record's via and intent stay, and a lost start record is no error
        self.table.update({"owner": owner, "job_id": job_id},
                          "SET #status = :status, #text = :text, told = :told, "
                          "started_at = if_not_exists(started_at, :now), #expires = :expires",
                          names={"#status": "status", "#text": "text", "#expires": EXPIRES_AT},
                          values={":status": status, ":text": text, ":told": told, ":now": int(time.time()),
                                  ":expires": int(time.time()) + JOB_TTL_SECONDS})

    def untold(self, owner: str, via: str) -> list[JobRecord]:
        return _untold(self._mine(owner), via)

    def mark_told(self, owner: str, job_id: str) -> None:
        self.table.update({"owner": owner, "job_id": job_id}, "SET told = :told", values={":told": True})

    def latest(self, owner: str) -> JobRecord | None:
        return _newest(self._mine(owner))

    def _mine(self, owner: str) -> list[JobRecord]:
        now = time.time()
        return [_record(item) for item in self.table.query("owner", owner)
                if int(item.get(EXPIRES_AT, 0)) >= now]


def _record(item: dict[str, object]) -> JobRecord:
    status = str(item.get("status", "running"))
    return JobRecord(owner=str(item["owner"]), job_id=str(item["job_id"]), via=str(item.get("via", "")),
                     intent=str(item.get("intent", "")),
                     status=status if status in ("running", "done", "failed") else "failed",  # type: ignore[arg-type]
                     text=str(item.get("text", "")), told=bool(item.get("told", False)),
                     started_at=int(str(item.get("started_at", 0))))
