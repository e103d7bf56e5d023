"""The stand-in's Web API methods, driven by the real slack_sdk clients the bot uses: Slack's shapes and errors."""

from __future__ import annotations

import json

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.local.standin.server import SlackStandIn
from bot.local.standin.workspaces import BOT_ID, BOT_USER_ID, TEAM_ID

pytestmark = pytest.mark.usefixtures("no_proxies")


def test_auth_test(client: WebClient) -> None:
    answer = client.auth_test()
    assert answer["ok"] is True
    assert (answer["team_id"], answer["user_id"], answer["bot_id"]) == (TEAM_ID, BOT_USER_ID, BOT_ID)
    assert answer["is_enterprise_install"] is False
    assert answer["url"].startswith("https://") and answer["team"] and answer["user"]


def test_post_message_answers_like_slack_and_is_recorded(standin: SlackStandIn, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hello*"}}]
    first = client.chat_postMessage(channel="C0GENERAL", text="hello")
    reply = client.chat_postMessage(channel="C0GENERAL", text="in thread", blocks=blocks, thread_ts=first["ts"])

    assert first["channel"] == "C0GENERAL"
    seconds, micros = first["ts"].split(".")
    assert seconds.isdigit() and len(micros) == 6
    assert float(reply["ts"]) > float(first["ts"])
    message = reply["message"]
    assert message["type"] == "message" and message["text"] == "in thread"
    assert (message["user"], message["bot_id"], message["ts"]) == (BOT_USER_ID, BOT_ID, reply["ts"])
    assert message["thread_ts"] == first["ts"] and message["blocks"] == blocks

    posts = standin.calls("chat.postMessage")
    assert [c["args"]["text"] for c in posts] == ["hello", "in thread"]
    assert posts[1]["path"] == "/api/chat.postMessage" and posts[1]["args"]["blocks"] == blocks
    assert posts[1]["response"]["ts"] == reply["ts"] and posts[0]["seq"] < posts[1]["seq"]


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_post_message_errors(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as no_text:
        client.chat_postMessage(channel="C0GENERAL")
    assert no_text.value.response["error"] == "no_text"
    with pytest.raises(SlackApiError) as no_channel:
        client.chat_postMessage(channel="", text="hello")
    assert no_channel.value.response["error"] == "channel_not_found"
    assert no_channel.value.response.status_code == 200  # Slack answers its errors with HTTP 200


def test_bad_or_missing_token(standin: SlackStandIn) -> None:
    with pytest.raises(SlackApiError) as wrong:
        WebClient(token="xoxb-wrong", base_url=standin.api_url).chat_postMessage(channel="C1", text="x")
    assert wrong.value.response["error"] == "invalid_auth"
    with pytest.raises(SlackApiError) as missing:
        WebClient(base_url=standin.api_url).auth_test()
    assert missing.value.response["error"] == "not_authed"
    assert not standin.calls("chat.postMessage")[0]["response"]["ok"]


def test_chat_update(client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C0GENERAL", text="thinking...")
    updated = client.chat_update(channel="C0GENERAL", ts=posted["ts"], text="done")
    assert updated["ts"] == posted["ts"] and updated["message"]["text"] == "done"
    with pytest.raises(SlackApiError) as unknown:
        client.chat_update(channel="C0GENERAL", ts="1.000001", text="nope")
    assert unknown.value.response["error"] == "message_not_found"


def test_other_methods(standin: SlackStandIn, client: WebClient) -> None:
    im = client.conversations_open(users="U0ALICE")["channel"]["id"]
    assert im.startswith("D")
    assert client.conversations_open(users=["U0ALICE"])["channel"]["id"] == im
    # a user id as channel posts into the DM, as Slack does
    assert client.chat_postMessage(channel="U0ALICE", text="hi")["channel"] == im

    posted = client.chat_postMessage(channel=im, text="to delete")
    assert client.reactions_add(channel=im, timestamp=posted["ts"], name="eyes")["ok"]
    assert client.chat_postEphemeral(channel=im, user="U0ALICE", text="psst")["message_ts"]
    assert client.chat_delete(channel=im, ts=posted["ts"])["ok"]
    with pytest.raises(SlackApiError, match="message_not_found"):
        client.chat_delete(channel=im, ts=posted["ts"])

    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Ask"}, "blocks": []}
    opened = client.views_open(trigger_id="1.2.abc", view=modal)["view"]
    assert opened["id"].startswith("V") and opened["type"] == "modal"
    updated = client.views_update(view_id=opened["id"], view={**modal, "private_metadata": "x"})["view"]
    assert updated["id"] == opened["id"] and updated["private_metadata"] == "x"
    assert client.views_push(trigger_id="1.2.def", view=modal)["view"]["id"] != opened["id"]
    home = client.views_publish(user_id="U0ALICE", view={"type": "home", "blocks": []})["view"]
    assert home["type"] == "home"

    with pytest.raises(SlackApiError, match="unknown_method"):
        client.api_call("users.fly")
    assert standin.calls("users.fly")[0]["response"] == {"ok": False, "error": "unknown_method"}


def test_response_url_post_is_recorded(standin: SlackStandIn) -> None:
    answer = WebhookClient(f"{standin.url}/response/T0LOCAL/1/abc").send(text="done", response_type="ephemeral")
    assert answer.status_code == 200 and json.loads(answer.body) == {"ok": True}
    (call,) = standin.calls()
    assert call["method"] is None and call["path"] == "/response/T0LOCAL/1/abc"
    assert call["args"] == {"text": "done", "response_type": "ephemeral"}
