"""Workspaces: a call is made with one installation's token, acts as that installation's bot, is recorded with its
team (and enterprise), and cannot reach another workspace's conversations; an org-wide install reaches every
workspace of its org. A single token given at start works as it always has."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.local.processes import free_port
from bot.local.standin.client import StandInClient
from bot.local.standin.server import SlackStandIn
from bot.local.standin.workspaces import CLIENT_SECRET, DEFAULT_DIRECTORY
from tests.support.standin import TOKEN

pytestmark = pytest.mark.usefixtures("no_proxies")


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(TOKEN, port=free_port()) as running:
        yield running


def web(slack: SlackStandIn, token: str) -> WebClient:
    return WebClient(token=token, base_url=slack.api_url, timeout=5)


def test_the_local_slack_has_workspaces_people_and_an_org(slack: SlackStandIn) -> None:
    described = StandInClient(slack.url).workspaces()
    teams = {w["id"]: w for w in described["workspaces"]}
    assert set(teams) == {"T0LOCAL", "T0BETA", "T0GRIDA", "T0GRIDB"}
    assert described["enterprises"] == [{"id": "E0GRID", "name": "Gridiron", "domain": "gridiron",
                                         "url": "https://gridiron.enterprise.slack.com/", "bot_user_id": "W0GRIDBOT",
                                         "bot_id": "B0GRIDBOT", "workspaces": ["T0GRIDA", "T0GRIDB"]}]
    assert teams["T0GRIDA"]["enterprise_id"] == "E0GRID" and teams["T0BETA"]["enterprise_id"] is None
    assert all(len(w["users"]) >= 2 for w in teams.values())
    assert teams["T0LOCAL"]["users"][0] == {"id": "U0LOCALUSER", "name": "you", "dm": "D0LOCALDM"}
    assert described["app"]["client_id"] == DEFAULT_DIRECTORY.app.client_id
    assert CLIENT_SECRET not in str(described)


def test_a_token_given_at_start_is_the_first_workspaces(slack: SlackStandIn) -> None:
    client = web(slack, TOKEN)
    client.chat_postMessage(channel="D0LOCALDM", text="hello")
    client.chat_postMessage(channel="C0ANYWHERE", text="a channel the directory does not know")
    assert [(c["team"], c["enterprise"]) for c in slack.calls()] == [("T0LOCAL", None)] * 2
    (installation,) = slack.installations()
    assert installation["team"]["id"] == "T0LOCAL" and installation["tokens"][0]["state"] == "active"
    assert TOKEN not in str(installation)  # tokens are listed as fingerprints


def test_two_workspaces_each_with_its_own_bot(slack: SlackStandIn) -> None:
    beta = slack.install(team="T0BETA")
    local, other = web(slack, TOKEN), web(slack, beta["access_token"])

    assert other.auth_test()["team_id"] == "T0BETA" and local.auth_test()["team_id"] == "T0LOCAL"
    mine = local.chat_postMessage(channel="U0LOCALUSER", text="to you")  # a person's id: their DM
    theirs = other.chat_postMessage(channel="D0BETADM", text="to bea")["message"]
    assert mine["channel"] == "D0LOCALDM" and mine["message"]["bot_id"] == "B0PARLEYBOT"
    assert (theirs["user"], theirs["bot_id"], theirs["team"]) == ("U0BETABOT", "B0BETABOT", "T0BETA")
    assert [c["team"] for c in slack.calls("chat.postMessage")] == ["T0LOCAL", "T0BETA"]
    assert [c["args"]["text"] for c in slack.calls(team="T0BETA", method="chat.postMessage")] == ["to bea"]
    assert [c["args"]["text"] for c in StandInClient(slack.url).calls("chat.postMessage", team="T0LOCAL")] == [
        "to you"]


def test_a_workspaces_token_cannot_reach_another_workspace(slack: SlackStandIn) -> None:
    beta = web(slack, slack.install(team="T0BETA")["access_token"])
    for channel in ("D0LOCALDM", "C0LOCALCHAN", "U0LOCALUSER", "D0ALPHADM"):
        with pytest.raises(SlackApiError) as refused:
            beta.chat_postMessage(channel=channel, text="wrong tenant")
        assert refused.value.response["error"] == "channel_not_found", channel
    with pytest.raises(SlackApiError, match="user_not_found"):
        beta.conversations_open(users="U0LOCALUSER")
    assert beta.conversations_open(users="U0BETABEN")["channel"]["id"] == "D0BETABEN"
    posted = web(slack, TOKEN).chat_postMessage(channel="D0LOCALDM", text="mine")
    with pytest.raises(SlackApiError, match="channel_not_found"):
        beta.chat_update(channel="D0LOCALDM", ts=posted["ts"], text="edited by the wrong bot")
    refused = slack.calls("chat.postMessage")[0]
    assert refused["team"] == "T0BETA" and refused["response"]["error"] == "channel_not_found"


def test_views_belong_to_their_workspace(slack: SlackStandIn) -> None:
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Ask"}, "blocks": []}
    opened = web(slack, TOKEN).views_open(trigger_id="1.2.a", view=modal)["view"]
    assert opened["team_id"] == "T0LOCAL" and opened["bot_id"] == "B0PARLEYBOT"
    beta = web(slack, slack.install(team="T0BETA")["access_token"])
    with pytest.raises(SlackApiError, match="not_found"):
        beta.views_update(view_id=opened["id"], view=modal)


def test_an_org_wide_install_reaches_every_workspace_of_its_org(slack: SlackStandIn) -> None:
    org = slack.install(enterprise="E0GRID")
    assert org["is_enterprise_install"] is True and org["team"] is None
    client = web(slack, org["access_token"])
    alpha = client.chat_postMessage(channel="D0ALPHADM", text="to alma")["message"]
    client.chat_postMessage(channel="W0BRAVOUSER", text="to bruno")
    client.chat_postMessage(channel="C0UNKNOWN", text="somewhere", team_id="T0GRIDB")

    assert (alpha["user"], alpha["bot_id"], alpha["team"]) == ("W0GRIDBOT", "B0GRIDBOT", "T0GRIDA")
    assert [(c["team"], c["enterprise"]) for c in slack.calls("chat.postMessage")] == [
        ("T0GRIDA", "E0GRID"), ("T0GRIDB", "E0GRID"), ("T0GRIDB", "E0GRID")]
    with pytest.raises(SlackApiError, match="channel_not_found"):
        client.chat_postMessage(channel="D0BETADM", text="outside the org")
    with pytest.raises(SlackApiError, match="team_access_not_granted"):
        client.chat_postMessage(channel="C0UNKNOWN", text="x", team_id="T0BETA")
    with pytest.raises(SlackApiError, match="channel_not_found"):
        client.chat_postMessage(channel="D0ALPHADM", text="x", team_id="T0GRIDB")  # not that workspace's DM
    tested = client.auth_test()
    assert (tested["team_id"], tested["enterprise_id"], tested["user_id"], tested["bot_id"]) == (
        "E0GRID", "E0GRID", "W0GRIDBOT", "B0GRIDBOT")


def test_a_workspace_install_in_a_grid_workspace_names_its_enterprise(slack: SlackStandIn) -> None:
    alpha = slack.install(team="T0GRIDA")
    assert alpha["team"]["id"] == "T0GRIDA" and alpha["enterprise"] == {"id": "E0GRID", "name": "Gridiron"}
    assert alpha["is_enterprise_install"] is False and alpha["bot_user_id"] == "U0ALPHABOT"
    client = web(slack, alpha["access_token"])
    assert client.auth_test()["enterprise_id"] == "E0GRID"
    client.chat_postMessage(channel="D0ALPHADM", text="hi")
    with pytest.raises(SlackApiError, match="channel_not_found"):
        client.chat_postMessage(channel="D0BRAVODM", text="the other workspace of the org")
    assert [(c["team"], c["enterprise"]) for c in slack.calls("chat.postMessage")] == [("T0GRIDA", "E0GRID")] * 2


def test_an_oauth_installation_has_only_the_scopes_it_was_granted(slack: SlackStandIn) -> None:
    limited = web(slack, slack.install(team="T0BETA", scope="im:write")["access_token"])
    with pytest.raises(SlackApiError) as refused:
        limited.chat_postMessage(channel="D0BETADM", text="no chat:write")
    assert refused.value.response.data == {"ok": False, "error": "missing_scope", "needed": "chat:write",
                                           "provided": "im:write"}
    assert limited.conversations_open(users="U0BETAUSER")["ok"]
    assert web(slack, TOKEN).reactions_add(channel="D0LOCALDM", timestamp="1.000001", name="eyes")["ok"]


def test_installing_over_http(slack: SlackStandIn) -> None:
    remote = StandInClient(slack.url)
    answer = remote.install(team="T0GRIDB", user="W0BRAVOBEA")
    assert answer["authed_user"] == {"id": "W0BRAVOBEA"} and answer["team"]["id"] == "T0GRIDB"
    assert web(slack, answer["access_token"]).auth_test()["team_id"] == "T0GRIDB"
    with pytest.raises(RuntimeError, match="T0NOWHERE"):
        remote.install(team="T0NOWHERE")
    assert [i["team"]["id"] for i in remote.installations()] == ["T0LOCAL", "T0GRIDB"]
