"""Dedup markers: which Slack events the ingress has queued, so Slack's retries of them are dropped.

Slack retries an event when its 200 came late (after 3 s) or not at all, up to three times over
~5 minutes, with `X-Slack-Retry-Num`. A marker is written after the event is queued, never before: a
marker for a job that is not on the queue would drop the retry that could still save the message.
The store failing never loses an event: reads fail open (the retry is queued, and the worker's
idempotency drops the duplicate), writes are best effort.
"""

from __future__ import annotations

import time

from bot.aws.client import AwsCallFailed
from bot.aws.dynamodb import DynamoClient
from bot.ingress.log import JsonLog


class DedupMarkers:
    def __init__(self, client: DynamoClient, table: str, ttl_seconds: int, log: JsonLog) -> None:
        self.client = client
        self.table = table
        self.ttl_seconds = ttl_seconds
        self.log = log

    def queued_before(self, key: str) -> bool:
        try:
            item = self.client.get_item(self.table, {"key": {"S": key}})
        except AwsCallFailed as error:
            self.log.warning("dedup store unreadable: queueing anyway", code=error.code)
            return False
        # DynamoDB's TTL deletes late; an expired marker no longer counts
        return item is not None and int(str(item.get("expires_at", {}).get("N", "0"))) > time.time()

    def mark_queued(self, key: str, correlation_id: str) -> None:
        item = {
            "key": {"S": key},
            "correlation_id": {"S": correlation_id},
            "expires_at": {"N": str(int(time.time()) + self.ttl_seconds)},
        }
        try:
            self.client.put_item(self.table, item)
        except AwsCallFailed as error:
            self.log.warning("dedup marker not written", code=error.code)
