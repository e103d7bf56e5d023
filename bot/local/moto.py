"""moto server: the local AWS (SQS, DynamoDB, SSM, CloudFormation) on 127.0.0.1."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.local.processes import Child


def start_moto(port: int, log_dir: Path, timeout: float = 30.0) -> Child:
    moto_server = Path(sys.executable).with_name("moto_server")
    child = Child("moto", [str(moto_server), "-H", "127.0.0.1", "-p", str(port)], log_dir)
    child.wait_for_port(port, timeout)
    return child
