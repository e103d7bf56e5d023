"""The Slack request builders for more than one workspace: what Bolt reads from them is the installation meant."""

from __future__ import annotations

from slack_bolt.request.internals import extract_enterprise_id, extract_is_enterprise_install, extract_team_id

from bot.local.slack_events import app_uninstalled_event, message_event, tokens_revoked_event
from bot.local.standin.workspaces import BOT_USER_ID, TEAM_ID


def test_the_default_is_the_first_local_workspace() -> None:
    payload = message_event("hello")
    assert (payload["team_id"], payload["event"]["team"]) == (TEAM_ID, TEAM_ID)
    assert payload["authorizations"] == [{"enterprise_id": None, "team_id": TEAM_ID, "user_id": BOT_USER_ID,
                                          "is_bot": True, "is_enterprise_install": False}]
    assert "enterprise_id" not in payload
    assert (extract_enterprise_id(payload), extract_team_id(payload)) == (None, TEAM_ID)


def test_a_message_in_another_workspace() -> None:
    payload = message_event("hi", channel="D0BETADM", user="U0BETAUSER", team="T0BETA", bot_user="U0BETABOT")
    assert payload["event"]["team"] == "T0BETA" and payload["authorizations"][0]["user_id"] == "U0BETABOT"
    assert (extract_enterprise_id(payload), extract_team_id(payload)) == (None, "T0BETA")


def test_a_message_to_an_org_wide_install() -> None:
    payload = message_event("hi", channel="D0ALPHADM", user="W0ALPHAUSER", team="T0GRIDA", enterprise="E0GRID",
                            bot_user="W0GRIDBOT", org_install=True)
    assert (payload["team_id"], payload["enterprise_id"], payload["context_team_id"]) == ("T0GRIDA", "E0GRID",
                                                                                          "T0GRIDA")
    # Bolt looks the installation up by the authorization: the org, no team
    assert (extract_enterprise_id(payload), extract_team_id(payload)) == ("E0GRID", None)
    assert extract_is_enterprise_install(payload) is True


def test_uninstall_events() -> None:
    revoked = tokens_revoked_event(bot=["U0BETABOT"], oauth=["U0BETAUSER"], team="T0BETA", bot_user="U0BETABOT")
    assert revoked["event"] == {"type": "tokens_revoked", "tokens": {"oauth": ["U0BETAUSER"], "bot": ["U0BETABOT"]}}
    assert tokens_revoked_event(bot=["U0BETABOT"], team="T0BETA")["event"]["tokens"] == {"bot": ["U0BETABOT"]}
    gone = app_uninstalled_event(team="E0GRID", enterprise="E0GRID", org_install=True, bot_user="W0GRIDBOT")
    assert gone["event"] == {"type": "app_uninstalled"}
    assert (extract_enterprise_id(gone), extract_team_id(gone)) == ("E0GRID", None)
