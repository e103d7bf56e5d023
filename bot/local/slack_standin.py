"""A local stand-in for the Slack Web API, on 127.0.0.1 only.

It answers the Web API methods the bot uses with Slack's own response shapes, so the real `slack_sdk.WebClient`
(`base_url=standin.api_url`) works against it, and it records every call so tests and a chat prompt can read what the
bot said. Any other POST path is taken for a `response_url`. Faults (429 with Retry-After, 5xx, dropped connections,
Slack errors, delays) can be injected per method. With an echo URL and a signing secret, each posted message comes back
to the bot as a signed `message` event, as real Slack delivers the bot's own posts.

Control endpoints (not Slack's): `GET /_calls[?after=N&method=M]`, `DELETE /_calls`, `GET|POST|DELETE /_faults`,
`GET /_health`.

Run it: `python -m bot.local.slack_standin --port 3005 --token xoxb-... [--echo-url URL --signing-secret S]`.
Standard library only: it runs in any venv and starts in milliseconds.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import hashlib
import hmac
import http.client
import json
import logging
import os
import secrets
import signal
import socket
import socketserver
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from bot.ingress.signature import compute_signature

log = logging.getLogger("bot.local.slack_standin")

# The workspace the stand-in pretends to be; other local tools may import these to recognise the bot's own posts.
TEAM_ID = "T0LOCAL"
TEAM_NAME = "Parley Local"
TEAM_URL = "https://parley-local.slack.com/"
BOT_USER_ID = "U0PARLEYBOT"
BOT_USER_NAME = "parley"
BOT_ID = "B0PARLEYBOT"
APP_ID = "A0PARLEYAPP"

HOST = "127.0.0.1"
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})
# Slack takes these as JSON text inside form posts; decoded so recordings read the same whatever the encoding.
_JSON_FIELDS = ("blocks", "attachments", "view", "metadata")
_MAX_MESSAGE_BLOCKS = 50
_MAX_VIEW_BLOCKS = 100
_MAX_SECTION_TEXT = 3000
_MAX_TEXT = 40_000
_FAULT_ERRORS = {429: "ratelimited", 500: "internal_error", 502: "service_unavailable", 503: "service_unavailable",
                 504: "request_timeout"}
# No proxies, whatever the environment says: nothing here may leave 127.0.0.1.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

Json = dict[str, Any]


class _SlackError(Exception):
    """Raised by a method handler to answer `{"ok": false, "error": ...}` with HTTP 200, as Slack does."""

    def __init__(self, error: str, detail: str | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.detail = detail

    def body(self) -> Json:
        body: Json = {"ok": False, "error": self.error}
        if self.detail:
            body["response_metadata"] = {"messages": [f"[ERROR] {self.detail}"]}
        return body


def _missing(name: str) -> _SlackError:
    return _SlackError("invalid_arguments", f"missing required field: {name}")


def _check_loopback(url: str) -> str:
    """Refuse any URL that would leave this machine."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in _LOOPBACK_HOSTS:
        raise ValueError(f"only http://127.0.0.1 URLs are allowed, not {url!r}")
    return url


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("1", "true")) or value == 1


def _text_arg(args: Json, name: str) -> str | None:
    value = args.get(name)
    if value is None or value == "":
        return None
    return str(value)


@dataclass
class _Fault:
    target: str  # an API method name, a path prefix starting with "/", or "*" for every call
    status: int | str | None  # an HTTP status, "drop", or None for "answer normally, after `delay`"
    count: int = 1
    retry_after: int = 1
    error: str | None = None
    delay: float = 0.0

    def matches(self, method: str | None, path: str) -> bool:
        if self.target == "*":
            return True
        if self.target.startswith("/"):
            return path.startswith(self.target)
        return method == self.target

    def describe(self) -> Json:
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
                "error": self.error, "delay": self.delay}


def _make_fault(spec: Mapping[str, Any]) -> _Fault:
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
    error = spec.get("error")
    if error is not None and not isinstance(error, str):
        raise ValueError("fault 'error' must be a string")
    if status == 200 and not error:
        raise ValueError("a status-200 fault needs an 'error' (a Slack error such as 'not_in_channel')")
    return _Fault(target, status, count, retry_after, error, float(delay))


@dataclass
class _Reply:
    status: int
    body: Json | None  # None with drop=True
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    delay: float = 0.0


def _wait_for_calls(fetch: Callable[[], list[Json]], wait: Callable[[float], None],
                    predicate: Callable[[Json], bool], timeout: float, count: int) -> list[Json]:
    deadline = time.monotonic() + timeout
    while True:
        matched = [call for call in fetch() if predicate(call)]
        if len(matched) >= count:
            return matched
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"{len(matched)} of {count} expected Slack calls within {timeout:.1f} s")
        wait(remaining)


class SlackStandIn:
    """The stand-in, usable in-process: `SlackStandIn(token).start()`, then `.api_url` for the WebClient."""

    def __init__(self, token: str, port: int = 0, echo_url: str | None = None,
                 signing_secret: str | None = None) -> None:
        if not token:
            raise ValueError("a bot token is required")
        if (echo_url is None) != (signing_secret is None):
            raise ValueError("echo_url and signing_secret go together")
        self._token = token
        self._port = port
        self._echo_url = _check_loopback(echo_url) if echo_url else None
        self._signing_secret = signing_secret
        self._lock = threading.RLock()
        self._calls_changed = threading.Condition(self._lock)
        self._calls: list[Json] = []
        self._seq = 0
        self._faults: list[_Fault] = []
        self._last_ts_us = 0
        self._messages: dict[tuple[str, str], Json] = {}  # (channel, ts) -> message, for chat.update/delete
        self._views: dict[str, Json] = {}
        self._opened: set[str] = set()
        self._mpims: set[str] = set()
        self._reactions: set[tuple[str, str, str]] = set()
        self._used_triggers: set[str] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._methods: dict[str, Callable[[Json], Json]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.delete": self._chat_delete,
            "conversations.open": self._conversations_open,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "reactions.add": self._reactions_add,
        }

    def rotate_token(self, token: str) -> None:
        """From now on only `token` is valid, as after an admin regenerates the bot token in the app's settings:
        calls with the old one get `invalid_auth`."""
        if not token:
            raise ValueError("a bot token is required")
        with self._lock:
            self._token = token

    # -- lifecycle -------------------------------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind 127.0.0.1:port and serve in a daemon thread."""
        if self._server is not None:
            return self
        self._server = _Server(self, self._port)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"slack-standin-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        # keep-alive connections would otherwise go on being answered by a stopped stand-in
        server.close_open_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is not None:
            return int(self._server.server_address[1])
        if self._port:
            return self._port
        raise RuntimeError("port 0 is chosen at start(): start the stand-in first")

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    # -- recordings and faults ---------------------------------------------------------------------------------------

    def calls(self, method: str | None = None, after: int = 0) -> list[Json]:
        """Recorded calls with seq > after, oldest first; only those of `method` when given."""
        with self._lock:
            return copy.deepcopy([c for c in self._calls if c["seq"] > after and (method is None or
                                                                                c["method"] == method)])

    def clear(self) -> None:
        """Forget the recorded calls (seq keeps counting, so `after=` bookmarks stay valid)."""
        with self._lock:
            self._calls.clear()

    def wait_for(self, predicate: Callable[[Json], bool], timeout: float = 5.0, *, count: int = 1,
                 after: int = 0) -> list[Json]:
        """Block until at least `count` recorded calls after seq `after` satisfy `predicate`; return all that do."""
        # fetch and wait under one lock, so a call recorded in between cannot be missed
        with self._calls_changed:
            return _wait_for_calls(lambda: self.calls(after=after), self._calls_changed.wait, predicate, timeout,
                                   count)

    def add_fault(self, method: str, status: int | str | None = 429, *, retry_after: int = 1, count: int = 1,
                  error: str | None = None, delay: float = 0.0) -> None:
        """Make the next `count` calls of `method` fail.

        `method` is an API method ("chat.postMessage"), a path prefix ("/response/") or "*". `status` 429 answers
        Retry-After `retry_after` and `ratelimited`; 5xx answers that status; "drop" closes the connection unanswered;
        200 with `error` answers a Slack error (e.g. "not_in_channel"); None answers normally after `delay` seconds.
        """
        fault = _make_fault({"method": method, "status": status, "retry_after": retry_after, "count": count,
                             "error": error, "delay": delay})
        with self._lock:
            self._faults.append(fault)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def faults(self) -> list[Json]:
        with self._lock:
            return [f.as_dict() for f in self._faults]

    def _take_fault(self, method: str | None, path: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _record(self, verb: str, method: str | None, path: str, args: Json, status: int | None,
                response: Json | None,
                at: float, fault: _Fault | None) -> Json:
        with self._calls_changed:
            self._seq += 1
            call: Json = {"seq": self._seq, "method": method, "path": path, "args": args, "status": status,
                          "response": response, "at": at}
            if fault is not None:
                call["fault"] = fault.describe()
            self._calls.append(call)
            self._calls_changed.notify_all()
        log.info("%s", _log_line(verb, call))
        return call

    # -- HTTP dispatch -----------------------------------------------------------------------------------------------

    def _handle(self, verb: str, raw_path: str, headers: Mapping[str, str], body: bytes) -> _Reply:
        parts = urllib.parse.urlsplit(raw_path)
        path = parts.path
        query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        if path.startswith("/_"):
            return self._control(verb, path, query, body)
        if verb == "POST" or (verb == "GET" and path.startswith("/api/")):
            return self._handle_call(verb, path, query, headers, body)
        return _Reply(404, {"ok": False, "error": "not_found"})

    def _control(self, verb: str, path: str, query: dict[str, list[str]], body: bytes) -> _Reply:
        if path == "/_health" and verb == "GET":
            return _Reply(200, {"ok": True})
        if path == "/_calls":
            if verb == "GET":
                try:
                    after = int(query.get("after", ["0"])[-1])
                except ValueError:
                    return _Reply(400, {"ok": False, "error": "after must be an integer"})
                return _Reply(200, {"calls": self.calls(query.get("method", [None])[-1], after)})
            if verb == "DELETE":
                self.clear()
                return _Reply(200, {"ok": True})
        if path == "/_faults":
            if verb == "GET":
                return _Reply(200, {"faults": self.faults()})
            if verb == "DELETE":
                self.clear_faults()
                return _Reply(200, {"ok": True})
            if verb == "POST":
                try:
                    spec = json.loads(body or b"{}")
                    fault = _make_fault(spec if isinstance(spec, dict) else {})
                except ValueError as exc:  # json.JSONDecodeError is a ValueError
                    return _Reply(400, {"ok": False, "error": str(exc)})
                with self._lock:
                    self._faults.append(fault)
                return _Reply(200, {"ok": True, "faults": self.faults()})
        return _Reply(404, {"ok": False, "error": "not_found"})

    def _handle_call(self, verb: str, path: str, query: dict[str, list[str]], headers: Mapping[str, str],
                     body: bytes) -> _Reply:
        at = time.time()
        method = path[len("/api/"):].strip("/") if path.startswith("/api/") else None
        args, form_token, parse_error = _parse_args(headers, body, query)
        fault = self._take_fault(method, path)
        if fault is not None and fault.status is not None:
            reply = _fault_reply(fault)
            self._record(verb, method, path, args, reply.status or None, reply.body, at, fault)
            return reply
        if method is None:
            response: Json = {"ok": True}  # a response_url post: Slack only acknowledges it
        else:
            response = self._call_api(method, args, _bearer(headers) or form_token, parse_error)
        self._record(verb, method, path, args, 200, response, at, fault)
        return _Reply(200, response, delay=fault.delay if fault else 0.0)

    def _call_api(self, method: str, args: Json, token: str | None, parse_error: str | None) -> Json:
        handler = self._methods.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        if parse_error:
            return {"ok": False, "error": parse_error}
        if not token:
            return {"ok": False, "error": "not_authed"}
        if not hmac.compare_digest(token.encode(), self._token.encode()):
            return {"ok": False, "error": "invalid_auth"}
        try:
            with self._lock:
                return handler(args)
        except _SlackError as exc:
            return exc.body()

    # -- Web API methods (called under self._lock) -------------------------------------------------------------------

    def _next_ts(self) -> str:
        # Slack's ts is "seconds.micro" and doubles as the message id: it must never repeat
        self._last_ts_us = max(time.time_ns() // 1000, self._last_ts_us + 1)
        seconds, micros = divmod(self._last_ts_us, 1_000_000)
        return f"{seconds}.{micros:06d}"

    def _auth_test(self, args: Json) -> Json:
        return {"ok": True, "url": TEAM_URL, "team": TEAM_NAME, "user": BOT_USER_NAME, "team_id": TEAM_ID,
                "user_id": BOT_USER_ID, "bot_id": BOT_ID, "is_enterprise_install": False}

    def _channel(self, args: Json, name: str = "channel") -> str:
        channel = _text_arg(args, name)
        if channel is None:
            raise _SlackError("channel_not_found")
        # Slack accepts a user id as channel and posts into the DM with that user
        if channel[0] in "UW":
            return self._im_for(channel)
        return channel

    def _im_for(self, user: str) -> str:
        return "D" + hashlib.sha256(user.encode()).hexdigest()[:10].upper()

    def _content(self, args: Json, limit_blocks: int = _MAX_MESSAGE_BLOCKS) -> Json:
        """text / blocks / attachments of a message, checked as Slack checks them."""
        content: Json = {}
        text = _text_arg(args, "text")
        blocks = args.get("blocks")
        attachments = args.get("attachments")
        if blocks in (None, "", []) and attachments in (None, "", []) and text is None:
            raise _SlackError("no_text")
        if blocks not in (None, ""):
            _check_blocks(blocks, limit_blocks)
            content["blocks"] = blocks
        if attachments not in (None, ""):
            if not isinstance(attachments, list):
                raise _SlackError("invalid_attachments")
            content["attachments"] = attachments
        # Slack truncates long text rather than refusing it
        content["text"] = (text or "")[:_MAX_TEXT]
        return content

    def _bot_message(self, ts: str, content: Json) -> Json:
        message: Json = {"type": "message", "text": content["text"], "user": BOT_USER_ID, "bot_id": BOT_ID,
                         "app_id": APP_ID, "ts": ts, "team": TEAM_ID, "bot_profile": _bot_profile()}
        for key in ("blocks", "attachments"):
            if key in content:
                message[key] = content[key]
        return message

    def _chat_post_message(self, args: Json) -> Json:
        channel = self._channel(args)
        content = self._content(args)
        ts = self._next_ts()
        message = self._bot_message(ts, content)
        thread_ts = _text_arg(args, "thread_ts")
        if thread_ts:
            message["thread_ts"] = thread_ts
            parent = self._messages.get((channel, thread_ts))
            if parent is not None:
                message["parent_user_id"] = parent["user"]
        if isinstance(args.get("metadata"), dict):
            message["metadata"] = args["metadata"]
        self._messages[(channel, ts)] = message
        if self._echo_url:
            self._echo(channel, message)
        return {"ok": True, "channel": channel, "ts": ts, "message": copy.deepcopy(message)}

    def _chat_update(self, args: Json) -> Json:
        channel = self._channel(args)
        ts = _text_arg(args, "ts")
        if ts is None:
            raise _SlackError("message_not_found")
        message = self._messages.get((channel, ts))
        if message is None:
            raise _SlackError("message_not_found")
        content = self._content(args)
        message["text"] = content["text"]
        for key in ("blocks", "attachments"):
            if key in content:
                message[key] = content[key]
        message["edited"] = {"user": BOT_USER_ID, "ts": self._next_ts()}
        return {"ok": True, "channel": channel, "ts": ts, "text": message["text"], "message": copy.deepcopy(message)}

    def _chat_post_ephemeral(self, args: Json) -> Json:
        self._channel(args)
        if _text_arg(args, "user") is None:
            raise _missing("user")
        self._content(args)
        # ephemeral messages cannot be updated or deleted later: nothing is stored
        return {"ok": True, "message_ts": self._next_ts()}

    def _chat_delete(self, args: Json) -> Json:
        channel = self._channel(args)
        ts = _text_arg(args, "ts")
        if ts is None or self._messages.pop((channel, ts), None) is None:
            raise _SlackError("message_not_found")
        return {"ok": True, "channel": channel, "ts": ts}

    def _conversations_open(self, args: Json) -> Json:
        raw_users = args.get("users")
        if isinstance(raw_users, list):
            users = [str(u) for u in raw_users if u]
        else:
            users = [u.strip() for u in str(raw_users or "").split(",") if u.strip()]
        if not users:
            existing = _text_arg(args, "channel")
            if existing is None:
                raise _SlackError("users_list_not_supplied")
            return {"ok": True, "no_op": True, "already_open": True, "channel": {"id": existing}}
        if any(u[0] not in "UW" for u in users):
            raise _SlackError("user_not_found")
        if len(users) == 1:
            channel_id = self._im_for(users[0])
        else:
            # several users make a multi-person DM
            channel_id = "G" + hashlib.sha256(",".join(sorted(set(users))).encode()).hexdigest()[:10].upper()
            self._mpims.add(channel_id)
        channel: Json = {"id": channel_id}
        if _truthy(args.get("return_im")) and len(users) == 1:
            channel.update({"created": int(time.time()), "is_im": True, "is_org_shared": False, "user": users[0],
                            "is_user_deleted": False, "priority": 0})
        answer: Json = {"ok": True, "channel": channel}
        if channel_id in self._opened:
            answer.update({"no_op": True, "already_open": True})
        self._opened.add(channel_id)
        return answer

    def _take_trigger(self, args: Json) -> None:
        trigger = _text_arg(args, "trigger_id") or _text_arg(args, "interactivity_pointer")
        if trigger is None:
            raise _missing("trigger_id")
        # Slack lets a trigger open one view only
        if trigger in self._used_triggers:
            raise _SlackError("exchanged_trigger_id")
        self._used_triggers.add(trigger)

    def _new_view(self, view: Json, root_view_id: str | None = None, previous_view_id: str | None = None) -> Json:
        view_id = "V" + secrets.token_hex(5).upper()
        stored = {
            "id": view_id, "team_id": TEAM_ID, "type": view["type"], "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""), "callback_id": view.get("callback_id", ""),
            "state": {"values": {}}, "hash": self._view_hash(), "title": view.get("title"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)), "close": view.get("close"),
            "submit": view.get("submit"), "previous_view_id": previous_view_id, "root_view_id": root_view_id or view_id,
            "app_id": APP_ID, "external_id": view.get("external_id", ""), "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        }
        self._views[view_id] = stored
        return stored

    def _view_hash(self) -> str:
        return f"{self._next_ts()}.{secrets.token_hex(4)}"

    def _views_open(self, args: Json) -> Json:
        view = _view_arg(args, "modal")
        self._take_trigger(args)
        return {"ok": True, "view": copy.deepcopy(self._new_view(view))}

    def _views_push(self, args: Json) -> Json:
        view = _view_arg(args, "modal")
        self._take_trigger(args)
        return {"ok": True, "view": copy.deepcopy(self._new_view(view))}

    def _views_update(self, args: Json) -> Json:
        view = _view_arg(args, None)
        view_id = _text_arg(args, "view_id")
        external_id = _text_arg(args, "external_id")
        if view_id is None and external_id is None:
            raise _missing("view_id")
        if view_id is not None:
            stored = self._views.get(view_id)
        else:
            stored = next((v for v in self._views.values() if v["external_id"] == external_id), None)
        if stored is None:
            raise _SlackError("not_found")
        wanted_hash = _text_arg(args, "hash")
        if wanted_hash is not None and wanted_hash != stored["hash"]:
            raise _SlackError("hash_conflict")
        for key in ("blocks", "private_metadata", "callback_id", "title", "close", "submit", "external_id"):
            if key in view:
                stored[key] = view[key]
        stored["hash"] = self._view_hash()
        return {"ok": True, "view": copy.deepcopy(stored)}

    def _views_publish(self, args: Json) -> Json:
        view = _view_arg(args, "home")
        user = _text_arg(args, "user_id")
        if user is None:
            raise _missing("user_id")
        return {"ok": True, "view": copy.deepcopy(self._new_view(view))}

    def _reactions_add(self, args: Json) -> Json:
        channel = self._channel(args)
        ts = _text_arg(args, "timestamp")
        if ts is None:
            raise _SlackError("no_item_specified")
        name = _text_arg(args, "name")
        if name is None:
            raise _SlackError("invalid_name")
        key = (channel, ts, name.strip(":"))
        if key in self._reactions:
            raise _SlackError("already_reacted")
        self._reactions.add(key)
        return {"ok": True}

    # -- echo of the bot's own posts ---------------------------------------------------------------------------------

    def _echo(self, channel: str, message: Json) -> None:
        event = {k: copy.deepcopy(v) for k, v in message.items() if k not in ("edited",)}
        event.update({"channel": channel, "event_ts": message["ts"], "channel_type": self._channel_type(channel)})
        payload = {
            "token": "local-verification-token",
            "team_id": TEAM_ID,
            "context_team_id": TEAM_ID,
            "context_enterprise_id": None,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": "Ev" + secrets.token_hex(5).upper(),
            "event_time": int(float(message["ts"])),
            "authorizations": [{"enterprise_id": None, "team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True,
                                "is_enterprise_install": False}],
            "is_ext_shared_channel": False,
            "event_context": "4-" + secrets.token_urlsafe(24),
        }
        # one thread per delivery, as Slack delivers concurrently and in no promised order
        threading.Thread(target=self._deliver, args=(payload,), name="slack-standin-echo", daemon=True).start()

    def _channel_type(self, channel: str) -> str:
        if channel.startswith("D"):
            return "im"
        if channel in self._mpims:
            return "mpim"
        return "channel"

    def _deliver(self, payload: Json) -> None:
        assert self._echo_url is not None and self._signing_secret is not None
        body = json.dumps(payload).encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(self._echo_url, data=body, method="POST", headers={
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": compute_signature(self._signing_secret, timestamp, body),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        })
        started = time.monotonic()
        try:
            try:
                with _OPENER.open(request, timeout=10) as answer:
                    status = answer.status
                    answer.read()
            except urllib.error.HTTPError as exc:
                status = exc.code
            elapsed = time.monotonic() - started
            level = logging.INFO if 200 <= status < 300 and elapsed < 3 else logging.WARNING
            # Slack counts an answer later than 3 s as a failure and retries it
            log.log(level, "echo %s -> HTTP %s in %.0f ms%s", payload["event_id"], status, elapsed * 1000,
                    " (Slack would retry: over 3 s)" if elapsed >= 3 else "")
        except (OSError, ValueError, http.client.HTTPException) as exc:  # best effort: logged, never raised
            log.warning("echo %s to %s failed: %r", payload["event_id"], self._echo_url, exc)


def _bot_profile() -> Json:
    return {"id": BOT_ID, "deleted": False, "name": BOT_USER_NAME, "updated": 1700000000, "app_id": APP_ID,
            "icons": {"image_36": "", "image_48": "", "image_72": ""}, "team_id": TEAM_ID}


def _check_blocks(blocks: Any, limit: int) -> None:
    if not isinstance(blocks, list) or not all(isinstance(b, dict) and isinstance(b.get("type"), str) for b in blocks):
        raise _SlackError("invalid_blocks_format")
    if len(blocks) > limit:
        raise _SlackError("invalid_blocks", f"must be less than {limit + 1} items [json-pointer:/blocks]")
    for index, block in enumerate(blocks):
        text = block.get("text")
        if block["type"] == "section" and isinstance(text, dict) and len(str(text.get("text", ""))) > _MAX_SECTION_TEXT:
            raise _SlackError("invalid_blocks",
                              f"must be less than {_MAX_SECTION_TEXT + 1} characters "
                              f"[json-pointer:/blocks/{index}/text/text]")


def _view_arg(args: Json, required_type: str | None) -> Json:
    view = args.get("view")
    if view is None or view == "":
        raise _missing("view")
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        raise _SlackError("invalid_arguments", "view must be an object with type modal or home")
    if required_type is not None and view["type"] != required_type:
        raise _SlackError("invalid_arguments", f"view type must be {required_type}")
    if view["type"] == "modal" and not view.get("title") and required_type is not None:
        raise _missing("view.title")
    if "blocks" in view:
        _check_blocks(view["blocks"], _MAX_VIEW_BLOCKS)
    return view


def _fault_reply(fault: _Fault) -> _Reply:
    if fault.status == "drop":
        return _Reply(0, None, drop=True, delay=fault.delay)
    assert isinstance(fault.status, int)
    body = {"ok": False, "error": fault.error or _FAULT_ERRORS.get(fault.status, "fault_injected")}
    headers = {"Retry-After": str(fault.retry_after)} if fault.status == 429 else {}
    return _Reply(fault.status, body, headers, delay=fault.delay)


def _bearer(headers: Mapping[str, str]) -> str | None:
    scheme, _, token = (headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def _parse_args(headers: Mapping[str, str], body: bytes,
                query: dict[str, list[str]]) -> tuple[Json, str | None, str | None]:
    """Arguments from the query string and a form, multipart or JSON body; the token is taken out here."""
    content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    args: Json = {k: v[-1] for k, v in query.items()}
    error: str | None = None
    if content_type == "application/json":
        try:
            parsed = json.loads(body or b"{}")
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            args.update(parsed)
        else:
            error = "invalid_json"
    elif content_type == "multipart/form-data":
        args.update(_parse_multipart(headers.get("Content-Type") or "", body))
    elif body:
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        args.update({k: v[-1] for k, v in form.items()})
    token = args.pop("token", None)
    for key in _JSON_FIELDS:
        if isinstance(args.get(key), str) and args[key]:
            # undecodable JSON stays text: the method answers it as Slack would (invalid_blocks_format, ...)
            with contextlib.suppress(ValueError):
                args[key] = json.loads(args[key])
    return args, str(token) if token else None, error


def _parse_multipart(content_type: str, body: bytes) -> Json:
    message = BytesParser(policy=policy.HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    fields: Json = {}
    for part in message.iter_parts():  # type: ignore[attr-defined]
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        # file contents are summarised: recordings must stay JSON and small
        fields[str(name)] = ({"filename": filename, "size": len(payload)} if filename
                             else payload.decode("utf-8", "replace"))
    return fields


def _log_line(verb: str, call: Json) -> str:
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
    return line


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # many clients at once (the default 5 makes bursts see refused connections)

    def __init__(self, standin: SlackStandIn, port: int) -> None:
        self.standin = standin
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__((HOST, port), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN (a resolver round trip); 127.0.0.1 needs none
        socketserver.TCPServer.server_bind(self)
        self.server_name = HOST
        self.server_port = int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # a client hanging up mid-request is normal for a test server; anything else is a bug worth a traceback
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        log.exception("slack stand-in failed on a request from %s", client_address)

    def close_open_connections(self) -> None:
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):  # already closed by its client
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every answer carries Content-Length
    disable_nagle_algorithm = True  # TCP_NODELAY: headers and body go as two writes, delayed ACKs would add ~40 ms
    timeout = 120  # idle keep-alive connections give their thread back eventually
    server_version = "ParleySlackStandIn/1"
    server: _Server

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per call is logged by the stand-in itself

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self, verb: str) -> None:
        try:
            body = self._read_body()
        except ValueError:
            self._send(_Reply(400, {"ok": False, "error": "bad_request"}))
            return
        reply = self.server.standin._handle(verb, self.path, self.headers, body)  # type: ignore[arg-type]
        if reply.delay:
            time.sleep(reply.delay)
        if reply.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(reply)

    def _send(self, reply: _Reply) -> None:
        data = json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


class StandInClient:
    """Reads and steers a stand-in running in another process, through its control endpoints."""

    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        self.base_url = _check_loopback(base_url).rstrip("/")
        self.timeout = timeout

    def _request(self, verb: str, path: str, payload: Json | None = None) -> Json:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=verb,
                                         headers={"Content-Type": "application/json"})
        try:
            with _OPENER.open(request, timeout=self.timeout) as answer:
                result: Json = json.loads(answer.read())
                return result
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"{verb} {path}: HTTP {exc.code} {exc.read().decode('utf-8', 'replace')}") from exc

    def calls(self, method: str | None = None, after: int = 0) -> list[Json]:
        query = {"after": str(after)}
        if method is not None:
            query["method"] = method
        calls: list[Json] = self._request("GET", "/_calls?" + urllib.parse.urlencode(query))["calls"]
        return calls

    def clear(self) -> None:
        self._request("DELETE", "/_calls")

    def add_fault(self, method: str, status: int | str | None = 429, *, retry_after: int = 1, count: int = 1,
                  error: str | None = None, delay: float = 0.0) -> None:
        self._request("POST", "/_faults", {"method": method, "status": status, "retry_after": retry_after,
                                           "count": count, "error": error, "delay": delay})

    def clear_faults(self) -> None:
        self._request("DELETE", "/_faults")

    def wait_for(self, predicate: Callable[[Json], bool], timeout: float = 5.0, *, count: int = 1, after: int = 0,
                 interval: float = 0.05) -> list[Json]:
        """Poll until at least `count` calls after seq `after` satisfy `predicate`; return all that do."""
        return _wait_for_calls(lambda: self.calls(after=after), lambda remaining: time.sleep(min(interval, remaining)),
                               predicate, timeout, count)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.local.slack_standin",
                                     description="Local Slack Web API stand-in on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=3005)
    parser.add_argument("--token", default=os.environ.get("SLACK_BOT_TOKEN"),
                        help="the valid bot token (default: $SLACK_BOT_TOKEN)")
    parser.add_argument("--echo-url", help="deliver each posted message back here as a signed message event")
    parser.add_argument("--signing-secret", default=None,
                        help="signs the echoed events (default with --echo-url: $SLACK_SIGNING_SECRET)")
    options = parser.parse_args(argv)
    if not options.token:
        parser.error("--token (or $SLACK_BOT_TOKEN) is required")
    secret = options.signing_secret or (os.environ.get("SLACK_SIGNING_SECRET") if options.echo_url else None)
    if options.echo_url and not secret:
        parser.error("--echo-url needs --signing-secret (or $SLACK_SIGNING_SECRET)")
    if secret and not options.echo_url:
        parser.error("--signing-secret is only used with --echo-url")

    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(asctime)s %(message)s", force=True)
    try:
        standin = SlackStandIn(options.token, options.port, options.echo_url, secret).start()
    except (OSError, ValueError) as exc:
        log.error("slack stand-in cannot start: %s", exc)
        return 1
    stopping = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    log.info("slack stand-in on %s (echo: %s)", standin.api_url, options.echo_url or "off")
    # a timed wait keeps the main thread responsive to signals
    while not stopping.wait(0.5):
        pass
    standin.stop()
    log.info("slack stand-in stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
