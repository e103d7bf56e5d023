"""Fixtures the functional tests share: the Slack stand-in, and the test module's stage in moto.

A module says what it needs with constants: `STAGE` (a `local-<name>` stage), `TOKEN` (the bot token the stand-in
accepts) and, optionally, `SECRET` (the signing secret).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.local.slack_standin import SlackStandIn
from bot.settings import Settings
from tests.conftest import stage_in_moto

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
