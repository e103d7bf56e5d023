"""Remote calls per message, per kind of message, on warm handlers; and where a warm one-shot job's time goes.

    .venv/bin/python bench/kinds.py [--messages N] [--warmup N]      (JSON on stdout; make bench runs it too)

Four kinds, each as Slack (or Lex) delivers it, through the handlers Lambda would run, every remote call to the
stand-in (bench/standins.py), which counts them:
- one-shot DM: a `message` in an im, `echo one shot N` (the echo intent answers at once): the ingress on the signed
  API Gateway request, then the worker on an SQS batch holding exactly the body the ingress queued.
- dialog turn: `roll a die` starts a dialog (the roll intent asks how many sides), then `6` answers it: only the
  answering turn is counted, both its stages.
- slash command: `/parley echo N`, form-encoded as Slack posts it; the ingress queues it, the worker answers on the
  command's response_url. Both stages counted.
- Lex turn: the Lex V2 code hook (`bot.lex.handler`) on a FulfillmentCodeHook event for `roll` with its slot filled
  (a one-shot intent, fulfilled in the hook); Lex invokes it directly, there is no ingress.
Each handler is one long-lived process (bench/_warm_child.py) kept warm: `--warmup` messages of the kind first,
then `--messages` measured, the stand-in's counters read between two events, so each count is one message's exactly.
Means per message are reported, with each stage's warm duration (and what Lambda would bill: each rounded up to the
next ms). For the one-shot DM, the worker's job is broken down by remote call (time spent in each, as the child
timed it at http.client) and the rest (Parley's own code).
"""

from __future__ import annotations

import argparse
import copy
import json
import marshal
import math
import os
import statistics
import struct
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

from ack import BOT_TOKEN, PARLEY_ENV, QUEUE_ARN, SECRET, SIGNING_PARAM, TOKEN_PARAM, Harness, Target, sqs_events  # noqa: E402
from report import progress  # noqa: E402
from standins import StandIn  # noqa: E402

from bot.local.slack_events import http_api_event, message_event, signed_request, slash_command  # noqa: E402

WARM_CHILD = BENCH / "_warm_child.py"
INGRESS = Target("ingress", "Parley ingress", "bot.ingress.handler", PARLEY_ENV)
WORKER = Target("worker", "Parley worker", "bot.worker.handler", PARLEY_ENV)
LEX = Target("lex", "Parley Lex hook", "bot.lex.handler", PARLEY_ENV)
KINDS = ("one_shot_dm", "dialog_turn", "slash_command", "lex_turn")
LABELS = {"one_shot_dm": "one-shot DM", "dialog_turn": "dialog turn (the answer)", "slash_command": "slash command",
          "lex_turn": "Lex turn (fulfilled)"}
LEX_FIXTURE = ROOT / "tests" / "events" / "lex" / "edge_null_slots.json"


class WarmProcess:
    """One handler in its own warm process; `send` answers one event and returns the child's report."""

    def __init__(self, harness: Harness, target: Target, log: Path) -> None:
        self.target = target
        self.log_path = log
        self._log = log.open("wb")
        self._process = subprocess.Popen([sys.executable, str(WARM_CHILD), target.module], cwd=ROOT,
                                         env=harness.env(target), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self._log)

    def send(self, event: dict[str, Any]) -> dict[str, Any]:
        assert self._process.stdin is not None and self._process.stdout is not None
        data = marshal.dumps(event)
        self._process.stdin.write(struct.pack(">I", len(data)) + data)
        self._process.stdin.flush()
        head = self._process.stdout.read(4)
        if len(head) < 4:
            self.close()
            tail = Path(self._log.name).read_bytes()[-3000:].decode(errors="replace")
            raise RuntimeError(f"{self.target.label} warm child died:\n{tail}")
        result: dict[str, Any] = marshal.loads(self._process.stdout.read(struct.unpack(">I", head)[0]))  # noqa: S302
        return result

    def close(self) -> None:
        if self._process.stdin:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._log.close()


# --- events -----------------------------------------------------------------------------------------------


def dm_event(text: str, user: str = "U0BENCHDM") -> dict[str, Any]:
    body, headers = signed_request(message_event(text, user=user, channel=f"D{user[1:]}"), SECRET)
    return http_api_event(body, headers)


def command_event(text: str, response_url: str) -> dict[str, Any]:
    body, headers = signed_request(slash_command(text, response_url=response_url), SECRET)
    return http_api_event(body, headers)


def lex_event(number: int) -> dict[str, Any]:
    """A Lex V2 FulfillmentCodeHook event for `roll` with `sides` filled, in the fixture's shape (tests/events/lex)."""
    event = json.loads(LEX_FIXTURE.read_text())
    intent = {"name": "roll", "slots": {"sides": {"shape": "Scalar", "value": {
        "originalValue": "6", "interpretedValue": "6", "resolvedValues": ["6"]}}},
        "state": "ReadyForFulfillment", "confirmationState": "None"}
    event.update(invocationSource="FulfillmentCodeHook", inputTranscript="roll a 6 sided die",
                 sessionId=f"bench-lex-{number}")
    event["sessionState"]["intent"] = intent
    event["interpretations"] = [{"intent": copy.deepcopy(intent), "nluConfidence": 0.95}]
    event.pop("proposedNextState", None)
    event["transcriptions"] = []
    return event


# --- measuring --------------------------------------------------------------------------------------------


class Stage:
    """One stage's handler with what it cost per measured message: remote calls, durations, timed calls."""

    def __init__(self, process: WarmProcess, standin: StandIn) -> None:
        self.process = process
        self.standin = standin
        self.counts: Counter[str] = Counter()
        self.durations: list[float] = []
        self.call_seconds: defaultdict[str, float] = defaultdict(float)
        self.call_numbers: Counter[str] = Counter()
        self.log_bytes = 0

    def run(self, event: dict[str, Any], measured: bool) -> dict[str, Any]:
        before = self.standin.counts()
        logged = self.process.log_path.stat().st_size
        result = self.process.send(event)
        if result["status"] != 200:
            raise RuntimeError(f"{self.process.target.label} answered {result['status']}: {result.get('answer')}")
        if measured:
            self.log_bytes += self.process.log_path.stat().st_size - logged
            self.counts.update(self.standin.counts() - before)
            self.durations.append(result["duration"] * 1000)
            for label, seconds in result["calls"]:
                self.call_seconds[label] += seconds * 1000
                self.call_numbers[label] += 1
        return result

    def summary(self, messages: int) -> dict[str, Any]:
        mean = statistics.fmean(self.durations)
        calls = sum(self.call_seconds.values()) / messages
        return {
            "calls_per_message": {name: round(count / messages, 4) for name, count in sorted(self.counts.items())},
            "duration_ms": {"median": statistics.median(self.durations), "mean": mean,
                            "billed_mean_ms": statistics.fmean(math.ceil(ms) for ms in self.durations)},
            "remote_ms_per_message": {name: round(ms / messages, 3) for name, ms in sorted(
                self.call_seconds.items(), key=lambda entry: -entry[1])},
            "remote_calls_timed": {name: n / messages for name, n in sorted(self.call_numbers.items())},
            "rest_ms": round(mean - calls, 3),
            "log_bytes_per_message": self.log_bytes / messages,
        }


def _job_of(standin: StandIn) -> dict[str, Any]:
    bodies = standin.take_messages()
    if len(bodies) != 1:
        raise RuntimeError(f"the ingress queued {len(bodies)} jobs for one message")
    return sqs_events(bodies, QUEUE_ARN)[0]


def _two_stages(ingress: Stage, worker: Stage, standin: StandIn, event: dict[str, Any], measured: bool) -> None:
    ingress.run(event, measured)
    worker.run(_job_of(standin), measured)


def measure(messages: int = 20, warmup: int = 3) -> dict[str, Any]:
    """Every kind's calls and durations per message (the report's `kinds` part)."""
    parameters = {SIGNING_PARAM: SECRET, TOKEN_PARAM: BOT_TOKEN}
    with StandIn(BOT_TOKEN, parameters) as standin, tempfile.TemporaryDirectory(prefix="parley-kinds-") as tmp:
        harness = Harness(standin, Path(tmp))
        processes = {t.key: WarmProcess(harness, t, Path(tmp) / f"{t.key}.log") for t in (INGRESS, WORKER, LEX)}
        try:
            results = {kind: _measure_kind(kind, processes, standin, messages, warmup) for kind in KINDS}
        finally:
            for process in processes.values():
                process.close()
        metrics = emf_metrics([process.log_path for process in processes.values()])
    return {"metrics": len(metrics), "metric_names": sorted({name for _, name, _ in metrics}),
            "log_bytes_per_message": {kind: sum(stage["log_bytes_per_message"] for stage in entry["stages"].values())
                                      for kind, entry in results.items()},
            "parameters": {"messages": messages, "warmup": warmup,
                           "texts": {"one_shot_dm": "echo one shot N (a DM)", "dialog_turn": "roll a die, then 6",
                                     "slash_command": "/parley echo N", "lex_turn": "roll, sides=6, fulfilled"}},
            "kinds": results}


def _measure_kind(kind: str, processes: dict[str, WarmProcess], standin: StandIn, messages: int,
                  warmup: int) -> dict[str, Any]:
    progress(f"remote calls per message: {LABELS[kind]}, {warmup} warm-up + {messages}")
    stages = {key: Stage(process, standin) for key, process in processes.items()}
    ingress, worker, lex = stages["ingress"], stages["worker"], stages["lex"]
    standin.take_messages()
    for number in range(warmup + messages):
        measured = number >= warmup
        if kind == "one_shot_dm":
            _two_stages(ingress, worker, standin, dm_event(f"echo one shot {number}"), measured)
        elif kind == "dialog_turn":
            user = f"U0DIALOG{number:03d}"
            _two_stages(ingress, worker, standin, dm_event("roll a die", user), False)
            _two_stages(ingress, worker, standin, dm_event("6", user), measured)
        elif kind == "slash_command":
            _two_stages(ingress, worker, standin, command_event(f"echo command {number}", standin.response_url),
                        measured)
        else:
            lex.run(lex_event(number), measured)
    used = ("lex",) if kind == "lex_turn" else ("ingress", "worker")
    per_stage = {key: stages[key].summary(messages) for key in used}
    total: Counter[str] = Counter()
    for key in used:
        total.update(stages[key].counts)
    return {"label": LABELS[kind], "stages": per_stage,
            "calls_per_message": {name: round(count / messages, 4) for name, count in sorted(total.items())}}


def emf_metrics(logs: list[Path]) -> set[tuple[str, str, tuple[tuple[str, str], ...]]]:
    """The distinct custom metrics (namespace, name, dimension values) the handlers' EMF log lines define: each is
    one CloudWatch metric, billed by the month (per hour it receives data)."""
    found = set()
    for log in logs:
        for line in log.read_text(errors="replace").splitlines():
            if '"_aws"' not in line:
                continue
            try:
                document = json.loads(line[line.index("{"):])
            except ValueError:
                continue
            for directive in document.get("_aws", {}).get("CloudWatchMetrics", []):
                for dimensions in directive.get("Dimensions") or [[]]:
                    values = tuple((name, str(document.get(name))) for name in dimensions)
                    for metric in directive.get("Metrics", []):
                        found.add((directive.get("Namespace", ""), metric.get("Name", ""), values))
    return found


def by_service(calls: dict[str, float]) -> dict[str, float]:
    """Calls grouped as the report shows them: dynamodb by operation, sqs, ssm, lambda, slack by method."""
    grouped: dict[str, float] = defaultdict(float)
    for name, count in calls.items():
        service, _, operation = name.partition(".")
        if service == "dynamodb":
            grouped[f"dynamodb.{operation.removesuffix('.consistent')}"] += count
        elif service in ("sqs", "ssm", "lambda"):
            grouped[service] += count
        else:
            grouped[name] += count
    return dict(grouped)


def describe(result: dict[str, Any]) -> list[str]:
    """The printed lines: each kind's calls per message, and the warm one-shot job by remote call."""
    lines = [f"Remote calls per message, warm handlers ({result['parameters']['warmup']} warm-up messages, then the "
             f"mean of {result['parameters']['messages']}; counted at the stand-in):"]
    for entry in result["kinds"].values():
        shown = ", ".join(f"{name} {count:g}" for name, count in sorted(by_service(entry["calls_per_message"]).items()))
        stages = "; ".join(f"{key} {stage['duration_ms']['median']:.2f} ms" for key, stage in entry["stages"].items())
        lines.append(f"  {entry['label']:<26} {shown}  (warm median: {stages})")
    job = result["kinds"]["one_shot_dm"]["stages"]["worker"]
    parts = ", ".join(f"{name} {ms:.2f}" for name, ms in job["remote_ms_per_message"].items())
    lines.append(f"  its warm job by remote call (one-shot DM, worker, mean {job['duration_ms']['mean']:.2f} ms): "
                 f"{parts}, the rest (Parley's code) {job['rest_ms']:.2f} (ms per job)")
    lines.append("  logs per message (bytes the handlers wrote): " + ", ".join(
        f"{LABELS[kind]} {size:.0f}" for kind, size in result["log_bytes_per_message"].items())
        + f"; distinct EMF metrics the four kinds defined: {result['metrics']}")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=20, help="measured messages per kind (default 20)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed messages per kind first (default 3)")
    args = parser.parse_args(argv)
    result = measure(args.messages, args.warmup)
    print("\n".join(describe(result)), file=sys.stderr)
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    main()
