"""A conversation recorded in `make run`, replayed with `make replay`: no diff; after the reply text of an intent
changes, exactly that diff.

The changed intent is the reliability suite's hidden `drill` intent (PARLEY_FAULT_INTENTS=1), whose reply is
PARLEY_DRILL_REPLY: a test must not edit intents/ under a developer's feet.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from bot.local.processes import free_port

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
PORT_VARIABLES = ("PARLEY_HTTP_PORT", "PARLEY_LAMBDA_PORT", "PARLEY_MOTO_PORT", "PARLEY_SLACK_PORT",
                  "PARLEY_WORKFLOWS_PORT")
# a dialog with button presses (the timestamps of the messages they sit on change on replay) and a random ticket id
CONVERSATION = "hello\nsay the drill line\nopen a ticket\nthe printer is on fire\n3\n1\nmy tickets\n"


def make(*args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    ports = {name: str(free_port()) for name in PORT_VARIABLES}
    return subprocess.run(["make", *args], input=stdin, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False, env={**os.environ, **ports, "PARLEY_FAULT_INTENTS": "1", **env})


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("recordings") / "conversation.jsonl"
    run = make("run", stdin=CONVERSATION, PARLEY_RECORDING_FILE=str(path))
    assert run.returncode == 0, run.stderr[-3000:]
    assert "parley> This is the drill line." in run.stdout
    assert len(path.read_text().splitlines()) == 7  # one record a turn
    return path


def test_a_recorded_conversation_replays_with_no_diff(recording: Path) -> None:
    replay = make("replay", f"FILE={recording}")
    assert replay.returncode == 0, replay.stdout + replay.stderr[-3000:]
    assert replay.stdout.count(": same calls") == 7
    assert "7 of 7 turns made the same calls" in replay.stderr


def test_a_changed_reply_shows_exactly_that_diff(recording: Path) -> None:
    replay = make("replay", f"FILE={recording}", PARLEY_DRILL_REPLY="A changed drill line.")
    assert replay.returncode != 0
    changed = [line for line in replay.stdout.splitlines()
               if line[:1] in "+-" and not line.startswith(("---", "+++"))]
    assert changed == [
        '-    blocks: [{"block_id": "text-0", "text": {"text": "This is the drill line.", "type": "mrkdwn"}, '
        '"type": "section"}]',
        '+    blocks: [{"block_id": "text-0", "text": {"text": "A changed drill line.", "type": "mrkdwn"}, '
        '"type": "section"}]',
        '-    text: "This is the drill line."',
        '+    text: "A changed drill line."',
    ]
    assert "--- recorded turn 2 (say the drill line)" in replay.stdout
    assert "6 of 7 turns made the same calls; 1 differ" in replay.stderr
