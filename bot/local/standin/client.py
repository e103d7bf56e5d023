"""StandInClient: reads and steers a stand-in running in another process, through its control endpoints.

What `make run`'s chat, the e2e and reliability tests and the benchmarks use; it mirrors the in-process
SlackStandIn's methods of the same names. Standard library only, loopback URLs only.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from bot.local.standin.errors import Json
from bot.local.standin.loopback import OPENER, check_loopback
from bot.local.standin.recorder import wait_for_calls


class StandInClient:
    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        self.base_url = check_loopback(base_url).rstrip("/")
        self.timeout = timeout

    def _request(self, verb: str, path: str, payload: Json | None = None) -> Json:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=verb,
                                         headers={"Content-Type": "application/json"})
        try:
            with OPENER.open(request, timeout=self.timeout) as answer:
                result: Json = json.loads(answer.read())
                return result
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"{verb} {path}: HTTP {exc.code} {exc.read().decode('utf-8', 'replace')}") from exc

    # -- recorded calls ------------------------------------------------------------------------------------------

    def calls(self, method: str | None = None, after: int = 0) -> list[Json]:
        query = {"after": str(after)}
        if method is not None:
            query["method"] = method
        calls: list[Json] = self._request("GET", "/_calls?" + urllib.parse.urlencode(query))["calls"]
        return calls

    def clear(self) -> None:
        self._request("DELETE", "/_calls")

    def wait_for(self, predicate: Callable[[Json], bool], timeout: float = 5.0, *, count: int = 1, after: int = 0,
                 interval: float = 0.05) -> list[Json]:
        """Poll until at least `count` calls after seq `after` satisfy `predicate`; return all that do."""
        return wait_for_calls(lambda: self.calls(after=after), lambda remaining: time.sleep(min(interval, remaining)),
                              predicate, timeout, count)

    # -- faults --------------------------------------------------------------------------------------------------

    def add_fault(self, method: str, status: int | str | None = 429, *, retry_after: int = 1, count: int = 1,
                  error: str | None = None, delay: float = 0.0) -> None:
        self._request("POST", "/_faults", {"method": method, "status": status, "retry_after": retry_after,
                                           "count": count, "error": error, "delay": delay})

    def clear_faults(self) -> None:
        self._request("DELETE", "/_faults")
