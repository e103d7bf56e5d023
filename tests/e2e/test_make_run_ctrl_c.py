"""Ctrl-C ends `make run` with a goodbye: no `make: *** ... Error 130`, nothing left running."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from bot.local.processes import free_port, port_open
from bot.local.run import GOODBYE

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
PORT_VARIABLES = ("PARLEY_HTTP_PORT", "PARLEY_LAMBDA_PORT", "PARLEY_MOTO_PORT", "PARLEY_SLACK_PORT",
                  "PARLEY_WORKFLOWS_PORT")


def wait_for(path: Path, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in path.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not in {path} within {timeout:.0f} s:\n{path.read_text()[-2000:]}")


def test_ctrl_c_says_goodbye_and_make_reports_no_error(tmp_path: Path) -> None:
    ports = {name: str(free_port()) for name in PORT_VARIABLES}
    stderr = tmp_path / "stderr"
    with stderr.open("w") as err:
        # its own session: the SIGINT goes to make and the chat together, as a terminal's Ctrl-C does
        make = subprocess.Popen(["make", "run"], cwd=ROOT, env={**os.environ, **ports}, stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        try:
            wait_for(stderr, "Parley is up", 240)
            os.killpg(make.pid, signal.SIGINT)
            status = make.wait(timeout=60)
        finally:
            if make.poll() is None:
                os.killpg(make.pid, signal.SIGKILL)
    said = stderr.read_text()
    assert GOODBYE in said
    assert "Error 130" not in said and "make: ***" not in said and "Traceback" not in said
    # the chat exits 0; make, which got the same Ctrl-C, ends as an interrupted command does, silently
    assert status in (0, -signal.SIGINT)
    assert not any(port_open(int(port)) for port in ports.values())
