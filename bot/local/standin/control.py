"""The control endpoints: how tests and the chat read and steer a stand-in. Not Slack's API.

    GET    /_health
    GET    /_calls[?after=N&method=M&team=T]     recorded calls (each with its team and enterprise)
    DELETE /_calls
    GET|POST|DELETE /_faults                     injected failures (POST: {"method", "status", ...})
    GET    /_streams[?state=in_progress|completed]  streamed messages: channel, ts, state, text, appends
    GET    /_workspaces                          the local Slack: app (no secret), enterprises, workspaces, people
    GET    /_installations                       every installation, its tokens as fingerprints
    POST   /_installations                       install without the browser: {"team"|"enterprise", "user",
                                                 "scope", "user_scope"} -> oauth.v2.access's answer
    DELETE /_installations?team=T|enterprise=E[&notify=0]
                                                 uninstall: tokens revoked, tokens_revoked + app_uninstalled sent
    GET|POST|DELETE /_install/next               what the next authorize installs: {"team"|"enterprise", "user",
                                                 "deny"}; choices queue up, one per authorize
    GET|POST /_token_rotation                    {"expires_in": N or null}: tokens issued from now on expire
    POST   /_tokens/expire                       {"team"|"enterprise"} or {}: live expiring tokens expire now
    POST   /_steps                               run a Workflow Builder step: {"callback_id", "inputs", "definition",
                                                 "team", "deliveries"} -> its function_execution_id and event_id
    GET    /_steps                               every step execution: state, outputs or error, completion calls

Each answers JSON; a bad request is a 400 with `{"ok": false, "error": "<why>"}`, an unknown path a 404.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.local.standin.errors import Json
from bot.local.standin.faults import make_fault
from bot.local.standin.httpd import Reply
from bot.local.standin.oauth import InstallChoice

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
    return Reply(200, {"calls": standin.calls(_last(query, "method"), after, team=_last(query, "team"))})


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


def _streams(standin: SlackStandIn, query: Query, body: bytes) -> Reply:
    return Reply(200, {"ok": True, "streams": standin.streams(_last(query, "state"))})


def _workspaces(standin: SlackStandIn, query: Query, body: bytes) -> Reply:
    return Reply(200, {"ok": True, **standin.directory.describe()})


def _installations(standin: SlackStandIn, query: Query, body: bytes) -> Reply:
    return Reply(200, {"ok": True, "installations": standin.installations()})


def _install(standin: SlackStandIn, query: Query, body: bytes) -> Reply:
    try:
        spec = _body(body)
        unknown = set(spec) - {"team", "enterprise", "user", "scope", "user_scope"}
        if unknown:
            raise ValueError(f"unknown install fields: {', '.join(sorted(unknown))}")
        options = {k: v for k, v in spec.items() if k in ("scope", "user_scope") and v is not None}
        return Reply(200, standin.install(spec.get("team"), spec.get("enterprise"), user=spec.get("user"),
                                          **options))
    except ValueError as exc:
        return _bad(str(exc))


def _uninstall(standin: SlackStandIn, query: Query, body: bytes) -> Reply:
    try:
        result = standin.uninstall(_last(query, "team"), _last(query, "enterprise"),
                                   notify=_last(query, "notify") not in ("0", "false"))
    except LookupError as exc:
        return Reply(404, {"ok": False, "error": str(exc)})
    return Reply(200, {"ok": True, **result})


def _pending_installs(standin: SlackStandIn, query: Query, body: bytes) -> Reply:
    return Reply(200, {"ok": True, "next": standin.pending_installs()})


def _choose_next_install(standin: SlackStandIn, query: Query, body: bytes) -> Reply:
    try:
        spec = _body(body)
        choice = InstallChoice.from_spec(spec)
        standin.choose_next_install(choice.team, choice.enterprise, user=choice.user, deny=choice.deny)
    except ValueError as exc:
        return _bad(str(exc))
    return Reply(200, {"ok": True, "next": standin.pending_installs()})


def _clear_pending_installs(standin: SlackStandIn, query: Query, body: bytes) -> Reply:
    standin.clear_pending_installs()
    return Reply(200, {"ok": True})


def _token_rotation(standin: SlackStandIn, query: Query, body: bytes) -> Reply:
    return Reply(200, {"ok": True, "expires_in": standin.token_ttl})


def _set_token_rotation(standin: SlackStandIn, query: Query, body: bytes) -> Reply:
    try:
        spec = _body(body)
        if "expires_in" not in spec:
            raise ValueError("give expires_in: seconds, or null to stop rotating new tokens")
        standin.set_token_ttl(spec["expires_in"])
    except ValueError as exc:
        return _bad(str(exc))
    return Reply(200, {"ok": True, "expires_in": standin.token_ttl})


def _expire_tokens(standin: SlackStandIn, query: Query, body: bytes) -> Reply:
    try:
        spec = _body(body)
        expired = standin.expire_tokens(spec.get("team"), spec.get("enterprise"))
    except ValueError as exc:
        return _bad(str(exc))
    return Reply(200, {"ok": True, "expired": expired})


def _start_step(standin: SlackStandIn, query: Query, body: bytes) -> Reply:
    try:
        spec = _body(body)
        if not isinstance(spec.get("callback_id"), str) or not isinstance(spec.get("inputs", {}), dict):
            raise ValueError("give callback_id (a string) and inputs (an object)")
        started = standin.start_step(spec["callback_id"], spec.get("inputs", {}), definition=spec.get("definition"),
                                     team=spec.get("team"), deliveries=int(spec.get("deliveries", 1)))
    except LookupError as exc:
        return Reply(404, {"ok": False, "error": str(exc)})
    except (ValueError, TypeError) as exc:
        return _bad(str(exc))
    return Reply(200, {key: value for key, value in started.items() if key != "event"})  # the event holds a token


def _steps(standin: SlackStandIn, query: Query, body: bytes) -> Reply:
    return Reply(200, {"ok": True, "executions": standin.step_executions()})


ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/_health"): _health,
    ("GET", "/_calls"): _get_calls,
    ("DELETE", "/_calls"): _clear_calls,
    ("GET", "/_faults"): _get_faults,
    ("POST", "/_faults"): _add_fault,
    ("DELETE", "/_faults"): _clear_faults,
    ("GET", "/_streams"): _streams,
    ("GET", "/_workspaces"): _workspaces,
    ("GET", "/_installations"): _installations,
    ("POST", "/_installations"): _install,
    ("DELETE", "/_installations"): _uninstall,
    ("GET", "/_install/next"): _pending_installs,
    ("POST", "/_install/next"): _choose_next_install,
    ("DELETE", "/_install/next"): _clear_pending_installs,
    ("GET", "/_token_rotation"): _token_rotation,
    ("POST", "/_token_rotation"): _set_token_rotation,
    ("POST", "/_tokens/expire"): _expire_tokens,
    ("POST", "/_steps"): _start_step,
    ("GET", "/_steps"): _steps,
}


def control(standin: SlackStandIn, verb: str, path: str, query: Query, body: bytes) -> Reply:
    route = ROUTES.get((verb, path))
    if route is None:
        return Reply(404, {"ok": False, "error": "not_found"})
    return route(standin, query, body)
