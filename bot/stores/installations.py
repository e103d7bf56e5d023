"""Where the app is installed (OAuth mode): one record per installation, with the bot token to answer there.

Slack identifies an installation by its enterprise and team: a workspace's own install (`slack:<E or ->:<T>`), or,
on Enterprise Grid, an org-wide install (`is_enterprise_install`) that serves every workspace of the org
(`slack:<E>:-`). A request from a team of an enterprise finds the team's own install first, then the org's.

A record is a plain dict of what slack_sdk's `Installation` holds (tokens, bot ids, scopes, the installer, names)
plus `version`, which every token change raises: refreshing a rotating token is a conditional write on it, so
several workers at it refresh once (`claim_refresh`, then `replace_tokens`). The table is encrypted with the stage's
own KMS key; tokens never reach a log line (`redacted`). Standard library only: the ingress reads it too.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Protocol

from bot.stores.keys import workspace_key
from bot.stores.table import Condition, DynamoTable

Record = dict[str, Any]
SECRET_FIELDS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")


def installation_key(enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool = False) -> str:
    """The key of the installation serving this enterprise and team (the org's, for an org-wide install)."""
    if is_enterprise_install:
        return workspace_key("slack", None, enterprise_id)
    return workspace_key("slack", team_id, enterprise_id)


def candidate_keys(enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool) -> list[str]:
    """Where to look, best first: the workspace's own install, then its org's."""
    if is_enterprise_install or not team_id:
        return [installation_key(enterprise_id, None, True)] if enterprise_id else []
    keys = [installation_key(enterprise_id, team_id)]
    if enterprise_id:
        keys.append(installation_key(enterprise_id, None, True))
    return keys


def redacted(record: Record) -> Record:
    """The record as a log line may show it: no token, no refresh token."""
    return {name: ("(redacted)" if name in SECRET_FIELDS and value else value) for name, value in record.items()}


class InstallationRecords(Protocol):
    def save(self, record: Record) -> None:
        """Store an installation (a new one, or a reinstall replacing the old one)."""
        ...

    def find(self, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool = False, *,
             deadline: float | None = None) -> Record | None:
        """The installation serving this workspace (`deadline`: the request's, a time.monotonic() instant)."""
        ...

    def delete(self, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool = False) -> None: ...

    def claim_refresh(self, key: str, version: int, seconds: float) -> bool:
        """True for the one caller that may refresh this version's token now (others wait for the new version)."""
        ...

    def replace_tokens(self, key: str, version: int, fields: Record) -> Record | None:
        """Put a refreshed token in, if the record is still at `version`; the new record, else None."""
        ...


def _key_of(record: Record) -> str:
    return installation_key(record.get("enterprise_id"), record.get("team_id"),
                            bool(record.get("is_enterprise_install")))


class MemoryInstallationRecords:
    """In this process, and as atomic as DynamoDB's conditional writes (a lock): tests race workers on it."""

    def __init__(self) -> None:
        self._records: dict[str, Record] = {}
        self._claims: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def save(self, record: Record) -> None:
        key = _key_of(record)
        with self._lock:
            version = int(self._records.get(key, {}).get("version", 0)) + 1
            self._records[key] = {**record, "key": key, "version": version}

    def find(self, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool = False, *,
             deadline: float | None = None) -> Record | None:
        for key in candidate_keys(enterprise_id, team_id, is_enterprise_install):
            if key in self._records:
                return dict(self._records[key])
        return None

    def delete(self, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool = False) -> None:
        self._records.pop(installation_key(enterprise_id, team_id, is_enterprise_install), None)

    def claim_refresh(self, key: str, version: int, seconds: float) -> bool:
        with self._lock:
            record = self._records.get(key)
            claim = self._claims.get(key)
            if record is None or record["version"] != version or (claim and claim[0] == version and
                                                                   claim[1] > time.time()):
                return False
            self._claims[key] = (version, time.time() + seconds)
            return True

    def replace_tokens(self, key: str, version: int, fields: Record) -> Record | None:
        with self._lock:
            record = self._records.get(key)
            if record is None or record["version"] != version:
                return None
            self._records[key] = {**record, **fields, "version": version + 1}
            return dict(self._records[key])


class DynamoInstallationRecords:
    """Items `{key, record: {...}, version, refreshing_until}` in the stage's installations table."""

    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def save(self, record: Record) -> None:
        key = _key_of(record)
        # a reinstall replaces the record; its version moves on, so a refresh claimed on the old one cannot land
        self.table.update({"key": key}, "SET #record = :record ADD #version :one REMOVE refreshing_until",
                          names={"#record": "record", "#version": "version"},
                          values={":record": {**record, "key": key}, ":one": 1})

    def find(self, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool = False, *,
             deadline: float | None = None) -> Record | None:
        for key in candidate_keys(enterprise_id, team_id, is_enterprise_install):
            item = self.table.get({"key": key}, deadline=deadline)
            if item and isinstance(item.get("record"), dict):
                return {**item["record"], "key": key, "version": int(item.get("version", 0))}
        return None

    def delete(self, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool = False) -> None:
        self.table.delete({"key": installation_key(enterprise_id, team_id, is_enterprise_install)})

    def claim_refresh(self, key: str, version: int, seconds: float) -> bool:
        now = time.time()
        claim = Condition("#version = :version AND (attribute_not_exists(refreshing_until) OR refreshing_until < :now)",
                          {"#version": "version"}, {":version": version, ":now": int(now)})
        return self.table.update({"key": key}, "SET refreshing_until = :until", values={":until": int(now + seconds)},
                                 condition=claim) is not None

    def replace_tokens(self, key: str, version: int, fields: Record) -> Record | None:
        names = {"#record": "record", "#version": "version"}
        values: dict[str, object] = {":one": 1}
        sets = []
        for index, (name, value) in enumerate(sorted(fields.items())):
            names[f"#f{index}"] = name
            values[f":f{index}"] = value
            sets.append(f"#record.#f{index} = :f{index}")
        new = self.table.update({"key": key}, f"SET {', '.join(sets)} ADD #version :one REMOVE refreshing_until",
                                names=names, values=values,
                                condition=Condition("#version = :version", {"#version": "version"},
                                                    {":version": version}))
        if new is None:
            return None
        return {**new["record"], "key": key, "version": int(new.get("version", 0))}
