"""End to end on the local stack: a signed event POSTed to the ingress -> the reply recorded at the Slack stand-in.

    .venv/bin/python bench/e2e.py [--events N] [--warmup N]

`bot.local.stack.LocalStack` starts what `make run` starts (moto server, the Slack stand-in, serverless offline with
serverless-offline-sqs) on free ports with secrets of its own; the functions read those from moto's SSM. Events are
sent one at a time, each an `app_mention` (`echo e2e N`) answered in its thread; its latency runs from just before
the POST to the `at` time the Slack stand-in recorded for the chat.postMessage (same machine, same clock), so the
polling that finds the reply adds nothing. Locally the worker gets batches of one and serverless-offline-sqs polls
moto, so this measures the local stack's path, not AWS's. The stack is stopped, whatever happens.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

from report import progress, summary  # noqa: E402

from bot.local.processes import free_port  # noqa: E402
from bot.local.slack_events import app_mention_event, post, signed_request  # noqa: E402
from bot.local.stack import LocalStack  # noqa: E402
from bot.local.standin.client import StandInClient  # noqa: E402
from bot.settings import Settings  # noqa: E402

REPLY_TIMEOUT = 60.0  # the first event waits for the worker's cold start
# serverless offline's own line per invocation: "(λ: worker) RequestId: ...  Duration: 43.60 ms  Billed ..."
DURATION = re.compile(r"\(λ: (\w+)\) RequestId: \S+\s+Duration: ([\d.]+) ms")


def stack_settings() -> Settings:
    """A stack beside any `make run` or test run: other ports, and secrets no default shares."""
    return Settings(http_port=free_port(), lambda_port=free_port(), moto_port=free_port(), slack_port=free_port(),
                    workflows_port=free_port(),
                    signing_secret="bench-" + os.urandom(12).hex(), bot_token="xoxb-bench-" + os.urandom(12).hex())


def one_event(stack: LocalStack, slack: StandInClient, secret: str, number: int,
              after: int) -> tuple[float, float, int]:
    """POST one signed mention and wait for its reply: (ms to the HTTP 200, ms to the reply, the reply's seq)."""
    event = app_mention_event(f"echo e2e {number}")
    thread = event["event"]["ts"]
    body, headers = signed_request(event, secret)
    started = time.time()
    status, _, answer = post(stack.ingress_url, body, headers)
    acked = time.time()
    if status != 200:
        raise RuntimeError(f"the ingress answered {status}: {answer[:300]!r}")
    [reply] = slack.wait_for(lambda call: call.get("method") == "chat.postMessage"
                             and call["args"].get("thread_ts") == thread, timeout=REPLY_TIMEOUT, after=after,
                             interval=0.005)
    return (acked - started) * 1000, (reply["at"] - started) * 1000, int(reply["seq"])


def measure(events: int, warmup: int) -> dict[str, Any]:
    settings = stack_settings()
    secret = settings.signing_secret.get_secret_value()
    with tempfile.TemporaryDirectory(prefix="parley-bench-e2e-") as logs:
        started = time.monotonic()
        with LocalStack(settings, Path(logs)) as stack:
            stack.wait_until_polling()
            up_s = time.monotonic() - started
            progress(f"local stack up in {up_s:.1f} s; {warmup} untimed events, then {events} timed")
            slack = StandInClient(stack.slack_url)
            acks: list[float] = []
            replies: list[float] = []
            after = 0
            for number in range(warmup + events):
                ack_ms, reply_ms, seq = one_event(stack, slack, secret, number, after)
                after = max(after, seq - 1)  # earlier calls are done with; keeps each poll small
                if number >= warmup:
                    acks.append(ack_ms)
                    replies.append(reply_ms)
                if (number + 1) % 50 == 0:
                    progress(f"end to end {number + 1}/{warmup + events}")
        # serverless offline's Duration lines, read once it has stopped and flushed its log
        durations: dict[str, list[float]] = {}
        for match in DURATION.finditer((Path(logs) / "offline.log").read_text(errors="replace")):
            durations.setdefault(match.group(1), []).append(float(match.group(2)))
    worker = durations.get("worker", [])[warmup:]
    return {
        "events": events, "warmup": warmup, "stack_start_s": round(up_s, 1),
        "reply_ms": summary(replies),
        "ack_ms": summary(acks),
        "offline_worker_duration_ms": summary(worker) if worker else None,
        "notes": "sequential; POST -> chat.postMessage recorded at the Slack stand-in; serverless offline runs the "
                 "worker with batch size 1 and serverless-offline-sqs polls moto",
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200, help="timed events (default 200)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed events first (default 5)")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.events, args.warmup), indent=2))


if __name__ == "__main__":
    main()
