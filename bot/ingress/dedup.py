"""Dedup markers: which Slack events are on the queue, so Slack's retries of them are dropped.

Slack retries an event when its 200 came late (after 3 s) or not at all, up to three times over
~5 minutes, with `X-Slack-Retry-Num`. The worker writes a marker when a job reaches it: only a job
that is really on the queue gets one, and the ack of a first delivery pays nothing for it. Slack's
first retry comes 3 s or more after the original, by when the worker has almost always taken the job;
a retry that still finds no marker is queued, and the worker's idempotency drops the duplicate.
The store failing never loses an event: the ingress's read fails open, the worker's write is best
effort.
"""

from __future__ import annotations

import time
from typing import Any

from bot.aws.client import AwsCallFailed
from bot.aws.dynamodb import DynamoClient
from bot.ingress.log import JsonLog

KEY = "key"
EXPIRES_AT = "expires_at"  # the table's TTL attribute


def marker(key: str, correlation_id: str, ttl_seconds: int) -> dict[str, Any]:
    """The marker item, in plain values (the worker writes it with boto3)."""
    return {KEY: key, "correlation_id": correlation_id, EXPIRES_AT: int(time.time()) + ttl_seconds}


class DedupMarkers:
    """The ingress's side: is there a marker for this key?"""

    def __init__(self, client: DynamoClient, table: str, log: JsonLog) -> None:
        self.client = client
        self.table = table
        self.log = log

    def queued_before(self, key: str) -> bool:
        try:
            item = self.client.get_item(self.table, {KEY: {"S": key}})
        except AwsCallFailed as error:
            self.log.warning("dedup store unreadable: queueing anyway", code=error.code)
            return False
        # DynamoDB's TTL deletes late; an expired marker no longer counts
        return item is not None and int(str(item.get(EXPIRES_AT, {}).get("N", "0"))) > time.time()
