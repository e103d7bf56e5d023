"""slack_sdk's installation and OAuth state stores over Parley's own tables, so Bolt's OAuth flow (the oauth
function) and Bolt's `InstallationStoreAuthorize` (the worker) work unchanged on DynamoDB.

The installation store hands out only tokens that can be used: a rotating bot token within its margin of expiry is
refreshed here, by one caller across every worker (`InstallationRecords.claim_refresh`, a conditional write); the
others wait for the new token rather than spend the single-use refresh token twice. A token that has expired and
could not be refreshed is never handed out: the request fails, and its job is retried.

When an installation is removed (app_uninstalled, tokens_revoked), `on_removed` is told, so the workspace's data can
follow the documented policy.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from logging import Logger, getLogger
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.state_store import OAuthStateStore

from bot.stores.installations import InstallationRecords, Record
from bot.stores.oauth_states import OAuthStates

FIELDS = ("app_id", "enterprise_id", "enterprise_name", "enterprise_url", "team_id", "team_name", "bot_token",
          "bot_id", "bot_user_id", "bot_scopes", "bot_refresh_token", "bot_token_expires_at", "user_id",
          "user_scopes", "is_enterprise_install", "token_type", "installed_at")
BOT_FIELDS = ("app_id", "enterprise_id", "enterprise_name", "team_id", "team_name", "bot_token", "bot_id",
              "bot_user_id", "bot_scopes", "bot_refresh_token", "bot_token_expires_at", "is_enterprise_install",
              "installed_at")
# A rotating token is refreshed when less than this is left of it (or a third of its life, for short-lived ones)
REFRESH_MARGIN_SECONDS = 300
CLAIM_SECONDS = 10  # how long the one refreshing may take before another may try
WAIT_SECONDS = 5.0  # how long the others wait for its new token


class TokenUnavailable(Exception):
    """The installation's token has expired and no fresh one could be had: the request must be retried later."""


def record_of(installation: Installation) -> Record:
    record: Record = {}
    for name in FIELDS:
        value = getattr(installation, name, None)
        if name in ("bot_scopes", "user_scopes"):
            value = ",".join(value) if value else ""
        elif name in ("installed_at", "bot_token_expires_at") and value is not None:
            value = int(value)
        record[name] = value
    if record.get("bot_token_expires_at") and installation.installed_at:
        # slack_sdk keeps expires_in only as expires_at (installed_at + expires_in): the token's life, back
        record["bot_token_lifetime"] = max(int(record["bot_token_expires_at"] - installation.installed_at), 1)
    record["user_token"] = None  # Parley asks for no user scopes: it keeps no user token
    return record


def bot_of(record: Record) -> Bot:
    fields = {name: record.get(name) for name in BOT_FIELDS if record.get(name) is not None}
    fields["installed_at"] = float(fields.get("installed_at") or time.time())  # slack_sdk wants a float here
    return Bot(**{"bot_id": "", "bot_user_id": "", **fields})


def installation_of(record: Record) -> Installation:
    fields = {name: record.get(name) for name in FIELDS if record.get(name) is not None}
    fields.setdefault("user_id", "")
    fields["installed_at"] = float(fields.get("installed_at") or time.time())  # slack_sdk wants a float here
    return Installation(**fields)


def margin(record: Record) -> float:
    lifetime = float(record.get("bot_token_lifetime") or 0)
    return min(REFRESH_MARGIN_SECONDS, lifetime / 3) if lifetime else REFRESH_MARGIN_SECONDS


class TokenRefresher:
    """Keeps rotating bot tokens fresh: refreshes one when it nears expiry, once across all callers."""

    def __init__(self, records: InstallationRecords, client_id: str, client_secret: Callable[[], str],
                 client: WebClient) -> None:
        self.records = records
        self.client_id = client_id
        self.client_secret = client_secret
        self.client = client  # the Web API's base URL and retries; oauth.v2.access needs no token
        self.log = getLogger("parley.installations")

    def fresh(self, record: Record) -> Record:
        expires_at = record.get("bot_token_expires_at")
        if not expires_at or not record.get("bot_refresh_token"):
            return record  # a token that does not expire
        if float(expires_at) - time.time() > margin(record):
            return record
        key, version = record["key"], int(record["version"])
        if self.records.claim_refresh(key, version, CLAIM_SECONDS):
            return self._refresh(record)
        return self._wait_for_newer(record)

    def _refresh(self, record: Record) -> Record:
        try:
            answer = self.client.oauth_v2_access(client_id=self.client_id, client_secret=self.client_secret(),
                                                 grant_type="refresh_token",
                                                 refresh_token=record["bot_refresh_token"])
        except SlackApiError as error:
            self.log.error("token refresh failed", extra={"error": error.response.get("error"),
                                                         "installation": record["key"]})
            return self._usable(record)
        lifetime = int(answer.get("expires_in") or 0)
        fields = {"bot_token": answer["access_token"], "bot_refresh_token": answer.get("refresh_token"),
                  "bot_token_expires_at": int(time.time()) + lifetime, "bot_token_lifetime": lifetime}
        replaced = self.records.replace_tokens(record["key"], int(record["version"]), fields)
        self.log.info("token refreshed", extra={"installation": record["key"], "lifetime": lifetime})
        return replaced or self._usable({**record, **fields})

    def _wait_for_newer(self, record: Record) -> Record:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.1)
            newer = self.records.find(record.get("enterprise_id"), record.get("team_id"),
                                      bool(record.get("is_enterprise_install")))
            if newer is None:
                raise TokenUnavailable(f"installation {record['key']} is gone")
            if int(newer["version"]) > int(record["version"]):
                return newer
        return self._usable(record)

    @staticmethod
    def _usable(record: Record) -> Record:
        """The record as it is, if its token is still valid for a moment; never an expired token."""
        if float(record.get("bot_token_expires_at") or 0) > time.time() + 1:
            return record
        raise TokenUnavailable(f"the token of installation {record['key']} has expired and was not refreshed")


class RecordsInstallationStore(InstallationStore):
    """slack_sdk's InstallationStore over `InstallationRecords`; only fresh tokens come out of it."""

    def __init__(self, records: InstallationRecords, *, refresher: TokenRefresher | None = None,
                 on_removed: Callable[[str | None, str | None, bool], None] | None = None) -> None:
        self.records = records
        self.refresher = refresher
        self.on_removed = on_removed
        self._logger = getLogger("parley.installations")

    @property
    def logger(self) -> Logger:
        return self._logger

    def save(self, installation: Installation) -> None:
        self.records.save(record_of(installation))

    def save_bot(self, bot: Bot) -> None:
        found = self.records.find(bot.enterprise_id, bot.team_id, bool(bot.is_enterprise_install))
        record = {**(found or {}), **{name: getattr(bot, name, None) for name in BOT_FIELDS}}
        record["bot_scopes"] = ",".join(bot.bot_scopes) if bot.bot_scopes else ""
        record["installed_at"] = int(bot.installed_at)
        if record.get("bot_token_expires_at") is not None:
            record["bot_token_expires_at"] = int(record["bot_token_expires_at"])
        self.records.save({name: value for name, value in record.items() if name not in ("key", "version")})

    def find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                 is_enterprise_install: bool | None = False) -> Bot | None:
        record = self._fresh(enterprise_id, team_id, bool(is_enterprise_install))
        return bot_of(_handed_out(record)) if record and record.get("bot_token") else None

    def find_installation(self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None,
                          is_enterprise_install: bool | None = False) -> Installation | None:
        if user_id is not None:
            return None  # Parley keeps no user tokens: an installation per user does not exist
        record = self._fresh(enterprise_id, team_id, bool(is_enterprise_install))
        return installation_of(_handed_out(record)) if record else None

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.delete_all(enterprise_id=enterprise_id, team_id=team_id)

    def delete_installation(self, *, enterprise_id: str | None, team_id: str | None,
                            user_id: str | None = None) -> None:
        if user_id is None:
            self.delete_all(enterprise_id=enterprise_id, team_id=team_id)

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Remove the installation serving this workspace: its own, or its org's when the app is installed org-wide
        (an org-level event names no team)."""
        record = self.records.find(enterprise_id, team_id, is_enterprise_install=team_id is None)
        if record is None:
            return
        org_wide = bool(record.get("is_enterprise_install"))
        self.records.delete(record.get("enterprise_id"), record.get("team_id"), org_wide)
        self._logger.info("installation removed", extra={"installation": record["key"]})
        if self.on_removed is not None:
            self.on_removed(record.get("enterprise_id"), record.get("team_id"), org_wide)

    def _fresh(self, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool) -> Record | None:
        record = self.records.find(enterprise_id, team_id, is_enterprise_install)
        if record is None or self.refresher is None:
            return record
        return self.refresher.fresh(record)


def _handed_out(record: Record) -> Record:
    """What leaves the store: the fresh token, without the refresh token and its expiry. The store refreshes
    (once, across workers); Bolt, seeing a refresh token, would rotate it itself, each worker on its own."""
    return {**record, "bot_refresh_token": None, "bot_token_expires_at": None}


class RecordsOAuthStateStore(OAuthStateStore):
    """slack_sdk's OAuthStateStore over `OAuthStates` (signed, expiring, single-use)."""

    def __init__(self, states: OAuthStates) -> None:
        self.states = states
        self._logger = getLogger("parley.oauth")

    @property
    def logger(self) -> Logger:
        return self._logger

    def issue(self, *args: Any, **kwargs: Any) -> str:
        return self.states.issue()

    def consume(self, state: str) -> bool:
        return self.states.consume(state)
