"""Who is on the line, when someone trustworthy vouches for it: a signed caller assertion.

Lex tells the code hook nothing about its caller that the caller could not have chosen: the session id, session
attributes and request attributes are all the client's. So Parley believes a caller id only when it comes signed
with the stage's caller key, by a party that knows who the caller is: the web app's backend after its own login,
or the Amazon Connect contact flow's signing function for the number Connect reports. The assertion travels as the
`x-parley-caller` request (or session) attribute:

    v1.<subject, base64url>.<expires, unix seconds>.<hex HMAC-SHA256 over "v1.<subject b64>.<expires>">

`subject` names the caller in the signer's terms (`tel:+15550100`, `web:<user id>`). Without a valid assertion the
caller is anonymous, scoped to their Lex session. Standard library only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time

ATTRIBUTE = "x-parley-caller"
VERSION = "v1"
MAX_LIFETIME_SECONDS = 24 * 60 * 60  # an assertion is for a call or a session, not a standing credential
MAX_SUBJECT = 200


def sign_caller(subject: str, key: str, *, ttl_seconds: int = 3600, now: float | None = None) -> str:
    """An assertion that `subject` is the caller, for `ttl_seconds` (what a trusted signer runs)."""
    if not subject or len(subject) > MAX_SUBJECT:
        raise ValueError("a caller subject is 1 to 200 characters")
    expires = int((time.time() if now is None else now) + min(ttl_seconds, MAX_LIFETIME_SECONDS))
    encoded = base64.urlsafe_b64encode(subject.encode()).decode().rstrip("=")
    signed = f"{VERSION}.{encoded}.{expires}"
    return f"{signed}.{_mac(key, signed)}"


def verified_caller(assertion: object, key: str | None, *, now: float | None = None) -> str | None:
    """The subject of a valid, unexpired assertion signed with `key`; None for anything else (or no key)."""
    if not key or not isinstance(assertion, str) or assertion.count(".") != 3:
        return None
    version, encoded, expires, mac = assertion.split(".")
    signed = f"{version}.{encoded}.{expires}"
    if version != VERSION or not hmac.compare_digest(_mac(key, signed), mac):
        return None
    moment = time.time() if now is None else now
    if not expires.isdigit() or not moment < int(expires) <= moment + MAX_LIFETIME_SECONDS:
        return None
    try:
        subject = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return subject if 0 < len(subject) <= MAX_SUBJECT and subject.isprintable() else None


def _mac(key: str, signed: str) -> str:
    return hmac.new(key.encode(), signed.encode(), hashlib.sha256).hexdigest()
