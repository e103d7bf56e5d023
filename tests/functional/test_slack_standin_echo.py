"""The echo: the bot's own posts come back to the ingress as signed message events, as Slack delivers them."""

from __future__ import annotations

import json
import time

import pytest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.local.processes import free_port
from bot.local.standin.server import SlackStandIn
from bot.local.standin.workspaces import APP_ID, BOT_ID, BOT_USER_ID, TEAM_ID
from tests.support.standin import TOKEN, Receiver

SECRET = "local-signing-secret"

pytestmark = pytest.mark.usefixtures("no_proxies")


def test_echo_delivers_signed_message_events() -> None:
    with (Receiver() as receiver,
          SlackStandIn(TOKEN, port=free_port(), echo_url=receiver.url, signing_secret=SECRET) as standin):
        client = WebClient(token=TOKEN, base_url=standin.api_url)
        posted = client.chat_postMessage(channel="C0GENERAL", text="hello")
        headers, body = receiver.take()
        im = client.conversations_open(users="U0ALICE")["channel"]["id"]
        client.chat_postMessage(channel=im, text="dm")
        _, im_body = receiver.take()

    assert headers["Content-Type"] == "application/json"
    assert SignatureVerifier(SECRET).is_valid_request(body, headers)
    assert not SignatureVerifier("another-secret").is_valid_request(body, headers)
    payload = json.loads(body)
    assert payload["type"] == "event_callback" and payload["team_id"] == TEAM_ID and payload["api_app_id"] == APP_ID
    event = payload["event"]
    assert event["type"] == "message" and "subtype" not in event
    assert (event["bot_id"], event["app_id"], event["user"]) == (BOT_ID, APP_ID, BOT_USER_ID)
    assert (event["channel"], event["ts"], event["text"]) == ("C0GENERAL", posted["ts"], "hello")
    assert event["channel_type"] == "channel"
    im_payload = json.loads(im_body)
    assert im_payload["event"]["channel_type"] == "im" and im_payload["event"]["channel"] == im
    assert im_payload["event_id"] != payload["event_id"]


def test_echo_failure_is_only_logged(caplog: pytest.LogCaptureFixture) -> None:
    dead = f"http://127.0.0.1:{free_port()}/slack/events"  # nothing listens there
    with SlackStandIn(TOKEN, port=free_port(), echo_url=dead, signing_secret=SECRET) as standin:
        assert WebClient(token=TOKEN, base_url=standin.api_url).chat_postMessage(channel="C1", text="x")["ok"]
        deadline = time.monotonic() + 5
        while "echo" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.02)
    assert "failed" in caplog.text


def test_echo_url_must_be_local() -> None:
    with pytest.raises(ValueError):
        SlackStandIn(TOKEN, echo_url="http://example.com/slack/events", signing_secret=SECRET)


def test_echo_speaks_for_the_installation_that_posted() -> None:
    with (Receiver() as receiver,
          SlackStandIn(port=free_port(), echo_url=receiver.url, signing_secret=SECRET) as standin):
        beta = standin.install(team="T0BETA")["access_token"]
        org = standin.install(enterprise="E0GRID")["access_token"]
        WebClient(token=beta, base_url=standin.api_url).chat_postMessage(channel="D0BETADM", text="beta")
        (workspace,) = receiver.payloads(1)
        WebClient(token=org, base_url=standin.api_url).chat_postMessage(channel="D0BRAVODM", text="bravo")
        (org_wide,) = receiver.payloads(1)

    assert workspace["team_id"] == "T0BETA" and "enterprise_id" not in workspace
    assert workspace["authorizations"] == [{"enterprise_id": None, "team_id": "T0BETA", "user_id": "U0BETABOT",
                                            "is_bot": True, "is_enterprise_install": False}]
    assert (workspace["event"]["bot_id"], workspace["event"]["team"]) == ("B0BETABOT", "T0BETA")
    assert workspace["event"]["channel_type"] == "im"
    assert (org_wide["team_id"], org_wide["enterprise_id"], org_wide["context_team_id"]) == ("T0GRIDB", "E0GRID",
                                                                                             "T0GRIDB")
    assert org_wide["authorizations"] == [{"enterprise_id": "E0GRID", "team_id": None, "user_id": "W0GRIDBOT",
                                           "is_bot": True, "is_enterprise_install": True}]
    assert (org_wide["event"]["bot_id"], org_wide["event"]["user"]) == ("B0GRIDBOT", "W0GRIDBOT")
