"""Time Parley's Slack ack (the `slack` Lambda) against its floor, a bare boto3 handler.

    .venv/bin/python bench/ack.py [--cold N] [--warm N] [--importtime-runs N] [--json PATH]

Both handlers answer the same signed `app_mention` event in the API Gateway HTTP API v2 shape and queue
it on the same local SQS stand-in (127.0.0.1 only). Cold: fresh processes, interleaved, timed inside the
process from before the handler's import to the first answer. Warm: one process per handler, after the
first event, each freshly signed event timed alone. A benchmark reports: nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import marshal
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bot.local.slack_events import app_mention_event, http_api_event, signed_request  # noqa: E402

CHILD = BENCH / "_cold_child.py"
FLOORS = BENCH / "floors"
SECRET = "bench-signing-secret"  # noqa: S105 - a local stand-in's secret
ACCOUNT = "123456789012"
QUEUE_NAME = "bench-jobs"
MARK = "--bench-import-starts--"


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    module: str  # the Lambda handler's module, imported as Lambda does: `module.handler`


PARLEY = Target("parley", "Parley", "bot.ingress.handler")
FLOOR = Target("floor", "boto3 floor", "boto3_floor")
TARGETS = (PARLEY, FLOOR)


# --- the SQS stand-in -------------------------------------------------------------------------------------


class _SqsHandler(BaseHTTPRequestHandler):
    """SendMessage in AWS JSON 1.0 (what botocore and Parley send) and, just in case, the query protocol."""

    protocol_version = "HTTP/1.1"  # keep-alive, as both clients expect
    server: SqsStandIn

    def setup(self) -> None:
        super().setup()
        # Answers are single small writes; without this, delayed ACKs can hold some clients ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle_one_request(self) -> None:
        quickack = getattr(socket, "TCP_QUICKACK", None)  # Linux: acknowledge at once (reset after each read)
        if quickack is not None:
            self.connection.setsockopt(socket.IPPROTO_TCP, quickack, 1)
        super().handle_one_request()

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("X-Amz-Target") == "AmazonSQS.SendMessage":
            self._send_json(json.loads(raw))
        elif "x-www-form-urlencoded" in (self.headers.get("Content-Type") or ""):
            self._send_query({name: values[0] for name, values in parse_qs(raw.decode()).items()})
        else:
            error = {"__type": "com.amazonaws.sqs#UnsupportedOperation", "message": "SendMessage only"}
            self._answer(400, "application/x-amz-json-1.0", json.dumps(error))

    def _send_json(self, params: dict[str, Any]) -> None:
        if not self.server.accepts(params.get("QueueUrl"), "json"):
            error = {"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "unknown queue"}
            self._answer(400, "application/x-amz-json-1.0", json.dumps(error))
            return
        answer = {"MD5OfMessageBody": _md5(params["MessageBody"]), "MessageId": str(uuid.uuid4())}
        self._answer(200, "application/x-amz-json-1.0", json.dumps(answer))

    def _send_query(self, params: dict[str, str]) -> None:
        if params.get("Action") != "SendMessage" or not self.server.accepts(params.get("QueueUrl"), "query"):
            self._answer(400, "text/xml", "<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>")
            return
        self._answer(200, "text/xml", (
            '<SendMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><SendMessageResult>'
            f"<MessageId>{uuid.uuid4()}</MessageId><MD5OfMessageBody>{_md5(params['MessageBody'])}"
            "</MD5OfMessageBody></SendMessageResult><ResponseMetadata><RequestId>bench</RequestId>"
            "</ResponseMetadata></SendMessageResponse>"
        ))

    def _answer(self, status: int, content_type: str, text: str) -> None:
        body = text.encode()
        head = (f"HTTP/1.1 {status} {'OK' if status == 200 else 'Bad Request'}\r\n"
                f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
                f"x-amzn-RequestId: {uuid.uuid4()}\r\n")
        if self.close_connection:
            head += "Connection: close\r\n"
        self.wfile.write(head.encode() + b"\r\n" + body)  # one write: headers and body in one segment

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


class SqsStandIn(ThreadingHTTPServer):
    """A threaded HTTP server on 127.0.0.1 answering SendMessage for one queue, counting what it got."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SqsHandler)
        self.endpoint = f"http://127.0.0.1:{self.server_address[1]}"
        self.queue_url = f"{self.endpoint}/{ACCOUNT}/{QUEUE_NAME}"
        self.received: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, name="sqs-standin", daemon=True)

    def accepts(self, queue_url: str | None, protocol: str) -> bool:
        with self._lock:
            self.received[protocol if queue_url == self.queue_url else "wrong-queue"] += 1
        return queue_url == self.queue_url

    def __enter__(self) -> SqsStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)


# --- children ---------------------------------------------------------------------------------------------


def child_env(standin: SqsStandIn, pycache: Path) -> dict[str, str]:
    """A Lambda-like environment: fake credentials, no AWS config files, both handlers pointed at the stand-in.

    Bytecode: PYTHONDONTWRITEBYTECODE is dropped and PYTHONPYCACHEPREFIX points at a fresh directory, so an
    untimed warm-up compiles every module both sides import (stdlib, boto3/botocore, bot) and the timed runs
    load .pyc, as a Lambda zip with bytecode would.
    """
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("AWS_", "PYTHON", "PARLEY_", "SLACK_")) and "proxy" not in name.lower()}
    env.update({
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(FLOORS)]),
        "PYTHONPYCACHEPREFIX": str(pycache),
        "AWS_ENDPOINT_URL": standin.endpoint,
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "bench-fake-secret-key",  # a fake: the stand-in checks no signature
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(pycache / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(pycache / "no-aws-credentials"),
        "NO_PROXY": "127.0.0.1,localhost",
        "SLACK_SIGNING_SECRET": SECRET,
        "PARLEY_QUEUE_URL": standin.queue_url,
        "PARLEY_STAGE": "bench",
        "QUEUE_URL": standin.queue_url,
    })
    return env


def signed_events(count: int) -> list[dict[str, Any]]:
    """Fresh `app_mention` events, each with its own event_id and signature, as API Gateway hands them over."""
    events = []
    for number in range(count):
        body, headers = signed_request(app_mention_event(f"roll 2d6 please ({number})"), SECRET)
        events.append(http_api_event(body, headers))
    return events


def run_child(target: Target, events: list[dict[str, Any]], env: dict[str, str], workdir: Path) -> dict[str, Any]:
    """One fresh process: import the handler, answer the events, return its timings (seconds)."""
    events_file, result_file = workdir / "events.marshal", workdir / "result.marshal"
    events_file.write_bytes(marshal.dumps(events))
    result_file.unlink(missing_ok=True)
    timeout = 60 + len(events) * 0.05
    done = subprocess.run([sys.executable, str(CHILD), target.module, str(events_file), str(result_file)],
                          cwd=ROOT, env=env, capture_output=True, timeout=timeout, check=False)
    if done.returncode != 0 or not result_file.exists():
        raise RuntimeError(f"{target.label} child failed ({done.returncode}):\n{done.stderr.decode()[-3000:]}")
    result = marshal.loads(result_file.read_bytes())  # noqa: S302 - our own child wrote it
    bad = [status for status in result["statuses"] if status != 200]
    if bad:
        raise RuntimeError(f"{target.label} answered {bad[:5]} instead of 200 ({len(bad)} of {len(events)}):\n"
                           f"{done.stdout.decode()[-2000:]}{done.stderr.decode()[-2000:]}")
    return result


def cold_runs(runs: int, env: dict[str, str], workdir: Path) -> dict[str, dict[str, list[float]]]:
    """`runs` fresh processes per handler, interleaved A B A B so machine noise hits both alike (ms)."""
    samples: dict[str, dict[str, list[float]]] = {t.key: {"import": [], "first_event": [], "total": []}
                                                  for t in TARGETS}
    for run in range(runs):
        for target in TARGETS:
            result = run_child(target, signed_events(1), env, workdir)
            for metric, values in samples[target.key].items():
                values.append(result[metric] * 1000)
        progress(f"cold {run + 1}/{runs}")
    return samples


def warm_run(target: Target, count: int, env: dict[str, str], workdir: Path) -> list[float]:
    """Per-event latencies (ms) of `count` events after the first, in one process."""
    return [seconds * 1000 for seconds in run_child(target, signed_events(count + 1), env, workdir)["warm"]]


def import_times(module: str, env: dict[str, str], runs: int) -> tuple[float, list[tuple[str, float]]]:
    """`python -X importtime` of one import statement: median total ms and, of the median run, the modules
    that cost most (cumulative ms, nested ones indented)."""
    measured = []
    for _ in range(runs):
        code = f"import sys; sys.stderr.write({MARK!r} + '\\n'); import {module}"
        done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60, check=True)
        measured.append(_parse_importtime(done.stderr.split(MARK, 1)[1]))
    measured.sort(key=lambda run: run[0])
    return measured[len(measured) // 2]


def _parse_importtime(text: str) -> tuple[float, list[tuple[str, float]]]:
    total = 0.0
    entries = []
    for line in text.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.split("|", 2)
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        ms = int(cumulative) / 1000
        if depth == 0:
            total += ms
        entries.append((name.rstrip()[1:], ms))
    return total, sorted(entries, key=lambda entry: entry[1], reverse=True)


# --- reporting --------------------------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def warm_summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "p90": percentile(values, 90), "p99": percentile(values, 99),
            "min": min(values), "max": max(values), "mean": statistics.fmean(values), "count": len(values)}


def table_rows(cold: dict[str, dict[str, list[float]]], warm: dict[str, list[float]]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for metric, label in (("import", "cold  import"), ("first_event", "cold  first event"), ("total", "cold  total")):
        cells = [spread(cold[t.key][metric]) for t in TARGETS]
        rows.append((label, *(f"{c['median']:8.2f}  ({c['min']:.1f}-{c['max']:.1f})" for c in cells),
                     f"{cells[0]['median'] / cells[1]['median']:.2f}"))
    for pct, label in ((50, "warm  median"), (99, "warm  p99")):
        cells = [percentile(warm[t.key], pct) for t in TARGETS]
        rows.append((label, *(f"{c:8.3f}" for c in cells), f"{cells[0] / cells[1]:.2f}"))
    return rows


def print_table(rows: list[tuple[str, ...]]) -> None:
    header = ("ms (median, min-max)", *(t.label for t in TARGETS), "Parley/floor")
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        print("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))


def machine() -> dict[str, Any]:
    return {"platform": platform.platform(), "machine": platform.machine(), "processor": platform.processor(),
            "python": platform.python_version(), "implementation": platform.python_implementation(),
            "cpu_count": os.cpu_count(),
            "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None}


def progress(text: str) -> None:
    print(f"  ... {text}", file=sys.stderr, flush=True)


# --- main -------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cold", type=int, default=15, help="fresh processes per handler (default 15)")
    parser.add_argument("--warm", type=int, default=2000, help="warm events per handler (default 2000)")
    parser.add_argument("--importtime-runs", type=int, default=5, help="-X importtime runs per module (default 5)")
    parser.add_argument("--json", type=Path, default=BENCH / "results.json", help="where to write the results")
    args = parser.parse_args(argv)
    for name in ("cold", "warm", "importtime_runs"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    started = time.monotonic()
    with SqsStandIn() as standin, tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        workdir = Path(tmp)
        env = child_env(standin, workdir / "pycache")
        progress(f"SQS stand-in on {standin.endpoint}; compiling bytecode (one untimed warm-up per handler)")
        for target in TARGETS:
            run_child(target, signed_events(1), env, workdir)
        cold = cold_runs(args.cold, env, workdir)
        warm = {}
        for target in TARGETS:
            progress(f"warm {target.label}: {args.warm} events")
            warm[target.key] = warm_run(target, args.warm, env, workdir)
        progress("python -X importtime")
        importtime = {name: import_times(name, env, args.importtime_runs) for name in (PARLEY.module, "boto3")}
        received = dict(standin.received)

    print()
    print(f"Slack ack: {PARLEY.label} ({PARLEY.module}.handler) vs the {FLOOR.label} "
          f"(bench/floors/{FLOOR.module}.py: HMAC check + boto3 send_message, client made at import)")
    print("Event:    a signed app_mention, API Gateway HTTP API v2 shape; both queue it on one local SQS stand-in "
          f"({standin.endpoint}, AWS JSON 1.0)")
    print(f"Cold:     {args.cold} fresh processes per handler, interleaved A B A B; timed in-process from before the "
          "handler import to the first answer (interpreter start-up not included)")
    print(f"Warm:     one process per handler; after the first event, {args.warm} freshly signed events, "
          "each timed alone (signing outside the timing)")
    print("Bytecode: children run with PYTHONDONTWRITEBYTECODE unset and a fresh PYTHONPYCACHEPREFIX; one untimed "
          "warm-up per handler compiled .pyc for both sides, so all timed runs load bytecode")
    print(f"Machine:  {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs")
    print()
    rows = table_rows(cold, warm)
    print_table(rows)
    print()
    for name, (total, _) in importtime.items():
        print(f"-X importtime  import {name}: {total:.1f} ms cumulative (median of {args.importtime_runs})")
    parley_top = [(n, ms) for n, ms in importtime[PARLEY.module][1] if n.strip() not in ("bot", "bot.ingress",
                                                                                           PARLEY.module)]
    print("  most costly under bot.ingress.handler: "
          + ", ".join(f"{n.strip()} {ms:.1f}" for n, ms in parley_top[:6]) + " (ms, cumulative)")
    print(f"SQS stand-in received: {received}")
    if args.cold < 10:
        print(f"note: --cold {args.cold} is below 10 processes per handler; medians are noisy")

    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "parameters": {"cold": args.cold, "warm": args.warm, "importtime_runs": args.importtime_runs,
                       "bytecode": "PYTHONPYCACHEPREFIX, compiled by an untimed warm-up; PYTHONDONTWRITEBYTECODE unset",
                       "event": "app_mention, API Gateway HTTP API v2", "interleaved": True},
        "compared": {t.key: f"{t.module}.handler" for t in TARGETS},
        "cold_ms": {t.key: {metric: {**spread(values), "samples": values}
                            for metric, values in cold[t.key].items()} for t in TARGETS},
        "warm_ms": {t.key: warm_summary(warm[t.key]) for t in TARGETS},
        "table": [list(row) for row in rows],
        "importtime_ms": {name: {"total": total, "top": top[:12]} for name, (total, top) in importtime.items()},
        "standin_received": received,
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"Results written to {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json} "
          f"({report['elapsed_s']} s)")


if __name__ == "__main__":
    main()
