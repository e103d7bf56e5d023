"""Rate limits: how many times someone did something in the current window, counted where every sandbox sees it.

Fixed windows (a counter per key and window, gone with the window's TTL): cheap (one UpdateItem), and at worst
twice the limit across a window's edge, which is fine for refusing a flood politely. Used for heavy work per person
(slow intents) and for link-code guesses per caller.
"""

from __future__ import annotations

import time
from typing import Protocol

from bot.stores.keys import record_key
from bot.stores.table import EXPIRES_AT, DynamoTable


class RateLimits(Protocol):
    def allow(self, key: str, limit: int, window_seconds: int) -> bool:
        """Count one more for `key` in the current window; True while the count is within `limit`."""
        ...


def window_key(key: str, window_seconds: int, now: float) -> tuple[str, int]:
    """The counter's key for the window `now` falls in, and when that window ends."""
    start = int(now // window_seconds) * window_seconds
    return record_key(key, str(window_seconds), str(start)), start + window_seconds


class MemoryRateLimits:
    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    def allow(self, key: str, limit: int, window_seconds: int) -> bool:
        counter, _ = window_key(key, window_seconds, time.time())
        self._counts[counter] = self._counts.get(counter, 0) + 1
        return self._counts[counter] <= limit


class DynamoRateLimits:
    """Items `{key, count, expires_at}` in the stage's limits table; ADD is atomic across sandboxes."""

    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def allow(self, key: str, limit: int, window_seconds: int) -> bool:
        counter, ends = window_key(key, window_seconds, time.time())
        new = self.table.update({"key": counter}, "ADD #count :one SET #expires = :expires",
                                names={"#count": "count", "#expires": EXPIRES_AT},
                                values={":one": 1, ":expires": ends + window_seconds})
        return int((new or {}).get("count", 1)) <= limit
