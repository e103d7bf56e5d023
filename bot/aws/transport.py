"""Where a lean AWS client sends its requests, and the one keep-alive connection it sends them over.

A warm Lambda invocation should not pay a TCP (and TLS) handshake per call, so each client keeps one
connection open between invocations and notices when the server closed it meanwhile (idle timeout, a
frozen sandbox): such a connection is reopened without counting a failed attempt. Endpoints come from
the caller, else `AWS_ENDPOINT_URL_<SERVICE>` / `AWS_ENDPOINT_URL` as botocore reads them, else AWS's
regional https endpoint; plain http is for local stages only (`bot.defaults.insecure_endpoint`).
"""

from __future__ import annotations

import http.client
import os
import select
import socket
import ssl
from urllib.parse import urlsplit

from bot.aws.errors import AttemptFailed

__all__ = ["KeptAliveConnection", "describe_exception", "new_connection", "resolve_endpoint"]

_DROPPED_CONNECTION_ERRORS = (
    BrokenPipeError, ConnectionResetError, ConnectionAbortedError, http.client.RemoteDisconnected,
)
_ssl_context: ssl.SSLContext | None = None


def resolve_endpoint(explicit: str | None, region: str, endpoint_prefix: str, env_suffix: str) -> str:
    """The endpoint a client of `endpoint_prefix` ("sqs") talks to: the caller's, the environment's, or AWS's."""
    if explicit:
        return explicit
    env = os.environ
    if env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").strip().lower() != "true":
        for name in (f"AWS_ENDPOINT_URL_{env_suffix}", "AWS_ENDPOINT_URL"):
            if env.get(name):
                return env[name]
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://{endpoint_prefix}.{region}.{suffix}"


def new_connection(scheme: str, host: str, port: int | None, timeout: float) -> http.client.HTTPConnection:
    if scheme == "https":
        global _ssl_context
        if _ssl_context is None:
            # Loading the CA bundle takes milliseconds; do it once, on the first https connection.
            _ssl_context = ssl.create_default_context()
        return http.client.HTTPSConnection(host, port, timeout=timeout, context=_ssl_context)
    return http.client.HTTPConnection(host, port, timeout=timeout)


def describe_exception(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text != type(exc).__name__ else text


class KeptAliveConnection:
    """One connection to one http(s) endpoint, opened on first use and kept open between requests.

    Not thread-safe: the client that owns it serializes its requests.
    """

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) endpoint URL: {url!r}")
        self.scheme = parts.scheme
        self.hostname = parts.hostname
        self.port = parts.port
        self.path = parts.path or "/"
        self.url = f"{parts.scheme}://{parts.netloc}{self.path}"  # what SigV4 signs
        self.host = _host_header(parts.scheme, parts.hostname, parts.port)
        self.connection: http.client.HTTPConnection | None = None
        self._reused = False

    def exchange(self, payload: bytes, headers: dict[str, str],
                 timeout: float) -> tuple[int, http.client.HTTPResponse, bytes]:
        """POST `payload` and read the whole answer; AttemptFailed (ConnectionError, Timeout) when none came."""
        for fresh_retry in (False, True):
            reused = False
            try:
                conn = self._open(timeout)
                reused = self._reused
                conn.request("POST", self.path, payload, headers)
                response = conn.getresponse()
                raw = response.read()
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                # A kept-alive connection the server closed between calls (idle timeout, a frozen
                # Lambda) fails on first use; that is no failed attempt, just reconnect once.
                if reused and not fresh_retry and isinstance(exc, _DROPPED_CONNECTION_ERRORS):
                    continue
                code = "Timeout" if isinstance(exc, TimeoutError) else "ConnectionError"
                raise AttemptFailed(code, describe_exception(exc), None, True) from None
            if response.will_close:
                self.close()
            else:
                self._reused = True
            return response.status, response, raw
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Close the connection; the next exchange opens a new one."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None
        self._reused = False

    def _open(self, timeout: float) -> http.client.HTTPConnection:
        conn = self.connection
        if conn is not None and (conn.sock is None or _peer_closed(conn.sock)):
            self.close()
            conn = None
        if conn is not None and conn.sock is not None:
            conn.sock.settimeout(timeout)
            return conn
        self._reused = False
        conn = new_connection(self.scheme, self.hostname, self.port, timeout)
        self.connection = conn
        conn.connect()
        if conn.sock is not None:
            # Request and response are single small writes; Nagle would only add delay.
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn


def _host_header(scheme: str, hostname: str, port: int | None) -> str:
    host = f"[{hostname}]" if ":" in hostname else hostname
    if port is not None and port != (443 if scheme == "https" else 80):
        host = f"{host}:{port}"
    return host


def _peer_closed(sock: socket.socket) -> bool:
    """Whether an idle kept-alive socket is readable, which for an idle HTTP connection means EOF or reset."""
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(sock, select.POLLIN | select.POLLERR | select.POLLHUP)
            return bool(poller.poll(0))
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable)
    except (OSError, ValueError):
        return True
