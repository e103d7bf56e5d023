"""Installations of the app and the tokens Slack issued for them: whom a token speaks for, and whether it still works.

An installation is the app in one workspace or, on Enterprise Grid, in a whole org (an org-wide install: it names the
enterprise and no team, and reaches every workspace of the org). It holds grants: the bot's, and one per person who
authorised user scopes. A grant issues access tokens. Without token rotation a token lasts until revoked; with it
(`ttl` seconds), each access token is an expiring `xoxe.xoxb-...` (or `xoxe.xoxp-...`) and comes with a single-use
`xoxe-1-...` refresh token that buys the next pair, as Slack's token rotation does. Revoking a grant (auth.revoke,
an uninstall) kills every token it issued and its refresh token.

Failure policy, on every call: an unknown token is `invalid_auth`, a revoked one `token_revoked`, one past its expiry
`token_expired`; a refresh token used twice, or of a revoked grant, `invalid_refresh_token`. An earlier access token
of a grant keeps working until its own expiry after a refresh, so one worker's refresh does not fail another's call.

Not thread-safe on its own: the stand-in calls it under its lock. Tokens never leave this module except to the
client that was issued them (oauth.v2.access) and, as a short fingerprint, to the control API.
"""

from __future__ import annotations

import hashlib
import secrets
import string
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from bot.local.standin.errors import Json, SlackError
from bot.local.standin.workspaces import Directory, Enterprise, Workspace

Kind = Literal["bot", "user"]
Key = tuple[str | None, str | None]  # (enterprise id, team id); an org-wide install has no team
_ALPHANUMERIC = string.ascii_letters + string.digits


@dataclass(eq=False)
class Grant:
    """The bot's (or one person's) authorisation within an installation: scopes, and the tokens issued for them."""

    kind: Kind
    user_id: str  # the bot user, or the person who authorised user scopes
    installation: Installation
    scopes: frozenset[str] | None  # None: every scope (a token given at start, as an internal app's)
    ttl: int | None = None  # seconds an access token lasts; None: no rotation
    refresh_token: str | None = None
    revoked: bool = False

    @property
    def scope(self) -> str:
        return ",".join(sorted(self.scopes or ()))

    def allows(self, scope: str | None) -> bool:
        return scope is None or self.scopes is None or scope in self.scopes


@dataclass(eq=False)
class Token:
    value: str
    grant: Grant
    expires_at: float | None

    def state(self, now: float) -> str:
        if self.grant.revoked:
            return "revoked"
        if self.expires_at is not None and now >= self.expires_at:
            return "expired"
        return "active"

    def describe(self, now: float) -> Json:
        """For the control API: never the token itself."""
        return {"kind": self.grant.kind, "user_id": self.grant.user_id, "state": self.state(now),
                "expires_at": self.expires_at, "fingerprint": fingerprint(self.value)}


@dataclass(eq=False)
class Installation:
    team: Workspace | None  # None for an org-wide install
    enterprise: Enterprise | None
    installer: str
    installed_at: float
    bot: Grant | None = None
    users: dict[str, Grant] = field(default_factory=dict)

    @property
    def is_enterprise_install(self) -> bool:
        return self.team is None

    @property
    def key(self) -> Key:
        return (self.enterprise.id if self.enterprise else None, self.team.id if self.team else None)

    @property
    def bot_user_id(self) -> str:
        owner = self.team or self.enterprise
        assert owner is not None
        return owner.bot_user_id

    @property
    def bot_id(self) -> str:
        owner = self.team or self.enterprise
        assert owner is not None
        return owner.bot_id

    def reaches(self, workspace: Workspace) -> bool:
        """A workspace install reaches its workspace; an org-wide install every workspace of its org."""
        if self.team is not None:
            return workspace.id == self.team.id
        return self.enterprise is not None and workspace.enterprise_id == self.enterprise.id

    def grants(self) -> list[Grant]:
        return ([self.bot] if self.bot else []) + list(self.users.values())

    def identity(self) -> Json:
        """team / enterprise / is_enterprise_install, as oauth.v2.access and the control API name them."""
        return {"team": self.team.ref() if self.team else None,
                "enterprise": self.enterprise.ref() if self.enterprise else None,
                "is_enterprise_install": self.is_enterprise_install}


@dataclass
class Issued:
    """What one install or refresh handed out: the new access token and, with rotation, its refresh token."""

    token: Token
    refresh_token: str | None
    expires_in: int | None


class Installations:
    """Every installation of the app, its grants and tokens."""

    def __init__(self, directory: Directory, clock: Callable[[], float] = time.time) -> None:
        self.directory = directory
        self.clock = clock
        self.ttl: int | None = None  # token rotation: tokens issued from now on expire after ttl seconds
        self._installations: dict[Key, Installation] = {}
        self._tokens: dict[str, Token] = {}
        self._refresh_tokens: dict[str, Grant] = {}

    # -- installing ----------------------------------------------------------------------------------------------

    def install(self, target: Workspace | Enterprise, installer: str, bot_scopes: Iterable[str],
                user_scopes: Iterable[str] = ()) -> tuple[Installation, Issued | None, Issued | None]:
        """Install (or reinstall) the app into a workspace or, for an Enterprise, org-wide: (installation, what the
        bot got, what the installer got). A reinstall keeps the bot user and adds scopes; without rotation the bot
        keeps its token, as Slack does."""
        installation = self._installation_for(target, installer)
        bot_scopes, user_scopes = frozenset(bot_scopes), frozenset(user_scopes)
        bot = self._authorise(installation, "bot", installation.bot_user_id, bot_scopes) if bot_scopes else None
        user = self._authorise(installation, "user", installer, user_scopes) if user_scopes else None
        return installation, bot, user

    def preset(self, token: str, workspace: Workspace) -> Installation:
        """The bot token an internal app is given at start: `workspace`'s, every scope, never expiring."""
        installation = self._installation_for(workspace, workspace.users[0].id if workspace.users else "")
        if installation.bot is None or installation.bot.revoked:
            installation.bot = Grant("bot", installation.bot_user_id, installation, None)
        self._tokens[token] = Token(token, installation.bot, None)
        return installation

    def workflow_token(self, installation: Installation, ttl: int) -> str:
        """A workflow token (`xwfp-`), as a `function_executed` event carries it: the bot's, for one step's run."""
        if installation.bot is None or installation.bot.revoked:
            raise ValueError("the app has no bot in this installation")
        value = f"xwfp-{secrets.randbelow(10**12):012d}-{_random(32)}"
        self._tokens[value] = Token(value, installation.bot, self.clock() + ttl)
        return value

    def replace_token(self, old_grant: Grant, token: str) -> None:
        """Only `token` is valid for the grant from now on (an admin regenerated it): the old ones are unknown."""
        for value in [v for v, t in self._tokens.items() if t.grant is old_grant]:
            del self._tokens[value]
        self._tokens[token] = Token(token, old_grant, None)

    def _installation_for(self, target: Workspace | Enterprise, installer: str) -> Installation:
        if isinstance(target, Workspace):
            team, enterprise = target, self.directory.enterprise_of(target)
        else:
            team, enterprise = None, target
        key = (enterprise.id if enterprise else None, team.id if team else None)
        installation = self._installations.get(key)
        if installation is None:
            installation = Installation(team, enterprise, installer, self.clock())
            self._installations[key] = installation
        installation.installer = installer  # who installed it last
        return installation

    def _authorise(self, installation: Installation, kind: Kind, user_id: str, scopes: frozenset[str]) -> Issued:
        grant = installation.bot if kind == "bot" else installation.users.get(user_id)
        if grant is None or grant.revoked:
            grant = Grant(kind, user_id, installation, scopes, self.ttl)
            if kind == "bot":
                installation.bot = grant
            else:
                installation.users[user_id] = grant
        else:
            grant.scopes = None if grant.scopes is None else grant.scopes | scopes
            grant.ttl = self.ttl
        if grant.ttl is None:
            current = next((t for t in self._tokens.values() if t.grant is grant and t.expires_at is None), None)
            if current is not None:
                return Issued(current, None, None)
        return self._issue(grant)

    def _issue(self, grant: Grant) -> Issued:
        prefix = "xoxb" if grant.kind == "bot" else "xoxp"
        if grant.ttl is None:
            value = f"{prefix}-{secrets.randbelow(10**12):012d}-{secrets.randbelow(10**13):013d}-{_random(24)}"
            token = Token(value, grant, None)
        else:
            token = Token(f"xoxe.{prefix}-1-{_random(40)}", grant, self.clock() + grant.ttl)
            if grant.refresh_token is not None:
                self._refresh_tokens.pop(grant.refresh_token, None)
            grant.refresh_token = f"xoxe-1-{_random(48)}"
            self._refresh_tokens[grant.refresh_token] = grant
        self._tokens[token.value] = token
        return Issued(token, grant.refresh_token, grant.ttl)

    # -- using ---------------------------------------------------------------------------------------------------

    def lookup(self, value: str) -> Token | None:
        """The token, whatever its state (to say whose it was); `check` is what a call must pass."""
        return self._tokens.get(value)

    def check(self, value: str) -> Token:
        """The token of a Web API call, or Slack's refusal of it."""
        token = self._tokens.get(value)
        if token is None:
            raise SlackError("invalid_auth")
        state = token.state(self.clock())
        if state == "revoked":
            raise SlackError("token_revoked")
        if state == "expired":
            raise SlackError("token_expired")
        return token

    def refresh(self, refresh_token: str | None) -> tuple[Grant, Issued]:
        """A new access token and refresh token for a grant; the refresh token given is spent."""
        grant = self._refresh_tokens.pop(refresh_token or "", None)
        if grant is None or grant.revoked or grant.ttl is None:
            raise SlackError("invalid_refresh_token")
        grant.refresh_token = None
        return grant, self._issue(grant)

    # -- ending --------------------------------------------------------------------------------------------------

    def revoke(self, grant: Grant) -> None:
        """Every token of the grant stops working, its refresh token too."""
        grant.revoked = True
        if grant.refresh_token is not None:
            self._refresh_tokens.pop(grant.refresh_token, None)
            grant.refresh_token = None

    def uninstall(self, installation: Installation) -> list[Grant]:
        """Revoke every grant of the installation and forget it: the grants that were live."""
        live = [grant for grant in installation.grants() if not grant.revoked]
        for grant in live:
            self.revoke(grant)
        self._installations.pop(installation.key, None)
        return live

    def expire(self, installation: Installation | None = None) -> int:
        """Make the live expiring tokens (of one installation, or all) expire now: how many did."""
        now = self.clock()
        count = 0
        for token in self._tokens.values():
            if (installation is None or token.grant.installation is installation) and token.expires_at is not None \
                    and token.state(now) == "active":
                token.expires_at = now
                count += 1
        return count

    # -- looking up ----------------------------------------------------------------------------------------------

    def find(self, team: str | None = None, enterprise: str | None = None) -> Installation | None:
        """An installation by team id (a workspace install) or enterprise id alone (an org-wide install)."""
        if team is not None:
            return next((i for i in self._installations.values() if i.team and i.team.id == team), None)
        return self._installations.get((enterprise, None)) if enterprise is not None else None

    def all(self) -> list[Installation]:
        return list(self._installations.values())

    def describe(self, installation: Installation) -> Json:
        now = self.clock()
        tokens = [t.describe(now) for t in self._tokens.values() if t.grant.installation is installation]
        return {**installation.identity(), "bot_user_id": installation.bot_user_id, "bot_id": installation.bot_id,
                "installer": installation.installer, "installed_at": installation.installed_at,
                "scope": installation.bot.scope if installation.bot else "",
                "user_scopes": {u: g.scope for u, g in installation.users.items() if not g.revoked},
                "rotating": bool(installation.bot and installation.bot.ttl), "tokens": tokens}


def fingerprint(token: str) -> str:
    """A short, stable stand-in for a token in listings and logs: the first 12 hex digits of its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()[:12]


def _random(length: int) -> str:
    return "".join(secrets.choice(_ALPHANUMERIC) for _ in range(length))
