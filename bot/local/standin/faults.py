"""Injected failures: what Slack (or the network) does on a bad day, on demand.

A fault targets an API method ("chat.postMessage"), a path prefix ("/response/") or every call ("*"), and is used up
after `count` calls (`after`: once that many matching calls have gone through, so "the 3rd chat.appendStream" of
a stream can fail mid-way): 429 with Retry-After and `ratelimited`, a 5xx, a dropped connection, a Slack error with
HTTP 200 (`not_in_channel`), or a normal answer after a delay. Tests use them to prove the bot retries, waits and
gives up as it should.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.local.standin.errors import Json
from bot.local.standin.httpd import Reply

_FAULT_ERRORS = {429: "ratelimited", 500: "internal_error", 502: "service_unavailable", 503: "service_unavailable",
                 504: "request_timeout"}


@dataclass
class Fault:
    target: str  # an API method name, a path prefix starting with "/", or "*" for every call
    status: int | str | None  # an HTTP status, "drop", or None for "answer normally, after `delay`"
    count: int = 1
    retry_after: int = 1
    error: str | None = None
    delay: float = 0.0
    after: int = 0  # matching calls to let through untouched first

    def matches(self, method: str | None, path: str) -> bool:
        if self.target == "*":
            return True
        if self.target.startswith("/"):
            return path.startswith(self.target)
        return method == self.target

    def describe(self) -> Json:
        """What a recorded call says about the fault it met."""
        out: Json = {"target": self.target, "status": self.status}
        if self.status == 429:
            out["retry_after"] = self.retry_after
        if self.delay:
            out["delay"] = self.delay
        if self.error:
            out["error"] = self.error
        return out

    def as_dict(self) -> Json:
        return {"method": self.target, "status": self.status, "count": self.count, "retry_after": self.retry_after,
                "error": self.error, "delay": self.delay, "after": self.after}

    def reply(self) -> Reply:
        """The answer of a fault with a status (a delay-only fault answers normally)."""
        if self.status == "drop":
            return Reply(0, None, drop=True, delay=self.delay)
        assert isinstance(self.status, int)
        body = {"ok": False, "error": self.error or _FAULT_ERRORS.get(self.status, "fault_injected")}
        headers = {"Retry-After": str(self.retry_after)} if self.status == 429 else {}
        return Reply(self.status, body, headers, delay=self.delay)


def make_fault(spec: Mapping[str, Any]) -> Fault:
    """Validate a fault spec (the JSON of `POST /_faults`, or `add_fault`'s arguments)."""
    target = spec.get("method")
    if not isinstance(target, str) or not target:
        raise ValueError("fault needs a 'method' (an API method, a path prefix starting with '/', or '*')")
    status = spec.get("status", 429)
    if not (status is None or status == "drop" or (isinstance(status, int) and 200 <= status <= 599)):
        raise ValueError("fault 'status' must be an HTTP status, 'drop' or null")
    count, retry_after, delay = spec.get("count", 1), spec.get("retry_after", 1), spec.get("delay", 0.0)
    if not isinstance(count, int) or count < 1:
        raise ValueError("fault 'count' must be a positive integer")
    if not isinstance(retry_after, int) or retry_after < 0:
        raise ValueError("fault 'retry_after' must be a non-negative integer")
    if not isinstance(delay, (int, float)) or delay < 0:
        raise ValueError("fault 'delay' must be a non-negative number")
    after = spec.get("after", 0)
    if not isinstance(after, int) or after < 0:
        raise ValueError("fault 'after' must be a non-negative integer")
    error = spec.get("error")
    if error is not None and not isinstance(error, str):
        raise ValueError("fault 'error' must be a string")
    if status == 200 and not error:
        raise ValueError("a status-200 fault needs an 'error' (a Slack error such as 'not_in_channel')")
    return Fault(target, status, count, retry_after, error, float(delay), after)


class Faults:
    """The faults waiting for their calls, oldest first. Thread-safe through the caller's lock."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        self._faults.append(fault)

    def clear(self) -> None:
        self._faults.clear()

    def listed(self) -> list[Json]:
        return [f.as_dict() for f in self._faults]

    def take(self, method: str | None, path: str) -> Fault | None:
        """The first fault for this call, one use of it spent."""
        for fault in self._faults:
            if fault.matches(method, path):
                if fault.after > 0:  # this call goes through; the fault waits for a later one
                    fault.after -= 1
                    continue
                fault.count -= 1
                if fault.count <= 0:
                    self._faults.remove(fault)
                return fault
        return None
