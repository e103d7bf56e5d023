"""Fixtures the functional tests share: the Slack stand-in, and the test module's stage in moto.

A module says what it needs with constants: `STAGE` (a `local-<name>` stage), `TOKEN` (the bot token the stand-in
accepts) and, optionally, `SECRET` (the signing secret). The stand-in's own tests (test_slack_standin_*.py) use
`standin` (a fresh stand-in per test), `client` (slack_sdk aimed at it) and `no_proxies`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.local.processes import free_port
from bot.local.standin.server import SlackStandIn
from bot.settings import Settings
from tests.conftest import stage_in_moto
from tests.support.standin import TOKEN

DEFAULT_SECRET = "functional-signing-secret"


@pytest.fixture(scope="module")
def slack(request: pytest.FixtureRequest) -> Iterator[SlackStandIn]:
    with SlackStandIn(token=request.module.TOKEN) as standin:
        yield standin


@pytest.fixture(scope="module")
def settings(request: pytest.FixtureRequest, moto_endpoint: str, slack: SlackStandIn) -> Iterator[Settings]:
    module = request.module
    with stage_in_moto(moto_endpoint, module.STAGE, slack_api_url=slack.api_url, bot_token=module.TOKEN,
                       signing_secret=getattr(module, "SECRET", DEFAULT_SECRET)) as staged:
        yield staged


@pytest.fixture
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack_sdk routes through $HTTP(S)_PROXY when set, ignoring NO_PROXY: the tests must stay on 127.0.0.1."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(TOKEN, port=free_port()) as running:
        yield running


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token=TOKEN, base_url=standin.api_url, timeout=5)
