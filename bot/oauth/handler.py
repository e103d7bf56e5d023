"""The `oauth` Lambda: GET /slack/install and GET /slack/oauth_redirect, in oauth mode only.

Built once per sandbox: the settings, the app's client secret (SSM), the two stores and Bolt's flow. Failure policy:
- any other route: 404 (API Gateway sends only the two here; serverless offline and a direct invoke might not);
- a stage that is not in oauth mode, or lacks its settings: 503 and a page that says nothing was installed, with a
  log line that names what to set (the settings' own message: it never quotes a secret);
- the flow's own failures (forged, expired or replayed state, missing code, a refused exchange, Slack or a store out
  of reach): the flow's pages (flow.py), nothing stored;
- anything else is a fault of ours: logged with its traceback, a 500 page without it, nothing stored.
"""

from __future__ import annotations

import os
import time
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from slack_sdk import WebClient
from slack_sdk.oauth import InstallationStore, OAuthStateStore

from bot.channels.slack.surface import INSTALL_PATH, OAUTH_REDIRECT_PATH
from bot.defaults import DEFAULT_STAGE
from bot.oauth.config import InstallConfig
from bot.oauth.flow import InstallFlow
from bot.oauth.http import html, route, to_bolt_request, to_result
from bot.oauth.logs import route_oauth_logs
from bot.oauth.pages import error_page, not_found_page, unavailable_page
from bot.settings import SECRET_MAX_AGE_SECONDS, Settings
from bot.worker.logs import OPT_IN as SLACK_LIBRARY_DEBUG

logger = Logger()
route_oauth_logs(logger, os.environ.get("PARLEY_STAGE", DEFAULT_STAGE), os.environ.get(SLACK_LIBRARY_DEBUG))

INSTALL_ROUTE = f"GET {INSTALL_PATH}"
REDIRECT_ROUTE = f"GET {OAUTH_REDIRECT_PATH}"


def stage_stores(settings: Settings) -> tuple[InstallationStore, OAuthStateStore]:
    """The stage's installation store and OAuth state store: Parley's DynamoDB tables behind slack_sdk's interfaces
    (bot/channels/slack/installations.py), the states signed with the app's client secret. This function is where the
    stores plug in; the flow takes whatever it is given."""
    from bot.channels.slack.installations import RecordsInstallationStore, RecordsOAuthStateStore
    from bot.stores.bundle import dynamodb_table
    from bot.stores.installations import DynamoInstallationRecords
    from bot.stores.oauth_states import DynamoOAuthStates

    records = DynamoInstallationRecords(dynamodb_table(settings, settings.installations_table))
    states = DynamoOAuthStates(dynamodb_table(settings, settings.oauth_states_table), settings.slack_client_secret())
    return RecordsInstallationStore(records), RecordsOAuthStateStore(states)


class OAuthHandler:
    """One sandbox's flow, with the stores it is given (`for_stage`: the stage's; tests: any)."""

    def __init__(self, config: InstallConfig, installation_store: InstallationStore, state_store: OAuthStateStore,
                 *, client: WebClient | None = None) -> None:
        self.flow = InstallFlow(config, installation_store, state_store, client=client)

    @classmethod
    def for_stage(cls, settings: Settings) -> OAuthHandler:
        if settings.slack_mode != "oauth":
            raise NotServing(f"stage {settings.stage!r} is in {settings.slack_mode} mode: set PARLEY_SLACK_MODE=oauth "
                             "(the stage's slackMode param) to install the app with OAuth")
        installation_store, state_store = stage_stores(settings)
        return cls(InstallConfig.from_settings(settings), installation_store, state_store)

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        where = route(event)
        if where == INSTALL_ROUTE:
            return to_result(self.flow.handle_installation(to_bolt_request(event)))
        if where == REDIRECT_ROUTE:
            return to_result(self.flow.handle_callback(to_bolt_request(event)))
        return html(404, not_found_page())


class NotServing(Exception):
    """This stage cannot install the app: its mode or settings say so (the message says what to set)."""


_handler: OAuthHandler | None = None
_built_at = 0.0


def current_handler() -> OAuthHandler:
    """The sandbox's handler, built again after SECRET_MAX_AGE_SECONDS so a new client secret in SSM is picked up as
    the other secrets are; a failed build is not kept, so the next request tries again."""
    global _handler, _built_at
    now = time.monotonic()
    if _handler is None or now - _built_at > SECRET_MAX_AGE_SECONDS:
        _handler, _built_at = OAuthHandler.for_stage(Settings()), now
    return _handler


def serve(event: dict[str, Any]) -> dict[str, Any]:
    if route(event) not in (INSTALL_ROUTE, REDIRECT_ROUTE):
        return html(404, not_found_page())
    try:
        handler_now = current_handler()
    except (NotServing, ValueError) as problem:  # the settings' refusals (ValidationError is one) name what to set
        logger.error("cannot install the app", extra={"problem": str(problem)})
        return html(503, unavailable_page())
    except Exception:
        logger.exception("cannot install the app: its settings or secret could not be read")
        return html(503, unavailable_page())
    try:
        return handler_now(event)
    except Exception:
        logger.exception("install request failed")
        return html(500, error_page())


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return serve(event)
