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

    def calls(self, method: str | None = None, after: int = 0, *, team: str | None = None) -> list[Json]:
        """Recorded calls with seq > after, oldest first; only those of `method`, and of `team`, when given."""
        query = {"after": str(after)}
        if method is not None:
            query["method"] = method
        if team is not None:
            query["team"] = team
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
                  error: str | None = None, delay: float = 0.0, after: int = 0) -> None:
        self._request("POST", "/_faults", {"method": method, "status": status, "retry_after": retry_after,
                                           "count": count, "error": error, "delay": delay, "after": after})

    def clear_faults(self) -> None:
        self._request("DELETE", "/_faults")

    # -- streams -------------------------------------------------------------------------------------------------

    def streams(self, state: str | None = None) -> list[Json]:
        """Streamed messages, oldest first; `state` "in_progress" lists the open ones."""
        query = "?" + urllib.parse.urlencode({"state": state}) if state else ""
        streams: list[Json] = self._request("GET", "/_streams" + query)["streams"]
        return streams

    # -- workspaces, installs and tokens -------------------------------------------------------------------------

    def workspaces(self) -> Json:
        """The local Slack: the app (id, client id), enterprises, workspaces with their people, DMs and channels."""
        return self._request("GET", "/_workspaces")

    def installations(self) -> list[Json]:
        installations: list[Json] = self._request("GET", "/_installations")["installations"]
        return installations

    def choose_next_install(self, team: str | None = None, enterprise: str | None = None, *,
                            user: str | None = None, deny: bool = False) -> None:
        """What the next authorize request installs: the workspace `team`, the org `enterprise` (an org-wide install),
        as `user`; or `deny` (the redirect carries error=access_denied). Choices queue up, one per request."""
        self._request("POST", "/_install/next", {"team": team, "enterprise": enterprise, "user": user, "deny": deny})

    def install(self, team: str | None = None, enterprise: str | None = None, *, user: str | None = None,
                scope: str | None = None, user_scope: str | None = None) -> Json:
        """Install without the browser round trip: oauth.v2.access's answer, tokens included."""
        return self._request("POST", "/_installations", {"team": team, "enterprise": enterprise, "user": user,
                                                          "scope": scope, "user_scope": user_scope})

    def uninstall(self, team: str | None = None, enterprise: str | None = None, *, notify: bool = True) -> Json:
        """Remove the app from a workspace (or org): tokens revoked; with `notify`, tokens_revoked and app_uninstalled
        are delivered to the ingress."""
        query = {k: v for k, v in (("team", team), ("enterprise", enterprise)) if v is not None}
        if not notify:
            query["notify"] = "0"
        return self._request("DELETE", "/_installations?" + urllib.parse.urlencode(query))

    def set_token_ttl(self, seconds: int | None) -> None:
        """Token rotation: tokens issued from now on expire after `seconds` (None: no rotation for new tokens)."""
        self._request("POST", "/_token_rotation", {"expires_in": seconds})

    def token_ttl(self) -> int | None:
        ttl: int | None = self._request("GET", "/_token_rotation")["expires_in"]
        return ttl

    def expire_tokens(self, team: str | None = None, enterprise: str | None = None) -> int:
        """Live expiring tokens (of one installation, or all) expire now: how many did."""
        expired: int = self._request("POST", "/_tokens/expire", {"team": team, "enterprise": enterprise})["expired"]
        return expired

    def start_step(self, callback_id: str, inputs: Json, *, definition: Json | None = None, team: str | None = None,
                   deliveries: int = 1) -> Json:
        """Run a Workflow Builder step of the app's: its `function_executed` goes to the ingress `deliveries` times
        (the later ones as Slack's retries). Returns the execution's id and the event's."""
        return self._request("POST", "/_steps", {"callback_id": callback_id, "inputs": inputs,
                                                 "definition": definition, "team": team, "deliveries": deliveries})

    def step_executions(self) -> list[Json]:
        """Every step execution: inputs, state (running, completed, failed), outputs or error, completion calls."""
        executions: list[Json] = self._request("GET", "/_steps")["executions"]
        return executions
