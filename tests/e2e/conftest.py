"""The whole local stack, as `make run` starts it, on free ports and with secrets of its own."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.local.chat import SlackChat
from bot.local.processes import free_port
from bot.local.stack import LocalStack
from bot.local.standin.client import StandInClient
from bot.settings import Settings


def stack_settings() -> Settings:
    """Settings for a stack beside any `make run`: other ports, and secrets no default shares."""
    return Settings(
        http_port=free_port(), lambda_port=free_port(), moto_port=free_port(), slack_port=free_port(),
        workflows_port=free_port(),
        signing_secret="e2e-" + os.urandom(12).hex(), bot_token="xoxb-e2e-" + os.urandom(12).hex(),
    )


def log_records(log_dir: Path) -> list[dict]:
    """Every JSON log line the handlers wrote (serverless offline prints them among its own)."""
    records = []
    for line in (log_dir / "offline.log").read_text(errors="replace").splitlines():
        if line.startswith("{"):
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
    return records


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    with LocalStack(stack_settings(), tmp_path_factory.mktemp("stack-logs")) as running:
        running.wait_until_polling()
        yield running


@pytest.fixture(scope="session")
def chat(stack: LocalStack) -> SlackChat:
    return SlackChat(stack.ingress_url, stack.settings.signing_secret.get_secret_value(),
                     StandInClient(stack.slack_url), stack.slack_url)
