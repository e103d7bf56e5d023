"""Voice callers linked to Slack people: one-time link codes, and the links they make, both with an expiry.

A Lex caller cannot be trusted to say who they are: session attributes and session ids are the client's to set.
So a Slack person (whom Slack's signed request identifies) asks the bot for a short one-time code, says it to the
voice bot, and the caller (their verified caller id, or failing that their Lex session) is linked to that person
here, server-side, for a while. See the README's Security section for the whole flow.

One table, two kinds of record: `code#<digits>` -> the person it was issued to (minutes), and the caller's key
(`lex:-:<bot>#caller#<caller id>`) -> the person (hours or days). A code is redeemed by deleting it, atomically,
so it works once. People are plain dicts here (`Person.to_dict()`); the conversation package gives them meaning.
"""

from __future__ import annotations

import secrets
import time
from typing import Any, Protocol

from bot.stores.table import EXPIRES_AT, Condition, DynamoTable

CODE_DIGITS = 6
CODE_TTL_SECONDS = 10 * 60
_ISSUE_ATTEMPTS = 5  # a fresh code colliding with a live one is a one-in-a-million chance; try a few


class LinkStore(Protocol):
    def issue_code(self, person: dict[str, str], ttl_seconds: int = CODE_TTL_SECONDS) -> str: ...
    def redeem(self, code: str) -> dict[str, str] | None: ...
    def link(self, caller: str, person: dict[str, str], ttl_seconds: int) -> None: ...
    def linked(self, caller: str) -> dict[str, str] | None: ...
    def unlink(self, caller: str) -> None: ...


def new_code() -> str:
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def code_key(code: str) -> str:
    return f"code#{code}"


class MemoryLinkStore:
    def __init__(self) -> None:
        self._records: dict[str, tuple[float, dict[str, str]]] = {}

    def issue_code(self, person: dict[str, str], ttl_seconds: int = CODE_TTL_SECONDS) -> str:
        for _ in range(_ISSUE_ATTEMPTS):
            code = new_code()
            if self._live(code_key(code)) is None:
                self._records[code_key(code)] = (time.time() + ttl_seconds, dict(person))
                return code
        raise RuntimeError("no free link code")

    def redeem(self, code: str) -> dict[str, str] | None:
        person = self._live(code_key(code))
        self._records.pop(code_key(code), None)
        return person

    def link(self, caller: str, person: dict[str, str], ttl_seconds: int) -> None:
        self._records[caller] = (time.time() + ttl_seconds, dict(person))

    def linked(self, caller: str) -> dict[str, str] | None:
        return self._live(caller)

    def unlink(self, caller: str) -> None:
        self._records.pop(caller, None)

    def _live(self, key: str) -> dict[str, str] | None:
        record = self._records.get(key)
        return dict(record[1]) if record and record[0] > time.time() else None


class DynamoLinkStore:
    """Items `{key, person, expires_at}` in the stage's links table."""

    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def issue_code(self, person: dict[str, str], ttl_seconds: int = CODE_TTL_SECONDS) -> str:
        now = int(time.time())
        # A code may be reused once the last holder's has expired (TTL deletes late)
        free = Condition("attribute_not_exists(#key) OR #expires < :now", {"#key": "key", "#expires": EXPIRES_AT},
                         {":now": now})
        for _ in range(_ISSUE_ATTEMPTS):
            code = new_code()
            if self.table.put({"key": code_key(code), "person": dict(person), EXPIRES_AT: now + ttl_seconds}, free):
                return code
        raise RuntimeError("no free link code")

    def redeem(self, code: str) -> dict[str, str] | None:
        live = Condition("attribute_exists(#key) AND #expires >= :now", {"#key": "key", "#expires": EXPIRES_AT},
                         {":now": int(time.time())})
        old = self.table.delete({"key": code_key(code)}, live)
        return _person(old)

    def link(self, caller: str, person: dict[str, str], ttl_seconds: int) -> None:
        self.table.put({"key": caller, "person": dict(person), EXPIRES_AT: int(time.time()) + ttl_seconds})

    def linked(self, caller: str) -> dict[str, str] | None:
        item = self.table.get({"key": caller})
        if not item or int(item.get(EXPIRES_AT, 0)) < time.time():
            return None
        return _person(item)

    def unlink(self, caller: str) -> None:
        self.table.delete({"key": caller})


def _person(item: dict[str, Any] | None) -> dict[str, str] | None:
    person = (item or {}).get("person")
    return {str(k): str(v) for k, v in person.items()} if isinstance(person, dict) else None
