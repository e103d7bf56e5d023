"""The record of every call the stand-in answered: how tests and the chat read what the bot said.

Each call gets a sequence number that keeps counting across `clear()`, so `after=<seq>` bookmarks stay valid. A
waiter blocks on a condition rather than polling, so a call recorded between a read and a wait cannot be missed.
Each call names the team and enterprise it acted for (the token's installation, and the workspace of the conversation
it reached), so a test can prove a workspace's replies went out with that workspace's token.
Secrets never enter the record: the token is taken out of the arguments before they are recorded, and OAuth's client
secret, codes and the tokens oauth.v2.access hands out are replaced by "(redacted)".
One line per call goes to the log, for `make run`'s `.parley/logs/slack.log`.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections.abc import Callable

from bot.local.standin.errors import Json

log = logging.getLogger("bot.local.standin")

REDACTED = "(redacted)"
# arguments of OAuth calls that are secrets; and the fields of oauth.v2.access's answer that carry tokens
_SECRET_ARGS = frozenset({"client_secret", "code", "code_verifier", "refresh_token"})
_TOKEN_FIELDS = frozenset({"access_token", "refresh_token"})


class Recorder:
    def __init__(self) -> None:
        self._changed = threading.Condition(threading.RLock())
        self._calls: list[Json] = []
        self._seq = 0

    def record(self, verb: str, call: Json) -> Json:
        """Number a call (method, path, args, status, response, at, ...) and keep it."""
        with self._changed:
            self._seq += 1
            call = {"seq": self._seq, **call}
            self._calls.append(call)
            self._changed.notify_all()
        log.info("%s", log_line(verb, call))
        return call

    def calls(self, method: str | None = None, after: int = 0, team: str | None = None) -> list[Json]:
        """Recorded calls with seq > after, oldest first; only those of `method`, and of `team`, when given."""
        with self._changed:
            return copy.deepcopy([c for c in self._calls if c["seq"] > after
                                  and (method is None or c["method"] == method)
                                  and (team is None or c.get("team") == team)])

    def clear(self) -> None:
        with self._changed:
            self._calls.clear()

    def wait_for(self, predicate: Callable[[Json], bool], timeout: float, count: int, after: int) -> list[Json]:
        # fetch and wait under one lock, so a call recorded in between cannot be missed
        with self._changed:
            return wait_for_calls(lambda: self.calls(after=after), self._changed.wait, predicate, timeout, count)


def wait_for_calls(fetch: Callable[[], list[Json]], wait: Callable[[float], object],
                   predicate: Callable[[Json], bool], timeout: float, count: int) -> list[Json]:
    """Until at least `count` fetched calls satisfy `predicate`: all that do. TimeoutError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        matched = [call for call in fetch() if predicate(call)]
        if len(matched) >= count:
            return matched
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"{len(matched)} of {count} expected Slack calls within {timeout:.1f} s")
        wait(remaining)


def redact(values: Json) -> Json:
    """Arguments or an answer fit for the record: OAuth's secrets and issued tokens replaced, nothing else touched
    (a message's blocks may well hold a field called `code`)."""
    out = {k: (REDACTED if v and (k in _SECRET_ARGS or k in _TOKEN_FIELDS) else v) for k, v in values.items()}
    if isinstance(out.get("authed_user"), dict):
        out["authed_user"] = {k: (REDACTED if v and k in _TOKEN_FIELDS else v) for k, v in out["authed_user"].items()}
    return out


def log_line(verb: str, call: Json) -> str:
    response = call["response"]
    if response is None:
        outcome = "dropped"
    elif response.get("ok"):
        outcome = "ok"
    else:
        outcome = f"error={response.get('error')}"
    line = f"#{call['seq']} {verb} {call['path']} -> {call['status'] or '-'} {outcome}"
    args = call["args"]
    for key in ("channel", "ts", "thread_ts", "user", "view_id", "name"):
        if args.get(key):
            line += f" {key}={args[key]}"
    if isinstance(response, dict) and response.get("ts") and not args.get("ts"):
        line += f" -> ts={response['ts']}"
    if args.get("text"):
        text = str(args["text"])
        line += f" text={(text[:77] + '...') if len(text) > 80 else text!r}"
    if "fault" in call:
        line += f" fault={call['fault']['status']}"
    if call.get("team") or call.get("enterprise"):
        line += f" team={call.get('team') or '-'}"
        if call.get("enterprise"):
            line += f" enterprise={call['enterprise']}"
    return line
