"""The bot token of a workspace's installation, for the one thing the ingress sends Slack itself (OAuth mode).

A shortcut's form must be opened with `views.open` inside the 3 s its trigger_id lives, so the ingress cannot wait
for the worker: it reads the installation of the workspace the shortcut came from (its own, or its org's) through
the lean DynamoDB client, and keeps it a minute. It never refreshes a token (the worker does, well before expiry)
and never uses one that has expired or another workspace's: without a usable installation there is no form.
"""

from __future__ import annotations

import time

from bot.aws.errors import INSTALLATION_LOOKUP, AwsCallFailed
from bot.stores.installations import InstallationRecords, installation_key

CACHE_SECONDS = 60.0
EXPIRY_MARGIN_SECONDS = 5.0  # a token this close to its end is not worth a call that may outlast it


class NotInstalled(AwsCallFailed):
    """No usable installation for the workspace: the shortcut is acknowledged, and no form opens."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message, None, 1, operation=INSTALLATION_LOOKUP)


class InstallationTokens:
    def __init__(self, records: InstallationRecords, cache_seconds: float = CACHE_SECONDS) -> None:
        self.records = records
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, str, float]] = {}  # key -> (read at, token, expires at or 0)

    def bot_token(self, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool,
                  deadline: float | None = None) -> str:
        key = installation_key(enterprise_id, team_id, is_enterprise_install)
        now = time.time()
        cached = self._cache.get(key)
        if cached is not None and (now - cached[0] > self.cache_seconds or _expiring(cached[2], now)):
            cached = None  # stale, or its token is ending: the worker may have refreshed it by now
        if cached is None:
            cached = self._read(key, enterprise_id, team_id, is_enterprise_install, deadline, now)
        if _expiring(cached[2], now):
            self._cache.pop(key, None)
            raise NotInstalled("TokenExpired", f"the token of {key} is expiring")
        return cached[1]

    def _read(self, key: str, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool,
              deadline: float | None, now: float) -> tuple[float, str, float]:
        record = self.records.find(enterprise_id, team_id, is_enterprise_install, deadline=deadline)
        if record is None or not record.get("bot_token"):
            self._cache.pop(key, None)
            raise NotInstalled("NotInstalled", f"no installation for {key}")
        cached = (now, str(record["bot_token"]), float(record.get("bot_token_expires_at") or 0))
        self._cache[key] = cached
        return cached


def _expiring(expires_at: float, now: float) -> bool:
    return bool(expires_at) and expires_at - now < EXPIRY_MARGIN_SECONDS
