"""OAuth v2 as Slack runs it: the authorize redirect, and oauth.v2.access's code grant and refresh grant.

Slack's flow (docs.slack.dev/authentication/installing-with-oauth): the app sends a person to
`https://slack.com/oauth/v2/authorize?client_id&scope&user_scope&state&redirect_uri`; after they click Allow, Slack
redirects to `redirect_uri?code=...&state=...` (or `?error=access_denied&state=...`), and the app exchanges the code
with `oauth.v2.access` for the installation's tokens. Locally nobody clicks Allow: `GET /oauth/v2/authorize` answers at
once with the redirect Slack would send after the click, for the install the local kit chose (in this order: the
choice queued with `choose_next` / `POST /_install/next`, the `team=T...` or `enterprise=E...` query parameter (an
org-wide install), the first workspace), or with `error=access_denied` when told to deny.

Kept exactly to Slack's documented rules, because the app's real OAuth flow (Bolt, slack_sdk) runs against it:
- a code works once and for ten minutes, for the client it was issued to: otherwise `invalid_code`;
- the client id and secret come as HTTP Basic auth (what slack_sdk sends) or as form fields:
  `invalid_client_id`, `bad_client_secret`;
- a redirect_uri sent to authorize must be sent again, the same, to oauth.v2.access: `bad_redirect_uri`;
- `grant_type=refresh_token` trades a single-use refresh token for a new token pair: `invalid_refresh_token` when
  unknown, spent or revoked; any other grant_type is `invalid_grant_type`;
- a workspace of an org where the app is installed org-wide cannot get a workspace install:
  `cannot_install_an_org_installed_app`.
The authorize page refuses (a 400 page, no redirect) an unknown client id, no scopes, or a redirect_uri that is not on
this machine or not under the app's configured redirect URLs.
"""

from __future__ import annotations

import secrets
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.local.standin.errors import Json, SlackError
from bot.local.standin.httpd import Reply, page
from bot.local.standin.installations import Installation, Installations, Issued
from bot.local.standin.loopback import is_loopback
from bot.local.standin.workspaces import Enterprise, Workspace

CODE_LIFETIME = 600.0  # Slack: a code expires ten minutes after it is issued


@dataclass
class InstallChoice:
    """What the person at the authorize page would pick: a workspace, or an org for an org-wide install, as whom;
    or Cancel."""

    team: str | None = None
    enterprise: str | None = None
    user: str | None = None
    deny: bool = False

    @classmethod
    def from_spec(cls, spec: Mapping[str, object]) -> InstallChoice:
        unknown = set(spec) - {"team", "enterprise", "user", "deny"}
        if unknown:
            raise ValueError(f"unknown install choice fields: {', '.join(sorted(unknown))}")
        choice = cls(*(_optional_text(spec, name) for name in ("team", "enterprise", "user")),
                     deny=spec.get("deny") is True)
        if choice.team and choice.enterprise:
            raise ValueError("choose a team (a workspace install) or an enterprise (org-wide), not both")
        return choice


@dataclass
class _Code:
    value: str
    target: Workspace | Enterprise
    installer: str
    scopes: frozenset[str]
    user_scopes: frozenset[str]
    redirect_uri: str  # where it was sent
    redirect_uri_given: bool  # the authorize request named it, so the exchange must too
    expires_at: float
    used: bool = False


@dataclass
class Authorized:
    """The authorize page's answer, and the install it is for (None when refused or denied)."""

    reply: Reply
    target: Workspace | Enterprise | None = None
    error: str | None = None


@dataclass
class OAuth:
    installations: Installations
    redirect_urls: tuple[str, ...] = ()  # the app's configured redirect URLs; () accepts any loopback URL
    _choices: list[InstallChoice] = field(default_factory=list)
    _codes: dict[str, _Code] = field(default_factory=dict)

    def choose_next(self, choice: InstallChoice) -> None:
        """The next authorize request installs this (choices queue up, one per request)."""
        # an unknown team, enterprise or person is refused now, not at the authorize page
        self.installer_for(self._target(choice, {}), choice.user)
        self._choices.append(choice)

    def pending_choices(self) -> list[Json]:
        return [vars(choice).copy() for choice in self._choices]

    def clear_choices(self) -> None:
        self._choices.clear()

    # -- the authorize page --------------------------------------------------------------------------------------

    def authorize(self, query: Mapping[str, str]) -> Authorized:
        app = self.installations.directory.app
        if query.get("client_id") != app.client_id:
            return Authorized(page(400, "Invalid client_id parameter"), error="invalid_client_id")
        redirect_uri = query.get("redirect_uri") or (self.redirect_urls[0] if self.redirect_urls else "")
        if not self._redirect_allowed(redirect_uri):
            return Authorized(page(400, "redirect_uri did not match any configured URIs"), error="bad_redirect_uri")
        scopes, user_scopes = _scopes(query.get("scope")), _scopes(query.get("user_scope"))
        if not scopes and not user_scopes:
            return Authorized(page(400, "No scopes requested"), error="invalid_scope")
        choice = self._choices.pop(0) if self._choices else InstallChoice()
        state = query.get("state")
        if choice.deny:
            return Authorized(_redirect(redirect_uri, error="access_denied", state=state), error="access_denied")
        try:
            target = self._target(choice, query)
            installer = self.installer_for(target, choice.user)
        except ValueError as exc:
            return Authorized(page(400, str(exc)), error="invalid_team")
        code = _Code(_new_code(), target, installer, scopes, user_scopes, redirect_uri,
                     bool(query.get("redirect_uri")), self.installations.clock() + CODE_LIFETIME)
        self._codes[code.value] = code
        return Authorized(_redirect(redirect_uri, code=code.value, state=state), target)

    def _redirect_allowed(self, redirect_uri: str) -> bool:
        if not redirect_uri or not is_loopback(redirect_uri):
            return False  # nothing may send a browser off this machine
        # Slack accepts a configured redirect URL or a path under one
        return not self.redirect_urls or any(_under(redirect_uri, allowed) for allowed in self.redirect_urls)

    def _target(self, choice: InstallChoice, query: Mapping[str, str]) -> Workspace | Enterprise:
        directory = self.installations.directory
        team = choice.team or (None if choice.enterprise else query.get("team"))
        enterprise = choice.enterprise or (None if choice.team else query.get("enterprise"))
        if enterprise:
            found = directory.enterprise(enterprise)
            if found is None:
                raise ValueError(f"no enterprise {enterprise} in the local Slack")
            return found
        if team:
            workspace = directory.workspace(team)
            if workspace is None:
                raise ValueError(f"no workspace {team} in the local Slack")
            return workspace
        return directory.first

    def installer_for(self, target: Workspace | Enterprise, user: str | None = None) -> str:
        """Who installs: `user`, who must be a person of the workspace (or org); else its first person."""
        directory = self.installations.directory
        workspaces = directory.workspaces_of(target) if isinstance(target, Enterprise) else (target,)
        people = [person.id for workspace in workspaces for person in workspace.users]
        if user is not None and user not in people:
            raise ValueError(f"{user} is not a person of {target.id}")
        return user or (people[0] if people else "U0INSTALLER")

    # -- oauth.v2.access -----------------------------------------------------------------------------------------

    def access(self, args: Json, basic: tuple[str, str] | None) -> tuple[Json, Installation]:
        """oauth.v2.access: (the documented response, the installation it is for). Raises SlackError."""
        client_id, client_secret = basic or (args.get("client_id"), args.get("client_secret"))
        app = self.installations.directory.app
        if not client_id or client_id != app.client_id:
            raise SlackError("invalid_client_id")
        if not client_secret or not secrets.compare_digest(str(client_secret).encode(), app.client_secret.encode()):
            raise SlackError("bad_client_secret")
        grant_type = args.get("grant_type") or "authorization_code"
        if grant_type == "authorization_code":
            return self._exchange_code(args)
        if grant_type == "refresh_token":
            return self._refresh(args)
        raise SlackError("invalid_grant_type")

    def _exchange_code(self, args: Json) -> tuple[Json, Installation]:
        code = self._codes.get(str(args.get("code") or ""))
        if code is None or code.used or self.installations.clock() >= code.expires_at:
            raise SlackError("invalid_code")
        given = args.get("redirect_uri")
        if (code.redirect_uri_given or given) and given != code.redirect_uri:
            raise SlackError("bad_redirect_uri")
        code.used = True
        return self.install(code.target, code.installer, code.scopes, code.user_scopes)

    def install(self, target: Workspace | Enterprise, installer: str, scopes: Iterable[str],
                user_scopes: Iterable[str] = ()) -> tuple[Json, Installation]:
        """Install the app and answer as oauth.v2.access does."""
        if isinstance(target, Workspace) and target.enterprise_id is not None \
                and self.installations.find(enterprise=target.enterprise_id) is not None:
            raise SlackError("cannot_install_an_org_installed_app")
        installation, bot, user = self.installations.install(target, installer, scopes, user_scopes)
        # the documented order: the bot's token first, then the app, where it is installed, and who installed it
        response: Json = {"ok": True}
        if bot is not None:
            response.update(_token_fields(bot, "bot"), bot_user_id=installation.bot_user_id)
        response.update(app_id=self.installations.directory.app.app_id, **installation.identity())
        response["authed_user"] = {"id": installer, **(_token_fields(user, "user") if user is not None else {})}
        return response, installation

    def _refresh(self, args: Json) -> tuple[Json, Installation]:
        grant, issued = self.installations.refresh(args.get("refresh_token"))
        installation = grant.installation
        response: Json = {"ok": True, "app_id": self.installations.directory.app.app_id,
                          **_token_fields(issued, grant.kind)}
        if grant.kind == "bot":
            response["bot_user_id"] = installation.bot_user_id
        # the refresh answer's shape: @slack/oauth's OAuthV2TokenRefreshResponse (team, enterprise, no authed_user)
        response.update(installation.identity())
        return response, installation


def _token_fields(issued: Issued, kind: str) -> Json:
    """access_token, token_type, scope, and with rotation expires_in and refresh_token."""
    fields: Json = {"access_token": issued.token.value, "token_type": kind, "scope": issued.token.grant.scope}
    if issued.expires_in is not None:
        fields.update(expires_in=issued.expires_in, refresh_token=issued.refresh_token)
    return fields


def _redirect(redirect_uri: str, **params: str | None) -> Reply:
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
    location = redirect_uri + ("&" if "?" in redirect_uri else "?") + query
    return page(302, "Redirecting back to the app.", {"Location": location})


def _under(url: str, allowed: str) -> bool:
    got, want = urllib.parse.urlsplit(url), urllib.parse.urlsplit(allowed)
    if (got.scheme, got.hostname, got.port) != (want.scheme, want.hostname, want.port):
        return False
    base = want.path.rstrip("/")
    return got.path == want.path or got.path.startswith(base + "/")


def _scopes(text: str | None) -> frozenset[str]:
    return frozenset(scope.strip() for scope in (text or "").split(",") if scope.strip())


def _new_code() -> str:
    # the shape of Slack's codes: two numbers and a long hex secret
    return f"{secrets.randbelow(10**10)}.{secrets.randbelow(10**13)}.{secrets.token_hex(32)}"


def _optional_text(spec: Mapping[str, object], name: str) -> str | None:
    value = spec.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"'{name}' must be a string")
    return value
