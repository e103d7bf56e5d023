"""The stand-in's streamed messages, driven by slack_sdk: chat.startStream / appendStream / stopStream as Slack
answers them, the open streams it reports, and faults in the middle of a stream."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.local.standin.client import StandInClient
from bot.local.standin.server import SlackStandIn
from bot.local.standin.workspaces import BOT_USER_ID, TEAM_ID

pytestmark = pytest.mark.usefixtures("no_proxies")

CHANNEL = "C0GENERAL"
THREAD = "1700000000.000100"
FOR_YOU = {"recipient_user_id": "U0LOCALUSER", "recipient_team_id": TEAM_ID}


def test_a_stream_is_a_message_that_grows_until_stopped(standin: SlackStandIn, client: WebClient) -> None:
    started = client.chat_startStream(channel=CHANNEL, thread_ts=THREAD, markdown_text="Counting", **FOR_YOU)
    ts = started["ts"]
    client.chat_appendStream(channel=CHANNEL, ts=ts, markdown_text="… 50%")
    [open_stream] = standin.streams("in_progress")
    assert (open_stream["ts"], open_stream["text"], open_stream["appends"]) == (ts, "Counting… 50%", 1)

    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "There are *4* primes."}}]
    stopped = client.chat_stopStream(channel=CHANNEL, ts=ts, markdown_text=" done", blocks=blocks)
    message = stopped["message"]
    assert (message["ts"], message["thread_ts"], message["user"]) == (ts, THREAD, BOT_USER_ID)
    assert message["streaming_state"] == "completed" and message["text"] == "Counting… 50% done"
    assert message["blocks"] == blocks
    assert standin.streams("in_progress") == []
    assert [s["stopped_by"] for s in standin.streams()] == ["bot"]
    assert [c["method"] for c in standin.calls()] == ["chat.startStream", "chat.appendStream", "chat.stopStream"]


def test_the_sdk_helper_streams_through_it(standin: SlackStandIn, client: WebClient) -> None:
    stream = client.chat_stream(channel=CHANNEL, thread_ts=THREAD, buffer_size=4, **FOR_YOU)
    stream.append(markdown_text="hello ")
    stream.append(markdown_text="world")
    stream.stop()
    [done] = standin.streams()
    assert done["text"] == "hello world" and done["state"] == "completed"


def test_after_the_stop_a_stream_takes_nothing_more(client: WebClient) -> None:
    ts = client.chat_startStream(channel=CHANNEL, thread_ts=THREAD, **FOR_YOU)["ts"]
    client.chat_stopStream(channel=CHANNEL, ts=ts)
    for call in (lambda: client.chat_appendStream(channel=CHANNEL, ts=ts, markdown_text="late"),
                 lambda: client.chat_stopStream(channel=CHANNEL, ts=ts)):
        with pytest.raises(SlackApiError) as refused:
            call()
        assert refused.value.response["error"] == "message_not_in_streaming_state"


def test_slack_ends_a_stream_that_outlives_its_lifetime(standin: SlackStandIn, client: WebClient) -> None:
    standin._api.streams.lifetime = 0.0  # Slack's five minutes, shortened
    ts = client.chat_startStream(channel=CHANNEL, thread_ts=THREAD, **FOR_YOU)["ts"]
    with pytest.raises(SlackApiError) as refused:
        client.chat_appendStream(channel=CHANNEL, ts=ts, markdown_text="too late")
    assert refused.value.response["error"] == "message_not_in_streaming_state"
    assert [s["stopped_by"] for s in standin.streams()] == ["slack"]


@pytest.mark.parametrize(("method", "args", "error"), [
    ("chat.startStream", {"channel": CHANNEL, **FOR_YOU}, "invalid_arguments"),  # no thread_ts
    ("chat.startStream", {"channel": CHANNEL, "thread_ts": THREAD}, "invalid_arguments"),  # a channel: no recipient
    ("chat.startStream", {"channel": CHANNEL, "thread_ts": THREAD, "recipient_user_id": "U0LOCALUSER"},
     "invalid_arguments"),
    ("chat.startStream", {"thread_ts": THREAD, **FOR_YOU}, "channel_not_found"),
    ("chat.startStream", {"channel": CHANNEL, "thread_ts": THREAD, "markdown_text": "x" * 12_001, **FOR_YOU},
     "msg_too_long"),
    ("chat.appendStream", {"channel": CHANNEL, "ts": "1.000001", "markdown_text": "x"}, "message_not_found"),
    ("chat.appendStream", {"channel": CHANNEL, "markdown_text": "x"}, "invalid_arguments"),
    ("chat.stopStream", {"channel": CHANNEL, "ts": "1.000001"}, "message_not_found"),
])
def test_refusals(client: WebClient, method: str, args: dict[str, str], error: str) -> None:
    with pytest.raises(SlackApiError) as refused:
        client.api_call(method, json=args)
    assert refused.value.response["error"] == error


def test_a_dm_needs_no_recipient_and_an_append_needs_text(client: WebClient) -> None:
    ts = client.chat_startStream(channel="U0LOCALUSER", thread_ts=THREAD)["ts"]  # a user id: the DM with them
    with pytest.raises(SlackApiError) as refused:
        client.api_call("chat.appendStream", json={"channel": "U0LOCALUSER", "ts": ts})
    assert refused.value.response["error"] == "invalid_arguments"
    with pytest.raises(SlackApiError) as chunks:
        client.api_call("chat.appendStream", json={"channel": "U0LOCALUSER", "ts": ts, "chunks": "nope"})
    assert chunks.value.response["error"] == "invalid_chunks"


def test_the_nth_append_can_fail_and_open_streams_are_listed_over_http(standin: SlackStandIn,
                                                                       client: WebClient) -> None:
    control = StandInClient(standin.url)
    control.add_fault("chat.appendStream", 500, after=2)
    ts = client.chat_startStream(channel=CHANNEL, thread_ts=THREAD, **FOR_YOU)["ts"]
    client.chat_appendStream(channel=CHANNEL, ts=ts, markdown_text="1")
    client.chat_appendStream(channel=CHANNEL, ts=ts, markdown_text="2")
    with pytest.raises(SlackApiError):
        WebClient(token=client.token, base_url=standin.api_url, retry_handlers=[]).chat_appendStream(
            channel=CHANNEL, ts=ts, markdown_text="3")
    [open_stream] = control.streams("in_progress")
    assert open_stream["text"] == "12" and open_stream["appends"] == 2
    assert [c.get("fault", {}).get("status") for c in control.calls("chat.appendStream")] == [None, None, 500]
