"""A counting, optionally slow, forwarding proxy in front of moto server, on 127.0.0.1.

Point a function's AWS endpoint at it (`AWS_ENDPOINT_URL_SSM=<proxy.url>`, or a client's `endpoint_url`) to
count the calls it makes per operation (X-Amz-Target, `AmazonSSM.GetParameter`) or to make every answer late
(`delay`), while moto still gives the real answers.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

# What is not forwarded: hop-by-hop headers, and what urllib sets again
_SKIPPED = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "host"})


class AwsProxy:
    def __init__(self, upstream: str, delay: float = 0.0) -> None:
        self.upstream = upstream.rstrip("/")
        self.delay = delay  # seconds every answer waits before it is forwarded
        self.calls: Counter[str] = Counter()
        self.requests: list[tuple[str, str]] = []  # (X-Amz-Target, User-Agent) of each, in order
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                target = self.headers.get("X-Amz-Target") or f"POST {self.path}"
                with proxy._lock:
                    proxy.calls[target] += 1
                    proxy.requests.append((target, self.headers.get("User-Agent") or ""))
                if proxy.delay:
                    time.sleep(proxy.delay)
                status, headers, payload = proxy._forward(self.path, self.headers.items(), body)
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in _SKIPPED:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def count(self, target: str, user_agent: str = "") -> int:
        """How many `target` calls came, from clients whose User-Agent starts with `user_agent`."""
        with self._lock:
            return sum(1 for seen, agent in self.requests if seen == target and agent.startswith(user_agent))

    def _forward(self, path: str, headers: list[tuple[str, str]],
                 body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        # moto checks no signature, so the Host the request was signed for does not matter
        request = urllib.request.Request(self.upstream + path, data=body, method="POST",
                                         headers={k: v for k, v in headers if k.lower() not in _SKIPPED})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, list(answer.headers.items()), answer.read()
        except urllib.error.HTTPError as error:
            return error.code, list(error.headers.items()), error.read()

    def __enter__(self) -> AwsProxy:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.server.shutdown()
        self.server.server_close()
