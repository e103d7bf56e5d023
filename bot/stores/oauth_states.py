"""OAuth `state`: proof that an install that comes back to us is one we started, once, and not long ago.

A state is `<random>.<expires>.<hmac>`, signed with the app's client secret: a forged one is refused without a
read. It is also stored until it expires, and consumed by deleting it: a replayed one (the redirect URL seen in a
log, a browser's history) is refused. Standard library only.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Protocol

from bot.stores.table import EXPIRES_AT, Condition, DynamoTable

STATE_TTL_SECONDS = 10 * 60  # Slack's authorize screen, and a person reading it


class OAuthStates(Protocol):
    def issue(self, ttl_seconds: int = STATE_TTL_SECONDS) -> str: ...
    def consume(self, state: str) -> bool:
        """True once for a state this app issued and that has not expired; False for anything else."""
        ...


def _signed(key: str, nonce: str, expires: int) -> str:
    body = f"{nonce}.{expires}"
    return f"{body}.{hmac.new(key.encode(), body.encode(), hashlib.sha256).hexdigest()[:32]}"


def _verified(key: str, state: str, now: float) -> str | None:
    """The nonce of a well-signed, unexpired state, else None."""
    parts = state.split(".") if isinstance(state, str) else []
    if len(parts) != 3 or not parts[1].isdigit() or not hmac.compare_digest(
            _signed(key, parts[0], int(parts[1])), state):
        return None
    return parts[0] if int(parts[1]) > now else None


class _States:
    def __init__(self, key: str) -> None:
        if not key:
            raise ValueError("OAuth states are signed with the app's client secret: it is missing")
        self.key = key

    def _new(self, ttl_seconds: int) -> tuple[str, str, int]:
        nonce = secrets.token_urlsafe(24)
        expires = int(time.time()) + ttl_seconds
        return nonce, _signed(self.key, nonce, expires), expires


class MemoryOAuthStates(_States):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self._open: dict[str, int] = {}

    def issue(self, ttl_seconds: int = STATE_TTL_SECONDS) -> str:
        nonce, state, expires = self._new(ttl_seconds)
        self._open[nonce] = expires
        return state

    def consume(self, state: str) -> bool:
        nonce = _verified(self.key, state, time.time())
        return nonce is not None and self._open.pop(nonce, 0) > time.time()


class DynamoOAuthStates(_States):
    """Items `{key: state#<nonce>, expires_at}` in the stage's OAuth states table."""

    def __init__(self, table: DynamoTable, key: str) -> None:
        super().__init__(key)
        self.table = table

    def issue(self, ttl_seconds: int = STATE_TTL_SECONDS) -> str:
        nonce, state, expires = self._new(ttl_seconds)
        self.table.put({"key": f"state#{nonce}", EXPIRES_AT: expires})
        return state

    def consume(self, state: str) -> bool:
        now = time.time()
        nonce = _verified(self.key, state, now)
        if nonce is None:
            return False
        live = Condition("attribute_exists(#key) AND #expires > :now", {"#key": "key", "#expires": EXPIRES_AT},
                         {":now": int(now)})
        return self.table.delete({"key": f"state#{nonce}"}, live) is not None
