"""Every Slack request kind, in Slack's documented shapes (tests/events/), over real HTTP into the local
stack; and the promises: answered exactly once, none missing, rate limits waited out without duplicates."""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

from bot.local.chat import SlackChat
from bot.local.slack_events import (
    LOCAL_TEAM,
    block_suggestion,
    form,
    message_event,
    post,
    signed_request,
    view_submission,
)
from bot.local.stack import LocalStack
from tests.conftest import load_event

pytestmark = pytest.mark.e2e


def send(stack: LocalStack, payload: dict | str, **kwargs) -> tuple[int, bytes]:
    body, headers = signed_request(payload, stack.settings.signing_secret.get_secret_value(), **kwargs)
    status, _, answer = post(stack.ingress_url, body, headers)
    return status, answer


def wait_posts(chat: SlackChat, channel: str, count: int = 1, timeout: float = 30) -> list[dict]:
    calls = chat.slack.wait_for(lambda call: call.get("method") == "chat.postMessage"
                                and call["args"].get("channel") == channel, timeout=timeout, count=count)
    return [call["args"] for call in calls]


def unique(prefix: str) -> str:
    return f"{prefix}-{os.urandom(3).hex().upper()}"


def with_event(fixture: str, **event_fields: str) -> dict:
    """A documented event payload with a fresh event_id, aimed at its own conversation."""
    payload = load_event(fixture)
    payload["event_id"] = unique("Ev")
    payload["event"].update(event_fields)
    return payload


def test_message_im_fixture_is_answered_in_the_dm(stack: LocalStack, chat: SlackChat) -> None:
    channel = unique("D")
    assert send(stack, with_event("event_message_im.json", channel=channel, text="hello"))[0] == 200
    [reply] = wait_posts(chat, channel)
    assert reply["text"].startswith("Hello!")
    assert "thread_ts" not in reply


def test_app_mention_fixture_is_answered_in_a_thread(stack: LocalStack, chat: SlackChat) -> None:
    channel = unique("C")
    payload = with_event("event_app_mention.json", channel=channel, text="<@U0LAN0Z89> roll 6")
    assert send(stack, payload)[0] == 200
    [reply] = wait_posts(chat, channel)
    assert reply["thread_ts"] == payload["event"]["ts"]
    assert reply["text"].startswith("You rolled a ")


def test_a_command_that_says_payload_in_a_channel_named_payload_is_answered(stack: LocalStack,
                                                                          chat: SlackChat) -> None:
    fields = load_event("command_slash.json")
    path = f"/response/{unique('cmd')}"
    fields.update(text="echo payload ready", channel_name="payments-payload", response_url=stack.slack_url + path,
                  trigger_id=unique("trigger"))
    assert send(stack, urlencode(fields))[0] == 200
    [response] = chat.slack.wait_for(lambda call: call["path"] == path, timeout=30)
    assert response["args"]["text"] == "payload ready"


def test_an_echoed_channel_mention_stays_text(stack: LocalStack, chat: SlackChat) -> None:
    channel = unique("D")
    # typed literally in Slack, "<!channel>" arrives escaped; the bot must not turn it back into a live mention
    assert send(stack, with_event("event_message_im.json", channel=channel, text="echo &lt;!channel&gt; all"))[0] == 200
    [reply] = wait_posts(chat, channel)
    assert "<!channel>" not in json.dumps(reply)
    assert reply["blocks"][0]["text"]["text"] == "&lt;!channel&gt; all"


def test_slash_command_fixture_answers_through_response_url(stack: LocalStack, chat: SlackChat) -> None:
    fields = load_event("command_slash.json")
    path = f"/response/{unique('cmd')}"
    fields.update(text="help", response_url=stack.slack_url + path, trigger_id=unique("trigger"))
    status, answer = send(stack, urlencode(fields))
    assert (status, answer) == (200, b"")  # acknowledged at once, answered later
    [response] = chat.slack.wait_for(lambda call: call["path"] == path, timeout=30)
    assert response["args"]["response_type"] == "ephemeral"
    assert response["args"]["text"].startswith("Here is what I can do")


def test_block_actions_fixture_presses_a_button(stack: LocalStack, chat: SlackChat) -> None:
    channel = unique("D")
    payload = load_event("interactive_block_actions.json")
    payload.update(trigger_id=unique("trigger"), channel={"id": channel, "name": "dm"},
                   team={"id": LOCAL_TEAM, "domain": "local"})
    payload["container"].update(type="message", channel_id=channel, is_ephemeral=False)
    payload["actions"][0].update(action_id="parley:button:0", value=json.dumps({"say": "roll a d20"}))
    assert send(stack, form({"payload": json.dumps(payload)}))[0] == 200
    [reply] = wait_posts(chat, channel)
    assert reply["text"].startswith("You rolled a ")
    assert reply["text"].endswith("(d20).")


def opened_form(stack: LocalStack, chat: SlackChat, fixture: str) -> tuple[dict, dict]:
    """A shortcut fixture sent to the ingress, and the form the ingress opened (views.open at the stand-in)."""
    payload = load_event(fixture)
    payload["trigger_id"] = unique("trigger")
    started = time.monotonic()
    status, answer = send(stack, form({"payload": json.dumps(payload)}))
    assert (status, answer) == (200, b"")
    assert time.monotonic() - started < 3  # the trigger_id would have expired
    [opened] = chat.slack.wait_for(lambda call: call.get("method") == "views.open"
                                   and call["args"].get("trigger_id") == payload["trigger_id"], timeout=5)
    return payload, opened["args"]["view"]


def test_global_shortcut_opens_the_form_and_the_form_is_checked_before_it_closes(
        stack: LocalStack, chat: SlackChat) -> None:
    _, view = opened_form(stack, chat, "interactive_shortcut.json")
    assert view["callback_id"] == "intent:open_ticket"
    assert [block["block_id"] for block in view["blocks"]] == ["topic", "priority", "component"]
    # a menu that filters as you type: its options come in the HTTP answer
    status, answer = send(stack, block_suggestion(view, "component", "bil"))
    assert status == 200
    options = [option["value"] for option in json.loads(answer)["options"]]
    assert options[0] == "billing"  # starts with what was typed, then the others that contain it
    assert all("bil" in option for option in options)
    # mistakes come back in the HTTP answer, under the fields
    status, answer = send(stack, view_submission(view, {"priority": "purple"}))
    assert status == 200
    errors = json.loads(answer)
    assert errors["response_action"] == "errors"
    assert set(errors["errors"]) == {"topic", "priority"}
    # a valid form closes (empty 200) and the ticket is opened by the worker
    user = unique("U")
    status, answer = send(stack, view_submission(view, {"topic": "Badge reader broken", "priority": "low",
                                                        "component": "billing"}, user=user))
    assert (status, answer) == (200, b"")
    [reply] = wait_posts(chat, user)
    assert reply["text"].startswith("Opened ticket *PAR-")


def test_message_shortcut_prefills_the_form_and_answers_in_the_messages_thread(
        stack: LocalStack, chat: SlackChat) -> None:
    payload, view = opened_form(stack, chat, "interactive_message_action.json")
    topic = next(block for block in view["blocks"] if block["block_id"] == "topic")
    assert topic["element"]["initial_value"] == "The VPN drops every hour"
    send(stack, view_submission(view, {"topic": "The VPN drops every hour", "priority": "high"}))
    [reply] = wait_posts(chat, payload["channel"]["id"])
    assert reply["thread_ts"] == payload["message"]["ts"]


def test_an_event_delivered_four_times_is_answered_once(stack: LocalStack, chat: SlackChat) -> None:
    channel = unique("D")
    event = message_event("roll 6", channel=channel)
    for retry in (None, 1, 2, 3):  # the original and Slack's three retries
        assert send(stack, event, retry_num=retry)[0] == 200
    wait_posts(chat, channel)
    time.sleep(3)
    assert len([c for c in chat.slack.calls("chat.postMessage") if c["args"]["channel"] == channel]) == 1


def test_retries_racing_the_original_are_answered_once(stack: LocalStack, chat: SlackChat) -> None:
    channel = unique("D")
    event = message_event("hello", channel=channel)
    with ThreadPoolExecutor(4) as pool:  # all four at once: the ingress may queue several, the worker answers one
        statuses = list(pool.map(lambda retry: send(stack, event, retry_num=retry)[0], (None, 1, 2, 3)))
    assert statuses == [200] * 4
    wait_posts(chat, channel)
    time.sleep(3)
    assert len([c for c in chat.slack.calls("chat.postMessage") if c["args"]["channel"] == channel]) == 1


def test_200_distinct_events_sent_concurrently_get_200_replies(stack: LocalStack, chat: SlackChat) -> None:
    channel = unique("D")
    texts = [f"echo burst {n:03d}" for n in range(200)]
    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(lambda text: send(stack, message_event(text, channel=channel))[0], texts))
    assert statuses == [200] * 200
    replies = wait_posts(chat, channel, count=200, timeout=240)
    time.sleep(2)
    said = sorted(c["args"]["text"] for c in chat.slack.calls("chat.postMessage") if c["args"]["channel"] == channel)
    assert len(replies) == 200
    assert said == sorted(text.removeprefix("echo ") for text in texts)  # none twice, none missing


def test_a_rate_limited_reply_waits_and_is_not_duplicated(stack: LocalStack, chat: SlackChat) -> None:
    channel = unique("D")
    chat.slack.add_fault("chat.postMessage", 429, retry_after=1, count=1)
    sent_at = time.time()
    assert send(stack, message_event("hello", channel=channel))[0] == 200
    wait_posts(chat, channel, count=2)  # the refused attempt and the one after Retry-After
    time.sleep(2)
    calls = [c for c in chat.slack.calls("chat.postMessage") if c["args"]["channel"] == channel]
    assert [c["status"] for c in calls] == [429, 200]
    assert calls[1]["at"] - calls[0]["at"] >= 1.0
    assert calls[1]["at"] - sent_at >= 1.0


def test_a_multi_turn_ticket_in_the_chat(chat: SlackChat) -> None:
    assert chat.texts("open a ticket") == ["What is the ticket about?"]
    [priority] = chat.say("the coffee machine is empty")
    assert priority.buttons == ["low", "normal", "high"]
    [confirm] = chat.say("2")  # presses "normal"
    assert confirm.text == "Open a *normal* priority ticket about “the coffee machine is empty”?"
    [done] = chat.say("1")  # presses "Yes"
    assert done.text.startswith("Opened ticket *PAR-")
    assert "the coffee machine is empty" in chat.texts("my tickets")[0]


def test_ssl_check_fixture_gets_an_empty_200(stack: LocalStack) -> None:
    assert send(stack, urlencode(load_event("ssl_check.json"))) == (200, b"")


def test_url_verification_fixture_is_echoed(stack: LocalStack) -> None:
    payload = load_event("url_verification.json")
    status, answer = send(stack, payload)
    assert (status, json.loads(answer)) == (200, {"challenge": payload["challenge"]})
