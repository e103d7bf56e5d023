"""The stand-in's assistant.threads.* methods through the real slack_sdk client: Slack's documented arguments,
limits and errors, and a status cleared by the app's next post in the thread."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.local.standin.server import SlackStandIn

DM, TS = "D0ASSIST", "1700000000.000100"
PROMPT = {"title": "Roll a die", "message": "roll 6"}


def error_of(call: object) -> str:
    with pytest.raises(SlackApiError) as raised:
        call()  # type: ignore[operator]
    return str(raised.value.response["error"])


def test_a_status_shows_until_the_app_posts_in_the_thread(client: WebClient, standin: SlackStandIn) -> None:
    assert client.assistant_threads_setStatus(channel_id=DM, thread_ts=TS, status="is thinking…",
                                              loading_messages=["Rolling…"])["ok"]
    assert standin.assistant_thread(DM, TS)["status"] == "is thinking…"
    client.chat_postMessage(channel=DM, text="elsewhere")  # not in the thread: the status stays
    assert standin.assistant_thread(DM, TS)["status"] == "is thinking…"
    client.chat_postMessage(channel=DM, thread_ts=TS, text="You rolled a 4.")
    assert standin.assistant_thread(DM, TS)["status"] == ""
    assert standin.calls()[0]["method"] == "assistant.threads.setStatus"  # recorded


def test_an_empty_status_clears_it(client: WebClient, standin: SlackStandIn) -> None:
    client.assistant_threads_setStatus(channel_id=DM, thread_ts=TS, status="is thinking…")
    client.assistant_threads_setStatus(channel_id=DM, thread_ts=TS, status="")
    assert standin.assistant_thread(DM, TS)["status"] == ""


def test_prompts_and_title_are_kept(client: WebClient, standin: SlackStandIn) -> None:
    client.assistant_threads_setSuggestedPrompts(channel_id=DM, thread_ts=TS, prompts=[PROMPT], title="Try")
    client.assistant_threads_setTitle(channel_id=DM, thread_ts=TS, title="Roll a die")
    thread = standin.assistant_thread(DM, TS)
    assert (thread["prompts"], thread["prompts_title"], thread["title"]) == ([PROMPT], "Try", "Roll a die")


def test_slacks_errors(client: WebClient) -> None:
    assert error_of(lambda: client.assistant_threads_setStatus(channel_id="C0CHAN", thread_ts=TS,
                                                               status="x")) == "channel_not_found"
    assert error_of(lambda: client.assistant_threads_setTitle(channel_id=DM, thread_ts="yesterday",
                                                              title="x")) == "invalid_thread_ts"
    assert error_of(lambda: client.assistant_threads_setSuggestedPrompts(
        channel_id=DM, thread_ts=TS, prompts=[PROMPT] * 5)) == "invalid_arguments"
    assert error_of(lambda: client.assistant_threads_setSuggestedPrompts(
        channel_id=DM, thread_ts=TS, prompts=[{"title": "no message"}])) == "invalid_arguments"
    assert error_of(lambda: client.assistant_threads_setStatus(channel_id=DM, thread_ts=TS, status="x",
                                                               loading_messages=["."] * 11)) == "invalid_arguments"
    assert error_of(lambda: client.api_call("assistant.threads.setTitle",
                                            json={"channel_id": DM, "thread_ts": TS})) == "invalid_arguments"
