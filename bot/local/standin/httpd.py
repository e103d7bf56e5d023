"""The stand-in's HTTP plumbing: a threaded server on 127.0.0.1 with keep-alive, and what an answer can be.

Kept apart from what the stand-in answers: this file knows sockets, threads and HTTP/1.1, and nothing of Slack. A
`Reply` is a JSON body (the Web API, the control endpoints), a short HTML page (OAuth's pages and redirects) or a
dropped connection (a fault); it may be delayed (a fault).
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.local.standin.errors import Json
from bot.local.standin.loopback import HOST

log = logging.getLogger("bot.local.standin")


@dataclass
class Reply:
    status: int
    body: Json | None  # None with drop=True, or with `page`
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    delay: float = 0.0
    page: str | None = None  # plain text, shown as a small HTML page instead of a JSON body


def page(status: int, text: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, None, headers or {}, page=text)


Handle = Callable[[str, str, Mapping[str, str], bytes], Reply]


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # many clients at once (the default 5 makes bursts see refused connections)

    def __init__(self, handle: Handle, port: int) -> None:
        self.handle = handle
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
    server: Server

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
            self._send(Reply(400, {"ok": False, "error": "bad_request"}))
            return
        reply = self.server.handle(verb, self.path, self.headers, body)  # type: ignore[arg-type]
        if reply.delay:
            time.sleep(reply.delay)
        if reply.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        if reply.page is not None:
            data = f"<!doctype html><title>Slack (local)</title><p>{html.escape(reply.page)}</p>\n".encode()
            content_type = "text/html; charset=utf-8"
        else:
            data = json.dumps(reply.body).encode()
            content_type = "application/json; charset=utf-8"
        self.send_response(reply.status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
