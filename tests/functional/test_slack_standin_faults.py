"""Injected faults, met by the real slack_sdk client: 429 with Retry-After, 5xx, dropped connections, Slack errors."""

from __future__ import annotations

import time

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.local.standin.client import StandInClient
from bot.local.standin.server import SlackStandIn
from tests.support.standin import TOKEN

pytestmark = pytest.mark.usefixtures("no_proxies")


def test_rate_limit_is_retried_by_slack_sdk(standin: SlackStandIn) -> None:
    client = WebClient(token=TOKEN, base_url=standin.api_url,
                       retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
    standin.add_fault("chat.postMessage", status=429, retry_after=1, count=1)
    started = time.monotonic()
    assert client.chat_postMessage(channel="C1", text="patience")["ok"]
    assert time.monotonic() - started >= 1.0  # it honoured Retry-After
    faulted, answered = standin.calls("chat.postMessage")
    assert faulted["status"] == 429 and faulted["fault"]["retry_after"] == 1
    assert faulted["response"] == {"ok": False, "error": "ratelimited"}
    assert answered["status"] == 200 and answered["response"]["ok"] and "fault" not in answered


def test_server_error_raises(standin: SlackStandIn, client: WebClient) -> None:
    StandInClient(standin.url).add_fault("chat.postMessage", status=500)
    with pytest.raises(SlackApiError) as failed:
        client.chat_postMessage(channel="C1", text="x")
    assert failed.value.response.status_code == 500
    assert client.chat_postMessage(channel="C1", text="x")["ok"]  # the fault was used up


def test_dropped_connection_is_retried_once_by_default(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_fault("chat.postMessage", status="drop")
    assert client.chat_postMessage(channel="C1", text="again")["ok"]
    dropped, answered = standin.calls("chat.postMessage")
    assert dropped["fault"]["status"] == "drop" and dropped["response"] is None
    assert answered["response"]["ok"]


def test_slack_error_fault(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_fault("reactions.add", status=200, error="not_in_channel")
    with pytest.raises(SlackApiError, match="not_in_channel"):
        client.reactions_add(channel="C1", timestamp="1.000001", name="eyes")
