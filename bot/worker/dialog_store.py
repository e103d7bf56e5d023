"""Dialogs waiting between turns, in the stage's DynamoDB table, forgotten after a TTL."""

from __future__ import annotations

import json
import time
from typing import Any

from bot.conversation.state import DialogState


class DynamoDialogStore:
    """One item per dialog key; `expires_at` is the table's TTL attribute (DynamoDB deletes late, so reads check it)."""

    def __init__(self, table: Any, ttl_seconds: int) -> None:
        self.table = table  # a boto3 DynamoDB Table
        self.ttl_seconds = ttl_seconds

    def load(self, key: str) -> DialogState | None:
        item = self.table.get_item(Key={"key": key}, ConsistentRead=True).get("Item")
        if not item or int(item.get("expires_at", 0)) < time.time():
            return None
        return DialogState.from_dict(json.loads(item["state"]))

    def save(self, key: str, state: DialogState) -> None:
        self.table.put_item(Item={"key": key, "state": json.dumps(state.to_dict()),
                                  "expires_at": int(time.time()) + self.ttl_seconds})

    def clear(self, key: str) -> None:
        self.table.delete_item(Key={"key": key})
