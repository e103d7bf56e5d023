"""Dialogs waiting for their next turn: one record per dialog key (channel, workspace, conversation, thread,
person: `Turn.dialog_key`), forgotten after a TTL.

The store keeps the engine's state as a plain dict; what it means is the conversation engine's business.

In DynamoDB a dialog's item is also where the worker claims the conversation's direct messages
(`bot.stores.claims`): the claim's one write returns the item as it was, so the dialog is read with it and a
one-shot DM costs no read of its own. So a dialog is saved and cleared with updates of its own attributes (`state`,
`state_expires_at`), never a put or a delete that would drop the claims beside it; and every write pushes the
table's TTL attribute (`expires_at`) past what the item holds.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any, Protocol

from bot.stores.table import EXPIRES_AT, Condition, DynamoTable

KEY = "key"
STATE = "state"
STATE_EXPIRES_AT = "state_expires_at"  # the dialog's own expiry (items from before claims kept it in expires_at)


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
    """One item per dialog key in the stage's dialogs table (`key`, `state` as JSON, `state_expires_at`, and the
    item's TTL `expires_at`, kept at least `keep_seconds` ahead for the claims the item may hold)."""

    def __init__(self, table: DynamoTable, ttl_seconds: int, keep_seconds: int = 0) -> None:
        self.table = table
        self.ttl_seconds = ttl_seconds
        self.keep_seconds = max(ttl_seconds, keep_seconds)

    def load(self, key: str) -> dict[str, Any] | None:
        return state_of(self.table.get({KEY: key}))

    def save(self, key: str, state: dict[str, Any]) -> None:
        now = int(time.time())
        self.table.update({KEY: key}, "SET #state = :state, #state_expires = :state_expires, #expires = :expires",
                          names={"#state": STATE, "#state_expires": STATE_EXPIRES_AT, "#expires": EXPIRES_AT},
                          values={":state": json.dumps(state), ":state_expires": now + self.ttl_seconds,
                                  ":expires": now + self.keep_seconds})

    def clear(self, key: str) -> None:
        # Only an item that is there: a clear must not create one
        self.table.update({KEY: key}, "REMOVE #state, #state_expires", names={"#state": STATE,
                                                                            "#state_expires": STATE_EXPIRES_AT},
                          condition=Condition("attribute_exists(#key)", {"#key": KEY}))


def state_of(item: Mapping[str, Any] | None, now: float | None = None) -> dict[str, Any] | None:
    """The dialog an item holds (plain values), or None when it holds none or it has expired (TTL deletes late)."""
    if not item or STATE not in item:
        return None
    expires = item.get(STATE_EXPIRES_AT, item.get(EXPIRES_AT, 0))
    if not isinstance(expires, int | float) or expires < (time.time() if now is None else now):
        return None
    return json.loads(str(item[STATE]))
