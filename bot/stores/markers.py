"""Dedup markers: which Slack requests are on the jobs queue, so a retry or a replay of one is not queued again.

A marker's key is the request's dedup key, `<workspace key>:<event_id or trigger_id>` (`dedup_key`), the
same key the worker's idempotency uses, so two workspaces never share one. Slack retries an event whose
200 came late or not at all (up to three times over ~5 minutes), and anyone holding a signed request can
send it again while its timestamp is inside the 5-minute window.

- The worker's claim of a job (`bot.stores.claims`) is the marker: only a job that is really on the queue
  gets one, and the ack of a first delivery pays nothing for it.
- The ingress reads them (`queued_before`) for the requests that may have been queued before (see
  `bot.ingress.handler`). The read fails open: an unreadable store never loses a request, and the
  worker's idempotency drops the duplicate it lets through.

`MemoryMarkers` also serves the ingress as its record of what its own sandbox queued recently.
Standard library only: the ingress reads markers on the ack path.
"""

from __future__ import annotations

import time
from collections import OrderedDict  # loaded by http.client already: free on the ack path
from typing import Protocol

from bot.aws.dynamodb import DynamoClient
from bot.defaults import DEDUP_TTL_SECONDS

KEY = "key"  # the table's partition key
CORRELATION_ID = "correlation_id"
EXPIRES_AT = "expires_at"  # the table's TTL attribute (epoch seconds)


def dedup_key(workspace: str, request_id: str) -> str:
    """What makes two deliveries the same request: its workspace key (`bot.stores.keys`) and Slack's id for it."""
    return f"{workspace}:{request_id}"


class Markers(Protocol):
    def queued_before(self, key: str, *, deadline: float | None = None) -> bool:
        """Whether a request with this dedup key is on the queue already."""
        ...

    def mark(self, key: str, correlation_id: str, *, deadline: float | None = None) -> None:
        """Remember that the request with this dedup key is on the queue (the ingress's own sandbox record)."""
        ...


class MemoryMarkers:
    """Markers in memory, each for `ttl_seconds`; past `capacity` the oldest are forgotten first."""

    def __init__(self, ttl_seconds: float = DEDUP_TTL_SECONDS, capacity: int = 10_000) -> None:
        self.ttl_seconds = ttl_seconds
        self.capacity = capacity
        # key -> the time.monotonic() it expires at, oldest first. An OrderedDict: a plain dict emptied from
        # the front makes finding its first item slower with every item removed.
        self._expiry: OrderedDict[str, float] = OrderedDict()

    def __len__(self) -> int:
        return len(self._expiry)

    def queued_before(self, key: str, *, deadline: float | None = None) -> bool:
        expires_at = self._expiry.get(key)
        return expires_at is not None and expires_at > time.monotonic()

    def mark(self, key: str, correlation_id: str, *, deadline: float | None = None) -> None:
        now = time.monotonic()
        self._expiry[key] = now + self.ttl_seconds
        self._expiry.move_to_end(key)  # marked again: the newest, with the new expiry
        self._forget(now)

    def _forget(self, now: float) -> None:
        """Drop the markers beyond the capacity and the expired ones, oldest first (all share one ttl)."""
        expiry = self._expiry
        while len(expiry) > self.capacity:
            expiry.popitem(last=False)
        while expiry and next(iter(expiry.values())) <= now:
            expiry.popitem(last=False)


class DynamoMarkers:
    """Markers in the stage's dedup table (`parley-<stage>-dedup`, key `key`, TTL `expires_at`): the ingress's reading
    of the worker's job claims (`bot.stores.claims` writes them: a claim is the marker). Read only: a request is on
    the queue once a worker has taken it.

    Failures raise AwsCallFailed; the callers' policies are in the module's docstring.
    """

    def __init__(self, client: DynamoClient, table: str, ttl_seconds: int = DEDUP_TTL_SECONDS) -> None:
        self.client = client
        self.table = table
        self.ttl_seconds = ttl_seconds

    def queued_before(self, key: str, *, deadline: float | None = None) -> bool:
        item = self.client.get_item(self.table, {KEY: {"S": key}}, deadline=deadline)
        if item is None:
            return False
        # DynamoDB's TTL deletes late; an expired marker no longer counts
        expires_at = str(item.get(EXPIRES_AT, {}).get("N", "0"))
        return expires_at.isdigit() and int(expires_at) > time.time()
