"""Dialogs waiting for their next turn: one record per dialog key (channel, workspace, conversation, thread,
person: `Turn.dialog_key`), forgotten after a TTL.

The store keeps the engine's state as a plain dict; what it means is the conversation engine's business.
"""

from __future__ import annotations

import json
import time
from typing import Any, Protocol

from bot.stores.table import EXPIRES_AT, DynamoTable


class DialogStore(Protocol):
    def load(self, key: str) -> dict[str, Any] | None: ...
    def save(self, key: str, state: dict[str, Any]) -> None: ...
    def clear(self, key: str) -> None: ...


class MemoryDialogStore:
    """Dialogs kept in this process: the console, unit tests."""

    def __init__(self) -> None:
        self._states: dict[str, str] = {}

    def load(self, key: str) -> dict[str, Any] | None:
        saved = self._states.get(key)
        return json.loads(saved) if saved else None

    def save(self, key: str, state: dict[str, Any]) -> None:
        self._states[key] = json.dumps(state)  # as DynamoDB would keep it: a copy, JSON-friendly or refused

    def clear(self, key: str) -> None:
        self._states.pop(key, None)


class DynamoDialogStore:
    """One item per dialog key in the stage's dialogs table (`key`, `state` as JSON, `expires_at`)."""

    def __init__(self, table: DynamoTable, ttl_seconds: int) -> None:
        self.table = table
        self.ttl_seconds = ttl_seconds

    def load(self, key: str) -> dict[str, Any] | None:
        item = self.table.get({"key": key})
        if not item or int(item.get(EXPIRES_AT, 0)) < time.time():
            return None
        return json.loads(str(item["state"]))

    def save(self, key: str, state: dict[str, Any]) -> None:
        self.table.put({"key": key, "state": json.dumps(state), EXPIRES_AT: int(time.time()) + self.ttl_seconds})

    def clear(self, key: str) -> None:
        self.table.delete({"key": key})
