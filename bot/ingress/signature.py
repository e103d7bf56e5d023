"""Slack request signing (v0), verified with the standard library.

`v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`; requests older or newer than five minutes
are refused so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac

MAX_CLOCK_SKEW_SECONDS = 300


def compute_signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signature_problem(secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float) -> str | None:
    """Why the request is not Slack's, or None when the signature holds."""
    if not timestamp or not signature:
        return "missing signature headers"
    try:
        sent_at = int(timestamp)
    except ValueError:
        return "malformed timestamp"
    # compared, not subtracted: an int and a float compare exactly, while a 400-digit int overflows a float
    if not now - MAX_CLOCK_SKEW_SECONDS <= sent_at <= now + MAX_CLOCK_SKEW_SECONDS:
        return "stale timestamp"
    # compare_digest takes constant time, so the comparison leaks nothing about the right signature;
    # surrogatepass: a header holding a lone surrogate is a mismatch, not an encoding error
    expected = compute_signature(secret, timestamp, body).encode()
    if not hmac.compare_digest(expected, signature.encode("utf-8", "surrogatepass")):
        return "signature mismatch"
    return None
