"""Token rotation as Slack runs it: expiring `xoxe.` tokens, `token_expired`, oauth.v2.access with
grant_type=refresh_token, single-use refresh tokens; driven by slack_sdk, its TokenRotator and Bolt's authorize."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt import BoltContext
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.file import FileInstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator

from bot.local.processes import free_port
from bot.local.standin.client import StandInClient
from bot.local.standin.server import SlackStandIn
from bot.local.standin.workspaces import CLIENT_ID, CLIENT_SECRET
from tests.support.standin import Clock

pytestmark = pytest.mark.usefixtures("no_proxies")
TTL = 60


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def slack(clock: Clock) -> Iterator[SlackStandIn]:
    with SlackStandIn(port=free_port(), token_ttl=TTL, clock=clock) as running:
        yield running


@pytest.fixture
def oauth(slack: SlackStandIn) -> WebClient:
    return WebClient(base_url=slack.api_url, timeout=5)


def refresh(oauth: WebClient, refresh_token: str) -> dict:
    return oauth.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, grant_type="refresh_token",
                                 refresh_token=refresh_token).data  # type: ignore[return-value]


def post(slack: SlackStandIn, token: str, channel: str = "D0BETADM") -> dict:
    return WebClient(token=token, base_url=slack.api_url).chat_postMessage(channel=channel, text="hi").data  # type: ignore[return-value]


def test_installs_get_expiring_tokens_and_a_refresh_token(slack: SlackStandIn) -> None:
    answer = slack.install(team="T0BETA", user_scope="search:read")
    assert answer["access_token"].startswith("xoxe.xoxb-1-") and answer["expires_in"] == TTL
    assert answer["refresh_token"].startswith("xoxe-1-")
    user = answer["authed_user"]
    assert user["access_token"].startswith("xoxe.xoxp-1-") and user["expires_in"] == TTL
    assert user["refresh_token"].startswith("xoxe-1-") and user["refresh_token"] != answer["refresh_token"]


def test_an_expired_token_is_refused_with_token_expired(slack: SlackStandIn, clock: Clock) -> None:
    token = slack.install(team="T0BETA")["access_token"]
    assert post(slack, token)["ok"]
    clock.advance(TTL)
    with pytest.raises(SlackApiError) as expired:
        post(slack, token)
    assert expired.value.response["error"] == "token_expired"
    refused = slack.calls("chat.postMessage")[-1]
    assert refused["team"] == "T0BETA"  # a refused call still names whose token it was


def test_refresh_gives_a_new_pair_and_spends_the_refresh_token(slack: SlackStandIn, oauth: WebClient,
                                                               clock: Clock) -> None:
    installed = slack.install(team="T0BETA")
    clock.advance(TTL - 10)
    renewed = refresh(oauth, installed["refresh_token"])

    assert renewed["ok"] and renewed["token_type"] == "bot" and renewed["expires_in"] == TTL
    assert renewed["access_token"] != installed["access_token"]
    assert renewed["refresh_token"] != installed["refresh_token"]
    assert (renewed["bot_user_id"], renewed["team"], renewed["enterprise"], renewed["is_enterprise_install"]) == (
        "U0BETABOT", {"id": "T0BETA", "name": "Beta Works"}, None, False)
    assert renewed["scope"] == installed["scope"]
    with pytest.raises(SlackApiError) as spent:
        refresh(oauth, installed["refresh_token"])
    assert spent.value.response["error"] == "invalid_refresh_token"

    assert post(slack, installed["access_token"])["ok"]  # the old token lives out its own 60 s
    clock.advance(10)
    with pytest.raises(SlackApiError, match="token_expired"):
        post(slack, installed["access_token"])
    assert post(slack, renewed["access_token"])["ok"]
    assert refresh(oauth, renewed["refresh_token"])["ok"]  # and so on, every time


def test_a_user_token_refreshes_as_a_user_token(slack: SlackStandIn, oauth: WebClient) -> None:
    user = slack.install(team="T0BETA", user_scope="search:read")["authed_user"]
    renewed = refresh(oauth, user["refresh_token"])
    assert renewed["token_type"] == "user" and renewed["access_token"].startswith("xoxe.xoxp-1-")
    assert "bot_user_id" not in renewed


def test_unknown_refresh_token_and_bad_client(slack: SlackStandIn, oauth: WebClient) -> None:
    with pytest.raises(SlackApiError, match="invalid_refresh_token"):
        refresh(oauth, "xoxe-1-made-up")
    installed = slack.install()
    with pytest.raises(SlackApiError, match="bad_client_secret"):
        oauth.oauth_v2_access(client_id=CLIENT_ID, client_secret="wrong", grant_type="refresh_token",
                              refresh_token=installed["refresh_token"])
    assert refresh(oauth, installed["refresh_token"])["ok"]  # a refused attempt did not spend it


def test_racing_refreshes_with_one_refresh_token_win_once(slack: SlackStandIn, oauth: WebClient) -> None:
    refresh_token = slack.install(team="T0BETA")["refresh_token"]
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            refresh(WebClient(base_url=slack.api_url), refresh_token)
            outcomes.append("ok")
        except SlackApiError as exc:
            outcomes.append(exc.response["error"])

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(outcomes) == ["invalid_refresh_token"] * 7 + ["ok"]


def test_slack_sdks_token_rotator_refreshes_against_the_stand_in(slack: SlackStandIn, oauth: WebClient) -> None:
    installed = slack.install(team="T0BETA")
    bot = Bot(team_id="T0BETA", bot_token=installed["access_token"], bot_refresh_token=installed["refresh_token"],
              bot_token_expires_in=installed["expires_in"], bot_id="B0BETABOT", bot_user_id="U0BETABOT",
              installed_at=1.0)
    rotator = TokenRotator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, client=oauth)
    assert rotator.perform_bot_token_rotation(bot=bot, minutes_before_expiration=0) is None  # not due yet
    rotated = rotator.perform_bot_token_rotation(bot=bot, minutes_before_expiration=2)
    assert rotated is not None and rotated.bot_token != installed["access_token"]
    assert post(slack, rotated.bot_token)["ok"]


def test_bolt_authorize_rotates_an_expired_token_before_using_it(slack: SlackStandIn, clock: Clock,
                                                                  tmp_path: Path) -> None:
    installed = slack.install(team="T0BETA")
    store = FileInstallationStore(base_dir=str(tmp_path))
    store.save(Installation(app_id=installed["app_id"], team_id="T0BETA", user_id="U0BETAUSER", bot_id="B0BETABOT",
                            bot_user_id="U0BETABOT", bot_token=installed["access_token"],
                            bot_refresh_token=installed["refresh_token"], bot_token_expires_in=installed["expires_in"],
                            bot_scopes=installed["scope"]))
    clock.advance(TTL + 1)  # the stored token has expired at the stand-in (Bolt's own clock does not move)
    authorize = InstallationStoreAuthorize(logger=logging.getLogger("bolt"), installation_store=store,
                                           client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                                           token_rotation_expiration_minutes=TTL, client=WebClient(
                                               base_url=slack.api_url))
    context = BoltContext(client=WebClient(base_url=slack.api_url))
    result = authorize(context=context, enterprise_id=None, team_id="T0BETA", user_id="U0BETAUSER")
    assert result is not None and result.bot_token != installed["access_token"] and result.team_id == "T0BETA"
    assert [c["method"] for c in slack.calls()][-2:] == ["oauth.v2.access", "auth.test"]
    assert all(c["response"]["ok"] for c in slack.calls())  # the expired token was never used


def test_rotation_is_switched_and_tokens_expired_through_the_control_api(clock: Clock) -> None:
    with SlackStandIn("xoxb-given-at-start", port=free_port(), clock=clock) as slack:
        remote = StandInClient(slack.url)
        assert remote.token_ttl() is None
        plain = slack.install(team="T0BETA")
        assert plain["access_token"].startswith("xoxb-") and "expires_in" not in plain
        remote.set_token_ttl(5)
        rotating = slack.install(team="T0GRIDA")
        assert rotating["expires_in"] == 5 and remote.token_ttl() == 5
        assert remote.expire_tokens(team="T0GRIDA") == 1
        with pytest.raises(SlackApiError, match="token_expired"):
            post(slack, rotating["access_token"], "D0ALPHADM")
        assert post(slack, plain["access_token"])["ok"]  # tokens without rotation never expire
        assert post(slack, "xoxb-given-at-start", "D0LOCALDM")["ok"]
        remote.set_token_ttl(None)
        assert "expires_in" not in slack.install(team="T0GRIDB")
        with pytest.raises(RuntimeError, match="positive"):
            remote.set_token_ttl(0)
