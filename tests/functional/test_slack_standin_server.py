"""The stand-in as a server: many clients at once, keep-alive, and the CLI in its own process."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.local.processes import free_port, port_open
from bot.local.standin.client import StandInClient
from bot.local.standin.server import SlackStandIn
from bot.local.standin.workspaces import CLIENT_ID
from tests.support.standin import TOKEN

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.usefixtures("no_proxies")


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
    process = subprocess.Popen([sys.executable, "-m", "bot.local.standin", "--port", str(port), "--token", TOKEN],
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
    assert "/api/chat.postMessage -> 200 ok channel=C1" in output and "team=T0LOCAL" in output
    assert TOKEN not in output


def test_cli_without_a_token_installs_through_oauth_only() -> None:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bot.local.standin", "--port", str(port), "--token-ttl", "30",
                                "--client-secret", "cli-secret"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={k: v for k, v in os.environ.items() if k != "SLACK_BOT_TOKEN"}
                               | {"PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 10
        while not port_open(port):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        remote = StandInClient(f"http://127.0.0.1:{port}")
        assert remote.installations() == [] and remote.token_ttl() == 30
        installed = remote.install(team="T0BETA")
        assert installed["expires_in"] == 30
        answer = WebClient(base_url=f"http://127.0.0.1:{port}/api/").oauth_v2_access(
            client_id=CLIENT_ID, client_secret="cli-secret", grant_type="refresh_token",
            refresh_token=installed["refresh_token"])
        assert answer["ok"]
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0 and "installed: nowhere yet; token rotation: every 30 s" in output
    assert "cli-secret" not in output and installed["access_token"] not in output
