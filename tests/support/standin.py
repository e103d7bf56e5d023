"""Helpers for the Slack stand-in's own tests: a receiver for the events it delivers, plain loopback posts, the
authorize round trip a browser would make, and a clock a test can move.

The receiver plays the ingress: it answers 200 to whatever the stand-in delivers and keeps the headers and body, so a
test can check the signature and the payload of an echoed post or an uninstall event.
"""

from __future__ import annotations

import json
import queue
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from bot.local.processes import free_port
from bot.local.standin.workspaces import CLIENT_ID

TOKEN = "xoxb-local-test-token"
# Where the app would be redirected back to: nothing listens on port 9, and the tests never follow it
REDIRECT = "http://127.0.0.1:9/slack/oauth_redirect"
# slack_sdk and urllib would route through $HTTP(S)_PROXY: these tests must stay on 127.0.0.1
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the test reads the redirect itself


_NOT_FOLLOWING = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def authorize(authorize_url: str, **params: str) -> tuple[int, str, dict[str, str]]:
    """A browser at Slack's authorize page: (status, Location or page text, the redirect's query parameters).
    Defaults: the local client id, scope chat:write, state "s-1", redirect_uri REDIRECT; a None value is left out."""
    query = {"client_id": CLIENT_ID, "scope": "chat:write", "user_scope": "", "state": "s-1", "redirect_uri": REDIRECT,
             **params}
    url = authorize_url + "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
    try:
        with _NOT_FOLLOWING.open(url, timeout=5) as answer:
            return answer.status, answer.read().decode(), {}
    except urllib.error.HTTPError as exc:
        location = exc.headers.get("Location")
        if location is None:
            return exc.code, exc.read().decode(), {}
        query_of = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
        return exc.code, location, {k: v[-1] for k, v in query_of.items()}


class Clock:
    """time.time, but a test can move it: `SlackStandIn(clock=clock)`, then `clock.advance(601)`."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


def post(url: str, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """POST `body` and read the JSON answer: (status, answer)."""
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": content_type, **(headers or {})})
    try:
        with NO_PROXY.open(request, timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


class Receiver(ThreadingHTTPServer):
    """An ingress stand-in on 127.0.0.1: `with Receiver() as receiver:`, then `receiver.url`, `receiver.take()`."""

    daemon_threads = True

    def __init__(self) -> None:
        self.received: queue.Queue[tuple[dict[str, str], bytes]] = queue.Queue()
        super().__init__(("127.0.0.1", free_port()), _ReceiverHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/slack/events"

    def take(self, timeout: float = 5.0) -> tuple[dict[str, str], bytes]:
        """The next delivery: (headers, body)."""
        return self.received.get(timeout=timeout)

    def payloads(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """The next `count` deliveries' JSON bodies."""
        return [json.loads(self.take(timeout)[1]) for _ in range(count)]

    def __enter__(self) -> Self:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


class _ReceiverHandler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.put((dict(self.headers.items()), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass
