"""moto server: the local AWS (SQS, DynamoDB, SSM, CloudFormation, ...) on 127.0.0.1, with DynamoDB's writes atomic.

moto serves requests on threads and evaluates a conditional write as a read, a check and a write with no lock
between them, so two concurrent `UpdateItem`s with the same `ConditionExpression` can both succeed (measured: 17 of
200 races of four writers won twice, moto 5.2.5). DynamoDB documents the opposite: a conditional write is atomic, and
Parley builds on that (the job claims, the one-refresh-per-token claim). So the local stack
runs moto's own server application with one addition: DynamoDB requests are served one at a time. They are short
(there is no long poll in DynamoDB's API), so the cost is nothing a test can see; SQS's long polls and every other
service stay concurrent.

    python -m bot.local.moto -p 5000 [-H 127.0.0.1]
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from types import FrameType
from typing import Any

from bot.local.processes import Child

DYNAMODB_TARGET = "DynamoDB_"  # X-Amz-Target of every DynamoDB API call: DynamoDB_20120810.<Operation>


def start_moto(port: int, log_dir: Path, timeout: float = 30.0) -> Child:
    child = Child("moto", [sys.executable, "-m", "bot.local.moto", "-H", "127.0.0.1", "-p", str(port)], log_dir)
    child.wait_for_port(port, timeout)
    return child


class OneDynamoDBRequestAtATime:
    """WSGI middleware: a DynamoDB request is answered whole before the next one starts, as its conditions need."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not str(environ.get("HTTP_X_AMZ_TARGET", "")).startswith(DYNAMODB_TARGET):
            return self.app(environ, start_response)
        with self.lock:
            return list(self.app(environ, start_response))  # the body too is built under the lock


def _exit(signum: int, frame: FrameType | None) -> None:
    sys.exit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.local.moto", description=__doc__.split("\n")[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    options = parser.parse_args(argv)
    if options.host not in ("127.0.0.1", "localhost"):
        parser.error("the local AWS listens on this machine only")
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import run_simple

    os.environ.setdefault("MOTO_PORT", str(options.port))  # as moto_server does: some URLs it builds name it
    signal.signal(signal.SIGTERM, _exit)
    signal.signal(signal.SIGINT, _exit)
    app = DomainDispatcherApplication(create_backend_app)
    app.debug = True  # type: ignore[attr-defined] - as moto_server sets it
    run_simple(options.host, options.port, OneDynamoDBRequestAtATime(app), threaded=True,
               request_handler=MotoRequestHandler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
