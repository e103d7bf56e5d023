"""`make run` with piped input: replies to each line (a dialog included), exit 0 at the end, nothing left running."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from bot.local.processes import free_port, port_open

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def test_piped_make_run_answers_each_line_and_leaves_nothing_running() -> None:
    ports = {name: free_port() for name in ("PARLEY_HTTP_PORT", "PARLEY_LAMBDA_PORT", "PARLEY_MOTO_PORT",
                                            "PARLEY_SLACK_PORT")}
    env = {**os.environ, **{name: str(port) for name, port in ports.items()},
           # settings come from the environment, make run included
           "SLACK_SIGNING_SECRET": "make-run-" + os.urandom(8).hex()}
    lines = "hello\nhelp\nroll 6\nopen a ticket\nthe printer is on fire\n3\n1\n"  # 3: "high", 1: "Yes"
    result = subprocess.run(["make", "run"], input=lines, cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    replies = [line for line in result.stdout.splitlines() if line.startswith("parley> ")]
    assert replies[0].startswith("parley> Hello!")
    assert replies[1] == "parley> Here is what I can do:"
    assert any(line.startswith("parley> You rolled a ") for line in replies)
    # a multi-turn dialog: ask a slot, answer, press a choice, confirm, done
    assert replies[-4:-1] == ["parley> What is the ticket about?", "parley> How urgent is it?",
                              "parley> Open a *high* priority ticket about “the printer is on fire”?"]
    assert replies[-1].startswith("parley> Opened ticket *PAR-")
    assert not any(port_open(port) for port in ports.values())
    leftovers = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True).stdout
    assert str(ports["PARLEY_MOTO_PORT"]) not in leftovers
    assert str(ports["PARLEY_SLACK_PORT"]) not in leftovers
