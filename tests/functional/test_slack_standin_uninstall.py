"""Ending an installation as Slack does: auth.revoke, and an uninstall from a workspace (or an org) that revokes its
tokens and delivers `tokens_revoked` and `app_uninstalled` to the ingress, signed, through the echo path."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier

from bot.local.processes import free_port
from bot.local.standin.client import StandInClient
from bot.local.standin.server import SlackStandIn
from bot.local.standin.workspaces import APP_ID, CLIENT_ID, CLIENT_SECRET
from tests.support.standin import TOKEN, Receiver

pytestmark = pytest.mark.usefixtures("no_proxies")
SECRET = "local-signing-secret"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def slack(receiver: Receiver) -> Iterator[SlackStandIn]:
    with SlackStandIn(TOKEN, port=free_port(), echo_url=receiver.url, signing_secret=SECRET,
                      token_ttl=3600) as running:
        yield running


def web(slack: SlackStandIn, token: str) -> WebClient:
    return WebClient(token=token, base_url=slack.api_url, timeout=5)


def test_auth_revoke_revokes_the_calling_token(slack: SlackStandIn, receiver: Receiver) -> None:
    installed = slack.install(team="T0BETA", user_scope="search:read")
    bot = web(slack, installed["access_token"])
    assert bot.auth_revoke(test=True)["revoked"] is False
    assert bot.auth_test()["ok"]
    assert bot.auth_revoke()["revoked"] is True
    with pytest.raises(SlackApiError) as revoked:
        bot.auth_test()
    assert revoked.value.response["error"] == "token_revoked"
    with pytest.raises(SlackApiError, match="invalid_refresh_token"):
        WebClient(base_url=slack.api_url).oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                                                          grant_type="refresh_token",
                                                          refresh_token=installed["refresh_token"])

    (event,) = receiver.payloads(1)
    assert event["event"] == {"type": "tokens_revoked", "tokens": {"bot": ["U0BETABOT"]}}
    assert event["team_id"] == "T0BETA"
    # the installer's user token still works: the app is still installed
    assert web(slack, installed["authed_user"]["access_token"]).auth_test()["ok"]
    assert [i["team"]["id"] for i in slack.installations()] == ["T0LOCAL", "T0BETA"]


def test_revoking_the_last_token_uninstalls_the_app(slack: SlackStandIn, receiver: Receiver) -> None:
    bot = web(slack, slack.install(team="T0BETA")["access_token"])
    bot.auth_revoke()
    revoked, uninstalled = receiver.payloads(2)
    assert revoked["event"]["type"] == "tokens_revoked" and uninstalled["event"] == {"type": "app_uninstalled"}
    assert [i["team"]["id"] for i in slack.installations()] == ["T0LOCAL"]


def test_uninstall_revokes_tokens_and_tells_the_ingress(slack: SlackStandIn, receiver: Receiver) -> None:
    beta = slack.install(team="T0BETA", user="U0BETAUSER", user_scope="search:read")
    remote = StandInClient(slack.url)
    result = remote.uninstall(team="T0BETA")
    assert result["team"]["id"] == "T0BETA"
    assert sorted((r["kind"], r["user_id"]) for r in result["revoked"]) == [("bot", "U0BETABOT"),
                                                                            ("user", "U0BETAUSER")]

    for token in (beta["access_token"], beta["authed_user"]["access_token"]):
        with pytest.raises(SlackApiError, match="token_revoked"):
            web(slack, token).auth_test()
    assert web(slack, TOKEN).chat_postMessage(channel="D0LOCALDM", text="the other workspace is untouched")["ok"]
    assert [i["team"]["id"] for i in remote.installations()] == ["T0LOCAL"]

    headers, body = receiver.take()
    assert SignatureVerifier(SECRET).is_valid_request(body, headers)
    revoked = json.loads(body)
    assert revoked["type"] == "event_callback" and revoked["api_app_id"] == APP_ID
    assert revoked["event"] == {"type": "tokens_revoked", "tokens": {"oauth": ["U0BETAUSER"], "bot": ["U0BETABOT"]}}
    assert revoked["team_id"] == "T0BETA" and revoked["authorizations"][0]["team_id"] == "T0BETA"
    (uninstalled,) = receiver.payloads(1)
    assert uninstalled["event"] == {"type": "app_uninstalled"} and uninstalled["team_id"] == "T0BETA"
    assert uninstalled["event_id"] != revoked["event_id"]


def test_uninstalling_an_org_wide_install(slack: SlackStandIn, receiver: Receiver) -> None:
    org = slack.install(enterprise="E0GRID")
    slack.uninstall(enterprise="E0GRID")
    with pytest.raises(SlackApiError, match="token_revoked"):
        web(slack, org["access_token"]).chat_postMessage(channel="D0ALPHADM", text="gone")
    revoked, uninstalled = receiver.payloads(2)
    for payload in (revoked, uninstalled):
        assert payload["enterprise_id"] == "E0GRID" and payload["team_id"] == "E0GRID"
        assert payload["authorizations"] == [{"enterprise_id": "E0GRID", "team_id": None, "user_id": "W0GRIDBOT",
                                              "is_bot": True, "is_enterprise_install": True}]
    assert uninstalled["event"]["type"] == "app_uninstalled"


def test_uninstall_without_events_and_reinstall(slack: SlackStandIn, receiver: Receiver) -> None:
    first = slack.install(team="T0BETA")["access_token"]
    StandInClient(slack.url).uninstall(team="T0BETA", notify=False)
    again = slack.install(team="T0BETA")["access_token"]
    assert again != first and web(slack, again).auth_test()["team_id"] == "T0BETA"
    with pytest.raises(SlackApiError, match="token_revoked"):
        web(slack, first).auth_test()
    assert receiver.received.empty()


def test_uninstalling_what_is_not_installed(slack: SlackStandIn) -> None:
    with pytest.raises(LookupError):
        slack.uninstall(team="T0BETA")
    with pytest.raises(RuntimeError, match="404"):
        StandInClient(slack.url).uninstall(enterprise="E0GRID")


def test_the_token_given_at_start_can_be_uninstalled_and_given_again(slack: SlackStandIn) -> None:
    slack.uninstall()  # the first workspace
    with pytest.raises(SlackApiError, match="token_revoked"):
        web(slack, TOKEN).auth_test()
    slack.rotate_token("xoxb-a-new-one")
    assert web(slack, "xoxb-a-new-one").auth_test()["team_id"] == "T0LOCAL"
