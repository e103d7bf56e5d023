"""Installing Parley through the oauth function, against the Slack stand-in, with HTTP API events as AWS sends them.

A browser's round trip, as `Browser` plays it: GET /slack/install (the function's event, from tests/events/), then
Slack's authorize page (the stand-in, which answers at once as after Allow or Cancel), then GET /slack/oauth_redirect
with what Slack sent back. The stand-in runs oauth.v2.access with Slack's documented rules (codes once and for ten
minutes, client credentials, redirect_uri), so what is stored is what Slack issued: each workspace's own token, an
org-wide install for an Enterprise Grid org, refresh tokens when tokens rotate. The stores are the memory
installation store of tests/support (keyed as the DynamoDB one) and slack_sdk's file state store, injected as the
stage's DynamoDB ones are (bot/oauth/handler.py: `stage_stores`); the Lambda entry's tests use those, in moto.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.state_store import FileOAuthStateStore

from bot.local.processes import free_port
from bot.local.standin.server import SlackStandIn
from bot.local.standin.workspaces import CLIENT_ID, CLIENT_SECRET
from bot.oauth import handler as oauth_function
from bot.oauth.config import InstallConfig
from bot.oauth.handler import OAuthHandler
from bot.settings import Settings
from bot.stores.bundle import dynamodb_table
from bot.stores.installations import DynamoInstallationRecords
from tests.conftest import FakeLambdaContext, stage_in_moto
from tests.functional.test_stores import oauth_tables
from tests.support.oauth import Answer, Browser, MemoryInstallationStore, at_slack, get_event, query_of

pytestmark = pytest.mark.usefixtures("no_proxies")

STAGE = "local-oauth-install"
HTTP_PORT = 3990  # only named in the redirect URL: the test follows redirects itself, nothing listens there


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    """A local Slack where the app is installed nowhere yet."""
    with SlackStandIn(port=free_port()) as running:
        yield running


def settings_for(slack: SlackStandIn, **more: Any) -> Settings:
    return Settings(stage=STAGE, slack_mode="oauth", slack_api_url=slack.api_url, http_port=HTTP_PORT, **more)


def browser_for(config: InstallConfig, store: MemoryInstallationStore, states: FileOAuthStateStore) -> Browser:
    return Browser(OAuthHandler(config, store, states))


@pytest.fixture
def browser(slack: SlackStandIn, store: MemoryInstallationStore, states: FileOAuthStateStore) -> Browser:
    return browser_for(InstallConfig.from_settings(settings_for(slack)), store, states)


def install(browser: Browser, **query: str) -> Answer:
    """The whole round trip: the install link, Slack's page, and back."""
    started = browser.get("/slack/install", query)
    assert started.status == 302, started.body
    status, back = at_slack(started.location or "")
    assert status == 302, back
    return browser.follow(back)


def team_of(slack: SlackStandIn, token: str) -> dict[str, Any]:
    return WebClient(token=token, base_url=slack.api_url, timeout=5).auth_test().data  # type: ignore[return-value]


@pytest.fixture(autouse=True)
def oauth_logging() -> None:
    """The libraries' loggers routed as the oauth function's process routes them at import (its own Lambda): the worker
    tests of this session routed them to the worker's handlers, which do not take OAuth secrets out."""
    from bot.oauth.logs import route_oauth_logs

    route_oauth_logs(oauth_function.logger, STAGE, None)


def logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)


def test_two_workspaces_install_each_with_a_token_of_its_own(slack: SlackStandIn, browser: Browser,
                                                             store: MemoryInstallationStore,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    first = install(browser)
    second = install(browser, team="T0BETA")
    assert (first.status, second.status) == (200, 200), first.body + second.body
    assert "Parley Local" in first.body and "Beta Works" in second.body
    assert set(store.records) == {"slack:-:T0LOCAL", "slack:-:T0BETA"}
    local, beta = store.records["slack:-:T0LOCAL"], store.records["slack:-:T0BETA"]
    assert local.bot_token != beta.bot_token
    assert (local.bot_user_id, beta.bot_user_id) == ("U0PARLEYBOT", "U0BETABOT")
    assert (local.bot_id, beta.bot_id) == ("B0PARLEYBOT", "B0BETABOT")  # from auth.test, as Bolt does it
    assert set(local.bot_scopes) == set(InstallConfig.from_settings(settings_for(slack)).scopes)
    # each token is Slack's for its own workspace, and reaches nobody in the other
    assert team_of(slack, local.bot_token)["team_id"] == "T0LOCAL"
    assert team_of(slack, beta.bot_token)["team_id"] == "T0BETA"
    with pytest.raises(SlackApiError, match="channel_not_found"):
        WebClient(token=beta.bot_token, base_url=slack.api_url, timeout=5).chat_postMessage(channel="D0LOCALDM",
                                                                                            text="hi")
    text = logged(caplog)
    for secret in (local.bot_token, beta.bot_token, CLIENT_SECRET):
        assert secret not in text


def test_an_org_wide_install_serves_the_orgs_workspaces(slack: SlackStandIn, browser: Browser,
                                                        store: MemoryInstallationStore) -> None:
    slack.choose_next_install(enterprise="E0GRID")
    answer = install(browser)
    assert answer.status == 200, answer.body
    assert "Gridiron" in answer.body and "organisation" in answer.body
    assert set(store.records) == {"slack:E0GRID:-"}
    installation = store.records["slack:E0GRID:-"]
    assert installation.is_enterprise_install is True and installation.team_id is None
    assert installation.enterprise_url == "https://gridiron.enterprise.slack.com/"
    for team in ("T0GRIDA", "T0GRIDB"):  # a workspace of the org finds the org-wide install
        found = store.find_installation(enterprise_id="E0GRID", team_id=team)
        assert found is not None and found.bot_token == installation.bot_token
    assert store.find_installation(enterprise_id=None, team_id="T0BETA") is None


def test_with_token_rotation_the_refresh_token_slack_issued_is_stored(
        slack: SlackStandIn, store: MemoryInstallationStore, states: FileOAuthStateStore,
        caplog: pytest.LogCaptureFixture) -> None:
    slack.set_token_ttl(3600)
    browser = browser_for(InstallConfig.from_settings(settings_for(slack, token_rotation=True)), store, states)
    assert install(browser).status == 200
    installation = store.records["slack:-:T0LOCAL"]
    assert installation.bot_refresh_token and installation.bot_token_expires_at
    assert abs(installation.bot_token_expires_at - (time.time() + 3600)) < 60
    assert "disagree" not in logged(caplog)
    # the stored refresh token is Slack's: it buys a new token pair, once
    refreshed = WebClient(base_url=slack.api_url, timeout=5).oauth_v2_access(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, grant_type="refresh_token",
        refresh_token=installation.bot_refresh_token)
    assert refreshed["access_token"] != installation.bot_token and refreshed["team"]["id"] == "T0LOCAL"
    assert installation.bot_refresh_token not in logged(caplog)


def test_cancel_on_slacks_page_stores_nothing(slack: SlackStandIn, browser: Browser,
                                              store: MemoryInstallationStore) -> None:
    slack.choose_next_install(deny=True)
    answer = install(browser)
    assert answer.status == 200 and "Parley was not installed" in answer.body
    assert store.records == {} and slack.calls("oauth.v2.access") == []


def test_a_code_already_spent_is_a_failed_exchange_and_stores_nothing(slack: SlackStandIn, browser: Browser,
                                                                      store: MemoryInstallationStore,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    started = browser.get("/slack/install")
    _, back = at_slack(started.location or "")
    code = query_of(back)["code"]
    # someone else redeems the code first (it works once)
    WebClient(base_url=slack.api_url, timeout=5).oauth_v2_access(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=code,
        redirect_uri=InstallConfig.from_settings(settings_for(slack)).redirect_url)
    # what the test's own client logged (slack_sdk at DEBUG, when an earlier test left it so) is not the function's
    caplog.clear()
    answer = browser.follow(back)
    assert answer.status == 400 and "Slack did not accept the installation" in answer.body
    assert store.records == {}
    text = logged(caplog)
    assert "invalid_code" in text and code not in text


def test_a_wrong_client_secret_is_a_failed_exchange_the_log_explains(slack: SlackStandIn,
                                                                     store: MemoryInstallationStore,
                                                                     states: FileOAuthStateStore,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    config = InstallConfig.from_settings(settings_for(slack, client_secret="not-the-apps-secret"))
    answer = install(browser_for(config, store, states))
    assert answer.status == 400 and store.records == {}
    text = logged(caplog)
    assert "bad_client_secret" in text and "not-the-apps-secret" not in text


def test_slack_out_of_reach_during_the_exchange_stores_nothing(slack: SlackStandIn, browser: Browser,
                                                               store: MemoryInstallationStore) -> None:
    slack.add_fault("oauth.v2.access", "drop", count=5)  # every attempt, slack_sdk's retry included
    answer = install(browser)
    assert answer.status == 502 and "could not reach Slack" in answer.body
    assert store.records == {}


def test_a_replayed_redirect_is_refused(slack: SlackStandIn, browser: Browser, store: MemoryInstallationStore) -> None:
    started = browser.get("/slack/install")
    state = browser.cookies["slack-app-oauth-state"]
    _, back = at_slack(started.location or "")
    assert browser.follow(back).status == 200
    browser.cookies["slack-app-oauth-state"] = state  # the cookie kept (or stolen) with the URL
    replay = browser.follow(back)
    assert replay.status == 400 and "expired or was already used" in replay.body
    assert len(slack.calls("oauth.v2.access")) == 1 and store.saves == 1


# --- the Lambda entry, as API Gateway calls it: the stage's own stores, in DynamoDB (moto) --------------------------


@pytest.fixture(scope="module")
def staged(moto_endpoint: str) -> Iterator[Settings]:
    """The stage's tables in moto (the Lambda entry finds them by the stage's name, as in AWS)."""
    with stage_in_moto(moto_endpoint, STAGE, slack_mode="oauth") as settings:
        oauth_tables(settings)
        yield settings


@pytest.fixture
def lambda_env(monkeypatch: pytest.MonkeyPatch, slack: SlackStandIn, staged: Settings) -> Iterator[pytest.MonkeyPatch]:
    for name, value in {"PARLEY_SLACK_MODE": "oauth", "SLACK_API_URL": slack.api_url,
                        "PARLEY_HTTP_PORT": str(HTTP_PORT)}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(oauth_function, "_handler", None)
    yield monkeypatch
    oauth_function._handler = None


def lambda_browser() -> Browser:
    return Browser(lambda event: oauth_function.handler(event, FakeLambdaContext("parley-local-oauth-install-oauth")))


def test_the_lambda_entry_installs_into_the_stages_tables(lambda_env: pytest.MonkeyPatch, staged: Settings,
                                                          slack: SlackStandIn) -> None:
    browser = lambda_browser()
    started = browser.get("/slack/install", {"team": "T0BETA"})
    assert started.status == 302
    state = query_of(started.location or "")["state"]
    assert state.count(".") == 2  # <random>.<expires>.<hmac>, signed with the client secret
    _, back = at_slack(started.location or "")
    assert back.startswith(f"http://127.0.0.1:{HTTP_PORT}/slack/oauth_redirect?")
    answer = browser.follow(back)
    assert answer.status == 200, answer.body
    records = DynamoInstallationRecords(dynamodb_table(staged, staged.installations_table))
    stored = records.find(None, "T0BETA")
    assert stored is not None and stored["bot_user_id"] == "U0BETABOT"
    assert team_of(slack, stored["bot_token"])["team_id"] == "T0BETA"
    assert records.find(None, "T0LOCAL") is None
    # the same redirect again, cookie and all: the state was consumed
    browser.cookies["slack-app-oauth-state"] = state
    assert browser.follow(back).status == 400
    assert len(slack.calls("oauth.v2.access")) == 1


def test_the_lambda_entry_refuses_a_state_it_did_not_sign(lambda_env: pytest.MonkeyPatch, slack: SlackStandIn,
                                                          staged: Settings) -> None:
    browser = lambda_browser()
    started = browser.get("/slack/install")
    nonce, expires, _ = query_of(started.location or "")["state"].split(".")
    forged = f"{nonce}.{int(expires) + 3600}.{'0' * 32}"  # a longer life, and no key to sign it with
    browser.cookies["slack-app-oauth-state"] = forged
    answer = browser.get("/slack/oauth_redirect", {"code": "any", "state": forged})
    assert answer.status == 400 and "expired or was already used" in answer.body
    assert slack.calls("oauth.v2.access") == []


def test_the_lambda_entry_serves_only_its_routes_and_only_in_oauth_mode(lambda_env: pytest.MonkeyPatch,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    assert call(get_event("/slack/events")).status == 404
    lambda_env.setenv("PARLEY_SLACK_MODE", "single")
    answer = call(get_event("/slack/oauth_redirect", {"code": "c", "state": "s"}))
    assert answer.status == 503 and "not available" in answer.body
    assert "in single mode" in logged(caplog)


def call(event: dict[str, Any]) -> Answer:
    return Answer.of(oauth_function.handler(event, FakeLambdaContext("parley-local-oauth-install-oauth")))
