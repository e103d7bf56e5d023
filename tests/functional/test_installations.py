"""OAuth installations through slack_sdk's store interfaces: only fresh tokens come out, refreshed once across
workers, never another workspace's, never an expired one (against the Slack stand-in's real token rotation)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation

from bot.channels.slack.installations import RecordsInstallationStore, TokenRefresher, TokenUnavailable
from bot.local.standin.server import SlackStandIn
from bot.local.standin.workspaces import CLIENT_ID, CLIENT_SECRET
from bot.stores.installations import MemoryInstallationRecords


def installation_from(answer: dict) -> Installation:
    """What Bolt's OAuth flow makes of an oauth.v2.access answer."""
    team = answer.get("team") or {}
    enterprise = answer.get("enterprise") or {}
    return Installation(app_id=answer["app_id"], enterprise_id=enterprise.get("id"), team_id=team.get("id"),
                        team_name=team.get("name"), bot_token=answer["access_token"], bot_id=answer.get("bot_id"),
                        bot_user_id=answer["bot_user_id"], bot_scopes=answer["scope"],
                        bot_refresh_token=answer.get("refresh_token"), bot_token_expires_in=answer.get("expires_in"),
                        user_id=answer["authed_user"]["id"],
                        is_enterprise_install=answer.get("is_enterprise_install"))


@pytest.fixture
def slack() -> SlackStandIn:
    with SlackStandIn(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, token_ttl=4) as standin:
        yield standin


def store_for(slack: SlackStandIn, records: MemoryInstallationRecords) -> RecordsInstallationStore:
    refresher = TokenRefresher(records, CLIENT_ID, lambda: CLIENT_SECRET, WebClient(base_url=slack.api_url))
    return RecordsInstallationStore(records, refresher=refresher)


def test_a_rotating_token_near_expiry_is_refreshed_once_for_many_workers(slack: SlackStandIn) -> None:
    records = MemoryInstallationRecords()
    store = store_for(slack, records)
    store.save(installation_from(slack.install(team="T0BETA")))
    first = store.find_bot(enterprise_id=None, team_id="T0BETA").bot_token
    time.sleep(3.0)  # a third of its 4 s life is left: refresh now, before it expires

    with ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(lambda _: store.find_bot(enterprise_id=None, team_id="T0BETA").bot_token, range(8)))
    assert len(set(tokens)) == 1 and tokens[0] != first
    refreshes = [call for call in slack.calls("oauth.v2.access") if call["args"].get("grant_type") == "refresh_token"]
    assert len(refreshes) == 1
    assert WebClient(token=tokens[0], base_url=slack.api_url).auth_test()["team_id"] == "T0BETA"


def test_an_expired_token_that_cannot_be_refreshed_is_never_handed_out(slack: SlackStandIn) -> None:
    records = MemoryInstallationRecords()
    store = store_for(slack, records)
    answer = slack.install(team="T0BETA")
    store.save(installation_from({**answer, "refresh_token": "xoxe-1-not-a-refresh-token"}))
    slack.expire_tokens(team="T0BETA")
    record = records.find(None, "T0BETA")
    records.replace_tokens(record["key"], record["version"], {"bot_token_expires_at": int(time.time()) - 1})
    with pytest.raises(TokenUnavailable):
        store.find_bot(enterprise_id=None, team_id="T0BETA")


def test_an_org_wide_install_serves_its_workspaces_and_no_other(slack: SlackStandIn) -> None:
    records = MemoryInstallationRecords()
    store = store_for(slack, records)
    store.save(installation_from(slack.install(enterprise="E0GRID")))
    for team in ("T0GRIDA", "T0GRIDB"):
        bot = store.find_bot(enterprise_id="E0GRID", team_id=team)
        assert bot is not None and bot.is_enterprise_install
    assert store.find_bot(enterprise_id=None, team_id="T0BETA") is None


def test_an_uninstall_removes_the_installation_and_says_so() -> None:
    records = MemoryInstallationRecords()
    removed: list[tuple] = []
    store = RecordsInstallationStore(records, on_removed=lambda *where: removed.append(where))
    store.save(Installation(team_id="T1", bot_token="xoxb-t1", bot_id="B1", bot_user_id="U1", user_id="U2"))
    store.save(Installation(team_id="T2", bot_token="xoxb-t2", bot_id="B2", bot_user_id="U3", user_id="U4"))
    store.delete_all(enterprise_id=None, team_id="T1")
    assert store.find_bot(enterprise_id=None, team_id="T1") is None
    assert store.find_bot(enterprise_id=None, team_id="T2").bot_token == "xoxb-t2"
    assert removed == [(None, "T1", False)]
