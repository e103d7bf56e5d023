"""AWS Signature Version 4 request signing with the standard library only.

botocore's signer drags in ~200 ms of imports, which the ingress's cold start cannot afford. This is the
header-based variant (no presigned URLs, no chunked payloads), byte-for-byte what botocore's
`SigV4Auth` produces for the same request and time (a unit test holds them equal).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from datetime import datetime  # no cost: http.client, which every caller needs, has loaded it already
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

# Hop-by-hop and tracing headers: proxies and the HTTP layer may change or drop them, so signing them
# would break the signature. The same list botocore leaves out.
_UNSIGNED_HEADERS = frozenset({
    "baggage", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
    "traceparent", "tracestate", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
})
# Headers this module sets itself; stale copies from a previous attempt must not be signed again.
_OWN_HEADERS = frozenset({"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


class Credentials:
    """An access key pair and, for temporary credentials, the session token that goes with it."""

    __slots__ = ("access_key", "secret_key", "token")

    def __init__(self, access_key: str, secret_key: str, token: str | None = None) -> None:
        self.access_key = access_key
        self.secret_key = secret_key
        self.token = token or None

    def __repr__(self) -> str:
        # Never the secret or the token: reprs end up in logs and tracebacks.
        return f"Credentials(access_key={self.access_key!r}, token={'set' if self.token else None})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Credentials):
            return NotImplemented
        return (self.access_key, self.secret_key, self.token) == (other.access_key, other.secret_key, other.token)

    __hash__ = None  # type: ignore[assignment]  # mutable value object


def amz_date(now: float | datetime | None = None) -> str:
    """The `X-Amz-Date` form (20150830T123600Z) of `now`: epoch seconds, an aware datetime, or the clock."""
    if now is None:
        now = time.time()
    elif isinstance(now, datetime):
        now = now.timestamp()  # a naive datetime is taken as local time, as datetime itself does
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))


@lru_cache(maxsize=16)
def signing_key(secret_key: str, date: str, region: str, service: str) -> bytes:
    """The derived key for one day, region and service: four HMACs that only change daily, so cached."""
    key = _hmac(("AWS4" + secret_key).encode(), date)
    key = _hmac(key, region)
    key = _hmac(key, service)
    return _hmac(key, "aws4_request")


def sign(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    region: str,
    service: str,
    credentials: Credentials,
    now: float | datetime | None = None,
) -> dict[str, str]:
    """The headers to add to a request so AWS accepts it: Authorization, X-Amz-Date and, for
    temporary credentials, X-Amz-Security-Token.

    `headers` are the ones that will be sent (all but hop-by-hop ones are signed). If they hold no Host,
    the host is taken from `url` the way http.client sends it (port only when not the scheme's default).
    """
    stamp = amz_date(now)
    date = stamp[:8]
    parts = urlsplit(url)
    payload_hash = hashlib.sha256(body).hexdigest() if body else EMPTY_SHA256

    added = {"X-Amz-Date": stamp}
    if credentials.token:
        added["X-Amz-Security-Token"] = credentials.token

    signed: dict[str, list[str]] = {}
    for name, value in headers.items():
        lname = name.lower()
        if lname not in _UNSIGNED_HEADERS and lname not in _OWN_HEADERS:
            signed.setdefault(lname, []).append(value)
    for name, value in added.items():
        signed[name.lower()] = [value]
    if "host" not in signed:
        signed["host"] = [_host(parts.scheme, parts.hostname or "", parts.port)]

    names = sorted(signed)
    canonical_headers = "".join(f"{n}:{','.join(' '.join(v.split()) for v in signed[n])}\n" for n in names)
    signed_headers = ";".join(names)
    canonical_request = "\n".join((
        method.upper(),
        _canonical_path(parts.path),
        _canonical_query(parts.query),
        canonical_headers,
        signed_headers,
        payload_hash,
    ))
    scope = f"{date}/{region}/{service}/aws4_request"
    string_to_sign = "\n".join((ALGORITHM, stamp, scope, hashlib.sha256(canonical_request.encode()).hexdigest()))
    key = signing_key(credentials.secret_key, date, region, service)
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()

    added["Authorization"] = (
        f"{ALGORITHM} Credential={credentials.access_key}/{scope}, "
        f"SignedHeaders={signed_headers}, Signature={signature}"
    )
    return added


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def _host(scheme: str, hostname: str, port: int | None) -> str:
    host = f"[{hostname}]" if ":" in hostname else hostname  # an IPv6 literal keeps its brackets
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    return host


def _canonical_path(path: str) -> str:
    # Services other than S3 sign the path with dot segments and empty segments removed, and
    # percent-encoded once more on top of the encoding it already carries in the URL.
    if not path:
        return "/"
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment and segment != ".":
            segments.append(segment)
    normalized = "/" + "/".join(segments)
    if path.endswith("/") and segments:
        normalized += "/"
    return quote(normalized, safe="/~")


def _canonical_query(query: str) -> str:
    # Each name and value decoded, then encoded the SigV4 way (only unreserved characters left
    # bare), then sorted by name and value, so `a=x y` and `a=x%20y` sign the same.
    if not query:
        return ""
    pairs = []
    for item in query.split("&"):
        name, _, value = item.partition("=")
        pairs.append((quote(unquote(name), safe="-_.~"), quote(unquote(value), safe="-_.~")))
    return "&".join(f"{name}={value}" for name, value in sorted(pairs))
