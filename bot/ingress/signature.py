"""Slack request signing (v0), verified with the standard library, in two steps.

`v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`; requests older or newer than five minutes
are refused so a captured request cannot be replayed later.

`header_problem` needs no secret: missing or malformed headers and stale timestamps are refused
before the signing secret is fetched, so unsigned requests never cost an SSM call. `hmac_problem`
then checks the signature itself.
"""

from __future__ import annotations

import hashlib
import hmac

MAX_CLOCK_SKEW_SECONDS = 300
VERSION = "v0="
_HEX_DIGITS = frozenset("0123456789abcdef")
_DIGEST_LENGTH = 64  # hex characters of a SHA-256 digest
_MAX_TIMESTAMP_DIGITS = 12  # epoch seconds have 10 digits until the year 2286


def compute_signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return VERSION + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def header_problem(timestamp: str | None, signature: str | None, now: float) -> str | None:
    """Why the headers cannot carry Slack's signature (missing, malformed, stale), or None when they may."""
    if not timestamp or not signature:
        return "missing signature headers"
    # Slack sends epoch seconds as plain digits; int() would also take " 12", "+12" and "1_2"
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= _MAX_TIMESTAMP_DIGITS):
        return "malformed timestamp"
    digest = signature[len(VERSION):]
    if not signature.startswith(VERSION) or len(digest) != _DIGEST_LENGTH or not _HEX_DIGITS.issuperset(digest):
        return "malformed signature"
    if not now - MAX_CLOCK_SKEW_SECONDS <= int(timestamp) <= now + MAX_CLOCK_SKEW_SECONDS:
        return "stale timestamp"
    return None


def hmac_problem(secret: str, timestamp: str, signature: str, body: bytes) -> str | None:
    """Why the signature is not Slack's over this body (headers `header_problem` accepted), or None when it is."""
    # compare_digest takes constant time, so the comparison leaks nothing about the right signature
    expected = compute_signature(secret, timestamp, body)
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "surrogatepass")):
        return "signature mismatch"
    return None
