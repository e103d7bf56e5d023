"""Time Parley's Slack ack against Bolt's documented lazy-listener app and two floors, cold and warm.

    .venv/bin/python bench/ack.py [--cold N] [--warm N] [--second-stage N] [--importtime-runs N] [--json PATH]

(`make bench` runs bench/run.py, which adds the end-to-end run, the deployment sizes and the cost.)

Four handlers answer the same signed `app_mention` events in the API Gateway HTTP API v2 shape, and every remote
call they make goes to one local stand-in (bench/standins.py, 127.0.0.1 only):
- Parley: `bot.ingress.handler`, as deployed: its signing secret comes from SSM Parameter Store (one GetParameter
  on a cold start, then cached), the job goes to SQS with its own SigV4 client.
- Bolt-lazy: bench/peers/bolt_lazy.py, Bolt's documented Lambda setup; App start calls auth.test, the ack invokes
  the function again asynchronously (Lambda Invoke) for the lazy listener.
- boto3 floor: bench/floors/boto3_floor.py, HMAC check + boto3 `send_message`.
- bare floor: bench/floors/bare_floor.py, HMAC check + an unsigned stdlib POST: what no SQS client can beat.
Cold: fresh processes, interleaved, timed inside the process from before the handler's import to the first
answer. Warm: one process per handler, each freshly signed event timed alone. Second stage: what each design runs
after the ack (Parley's worker on the jobs Parley queued; Bolt's lazy invocation on the payloads Bolt sent), warm,
for the cost per message. A benchmark reports: nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import marshal
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

from report import machine, progress, ratio, render, spread, summary  # noqa: E402
from standins import StandIn  # noqa: E402

from bot.defaults import secret_parameter  # noqa: E402
from bot.local.slack_events import app_mention_event, http_api_event, signed_request  # noqa: E402
from bot.queue.envelope import slack_job  # noqa: E402

CHILD = BENCH / "_cold_child.py"
CHILD_PATHS = (ROOT, BENCH / "floors", BENCH / "peers")
STAGE = "local-bench"  # a local stage: the stand-in is plain http on 127.0.0.1
SECRET = "bench-signing-secret"  # noqa: S105 - a local stand-in's secret
BOT_TOKEN = "xoxb-bench-token"  # noqa: S105 - a local stand-in's token
SIGNING_PARAM = secret_parameter(STAGE, "signing-secret")
TOKEN_PARAM = secret_parameter(STAGE, "bot-token")
QUEUE_ARN = f"arn:aws:sqs:us-east-1:123456789012:parley-{STAGE}-jobs"
MARK = "--bench-import-starts--"
# Parley's functions as serverless.yml deploys them: the secrets' parameter names, never their values
PARLEY_ENV: dict[str, str | None] = {"SLACK_SIGNING_SECRET": None, "SLACK_BOT_TOKEN": None,
                                     "SLACK_SIGNING_SECRET_PARAM": SIGNING_PARAM, "SLACK_BOT_TOKEN_PARAM": TOKEN_PARAM}


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    module: str  # the Lambda handler's module, imported as Lambda does: `module.handler`
    env: Mapping[str, str | None] = field(default_factory=dict)  # on top of the common environment; None unsets
    bytecode: bool = True  # False: the project's own modules are compiled at import, as a zip without .pyc makes them


PARLEY = Target("parley", "Parley", "bot.ingress.handler", PARLEY_ENV)
PARLEY_NO_PYC = Target("parley_no_pyc", "Parley, bot/ without .pyc", "bot.ingress.handler", PARLEY_ENV, bytecode=False)
BOLT = Target("bolt", "Bolt-lazy", "bolt_lazy")
BOLT_REUSED = Target("bolt_reused", "Bolt-lazy, one SlackRequestHandler", "bolt_lazy_reused")  # warm only
BOTO3_FLOOR = Target("boto3_floor", "boto3 floor", "boto3_floor")
BARE_FLOOR = Target("bare_floor", "bare floor", "bare_floor")
ACK_TARGETS = (PARLEY, BOLT, BOTO3_FLOOR, BARE_FLOOR)
WARM_TARGETS = (*ACK_TARGETS, BOLT_REUSED)
COLD_TARGETS = (PARLEY, PARLEY_NO_PYC, BOLT, BOTO3_FLOOR, BARE_FLOOR)
# What runs after the ack: Parley's worker (one SQS job per invocation) and Bolt's lazy invocation
WORKER = Target("worker", "Parley worker", "bot.worker.handler", PARLEY_ENV)
# The worker as a traced stage runs it (PARLEY_TRACING=Active): Powertools' Tracer built and botocore and http.client
# patched on the first job. In a Lambda-like environment (LAMBDA_TASK_ROOT, a sampled trace header), so the X-Ray SDK
# records the job's subsegment as it would in AWS, and sends it to a daemon address where nothing listens (UDP).
WORKER_TRACED = Target("worker_traced", "Parley worker, tracing on", "bot.worker.handler", {
    **PARLEY_ENV, "PARLEY_TRACING": "Active", "AWS_LAMBDA_FUNCTION_NAME": "bench-worker", "LAMBDA_TASK_ROOT": str(ROOT),
    "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
    "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000", "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR"})
WORKER_COLD_TARGETS = (WORKER, WORKER_TRACED)
LAZY = Target("bolt_lazy", "Bolt lazy invocation", "bolt_lazy")


# --- events -----------------------------------------------------------------------------------------------


def signed_events(count: int) -> list[dict[str, Any]]:
    """Fresh `app_mention` events, each with its own event_id and signature, as API Gateway hands them over."""
    events = []
    for number in range(count):
        body, headers = signed_request(app_mention_event(f"echo bench {number}"), SECRET)
        events.append(http_api_event(body, headers))
    return events


def job_bodies(count: int) -> list[str]:
    """Jobs as Parley's ingress queues them, for the worker's untimed warm-up."""
    bodies = []
    for number in range(count):
        event = app_mention_event(f"echo warm-up {number}")
        body, headers = signed_request(event, SECRET)
        bodies.append(slack_job(event["event_id"], body, {k.lower(): v for k, v in headers.items()},
                                dedup_key=event["event_id"]))
    return bodies


def sqs_events(bodies: list[str], queue_arn: str) -> list[dict[str, Any]]:
    """One SQS batch of one job per body, in the shape the event source mapping hands the worker."""
    now = str(int(time.time() * 1000))
    return [{"Records": [{
        "messageId": str(uuid.uuid4()), "receiptHandle": f"bench-{number}", "body": body,
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": now, "SenderId": "AIDABENCH",
                       "ApproximateFirstReceiveTimestamp": now},
        "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs", "eventSourceARN": queue_arn,
        "awsRegion": "us-east-1",
    }]} for number, body in enumerate(bodies)]


# --- children ---------------------------------------------------------------------------------------------


class Harness:
    """Runs handlers in fresh Lambda-like processes against one stand-in.

    Bytecode: a Lambda zip ships whatever .pyc it holds, and this environment sets PYTHONDONTWRITEBYTECODE=1.
    Children therefore run without it, with PYTHONPYCACHEPREFIX at a fresh directory; an untimed warm-up per
    handler compiles every module it imports (stdlib, boto3/botocore, Bolt, bot), so timed runs load bytecode.
    A target with `bytecode=False` gets a second prefix holding the same stdlib bytecode but none for bot/, and
    may not write any: that is Parley as serverless.yml packages it today (`!**/*.pyc`), compiled at each import.
    """

    def __init__(self, standin: StandIn, workdir: Path) -> None:
        self.standin = standin
        self.workdir = workdir
        self.pycache = workdir / "pycache"
        self.pycache_without_bot = workdir / "pycache-without-bot"
        env = {name: value for name, value in os.environ.items()
               if not name.startswith(("AWS_", "PYTHON", "PARLEY_", "SLACK_", "POWERTOOLS_"))
               and "proxy" not in name.lower()}
        env.update({
            "PYTHONPATH": os.pathsep.join(str(path) for path in CHILD_PATHS),
            "AWS_ENDPOINT_URL": standin.endpoint,
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "bench-fake-secret-key",  # a fake: the stand-in checks no signature
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": str(workdir / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(workdir / "no-aws-credentials"),
            "NO_PROXY": "127.0.0.1,localhost",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_API_URL": standin.slack_api_url,
            "PARLEY_QUEUE_URL": standin.queue_url,
            "PARLEY_STAGE": STAGE,
            "POWERTOOLS_SERVICE_NAME": "parley",
            "POWERTOOLS_LOG_LEVEL": "INFO",
            "QUEUE_URL": standin.queue_url,
        })
        self.common_env = env

    def env(self, target: Target) -> dict[str, str]:
        env = dict(self.common_env)
        for name, value in target.env.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        if target.bytecode:
            env["PYTHONPYCACHEPREFIX"] = str(self.pycache)
        else:
            env["PYTHONPYCACHEPREFIX"] = str(self.pycache_without_bot)
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        return env

    def compile_bytecode(self, targets: tuple[Target, ...]) -> None:
        """One untimed run per module, so every timed run loads bytecode (but for bot/ where asked not to)."""
        for target in targets:
            if target.bytecode:
                events = sqs_events(job_bodies(1), QUEUE_ARN) if target in WORKER_COLD_TARGETS else signed_events(1)
                self.run(target, events)
        if any(not target.bytecode for target in targets):
            self.run(PARLEY, signed_events(1), pycache=self.pycache_without_bot)
            # the prefix mirrors absolute source paths: drop the project's own modules, keep the stdlib's
            shutil.rmtree(self.pycache_without_bot / ROOT.relative_to(ROOT.anchor) / "bot", ignore_errors=True)

    def run(self, target: Target, events: list[dict[str, Any]], pycache: Path | None = None) -> dict[str, Any]:
        """One fresh process: import the handler, answer the events, return its timings (seconds)."""
        events_file, result_file = self.workdir / "events.marshal", self.workdir / "result.marshal"
        events_file.write_bytes(marshal.dumps(events))
        result_file.unlink(missing_ok=True)
        env = self.env(target)
        if pycache is not None:
            env["PYTHONPYCACHEPREFIX"] = str(pycache)
            env.pop("PYTHONDONTWRITEBYTECODE", None)
        done = subprocess.run([sys.executable, str(CHILD), target.module, str(events_file), str(result_file)],
                              cwd=ROOT, env=env, capture_output=True, timeout=120 + len(events) * 0.1, check=False)
        if done.returncode != 0 or not result_file.exists():
            raise RuntimeError(f"{target.label} child failed ({done.returncode}):\n{done.stderr.decode()[-3000:]}")
        result: dict[str, Any] = marshal.loads(result_file.read_bytes())  # noqa: S302 - our own child wrote it
        bad = [status for status in result["statuses"] if status != 200]
        if bad:
            raise RuntimeError(f"{target.label} answered {bad[:5]} instead of 200 ({len(bad)} of {len(events)}):\n"
                               f"{done.stdout.decode()[-2000:]}{done.stderr.decode()[-2000:]}")
        return result

    def importtime(self, module: str, runs: int) -> tuple[float, list[tuple[str, float]]]:
        """`python -X importtime` of one import statement: median total ms and, of the median run, the modules
        that cost most (cumulative ms, nested ones indented)."""
        measured = []
        for _ in range(runs):
            code = f"import sys; sys.stderr.write({MARK!r} + '\\n'); import {module}"
            done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT, env=self.env(PARLEY),
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


# --- measuring --------------------------------------------------------------------------------------------


def cold_runs(harness: Harness, runs: int) -> dict[str, dict[str, list[float]]]:
    """`runs` fresh processes per handler, interleaved A B C D E so machine noise hits all alike (ms)."""
    samples: dict[str, dict[str, list[float]]] = {t.key: {"import": [], "first_event": [], "total": []}
                                                  for t in COLD_TARGETS}
    for run in range(runs):
        for target in COLD_TARGETS:
            result = harness.run(target, signed_events(1))
            for metric, values in samples[target.key].items():
                values.append(result[metric] * 1000)
        progress(f"cold {run + 1}/{runs}")
    return samples


def worker_cold_runs(harness: Harness, runs: int) -> dict[str, Any]:
    """The worker's cold start (import + first job, ms) as a stage without tracing and with it, interleaved; metrics
    (EMF lines) are written in both."""
    samples: dict[str, list[float]] = {target.key: [] for target in WORKER_COLD_TARGETS}
    for run in range(runs):
        for target in WORKER_COLD_TARGETS:
            samples[target.key].append(harness.run(target, sqs_events(job_bodies(1), QUEUE_ARN))["total"] * 1000)
        progress(f"worker cold {run + 1}/{runs}")
    return {key: {**spread(values), "samples": [round(v, 3) for v in values]} for key, values in samples.items()}


def timed(values_s: list[float]) -> dict[str, Any]:
    """A warm run's summary (ms) and what Lambda would bill: each invocation rounded up to the next ms."""
    values = [seconds * 1000 for seconds in values_s]
    return {**summary(values), "billed_mean_ms": statistics.fmean(math.ceil(ms) for ms in values)}


def per_event(before: Counter[str], after: Counter[str], events: int) -> dict[str, float]:
    """What the stand-in received per event between two snapshots of its counters."""
    return {name: round((after[name] - before[name]) / events, 4) for name in sorted(after)
            if after[name] != before[name]}


def measure(cold: int, warm: int, second_stage: int, importtime_runs: int) -> dict[str, Any]:
    """Every ack measurement, in one stand-in and one temporary directory; returns the report's `ack` part."""
    parameters = {SIGNING_PARAM: SECRET, TOKEN_PARAM: BOT_TOKEN}
    with StandIn(BOT_TOKEN, parameters) as standin, tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        harness = Harness(standin, Path(tmp))
        progress(f"stand-in on {standin.endpoint}; compiling bytecode (one untimed run per handler)")
        harness.compile_bytecode((*COLD_TARGETS, BOLT_REUSED, *WORKER_COLD_TARGETS))
        before = standin.counts()
        cold_samples = cold_runs(harness, cold)
        calls: dict[str, dict[str, float]] = {"cold_round": per_event(before, standin.counts(), cold)}

        warm_ms: dict[str, dict[str, Any]] = {}
        captured: dict[str, list[Any]] = {}
        for target in WARM_TARGETS:
            progress(f"warm {target.label}: {warm} events")
            standin.take_messages()
            standin.take_invocations()
            before = standin.counts()
            result = harness.run(target, signed_events(warm + 1))
            calls[target.key] = per_event(before, standin.counts(), warm + 1)
            warm_ms[target.key] = timed(result["warm"])
            captured[target.key] = standin.take_messages() if target is PARLEY else standin.take_invocations()
            if target is BOLT:  # the lazy payloads must be replayed within Slack's 5-minute signature window
                captured[LAZY.key] = [json.loads(p) for p in captured[BOLT.key][-(second_stage + 1):]]

        second: dict[str, dict[str, Any]] = {}
        stage_events = (
            (WORKER, sqs_events(captured[PARLEY.key][-(second_stage + 1):], QUEUE_ARN)),
            (LAZY, captured[LAZY.key]),
        )
        for target, events in stage_events:
            progress(f"second stage, {target.label}: {len(events) - 1} events after a cold one")
            before = standin.counts()
            result = harness.run(target, events)
            calls[target.key] = per_event(before, standin.counts(), len(events))
            second[target.key] = {"cold_total_ms": result["total"] * 1000, "warm_ms": timed(result["warm"])}

        worker_cold = worker_cold_runs(harness, max(3, cold // 3))
        progress("python -X importtime")
        modules = (PARLEY.module, "boto3", "slack_bolt.adapter.aws_lambda")
        importtime = {module: harness.importtime(module, importtime_runs) for module in modules}
        received = dict(standin.received)

    return {
        "parameters": {
            "cold": cold, "warm": warm, "second_stage": second_stage, "importtime_runs": importtime_runs,
            "bytecode": "PYTHONPYCACHEPREFIX compiled by an untimed run; PYTHONDONTWRITEBYTECODE unset "
                        "(parley_no_pyc: bot/ compiled at import, as a zip without bytecode would make it)",
            "event": "app_mention `echo bench N`, API Gateway HTTP API v2", "interleaved": True,
            "parley_secret": "SSM GetParameter at the stand-in on a cold start, then cached",
        },
        "handlers": {t.key: {"label": t.label, "handler": f"{t.module}.handler"}
                     for t in (*COLD_TARGETS, BOLT_REUSED, WORKER, LAZY)},
        "cold_ms": {key: {metric: {**spread(values), "samples": [round(v, 3) for v in values]}
                          for metric, values in metrics.items()} for key, metrics in cold_samples.items()},
        "warm_ms": warm_ms,
        "second_stage": second,
        "worker_cold_ms": worker_cold,
        "calls_per_event": calls,
        "importtime_ms": {name: {"total": total, "top": top[:12]} for name, (total, top) in importtime.items()},
        "standin_received": received,
    }


# --- reporting --------------------------------------------------------------------------------------------

COLUMNS = (PARLEY, BOLT, BOTO3_FLOOR, BARE_FLOOR)
HEADER = ("ms unless stated", *(t.label for t in COLUMNS), "Parley/Bolt", "Parley/boto3", "Parley/bare")


def row(label: str, values: list[float | None], digits: int = 2, ratios: int = 3) -> tuple[str, ...]:
    """A table row: one cell per column, then Parley's ratio to the first `ratios` others."""
    cells = ["-" if value is None else f"{value:.{digits}f}" for value in values]
    shown = [ratio(values[0], value) if number < ratios else None for number, value in enumerate(values[1:])]
    return (label, *cells, *("-" if r is None else f"{r:.2f}" for r in shown))


def ack_rows(ack: dict[str, Any]) -> list[tuple[str, ...]]:
    cold, warm, second = ack["cold_ms"], ack["warm_ms"], ack["second_stage"]
    rows = []
    for metric, label in (("import", "cold: import (median)"), ("first_event", "cold: first event (median)"),
                          ("total", "cold: import + first event (median)")):
        rows.append(row(label, [cold[t.key][metric]["median"] for t in COLUMNS], 1))
    rows.append(("cold: import + first event (min-max)",
                 *(f"{cold[t.key]['total']['min']:.0f}-{cold[t.key]['total']['max']:.0f}" for t in COLUMNS),
                 "", "", ""))
    no_pyc = cold[PARLEY_NO_PYC.key]["total"]["median"]
    rows.append(row("cold: Parley with bot/ compiled at import", [no_pyc, *(cold[t.key]["total"]["median"]
                                                                            for t in COLUMNS[1:])], 1))
    rows.append(row("warm: median", [warm[t.key]["median"] for t in COLUMNS], 3))
    rows.append(row("warm: p99", [warm[t.key]["p99"] for t in COLUMNS], 3))
    rows.append(row("warm: median, Bolt with one SlackRequestHandler",
                    [warm[PARLEY.key]["median"], warm[BOLT_REUSED.key]["median"], None, None], 3))
    rows.append(row("2nd stage warm median (worker job | lazy run)",
                    [second[WORKER.key]["warm_ms"]["median"], second[LAZY.key]["warm_ms"]["median"], None, None], 2))
    rows.append(row("2nd stage cold (import + first; 1 sample)",
                    [second[WORKER.key]["cold_total_ms"], second[LAZY.key]["cold_total_ms"], None, None], 0))
    return rows


def print_ack(ack: dict[str, Any]) -> None:
    print(render(HEADER, ack_rows(ack)))
    print()
    print_details(ack)


def print_details(ack: dict[str, Any]) -> None:
    """The import profile and the remote calls per event: what explains the table's ack rows."""
    for name, entry in ack["importtime_ms"].items():
        print(f"-X importtime  import {name}: {entry['total']:.1f} ms cumulative "
              f"(median of {ack['parameters']['importtime_runs']})")
    top = [(name, ms) for name, ms in ack["importtime_ms"][PARLEY.module]["top"]
           if name.strip() not in ("bot", "bot.ingress", PARLEY.module)]
    print("  most costly under bot.ingress.handler: "
          + ", ".join(f"{name.strip()} {ms:.1f}" for name, ms in top[:6]) + " (ms, cumulative)")
    calls = ack["calls_per_event"]
    print("Remote calls per event at the stand-in (warm runs): "
          + "; ".join(f"{key}: " + ", ".join(f"{name} {count:g}" for name, count in calls[key].items())
                      for key in (PARLEY.key, BOLT.key, BOTO3_FLOOR.key, BARE_FLOOR.key, WORKER.key, LAZY.key)))
    print("Per cold round (one fresh process of each handler): "
          + ", ".join(f"{name} {count:g}" for name, count in calls["cold_round"].items()))
    print_worker_cold(ack)


def print_worker_cold(ack: dict[str, Any]) -> None:
    """The worker's cold start with its metrics, without and with tracing: what a traced stage adds."""
    found = ack.get("worker_cold_ms")
    if not found:
        return
    plain, traced = found[WORKER.key], found[WORKER_TRACED.key]
    print(f"Worker cold start, import + first job, metrics on (median of {len(plain['samples'])}): "
          f"{plain['median']:.0f} ms untraced, {traced['median']:.0f} ms with tracing "
          f"(+{traced['median'] - plain['median']:.0f} ms: the X-Ray SDK, Powertools' Tracer, patching botocore and "
          "http.client)")


def describe(ack: dict[str, Any]) -> None:
    p = ack["parameters"]
    print("Event:    a signed app_mention (`echo bench N`) in the API Gateway HTTP API v2 shape; every remote call "
          "goes to one local stand-in on 127.0.0.1 (SQS, SSM, Lambda Invoke, DynamoDB, Slack Web API)")
    print(f"Cold:     {p['cold']} fresh processes per handler, interleaved; timed in-process from before the handler "
          "import to the first answer (interpreter start-up excluded). Parley's includes one SSM GetParameter "
          "round trip (its signing secret), Bolt's its auth.test and the Lambda Invoke")
    print(f"Warm:     one process per handler, {p['warm']} freshly signed events after the first, each timed alone")
    print(f"2nd:      what runs after the ack, {p['second_stage']} warm events after a cold one: Parley's worker "
          "on the jobs Parley queued (batch of 1), Bolt's lazy invocation on the payloads Bolt sent")
    print("Bytecode: all timed runs load .pyc compiled by an untimed run, except the row 'Parley with bot/ compiled "
          "at import' (serverless.yml excludes *.pyc from the zip today)")


def write_json(report: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(report, indent=2) + "\n")
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"Results written to {shown}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    check_arguments(parser, args)
    return args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cold", type=int, default=15, help="fresh processes per handler (default 15)")
    parser.add_argument("--warm", type=int, default=2000, help="warm events per handler (default 2000)")
    parser.add_argument("--second-stage", type=int, default=200,
                        help="warm events for Parley's worker and Bolt's lazy invocation (default 200)")
    parser.add_argument("--importtime-runs", type=int, default=5, help="-X importtime runs per module (default 5)")
    parser.add_argument("--json", type=Path, default=BENCH / "results.json", help="where to write the results")


def check_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    for name in ("cold", "warm", "second_stage", "importtime_runs"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.second_stage > args.warm:
        parser.error("--second-stage cannot exceed --warm: it replays what the warm runs queued")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    started = time.monotonic()
    ack = measure(args.cold, args.warm, args.second_stage, args.importtime_runs)
    print()
    describe(ack)
    print()
    print_ack(ack)
    if args.cold < 10:
        print(f"note: --cold {args.cold} is below 10 processes per handler; medians are noisy")
    report = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(), "ack": ack,
              "elapsed_s": round(time.monotonic() - started, 1),
              "not_run": ["e2e", "size", "cost"]}  # bench/run.py (make bench) adds them
    write_json(report, args.json)


if __name__ == "__main__":
    main()
