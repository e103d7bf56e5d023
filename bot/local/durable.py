"""The durable-execution emulator: Lambda durable functions' own APIs on 127.0.0.1, for the workflows function.

In AWS, Lambda itself runs a durable execution: it invokes the workflows function, keeps each step's checkpoint, wakes
it after a wait, completes a callback when someone decides. Locally the SDK team's emulator does that
(`dex-local-runner start-server`, package aws-durable-execution-sdk-python-testing): the local stack starts it as a
child process, like moto. It

- starts executions (`POST /start-durable-execution`, what bot/workflows/engine.py calls locally, as Lambda has no
  local Invoke with a durable execution name),
- invokes the workflows function through serverless offline's Lambda API (`--lambda-endpoint`), as Lambda would,
- serves the durable APIs the function's SDK and the worker's boto3 Lambda client call (checkpoint, state, callback
  success, stop): the functions reach it through AWS_ENDPOINT_URL_LAMBDA (bot/local/stack.py).

Waits run on the real clock; the workflows' modelled hours are shortened instead (bot/workflows/clock.py). Its
executions are kept in an SQLite file beside the stack's logs (a run starts it afresh, as moto starts empty, and
it is left behind for a look after the run); the emulator's own log is `workflows.log`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bot.local.processes import Child

EMULATOR = "aws_durable_execution_sdk_python_testing.cli"  # `dex-local-runner`, run from the venv's Python
STORE_FILE = "durable-executions.sqlite"
# One invocation of the workflows function may take this long (its serverless.yml timeout is shorter); an execution
# lives as long as a workflow models (bot/workflows/engine.py sets each one's own timeout when it starts it)
INVOCATION_TIMEOUT_SECONDS = 120


def emulator_argv(port: int, lambda_port: int, region: str, store: Path | None) -> list[str]:
    """The emulator's command line: on 127.0.0.1 only, invoking functions through serverless offline's Lambda API,
    in the stack's region (its default is us-west-2), its executions in `store` (SQLite), or in memory."""
    argv = [sys.executable, "-m", EMULATOR, "start-server", "--host", "127.0.0.1", "--port", str(port),
            "--lambda-endpoint", f"http://127.0.0.1:{lambda_port}",
            "--local-runner-endpoint", f"http://127.0.0.1:{port}", "--local-runner-region", region,
            "--invocation-timeout", str(INVOCATION_TIMEOUT_SECONDS), "--log-level", "INFO"]
    if store is None:
        return [*argv, "--store-type", "memory"]
    return [*argv, "--store-type", "sqlite", "--store-path", str(store)]


def emulator_env(region: str) -> dict[str, str]:
    """What the emulator runs with: fake credentials to sign its Invoke calls with, and nothing of a real account."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("AWS_", "SLACK_")) and name != "VIRTUAL_ENV"}
    env.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": region, "AWS_REGION": region})
    return env


def start_emulator(port: int, lambda_port: int, region: str, log_dir: Path, *, persistent: bool = True,
                   timeout: float = 30.0) -> Child:
    """Start the emulator (a fresh store: the last run's executions point at records moto no longer has)."""
    store = log_dir / STORE_FILE if persistent else None
    if store is not None:
        for leftover in log_dir.glob(STORE_FILE + "*"):  # the database and its WAL files
            leftover.unlink()
    child = Child("workflows", emulator_argv(port, lambda_port, region, store), log_dir, env=emulator_env(region))
    child.wait_for_port(port, timeout)
    return child
