"""The stand-in's record of calls: read in-process and over HTTP, bookmarks, and never a token."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from slack_sdk import WebClient

from bot.local.standin.client import StandInClient
from bot.local.standin.server import SlackStandIn
from tests.support.standin import TOKEN, post

pytestmark = pytest.mark.usefixtures("no_proxies")


def test_calls_after_and_clear_over_http(standin: SlackStandIn, client: WebClient) -> None:
    remote = StandInClient(standin.url)
    client.chat_postMessage(channel="C1", text="one")
    mark = remote.calls()[-1]["seq"]
    client.chat_postMessage(channel="C1", text="two")
    client.auth_test()
    assert [c["method"] for c in remote.calls(after=mark)] == ["chat.postMessage", "auth.test"]
    assert [c["args"]["text"] for c in remote.calls("chat.postMessage", after=mark)] == ["two"]
    assert remote.wait_for(lambda c: c["method"] == "auth.test", timeout=1)[0]["seq"] == mark + 2
    remote.clear()
    assert remote.calls() == [] and standin.calls() == []
    client.auth_test()
    assert remote.calls()[0]["seq"] == mark + 3  # seq keeps counting after a clear


def test_token_is_never_recorded(standin: SlackStandIn, client: WebClient) -> None:
    client.chat_postMessage(channel="C1", text="json body, bearer token")
    client.auth_test()  # form body
    body = urllib.parse.urlencode({"token": TOKEN, "channel": "C1", "text": "form token"}).encode()
    status, answer = post(standin.api_url + "chat.postMessage", body, "application/x-www-form-urlencoded")
    assert status == 200 and answer["ok"] is True
    calls = standin.calls()
    assert len(calls) == 3 and all("token" not in c["args"] for c in calls)
    assert TOKEN not in json.dumps(calls)
    assert TOKEN not in json.dumps(StandInClient(standin.url).calls())
