"""Where a second stage's import time goes, by package: `python -X importtime` of the worker and of Bolt's module.

    .venv/bin/python bench/imports.py [--runs N]      (JSON on stdout; make bench runs it too)

`python -X importtime -c "import bot.worker.handler"` (and `import bolt_lazy`, Bolt-lazy's whole function, whose
import builds its App and so calls auth.test at the stand-in), each in `--runs` fresh processes (default 5) after
one untimed run that compiles the bytecode (bench/ack.py's Harness: PYTHONPYCACHEPREFIX). Modules are grouped: our
own by their first two names (`bot.conversation`, `bot.worker`...), `intents`, the standard library as one group,
every other package by its top-level name (slack_bolt, slack_sdk, pydantic, aws_lambda_powertools, botocore...).
Per group, the median over the runs of:
- self ms: the time spent in the group's own modules (these add up to the whole import);
- cumulative ms: the time of the group's outermost imports, everything they pulled in included (a package first
  imported by another package's module is counted where it was first imported, as importtime reports it).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

from ack import BOLT, BOT_TOKEN, MARK, SECRET, SIGNING_PARAM, TOKEN_PARAM, WORKER, Harness, Target  # noqa: E402
from report import progress  # noqa: E402
from standins import StandIn  # noqa: E402

MODULES = ((WORKER, "bot.worker.handler"), (BOLT, "bolt_lazy"))
STDLIB = frozenset(sys.stdlib_module_names)
SHOWN = 12


def group(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "bot":
        return ".".join(parts[:2])
    if parts[0] in STDLIB:
        return "stdlib"
    return parts[0]


def parse(text: str) -> tuple[float, dict[str, float], dict[str, float]]:
    """One importtime run: (total ms, self ms by group, cumulative ms by group)."""
    pending: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for line in text.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|", 2)
        own_us = int(own)
        module = name.rstrip()
        depth = (len(module) - len(module.lstrip()) - 1) // 2
        node = {"name": module.strip(), "self": own_us / 1000, "cumulative": int(cumulative) / 1000,
                "children": pending.pop(depth + 1, [])}
        pending[depth].append(node)
    roots = pending.get(0, [])
    own_ms: dict[str, float] = defaultdict(float)
    cumulative_ms: dict[str, float] = defaultdict(float)

    def walk(node: dict[str, Any], parent: str | None) -> None:
        name = group(node["name"])
        own_ms[name] += node["self"]
        if name != parent:
            cumulative_ms[name] += node["cumulative"]
        for child in node["children"]:
            walk(child, name)

    for root in roots:
        walk(root, None)
    return sum(root["cumulative"] for root in roots), dict(own_ms), dict(cumulative_ms)


def profile(harness: Harness, target: Target, module: str, runs: int) -> dict[str, Any]:
    code = f"import sys; sys.stderr.write({MARK!r} + '\\n'); import {module}"
    measured = []
    for _ in range(runs + 1):  # the first compiles the bytecode, untimed
        done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT,
                              env=harness.env(target), capture_output=True, text=True, timeout=120, check=True)
        measured.append(parse(done.stderr.split(MARK, 1)[1]))
    measured = measured[1:]
    groups = {name for _, own, _ in measured for name in own}
    rows = {name: {"self_ms": statistics.median(run[1].get(name, 0.0) for run in measured),
                   "cumulative_ms": statistics.median(run[2].get(name, 0.0) for run in measured)} for name in groups}
    ordered = dict(sorted(rows.items(), key=lambda entry: -entry[1]["cumulative_ms"]))
    return {"module": module, "total_ms": statistics.median(run[0] for run in measured), "runs": runs,
            "groups": ordered}


def measure(runs: int = 5) -> dict[str, Any]:
    parameters = {SIGNING_PARAM: SECRET, TOKEN_PARAM: BOT_TOKEN}
    with StandIn(BOT_TOKEN, parameters) as standin, tempfile.TemporaryDirectory(prefix="parley-imports-") as tmp:
        harness = Harness(standin, Path(tmp))
        found = {}
        for target, module in MODULES:
            progress(f"python -X importtime -c 'import {module}': {runs} runs after a compiling one")
            found[target.key] = profile(harness, target, module, runs)
    return found


def table(result: dict[str, Any]) -> list[tuple[str, ...]]:
    """Rows for report.render: the worker's groups by cumulative ms, then Bolt's, side by side."""
    parley, bolt = result[WORKER.key], result[BOLT.key]
    names = list(parley["groups"])[:SHOWN]
    names += [name for name in list(bolt["groups"])[:SHOWN] if name not in names]

    def cells(entry: dict[str, Any], name: str) -> tuple[str, str]:
        found = entry["groups"].get(name)
        return ("-", "-") if found is None else (f"{found['cumulative_ms']:.1f}", f"{found['self_ms']:.1f}")

    rows = [("whole import", f"{parley['total_ms']:.1f}", "", f"{bolt['total_ms']:.1f}", "")]
    rows += [(name, *cells(parley, name), *cells(bolt, name)) for name in names]
    return rows


HEADER = ("-X importtime, ms (median)", "worker: cumulative", "self", "Bolt-lazy: cumulative", "self")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per module (default 5)")
    args = parser.parse_args(argv)
    json.dump(measure(args.runs), sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
