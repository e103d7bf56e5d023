"""Time to first reply after idle: both stages cold, started as Lambda would start them, to the reply at the stand-in.

    .venv/bin/python bench/first_reply.py [--rounds N]      (JSON on stdout; make bench runs it too)

One signed DM (`message`, channel_type im, `echo first reply N`) in the API Gateway HTTP API v2 shape, and:
- Parley: a fresh process runs the ingress (`bot.ingress.handler`) on it; when the stand-in receives the SQS
  SendMessage, a fresh process runs the worker (`bot.worker.handler`) on an SQS event holding exactly the queued
  body, as the event source mapping would deliver it (a batch of one); the clock stops when the stand-in records
  the worker's `chat.postMessage`.
- Bolt-lazy (bench/peers/bolt_lazy.py): a fresh process for the ack; when the stand-in receives the Lambda Invoke,
  a fresh process runs the same module on the invoked payload (the lazy listener), until its `chat.postMessage`.
The clock starts just before the first process is spawned (interpreter start included, the same for both) and
stops at the stand-in's record of the reply (one clock: the stand-in runs in this process). Rounds alternate
Parley, Bolt-lazy; one untimed round of each first compiles the bytecode of both paths. Each process also times
itself (bench/_cold_child.py): the second stage's import + first event is the worker's cold start alone (Parley)
and the lazy run's (Bolt), from the same processes.

Not modelled: Lambda's own start (sandbox, runtime, code download) and the SQS event source's polling delay (a
long poll returns as soon as a message arrives; Lambda then invokes), nor Lambda's asynchronous invoke queue.
"""

from __future__ import annotations

import argparse
import json
import marshal
import queue
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

from ack import (  # noqa: E402
    BOLT,
    BOT_TOKEN,
    CHILD,
    LAZY,
    PARLEY,
    QUEUE_ARN,
    SECRET,
    SIGNING_PARAM,
    TOKEN_PARAM,
    WORKER,
    Harness,
    Target,
    sqs_events,
)
from report import progress, spread  # noqa: E402
from standins import StandIn  # noqa: E402

from bot.local.slack_events import http_api_event, message_event, signed_request  # noqa: E402

WAIT_SECONDS = 60


@dataclass(frozen=True)
class Design:
    key: str
    first: Target
    second: Target
    trigger: str  # what the stand-in receives that starts the second stage: "queued" or "invoked"


PARLEY_DESIGN = Design("parley", PARLEY, WORKER, "queued")
BOLT_DESIGN = Design("bolt", BOLT, LAZY, "invoked")
DESIGNS = (PARLEY_DESIGN, BOLT_DESIGN)


def dm_event(number: int) -> dict[str, Any]:
    body, headers = signed_request(message_event(f"echo first reply {number}"), SECRET)
    return http_api_event(body, headers)


def second_event(design: Design, content: Any) -> dict[str, Any]:
    """What Lambda hands the second stage: an SQS batch of the queued body, or the asynchronous Invoke's payload."""
    if design.trigger == "queued":
        return sqs_events([content], QUEUE_ARN)[0]
    return json.loads(content)


class Child:
    """A fresh process of bench/_cold_child.py on one event, started now; `result()` waits for its timings."""

    def __init__(self, harness: Harness, target: Target, event: dict[str, Any], workdir: Path, name: str) -> None:
        self.target = target
        self.events, self.out = workdir / f"{name}.events", workdir / f"{name}.result"
        self.log = (workdir / f"{name}.log").open("wb")
        self.events.write_bytes(marshal.dumps([event]))
        self.out.unlink(missing_ok=True)
        self.env = harness.env(target)

    def start(self) -> None:
        self.process = subprocess.Popen([sys.executable, str(CHILD), self.target.module, str(self.events),
                                         str(self.out)], cwd=ROOT, env=self.env, stdout=self.log,
                                        stderr=subprocess.STDOUT)

    def result(self) -> dict[str, Any]:
        code = self.process.wait(timeout=WAIT_SECONDS)
        self.log.close()
        if code != 0 or not self.out.exists():
            tail = Path(self.log.name).read_bytes()[-3000:].decode(errors="replace")
            raise RuntimeError(f"{self.target.label} child failed ({code}):\n{tail}")
        result: dict[str, Any] = marshal.loads(self.out.read_bytes())  # noqa: S302 - our own child wrote it
        if result["statuses"] != [200]:
            raise RuntimeError(f"{self.target.label} answered {result['statuses']}")
        return result


def one_round(harness: Harness, standin: StandIn, design: Design, number: int, workdir: Path) -> dict[str, float]:
    """Both stages of one message, cold; ms from before the first spawn to the reply at the stand-in."""
    arrivals: queue.SimpleQueue[tuple[str, float, Any]] = queue.SimpleQueue()
    first = Child(harness, design.first, dm_event(number), workdir, f"{design.key}-first")
    standin.take_messages()
    standin.take_invocations()
    standin.listen(lambda what, at, content: arrivals.put((what, at, content)))
    try:
        started = time.perf_counter()
        first.start()
        second: Child | None = None
        triggered = replied = 0.0
        while not replied:
            what, at, content = arrivals.get(timeout=WAIT_SECONDS)
            if what == design.trigger and second is None:
                triggered = at
                second = Child(harness, design.second, second_event(design, content), workdir, f"{design.key}-second")
                second.start()
            elif what == "reply" and second is not None:
                replied = at
    finally:
        standin.listen(None)
    assert second is not None
    first_timings, second_timings = first.result(), second.result()
    return {"first_reply": (replied - started) * 1000, "second_started": (triggered - started) * 1000,
            "first_total": first_timings["total"] * 1000, "second_import": second_timings["import"] * 1000,
            "second_first_event": second_timings["first_event"] * 1000,
            "second_total": second_timings["total"] * 1000}


def measure(rounds: int = 10) -> dict[str, Any]:
    parameters = {SIGNING_PARAM: SECRET, TOKEN_PARAM: BOT_TOKEN}
    samples: dict[str, list[dict[str, float]]] = {design.key: [] for design in DESIGNS}
    with StandIn(BOT_TOKEN, parameters) as standin, tempfile.TemporaryDirectory(prefix="parley-first-") as tmp:
        harness = Harness(standin, Path(tmp))
        progress("time to first reply after idle: one untimed round of each (compiles the bytecode)")
        for design in DESIGNS:
            one_round(harness, standin, design, -1, Path(tmp))
        for number in range(rounds):
            for design in DESIGNS:
                samples[design.key].append(one_round(harness, standin, design, number, Path(tmp)))
            progress(f"first reply {number + 1}/{rounds}")
    metrics = ("first_reply", "second_started", "first_total", "second_import", "second_first_event", "second_total")
    return {
        "parameters": {"rounds": rounds, "interleaved": True, "event": "DM `echo first reply N`, HTTP API v2",
                       "clock": "before the first spawn -> the reply recorded at the stand-in"},
        "designs": {"parley": "ingress process, then a worker process on the queued body (SQS batch of one)",
                    "bolt": "ack process, then a process on the Lambda Invoke payload (the lazy listener)"},
        "ms": {key: {metric: {**spread([s[metric] for s in runs]), "samples": [round(s[metric], 2) for s in runs]}
                     for metric in metrics} for key, runs in samples.items()},
    }


def ratios(result: dict[str, Any]) -> dict[str, float]:
    """Issue 16's two ratios: the worker's cold start to the lazy run's, and first reply to first reply (medians)."""
    ms = result["ms"]
    return {"second_stage_cold": ms["parley"]["second_total"]["median"] / ms["bolt"]["second_total"]["median"],
            "first_reply": ms["parley"]["first_reply"]["median"] / ms["bolt"]["first_reply"]["median"]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10, help="timed rounds, each Parley then Bolt (default 10)")
    args = parser.parse_args(argv)
    result = measure(args.rounds)
    result["ratios"] = ratios(result)
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
