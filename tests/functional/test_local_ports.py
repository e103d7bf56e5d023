"""A taken port is named before the local stack starts anything, with the variable that moves it."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.local.ports import PortsTaken, check_ports
from bot.local.processes import free_port
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
PORT_VARIABLES = ("PARLEY_HTTP_PORT", "PARLEY_LAMBDA_PORT", "PARLEY_MOTO_PORT", "PARLEY_SLACK_PORT",
                  "PARLEY_WORKFLOWS_PORT")


@pytest.fixture
def listener() -> Iterator[int]:
    """A program holding a port, as AirPlay holds 5000."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def free_settings(**ports: int) -> Settings:
    chosen = {"http_port": free_port(), "lambda_port": free_port(), "moto_port": free_port(),
              "slack_port": free_port(), "workflows_port": free_port(), **ports}
    return Settings(**chosen)


def test_free_ports_pass() -> None:
    check_ports(free_settings())


def test_a_taken_port_is_named_with_its_variable(listener: int) -> None:
    with pytest.raises(PortsTaken) as raised:
        check_ports(free_settings(moto_port=listener))
    message = str(raised.value)
    assert f"port {listener} (moto server, the local AWS) is taken" in message
    assert "PARLEY_MOTO_PORT=" in message and "make run" in message
    assert "PARLEY_HTTP_PORT" not in message  # only what is taken


def test_make_run_on_a_taken_port_says_so_and_starts_nothing(listener: int) -> None:
    env = {**os.environ, **{name: str(free_port()) for name in PORT_VARIABLES}, "PARLEY_HTTP_PORT": str(listener)}
    result = subprocess.run(["make", "run"], input="hello\n", cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode != 0
    assert f"port {listener} (serverless offline's HTTP API" in result.stderr
    assert "PARLEY_HTTP_PORT=" in result.stderr
    assert "Traceback" not in result.stderr and "Parley is up" not in result.stderr


def test_the_functions_call_the_stand_in_unless_a_real_workspace_is_asked_for(monkeypatch: pytest.MonkeyPatch,
                                                                               tmp_path: Path) -> None:
    from bot.local.stack import LocalStack

    settings = free_settings()
    monkeypatch.delenv("PARLEY_REAL_SLACK", raising=False)
    assert LocalStack(settings, tmp_path).handler_env()["SLACK_API_URL"] == settings.local_slack_api_url
    monkeypatch.setenv("PARLEY_REAL_SLACK", "1")
    monkeypatch.delenv("SLACK_API_URL", raising=False)
    assert LocalStack(settings, tmp_path).handler_env()["SLACK_API_URL"] == "https://slack.com/api/"


def test_the_workflows_emulators_port_is_checked_too(listener: int) -> None:
    with pytest.raises(PortsTaken) as raised:
        check_ports(free_settings(workflows_port=listener))
    assert f"port {listener} (the durable-execution emulator" in str(raised.value)
    assert "PARLEY_WORKFLOWS_PORT=" in str(raised.value)


def test_the_functions_reach_the_workflows_emulator_and_local_approvers(monkeypatch: pytest.MonkeyPatch,
                                                                       tmp_path: Path) -> None:
    from bot.local.stack import LocalStack

    for name in ("PARLEY_APPROVERS", "PARLEY_APPROVERS_TEAM", "PARLEY_WORKFLOW_SECONDS_PER_HOUR"):
        monkeypatch.delenv(name, raising=False)
    settings = free_settings()
    env = LocalStack(settings, tmp_path).handler_env()
    emulator = f"http://127.0.0.1:{settings.workflows_port}"
    assert env["PARLEY_WORKFLOWS_URL"] == env["AWS_ENDPOINT_URL_LAMBDA"] == emulator
    assert env["PARLEY_WORKFLOWS_FUNCTION"] == f"parley-{settings.stage}-workflows"
    assert (env["PARLEY_APPROVERS"], env["PARLEY_APPROVERS_TEAM"]) == ("U0LOCALANA,U0LOCALBO", "T0LOCAL")
    assert env["PARLEY_WORKFLOW_SECONDS_PER_HOUR"] == "1"  # make run: an hour in a second
    fast = LocalStack(settings, tmp_path, workflow_seconds_per_hour=0.25).handler_env()
    assert fast["PARLEY_WORKFLOW_SECONDS_PER_HOUR"] == "0.25"
