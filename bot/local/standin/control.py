"""The control endpoints: how tests and the chat read and steer a stand-in. Not Slack's API.

`GET /_health`, `GET /_calls[?after=N&method=M]`, `DELETE /_calls`, `GET|POST|DELETE /_faults`. Each answers JSON;
a bad request is a 400 with `{"ok": false, "error": "<why>"}`, an unknown path a 404.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.local.standin.errors import Json
from bot.local.standin.faults import make_fault
from bot.local.standin.httpd import Reply

if TYPE_CHECKING:
    from bot.local.standin.server import SlackStandIn

Query = dict[str, list[str]]
Route = Callable[["SlackStandIn", Query, bytes], Reply]


def _last(query: Query, name: str) -> str | None:
    values = query.get(name)
    return values[-1] if values else None


def _bad(error: str) -> Reply:
    return Reply(400, {"ok": False, "error": error})


def _body(body: bytes) -> Json:
    spec = json.loads(body or b"{}")  # a ValueError is the caller's 400
    if not isinstance(spec, dict):
        raise ValueError("the body must be a JSON object")
    return spec


def _health(standin: SlackStandIn, query: Query, body: bytes) -> Reply:
    return Reply(200, {"ok": True})


def _get_calls(standin: SlackStandIn, query: Query, body: bytes) -> Reply:
    try:
        after = int(_last(query, "after") or 0)
    except ValueError:
        return _bad("after must be an integer")
    return Reply(200, {"calls": standin.calls(_last(query, "method"), after)})


def _clear_calls(standin: SlackStandIn, query: Query, body: bytes) -> Reply:
    standin.clear()
    return Reply(200, {"ok": True})


def _get_faults(standin: SlackStandIn, query: Query, body: bytes) -> Reply:
    return Reply(200, {"faults": standin.faults()})


def _add_fault(standin: SlackStandIn, query: Query, body: bytes) -> Reply:
    try:
        standin.add_fault_spec(make_fault(_body(body)))
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        return _bad(str(exc))
    return Reply(200, {"ok": True, "faults": standin.faults()})


def _clear_faults(standin: SlackStandIn, query: Query, body: bytes) -> Reply:
    standin.clear_faults()
    return Reply(200, {"ok": True})


ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/_health"): _health,
    ("GET", "/_calls"): _get_calls,
    ("DELETE", "/_calls"): _clear_calls,
    ("GET", "/_faults"): _get_faults,
    ("POST", "/_faults"): _add_fault,
    ("DELETE", "/_faults"): _clear_faults,
}


def control(standin: SlackStandIn, verb: str, path: str, query: Query, body: bytes) -> Reply:
    route = ROUTES.get((verb, path))
    if route is None:
        return Reply(404, {"ok": False, "error": "not_found"})
    return route(standin, query, body)
