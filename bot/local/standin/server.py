"""SlackStandIn: the local Slack Web API, in-process (`SlackStandIn(token=...).start()`) or as a process (CLI).

It routes each request: `/api/<method>` to the Web API (token checked, a fault maybe injected, the method answered,
the call recorded), any other POST to a `response_url` (Slack only acknowledges those), `/_...` to the control
endpoints. The Web API's state is guarded by one lock, so concurrent clients see Slack's ordering (ts never repeats).
"""

from __future__ import annotations

import hmac
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Self

from bot.local.standin.arguments import bearer, parse_args
from bot.local.standin.control import control
from bot.local.standin.echo import Echo
from bot.local.standin.errors import Json, SlackError
from bot.local.standin.faults import Fault, Faults, make_fault
from bot.local.standin.httpd import Reply, Server
from bot.local.standin.loopback import HOST
from bot.local.standin.methods import WebApi
from bot.local.standin.recorder import Recorder


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
        self._echo = Echo(echo_url, signing_secret) if echo_url and signing_secret else None
        self._lock = threading.RLock()
        self._recorder = Recorder()
        self._faults = Faults()
        self._api = WebApi(on_post=self._echo.message_posted if self._echo else None)
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

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
        self._server = Server(self._handle, self._port)
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

    # -- recordings and faults -------------------------------------------------------------------------------------

    def calls(self, method: str | None = None, after: int = 0) -> list[Json]:
        """Recorded calls with seq > after, oldest first; only those of `method` when given."""
        return self._recorder.calls(method, after)

    def clear(self) -> None:
        """Forget the recorded calls (seq keeps counting, so `after=` bookmarks stay valid)."""
        self._recorder.clear()

    def wait_for(self, predicate: Callable[[Json], bool], timeout: float = 5.0, *, count: int = 1,
                 after: int = 0) -> list[Json]:
        """Block until at least `count` recorded calls after seq `after` satisfy `predicate`; return all that do."""
        return self._recorder.wait_for(predicate, timeout, count, after)

    def add_fault(self, method: str, status: int | str | None = 429, *, retry_after: int = 1, count: int = 1,
                  error: str | None = None, delay: float = 0.0) -> None:
        """Make the next `count` calls of `method` fail.

        `method` is an API method ("chat.postMessage"), a path prefix ("/response/") or "*". `status` 429 answers
        Retry-After `retry_after` and `ratelimited`; 5xx answers that status; "drop" closes the connection unanswered;
        200 with `error` answers a Slack error (e.g. "not_in_channel"); None answers normally after `delay` seconds.
        """
        self.add_fault_spec(make_fault({"method": method, "status": status, "retry_after": retry_after,
                                        "count": count, "error": error, "delay": delay}))

    def add_fault_spec(self, fault: Fault) -> None:
        with self._lock:
            self._faults.add(fault)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def faults(self) -> list[Json]:
        with self._lock:
            return self._faults.listed()

    # -- HTTP dispatch -----------------------------------------------------------------------------------------------

    def _handle(self, verb: str, raw_path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        parts = urllib.parse.urlsplit(raw_path)
        path = parts.path
        query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        if path.startswith("/_"):
            return control(self, verb, path, query, body)
        if verb == "POST" or (verb == "GET" and path.startswith("/api/")):
            return self._handle_call(verb, path, query, headers, body)
        return Reply(404, {"ok": False, "error": "not_found"})

    def _handle_call(self, verb: str, path: str, query: dict[str, list[str]], headers: Mapping[str, str],
                     body: bytes) -> Reply:
        at = time.time()
        method = path[len("/api/"):].strip("/") if path.startswith("/api/") else None
        args, form_token, parse_error = parse_args(headers, body, query)
        with self._lock:
            fault = self._faults.take(method, path)
        if fault is not None and fault.status is not None:
            reply = fault.reply()
            self._record(verb, method, path, args, reply.status or None, reply.body, at, fault)
            return reply
        if method is None:
            response: Json = {"ok": True}  # a response_url post: Slack only acknowledges it
        else:
            response = self._call_api(method, args, bearer(headers) or form_token, parse_error)
        self._record(verb, method, path, args, 200, response, at, fault)
        return Reply(200, response, delay=fault.delay if fault else 0.0)

    def _call_api(self, method: str, args: Json, token: str | None, parse_error: str | None) -> Json:
        handler = self._api.table.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        if parse_error:
            return {"ok": False, "error": parse_error}
        if not token:
            return {"ok": False, "error": "not_authed"}
        try:
            with self._lock:
                if not hmac.compare_digest(token.encode(), self._token.encode()):
                    raise SlackError("invalid_auth")
                return handler(args)
        except SlackError as exc:
            return exc.body()

    def _record(self, verb: str, method: str | None, path: str, args: Json, status: int | None,
                response: Json | None, at: float, fault: Fault | None) -> None:
        call: Json = {"method": method, "path": path, "args": args, "status": status, "response": response, "at": at}
        if fault is not None:
            call["fault"] = fault.describe()
        self._recorder.record(verb, call)
