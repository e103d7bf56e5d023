"""Streamed answers in flight, one record per job: so a job run again never starts a second stream.

A job's run can be cut short after it started streaming (the worker killed, the invocation timing out); SQS then
delivers the job again and the worker's idempotency lets it run again. The re-run must find what the first run did
with Slack: whether it had claimed the stream, the stream's `ts` once Slack gave one, whether the answer was going
out. That is this record, written before each step with Slack (`bot.channels.slack.streaming` reads it):

    claimed   a stream is about to be started (Slack has not said its ts yet)
    open      the stream `ts` is open; progress is being appended
    stopping  the answer is going out as the stream's stop
    closed    the stream ended without the answer (Slack ended it): the answer goes as a message
    done      the answer was delivered: a re-run sends nothing

Keyed by the conversation's workspace, the channel and the job's dedup key (`slack:-:T1#C1#slack:-:T1:Ev1`), so
two workspaces or channels never share one. Records live two hours (`STREAM_TTL_SECONDS`): longer than the worker's
job claim (an hour), after which a redelivered job is a new job anyway.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from bot.stores.table import EXPIRES_AT, Condition, DynamoTable

STREAM_TTL_SECONDS = 2 * 60 * 60
STATES = ("claimed", "open", "stopping", "closed", "done")


@dataclass(frozen=True)
class StreamRecord:
    state: str
    ts: str | None = None


class StreamStore(Protocol):
    def get(self, key: str) -> StreamRecord | None:
        """The job's stream record, or None when no run of the job has streamed."""
        ...

    def claim(self, key: str) -> bool:
        """Record the stream as claimed; False when a record exists already (an earlier run's)."""
        ...

    def save(self, key: str, state: str, ts: str | None = None) -> None:
        """Record the stream's new state (and ts)."""
        ...


def _checked(state: str) -> str:
    if state not in STATES:
        raise ValueError(f"not a stream state: {state!r}")
    return state


class MemoryStreamStore:
    def __init__(self, ttl_seconds: int = STREAM_TTL_SECONDS) -> None:
        self.ttl_seconds = ttl_seconds
        self._records: dict[str, tuple[float, StreamRecord]] = {}

    def get(self, key: str) -> StreamRecord | None:
        found = self._records.get(key)
        return found[1] if found and found[0] > time.time() else None

    def claim(self, key: str) -> bool:
        if self.get(key) is not None:
            return False
        self.save(key, "claimed")
        return True

    def save(self, key: str, state: str, ts: str | None = None) -> None:
        self._records[key] = (time.time() + self.ttl_seconds, StreamRecord(_checked(state), ts))


class DynamoStreamStore:
    """Items `{key, state, ts, expires_at}` in the stage's streams table."""

    def __init__(self, table: DynamoTable, ttl_seconds: int = STREAM_TTL_SECONDS) -> None:
        self.table = table
        self.ttl_seconds = ttl_seconds

    def get(self, key: str) -> StreamRecord | None:
        item = self.table.get({"key": key})
        if not item or int(item.get(EXPIRES_AT, 0)) < time.time():  # TTL deletes late
            return None
        ts = item.get("ts")
        return StreamRecord(str(item.get("state")), str(ts) if ts else None)

    def claim(self, key: str) -> bool:
        now = int(time.time())
        free = Condition("attribute_not_exists(#key) OR #expires < :now", {"#key": "key", "#expires": EXPIRES_AT},
                         {":now": now})
        return self.table.put({"key": key, "state": "claimed", EXPIRES_AT: now + self.ttl_seconds}, free)

    def save(self, key: str, state: str, ts: str | None = None) -> None:
        expires = int(time.time()) + self.ttl_seconds
        item: dict[str, object] = {"key": key, "state": _checked(state), EXPIRES_AT: expires}
        if ts:
            item["ts"] = ts
        self.table.put(item)
