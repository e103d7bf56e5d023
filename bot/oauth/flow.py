"""Bolt's OAuth flow, as Parley runs it: its settings, stores and pages, and the failures Bolt leaves to the app.

Bolt's `OAuthFlow` does the protocol: `handle_installation` issues a state (the state store), sets it as a cookie
and redirects to Slack's authorize URL; `handle_callback` refuses Slack's `error`, a state that is not this browser's
(`invalid_browser`) or not the store's to consume (`invalid_state`: forged, expired, or replayed), a missing code, a
code oauth.v2.access refuses (`invalid_code`), then stores the installation and calls the success page. Nothing is
stored before the exchange succeeds, and a failure stores nothing. The stores are given, never built here: the
lead's DynamoDB ones in the Lambda, slack_sdk's file or memory ones in tests.

What this adds to Bolt, and why:
- the pages (`pages.py`) and statuses (`failures.py`), through Bolt's callback options;
- `team` (Slack's workspace hint) passed on to Slack's authorize URL only when it is a team id: Bolt appends the query
  value unencoded, so anything else could add parameters to Slack's URL;
- failure policy where Bolt has none: Slack out of reach (a connection error or timeout, which Bolt does not catch)
  is `slack_unreachable` (502); a store that fails (any error from the state store, or from saving the installation,
  which Bolt only expects as BoltError) is `storage_error` (503). Both leave nothing stored; the state, if it was
  consumed, is spent, and the page says to start again;
- a log line per outcome, with the workspace's ids and never a token, code or state; and a warning when Slack's
  tokens disagree with the stage's token rotation setting (the installation is kept: it works either way, but the
  app's settings in Slack and the stage's should be made to agree).
"""

from __future__ import annotations

import re
from typing import Any

from aws_lambda_powertools import Logger
from slack_bolt.error import BoltError
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_flow import OAuthFlow
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from slack_sdk.oauth import InstallationStore, OAuthStateStore
from slack_sdk.oauth.installation_store import Installation

from bot.channels.slack.surface import INSTALL_PATH, OAUTH_REDIRECT_PATH
from bot.oauth.config import InstallConfig
from bot.oauth.failures import failure_for
from bot.oauth.http import HTML
from bot.oauth.pages import failure_page, success_page, to_slack_page

log = Logger(child=True)

TEAM_ID = re.compile(r"T[A-Z0-9]{2,31}")
# Each Web API call (oauth.v2.access, then auth.test) may take this long: both fit in the function's timeout
SLACK_TIMEOUT_SECONDS = 5


class SlackUnreachable(Exception):
    """oauth.v2.access or auth.test got no answer from Slack (connection refused or reset, timeout)."""


class StoreUnavailable(Exception):
    """The state store failed: no state could be issued or checked."""


class CheckedStateStore(OAuthStateStore):
    """The given state store, whose failures (whatever their type) become StoreUnavailable."""

    def __init__(self, store: OAuthStateStore) -> None:
        self.store = store

    @property
    def logger(self) -> Any:
        return self.store.logger

    def issue(self, *args: Any, **kwargs: Any) -> str:
        try:
            return self.store.issue(*args, **kwargs)
        except Exception as error:
            raise StoreUnavailable(f"no state issued: {type(error).__name__}") from error

    def consume(self, state: str) -> bool:
        try:
            return self.store.consume(state)
        except Exception as error:
            raise StoreUnavailable(f"state not checked: {type(error).__name__}") from error


class InstallFlow(OAuthFlow):
    """`handle_installation` for GET /slack/install, `handle_callback` for GET /slack/oauth_redirect."""

    def __init__(self, config: InstallConfig, installation_store: InstallationStore, state_store: OAuthStateStore,
                 *, client: WebClient | None = None) -> None:
        self.config = config
        settings = OAuthSettings(
            client_id=config.client_id,
            client_secret=config.client_secret,
            scopes=list(config.scopes),
            user_scopes=[],  # Parley acts as its bot only: no person's token is asked for or kept
            redirect_uri=config.redirect_url,
            install_path=INSTALL_PATH,
            redirect_uri_path=OAUTH_REDIRECT_PATH,
            install_page_rendering_enabled=False,  # straight to Slack: its page says what is being installed
            authorization_url=config.authorize_url,
            installation_store=installation_store,
            state_store=CheckedStateStore(state_store),
            state_expiration_seconds=config.state_ttl_seconds,
            callback_options=CallbackOptions(success=self.succeeded, failure=self.failed),
        )
        client = client or WebClient(base_url=config.slack_api_url, timeout=SLACK_TIMEOUT_SECONDS)
        super().__init__(client=client, settings=settings)

    # -- GET /slack/install ----------------------------------------------------------------------------------------

    def handle_installation(self, request: BoltRequest) -> BoltResponse:
        try:
            response = super().handle_installation(request)
        except StoreUnavailable as error:
            return self.fail(request, "storage_error", error)
        location = response.headers.get("location")
        if response.status == 302 and location:
            response.body = to_slack_page(location[0])
        log.info("install started", extra={"team_hint": self.team_hint(request)})
        return response

    def build_authorize_url(self, state: str, request: BoltRequest) -> str:
        return self.settings.authorize_url_generator.generate(state=state, team=self.team_hint(request))

    @staticmethod
    def team_hint(request: BoltRequest) -> str | None:
        """The workspace Slack should offer first (`?team=T123`), when the value is a team id and nothing else."""
        team = (request.query.get("team") or [None])[0]
        return team if team and TEAM_ID.fullmatch(team) else None

    # -- GET /slack/oauth_redirect ---------------------------------------------------------------------------------

    def handle_callback(self, request: BoltRequest) -> BoltResponse:
        try:
            return super().handle_callback(request)
        except SlackUnreachable as error:
            return self.fail(request, "slack_unreachable", error)
        except StoreUnavailable as error:
            return self.fail(request, "storage_error", error)

    def run_installation(self, code: str) -> Installation | None:
        try:
            installation = super().run_installation(code)  # Slack's refusals (SlackApiError): None, logged by Bolt
        except (SlackClientError, OSError) as error:
            raise SlackUnreachable(type(error).__name__) from error
        if installation is not None:
            self.check_token_rotation(installation)
        return installation

    def store_installation(self, request: BoltRequest, installation: Installation) -> None:
        try:
            super().store_installation(request, installation)
        except BoltError:
            raise
        except Exception as error:
            # Bolt turns a BoltError into its `storage_error` failure; the store's own error type is logged
            raise BoltError(f"the installation was not stored: {type(error).__name__}") from error

    def check_token_rotation(self, installation: Installation) -> None:
        rotating = installation.bot_refresh_token is not None
        if rotating != self.config.token_rotation:
            log.warning("Slack's tokens and the stage's token rotation setting disagree", extra={
                "team": installation.team_id, "enterprise": installation.enterprise_id,
                "token_rotation_setting": self.config.token_rotation, "token_expires": rotating,
                "fix": "make the app's token rotation (its manifest) and the stage's slackTokenRotation agree"})

    # -- the pages (Bolt's callback options) -----------------------------------------------------------------------

    def succeeded(self, args: SuccessArgs) -> BoltResponse:
        installation = args.installation
        log.info("installed", extra={
            "team": installation.team_id, "enterprise": installation.enterprise_id,
            "org_wide": bool(installation.is_enterprise_install), "installer": installation.user_id,
            "scopes": ",".join(installation.bot_scopes or ()),
            "token_expires_at": installation.bot_token_expires_at})
        body = success_page(app_id=installation.app_id, team_id=installation.team_id,
                            team_name=installation.team_name, enterprise_name=installation.enterprise_name,
                            enterprise_url=installation.enterprise_url,
                            org_wide=bool(installation.is_enterprise_install))
        return self.page(200, body)

    def failed(self, args: FailureArgs) -> BoltResponse:
        failure = failure_for(args.reason)
        record = log.info if failure.expected else log.warning
        record("install failed", extra={"reason": failure.reason, "status": failure.status,
                                        "error": type(args.error).__name__ if args.error else None,
                                        "cause": str(args.error) if args.error else None})
        return self.page(failure.status, failure_page(failure))

    def fail(self, request: BoltRequest, reason: str, error: Exception) -> BoltResponse:
        return self.failed(FailureArgs(request=request, reason=reason, error=error, suggested_status_code=500,
                                       settings=self.settings, default=self.default_callback_options))

    def page(self, status: int, body: str) -> BoltResponse:
        """A page that also clears the state cookie: the state is spent, or was never good."""
        return BoltResponse(status=status, body=body, headers={
            "content-type": HTML, "set-cookie": self.settings.state_utils.build_set_cookie_for_deletion()})
