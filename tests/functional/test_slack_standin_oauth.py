"""OAuth v2 against the stand-in as Slack documents it: the authorize redirect, oauth.v2.access through slack_sdk's
own `oauth_v2_access` (HTTP Basic credentials), its errors, and Bolt's OAuth flow end to end."""

from __future__ import annotations

import base64
import json
import logging
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt.oauth.oauth_flow import OAuthFlow
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import FileInstallationStore
from slack_sdk.oauth.state_store import FileOAuthStateStore

from bot.local.processes import free_port
from bot.local.standin.client import StandInClient
from bot.local.standin.server import SlackStandIn
from bot.local.standin.workspaces import APP_ID, CLIENT_ID, CLIENT_SECRET
from tests.support.standin import REDIRECT, Clock, authorize, post

pytestmark = pytest.mark.usefixtures("no_proxies")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def slack(clock: Clock) -> Iterator[SlackStandIn]:
    """A stand-in with no token given at start: the app is installed nowhere until OAuth installs it."""
    with SlackStandIn(port=free_port(), clock=clock) as running:
        yield running


@pytest.fixture
def oauth(slack: SlackStandIn) -> WebClient:
    return WebClient(base_url=slack.api_url, timeout=5)


def exchange(oauth: WebClient, code: str, redirect_uri: str | None = REDIRECT, **overrides: str) -> dict:
    arguments = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": code, "redirect_uri": redirect_uri,
                 **overrides}
    return oauth.oauth_v2_access(**arguments).data  # type: ignore[arg-type, return-value]


def code_for(slack: SlackStandIn, **params: str) -> str:
    status, location, query = authorize(slack.authorize_url, **params)
    assert status == 302, location
    return query["code"]


def test_authorize_redirects_back_with_a_code_and_the_state(slack: SlackStandIn) -> None:
    status, location, query = authorize(slack.authorize_url, state="opaque-state")
    assert status == 302
    assert location.startswith(REDIRECT + "?")
    assert query["state"] == "opaque-state"
    first, second, secret = query["code"].split(".")
    assert first.isdigit() and second.isdigit() and len(secret) == 64
    (call,) = slack.calls()
    assert call["path"] == "/oauth/v2/authorize" and call["status"] == 302 and call["team"] == "T0LOCAL"


def test_code_exchange_answers_slacks_documented_shape(slack: SlackStandIn, oauth: WebClient) -> None:
    answer = exchange(oauth, code_for(slack, scope="chat:write,im:write,commands"))

    assert answer["ok"] is True and answer["token_type"] == "bot"
    assert answer["access_token"].startswith("xoxb-")
    assert answer["scope"] == "chat:write,commands,im:write"
    assert (answer["bot_user_id"], answer["app_id"]) == ("U0PARLEYBOT", APP_ID)
    assert answer["team"] == {"id": "T0LOCAL", "name": "Parley Local"}
    assert answer["enterprise"] is None and answer["is_enterprise_install"] is False
    assert answer["authed_user"] == {"id": "U0LOCALUSER"}  # no user scopes asked: no user token
    assert "expires_in" not in answer and "refresh_token" not in answer  # token rotation is off

    bot = WebClient(token=answer["access_token"], base_url=slack.api_url)
    assert bot.auth_test()["team_id"] == "T0LOCAL"
    recorded = slack.calls("oauth.v2.access")[0]
    assert recorded["args"] == {"code": "(redacted)", "redirect_uri": REDIRECT}  # Basic auth: no secret in args
    assert recorded["response"]["access_token"] == "(redacted)" and recorded["team"] == "T0LOCAL"


def test_user_scopes_give_the_installer_a_user_token(slack: SlackStandIn, oauth: WebClient) -> None:
    answer = exchange(oauth, code_for(slack, scope="chat:write", user_scope="search:read,chat:write"))
    user = answer["authed_user"]
    assert user["id"] == "U0LOCALUSER" and user["token_type"] == "user"
    assert user["access_token"].startswith("xoxp-") and user["scope"] == "chat:write,search:read"
    tested = WebClient(token=user["access_token"], base_url=slack.api_url).auth_test()
    assert (tested["user_id"], tested["team_id"]) == ("U0LOCALUSER", "T0LOCAL") and "bot_id" not in tested


def test_only_user_scopes_give_no_bot_token(slack: SlackStandIn, oauth: WebClient) -> None:
    answer = exchange(oauth, code_for(slack, scope="", user_scope="search:read"))
    assert "access_token" not in answer and answer["authed_user"]["access_token"].startswith("xoxp-")


def test_the_next_install_goes_where_the_kit_chose(slack: SlackStandIn, oauth: WebClient) -> None:
    remote = StandInClient(slack.url)
    remote.choose_next_install(team="T0BETA", user="U0BETABEN")
    remote.choose_next_install(enterprise="E0GRID")
    beta = exchange(oauth, code_for(slack))
    org = exchange(oauth, code_for(slack))
    by_query = exchange(oauth, code_for(slack, team="T0LOCAL"))

    assert beta["team"] == {"id": "T0BETA", "name": "Beta Works"} and beta["authed_user"] == {"id": "U0BETABEN"}
    assert beta["bot_user_id"] == "U0BETABOT"
    assert org["team"] is None and org["enterprise"] == {"id": "E0GRID", "name": "Gridiron"}
    assert org["is_enterprise_install"] is True and org["bot_user_id"] == "W0GRIDBOT"
    assert by_query["team"]["id"] == "T0LOCAL"
    assert len({beta["access_token"], org["access_token"], by_query["access_token"]}) == 3
    assert [(i["team"] and i["team"]["id"], i["enterprise"] and i["enterprise"]["id"])
            for i in remote.installations()] == [("T0BETA", None), (None, "E0GRID"), ("T0LOCAL", None)]


def test_an_org_wide_install_by_query_parameter(slack: SlackStandIn, oauth: WebClient) -> None:
    answer = exchange(oauth, code_for(slack, enterprise="E0GRID"))
    assert answer["is_enterprise_install"] is True and answer["team"] is None
    tested = WebClient(token=answer["access_token"], base_url=slack.api_url).auth_test()
    assert tested["is_enterprise_install"] is True and tested["enterprise_id"] == "E0GRID"
    assert tested["url"] == "https://gridiron.enterprise.slack.com/"


def test_denied_install_redirects_with_access_denied(slack: SlackStandIn) -> None:
    slack.choose_next_install(deny=True)
    status, _, query = authorize(slack.authorize_url, state="s-9")
    assert status == 302 and query == {"error": "access_denied", "state": "s-9"}
    assert slack.installations() == []


def test_a_code_works_once(slack: SlackStandIn, oauth: WebClient) -> None:
    code = code_for(slack)
    exchange(oauth, code)
    with pytest.raises(SlackApiError) as again:
        exchange(oauth, code)
    assert again.value.response["error"] == "invalid_code"
    with pytest.raises(SlackApiError, match="invalid_code"):
        exchange(oauth, "1.2.made-up")


def test_a_code_expires_after_ten_minutes(slack: SlackStandIn, oauth: WebClient, clock: Clock) -> None:
    code = code_for(slack)
    clock.advance(601)
    with pytest.raises(SlackApiError, match="invalid_code"):
        exchange(oauth, code)
    clock.advance(-601)
    fresh = code_for(slack)
    clock.advance(599)
    assert exchange(oauth, fresh)["ok"]


def test_client_credentials_are_checked(slack: SlackStandIn, oauth: WebClient) -> None:
    with pytest.raises(SlackApiError) as wrong_id:
        exchange(oauth, code_for(slack), client_id="999.999")
    assert wrong_id.value.response["error"] == "invalid_client_id"
    with pytest.raises(SlackApiError) as wrong_secret:
        exchange(oauth, code_for(slack), client_secret="not-the-secret")
    assert wrong_secret.value.response["error"] == "bad_client_secret"


def test_client_credentials_as_form_fields_are_accepted(slack: SlackStandIn) -> None:
    code = code_for(slack)
    form = urllib.parse.urlencode({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": code,
                                   "redirect_uri": REDIRECT}).encode()
    status, answer = post(slack.api_url + "oauth.v2.access", form, "application/x-www-form-urlencoded")
    assert status == 200 and answer["ok"] is True and answer["team"]["id"] == "T0LOCAL"
    recorded = slack.calls("oauth.v2.access")[0]["args"]
    assert recorded["client_secret"] == "(redacted)" and CLIENT_SECRET not in str(slack.calls())


def test_basic_auth_with_a_wrong_secret(slack: SlackStandIn) -> None:
    basic = base64.b64encode(f"{CLIENT_ID}:nope".encode()).decode()
    form = urllib.parse.urlencode({"code": code_for(slack), "redirect_uri": REDIRECT}).encode()
    _, answer = post(slack.api_url + "oauth.v2.access", form, "application/x-www-form-urlencoded",
                     {"Authorization": f"Basic {basic}"})
    assert answer == {"ok": False, "error": "bad_client_secret"}


def test_redirect_uri_must_match_the_authorize_request(slack: SlackStandIn, oauth: WebClient) -> None:
    with pytest.raises(SlackApiError, match="bad_redirect_uri"):
        exchange(oauth, code_for(slack), redirect_uri="http://127.0.0.1:9/elsewhere")
    with pytest.raises(SlackApiError, match="bad_redirect_uri"):
        exchange(oauth, code_for(slack), redirect_uri=None)  # it was sent to authorize: it must be sent again


def test_unknown_grant_type(slack: SlackStandIn, oauth: WebClient) -> None:
    with pytest.raises(SlackApiError, match="invalid_grant_type"):
        exchange(oauth, code_for(slack), grant_type="password")


def test_authorize_refuses_what_slack_refuses(slack: SlackStandIn) -> None:
    for params, words in (({"client_id": "999.999"}, "client_id"),
                          ({"redirect_uri": "https://example.com/callback"}, "redirect_uri"),
                          ({"redirect_uri": None}, "redirect_uri"),  # none sent, none configured
                          ({"scope": "", "user_scope": ""}, "scopes"),
                          ({"team": "T0NOWHERE"}, "T0NOWHERE")):
        status, text, query = authorize(slack.authorize_url, **params)
        assert status == 400 and words in text and query == {}, params
    assert slack.installations() == []
    assert [c["response"]["error"] for c in slack.calls()] == ["invalid_client_id", "bad_redirect_uri",
                                                                "bad_redirect_uri", "invalid_scope", "invalid_team"]


def test_configured_redirect_urls_are_enforced() -> None:
    with SlackStandIn(port=free_port(), redirect_urls=["http://127.0.0.1:9/slack/"]) as slack:
        assert authorize(slack.authorize_url, redirect_uri=None)[2]["code"]  # the configured one is used
        assert authorize(slack.authorize_url, redirect_uri="http://127.0.0.1:9/slack/oauth_redirect")[0] == 302
        assert authorize(slack.authorize_url, redirect_uri="http://127.0.0.1:9/other")[0] == 400
        assert authorize(slack.authorize_url, redirect_uri="http://127.0.0.1:8/slack/x")[0] == 400


def test_a_workspace_of_an_org_installed_org_wide_cannot_install_alone(slack: SlackStandIn, oauth: WebClient) -> None:
    exchange(oauth, code_for(slack, enterprise="E0GRID"))
    with pytest.raises(SlackApiError, match="cannot_install_an_org_installed_app"):
        exchange(oauth, code_for(slack, team="T0GRIDA"))


def test_a_reinstall_keeps_the_bot_and_its_token_and_adds_scopes(slack: SlackStandIn, oauth: WebClient) -> None:
    first = exchange(oauth, code_for(slack, scope="chat:write"))
    again = exchange(oauth, code_for(slack, scope="im:write"))
    assert again["access_token"] == first["access_token"] and again["scope"] == "chat:write,im:write"
    assert len(slack.installations()) == 1


def test_bolt_oauth_flow_installs_a_workspace_and_an_org(slack: SlackStandIn, tmp_path: Path) -> None:
    """Bolt's own OAuth flow (install URL, state, callback, auth.test for the bot id) against the stand-in."""
    store = FileInstallationStore(base_dir=str(tmp_path / "installations"))
    settings = OAuthSettings(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, scopes=["chat:write", "im:write"],
                             redirect_uri=REDIRECT, authorization_url=slack.authorize_url, installation_store=store,
                             install_page_rendering_enabled=False,
                             state_store=FileOAuthStateStore(expiration_seconds=600, base_dir=str(tmp_path / "state")))
    flow = OAuthFlow(client=WebClient(base_url=slack.api_url), settings=settings, logger=logging.getLogger("bolt"))
    for choice in ({"team": "T0BETA"}, {"enterprise": "E0GRID"}):
        slack.choose_next_install(**choice)
        started = flow.handle_installation(BoltRequest(body="", query={}, headers={}))
        url = started.headers["location"][0]
        assert url.startswith(slack.authorize_url + "?")
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query, keep_blank_values=True))
        status, _, back = authorize(slack.authorize_url, **query)
        assert status == 302
        finished = flow.handle_callback(BoltRequest(body="", query=back,
                                                    headers={"cookie": started.headers["set-cookie"]}))
        assert finished.status == 200, finished.body

    beta = store.find_installation(enterprise_id=None, team_id="T0BETA")
    assert beta is not None and (beta.bot_id, beta.bot_user_id, beta.user_id) == ("B0BETABOT", "U0BETABOT",
                                                                                  "U0BETAUSER")
    assert WebClient(token=beta.bot_token, base_url=slack.api_url).auth_test()["team_id"] == "T0BETA"
    org = store.find_installation(enterprise_id="E0GRID", team_id=None, is_enterprise_install=True)
    assert org is not None and org.is_enterprise_install and org.bot_id == "B0GRIDBOT"
    assert org.enterprise_url == "https://gridiron.enterprise.slack.com/"


def test_install_choices_over_http(slack: SlackStandIn) -> None:
    remote = StandInClient(slack.url)
    for bad in ({"team": "T0NOWHERE"}, {"team": "T0BETA", "enterprise": "E0GRID"}, {"workspace": "T0BETA"}):
        status, answer = post(slack.url + "/_install/next", json.dumps(bad).encode(), "application/json")
        assert status == 400 and answer["ok"] is False, bad
    remote.choose_next_install(team="T0BETA")
    remote.choose_next_install(deny=True)
    assert [c["team"] for c in slack.pending_installs()] == ["T0BETA", None]
    slack.clear_pending_installs()
    assert slack.pending_installs() == []
    assert authorize(slack.authorize_url)[2]["code"]  # back to the first workspace


def test_the_installer_must_be_a_person_of_the_workspace(slack: SlackStandIn) -> None:
    with pytest.raises(ValueError, match="U0LOCALUSER"):
        slack.choose_next_install(team="T0BETA", user="U0LOCALUSER")
    with pytest.raises(ValueError, match="not a person"):
        slack.install(team="T0BETA", user="U0LOCALUSER")
    assert slack.install(enterprise="E0GRID", user="W0BRAVOBEA")["authed_user"] == {"id": "W0BRAVOBEA"}
