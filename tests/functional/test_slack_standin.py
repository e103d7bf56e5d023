"""The Slack Web API stand-in, driven by the real slack_sdk clients the bot uses."""

from __future__ import annotations

import http.client
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from bot.local.processes import free_port, port_open
from bot.local.slack_standin import APP_ID, BOT_ID, BOT_USER_ID, TEAM_ID, SlackStandIn, StandInClient

TOKEN = "xoxb-local-test-token"
SECRET = "local-signing-secret"
ROOT = Path(__file__).resolve().parents[2]
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    # slack_sdk routes through $HTTP(S)_PROXY when set, ignoring NO_PROXY: the tests must stay on 127.0.0.1
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(TOKEN, port=free_port()) as running:
        yield running


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token=TOKEN, base_url=standin.api_url, timeout=5)


def _post(url: str, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": content_type, **(headers or {})})
    with NO_PROXY.open(request, timeout=5) as answer:
        return answer.status, json.loads(answer.read())


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
    status, answer = _post(standin.api_url + "chat.postMessage", body, "application/x-www-form-urlencoded")
    assert status == 200 and answer["ok"] is True
    calls = standin.calls()
    assert len(calls) == 3 and all("token" not in c["args"] for c in calls)
    assert TOKEN not in json.dumps(calls)
    assert TOKEN not in json.dumps(StandInClient(standin.url).calls())


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


class _Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int) -> None:
        self.received: queue.Queue[tuple[dict[str, str], bytes]] = queue.Queue()
        super().__init__(("127.0.0.1", port), _ReceiverHandler)


class _ReceiverHandler(BaseHTTPRequestHandler):
    server: _Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.put((dict(self.headers.items()), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_echo_delivers_signed_message_events() -> None:
    receiver = _Receiver(free_port())
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    echo_url = f"http://127.0.0.1:{receiver.server_address[1]}/slack/events"
    try:
        with SlackStandIn(TOKEN, port=free_port(), echo_url=echo_url, signing_secret=SECRET) as standin:
            client = WebClient(token=TOKEN, base_url=standin.api_url)
            posted = client.chat_postMessage(channel="C0GENERAL", text="hello")
            headers, body = receiver.received.get(timeout=5)
            im = client.conversations_open(users="U0ALICE")["channel"]["id"]
            client.chat_postMessage(channel=im, text="dm")
            _, im_body = receiver.received.get(timeout=5)
    finally:
        receiver.shutdown()
        receiver.server_close()

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


def test_concurrent_posts_and_keep_alive(standin: SlackStandIn) -> None:
    answers: list[str] = []

    def post(n: int) -> None:
        client = WebClient(token=TOKEN, base_url=standin.api_url)
        answers.append(client.chat_postMessage(channel="C1", text=str(n))["ts"])

    threads = [threading.Thread(target=post, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(set(answers)) == 40
    recorded = standin.calls("chat.postMessage")
    assert [c["seq"] for c in recorded] == sorted(c["seq"] for c in recorded)

    connection = http.client.HTTPConnection("127.0.0.1", standin.port, timeout=5)
    try:
        for _ in range(3):  # one connection, several requests: HTTP/1.1 keep-alive with Content-Length
            connection.request("POST", "/api/auth.test", body=b"", headers={"Authorization": f"Bearer {TOKEN}"})
            response = connection.getresponse()
            assert response.status == 200 and json.loads(response.read())["ok"] is True
            assert response.getheader("Content-Length")
        assert connection.sock is not None
    finally:
        connection.close()


def test_cli_runs_in_the_foreground_and_stops_on_sigterm() -> None:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bot.local.slack_standin", "--port", str(port), "--token", TOKEN],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 10
        while not port_open(port):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        WebClient(token=TOKEN, base_url=f"{base}/api/").chat_postMessage(channel="C1", text="from the cli test")
        (call,) = StandInClient(base).wait_for(lambda c: c["method"] == "chat.postMessage", timeout=2)
        assert call["args"]["text"] == "from the cli test"
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
    assert "/api/chat.postMessage -> 200 ok channel=C1" in output
    assert TOKEN not in output
