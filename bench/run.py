"""`make bench`: Parley against Bolt's documented lazy-listener app and two floors, in one run, as one table.

    .venv/bin/python bench/run.py [--cold N] [--warm N] [--second-stage N] [--e2e N] [--skip-e2e] [--skip-size]

1. The ack, cold and warm, and what runs after it (bench/ack.py; all remote calls to one local stand-in).
2. End to end on the local stack: POST -> reply recorded at the Slack stand-in (bench/e2e.py).
3. Deployment size from `serverless package --stage prod` (bench/size.py).
4. Cost per million Slack messages on AWS list prices (bench/cost.py).
5. Recognition: the recogniser warm (demo intents; 100 intents x 10 examples) and its part of the worker's cold
   start (bench/nlu.py).
6. Issue 16: time to first reply after idle, both stages cold (bench/first_reply.py); the second stage's import by
   package (bench/imports.py); remote calls per message kind on warm handlers (bench/kinds.py); the cost per
   message kind, per month at 1, 10 and 100 M messages, and idle (bench/cost.py).
The table is printed, and everything (every sample, the machine, the load average) goes to bench/results.json.
Nothing leaves 127.0.0.1 but the package installs `serverless package` makes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

import ack  # noqa: E402
import cost  # noqa: E402
import e2e  # noqa: E402
import first_reply  # noqa: E402
import imports  # noqa: E402
import kinds  # noqa: E402
import nlu  # noqa: E402
import size  # noqa: E402
from report import load_average, machine, progress, render  # noqa: E402

BOUNDS = (  # issue 7's acceptance: (what, Parley's figure, the other's, the bound on their ratio)
    ("cold ack, Parley / Bolt-lazy", ("cold_ms", "parley", "total", "median"), ("cold_ms", "bolt", "total", "median"),
     0.5),
    ("warm median, Parley / boto3 floor", ("warm_ms", "parley", "median"), ("warm_ms", "boto3_floor", "median"), 2.0),
    ("warm median, Parley / Bolt-lazy", ("warm_ms", "parley", "median"), ("warm_ms", "bolt", "median"), 0.25),
)


LAMBDA_MEMORIES_MB = (256, 512, 1024)
COLD_KEYS = ("parley", "parley_no_pyc", "bolt", "boto3_floor", "bare_floor")


def lambda_estimate(ack_result: dict[str, Any]) -> dict[str, dict[str, float]]:
    """The cold medians at Lambda's CPU share for a memory size: an estimate that takes every measured ms for CPU
    (imports are) and a Lambda vCPU for this machine's core; network waits and the runtime's own start excluded."""
    cold = ack_result["cold_ms"]
    return {str(mb): {key: round(cold[key]["total"]["median"] * max(1.0, cost.LAMBDA_MB_PER_VCPU / mb), 1)
                      for key in COLD_KEYS} for mb in LAMBDA_MEMORIES_MB}


def git_state() -> dict[str, Any]:
    """The commit measured, and whether the working tree differed from it (other work in progress)."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=BENCH.parent, capture_output=True, text=True, check=False)  # noqa: S607
        return done.stdout

    # porcelain lines are "XY path": the status columns may be blank, so the line is not stripped
    changed = [line[3:] for line in git("status", "--porcelain").splitlines() if len(line) > 3]
    return {"commit": git("rev-parse", "HEAD").strip() or None, "changed_files": changed}


def dig(data: dict[str, Any], path: tuple[str, ...]) -> float:
    value: Any = data
    for key in path:
        value = value[key]
    return float(value)


@contextmanager
def packaged_recogniser() -> Iterator[None]:
    """The recogniser pickled beside the bytecode, as packaging puts it in the worker's and the Lex hook's zips
    (bot/conversation/recogniser_cache.py), for the phases that time their cold starts; removed afterwards, as the
    packaging plugin removes it, so that the recognition phase (which times the build) and the tests build it."""
    command = [sys.executable, "-B", "-m", "bot.tools.recogniser"]
    subprocess.run([*command, "write"], cwd=BENCH.parent, check=True, capture_output=True, timeout=120)
    try:
        yield
    finally:
        subprocess.run([*command, "remove"], cwd=BENCH.parent, check=False, capture_output=True, timeout=60)


def attempt(name: str, measure: Callable[[], dict[str, Any]], failures: dict[str, str]) -> dict[str, Any] | None:
    """Run one section; a failure is reported (and makes the exit status 1) without losing the others."""
    try:
        return measure()
    except Exception as error:  # noqa: BLE001 - every other section still gets measured and printed
        traceback.print_exc()
        failures[name] = f"{type(error).__name__}: {str(error)[:500]}"
        return None


ISSUE_16 = (  # (what, the bound on Parley / Bolt-lazy)
    ("worker cold start / Bolt's lazy run cold (import + first, medians)", 1.0),
    ("time to first reply after idle, Parley / Bolt-lazy (medians)", 1.0),
    ("$ per million one-shot DMs, Parley / Bolt-lazy (list prices)", 2.0),
)


def keep_template(store: dict[str, Any]) -> None:
    """bench/size.py packages into a temporary directory: keep the template it wrote, for the idle cost."""
    package = size.package

    def package_and_keep(out: Path) -> float:
        took = package(out)
        found = out / "cloudformation-template-update-stack.json"
        if found.exists():
            store["template"] = json.loads(found.read_text())
        return took

    size.package = package_and_keep


def issue16_acceptance(first: dict[str, Any] | None, cost16: dict[str, Any] | None) -> list[dict[str, Any]]:
    values = [None, None, None]
    if first:
        found = first_reply.ratios(first)
        values[0], values[1] = found["second_stage_cold"], found["first_reply"]
    if cost16:
        values[2] = cost16["one_shot_ratio"]
    return [{"check": what, "ratio": None if value is None else round(value, 3), "bound": bound,
             "holds": None if value is None else value <= bound}
            for (what, bound), value in zip(ISSUE_16, values, strict=True)]


def issue16_rows(first: dict[str, Any] | None, cost16: dict[str, Any] | None) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    if first:
        ms = first["ms"]
        n = first["parameters"]["rounds"]
        rows.append(ack.row(f"first reply after idle, both cold (median of {n})",
                            [ms["parley"]["first_reply"]["median"], ms["bolt"]["first_reply"]["median"], None, None],
                            0))
        spans = (f"{ms[k]['first_reply']['min']:.0f}-{ms[k]['first_reply']['max']:.0f}" for k in ("parley", "bolt"))
        rows.append(("first reply after idle (min-max)", *spans, "-", "-", "", "", ""))
        rows.append(ack.row(f"2nd stage cold: worker | lazy run (median of {n})",
                            [ms["parley"]["second_total"]["median"], ms["bolt"]["second_total"]["median"], None, None],
                            0))
        rows.append(ack.row("  of which import | import", [ms["parley"]["second_import"]["median"],
                                                          ms["bolt"]["second_import"]["median"], None, None], 0))
        rows.append(ack.row("  of which first job | first event", [ms["parley"]["second_first_event"]["median"],
                                                                   ms["bolt"]["second_first_event"]["median"], None,
                                                                   None], 0))
    else:
        rows.append(dashes("first reply after idle: not run"))
    if cost16:
        per = cost16["per_million"]
        rows.append(ack.row("$ per 1M one-shot DMs (batch 1, issue 16)", [per["parley"]["one_shot_dm"]["total"],
                                                                          per["bolt_one_shot"]["total"], None, None],
                            3))
        for kind in ("dialog_turn", "slash_command", "lex_turn"):
            rows.append(ack.row(f"$ per 1M: {kinds.LABELS[kind]}", [per["parley"][kind]["total"], None, None, None],
                                3))
        for month in cost16["per_month"]:
            millions = month["parley"]["messages"] / 1e6
            rows.append(ack.row(f"$ a month at {millions:g} M one-shot DMs", [month["parley"]["total"],
                                                                           month["bolt"]["total"], None, None], 2))
        if cost16["idle_month"]:
            rows.append(ack.row("$ a month idle (a stage, no messages)", [cost16["idle_month"]["total"],
                                                                         cost16["bolt_idle_month"], None, None], 2))
    return rows


def print_issue16(result: dict[str, Any]) -> None:
    found, imported, cost16 = result.get("kinds"), result.get("imports"), result.get("cost16")
    if imported:
        print(render(imports.HEADER, imports.table(imported)))
        print()
    if found:
        print("\n".join(kinds.describe(found)))
        print()
    if cost16:
        print_cost16(cost16)
    print("Acceptance (issue 16):")
    for check in result["acceptance_issue16"]:
        shown = "not measured" if check["ratio"] is None else (
            f"{check['ratio']:.2f} (bound {check['bound']:g}): {'holds' if check['holds'] else 'DOES NOT HOLD'}")
        print(f"  {check['check']} = {shown}")
    print()


def print_cost16(cost16: dict[str, Any]) -> None:
    per = cost16["per_million"]
    print(f"Cost model (issue 16; prices {cost16['prices_as_of']}; {cost16['architecture']}; memory MB "
          + ", ".join(f"{k} {v:g}" for k, v in cost16["memory_mb"].items()) + "):")
    for kind, entry in per["parley"].items():
        items = ", ".join(f"{k} {v:.3f}" for k, v in entry.items() if k != "total")
        print(f"  $ per 1M {kinds.LABELS[kind]}: {entry['total']:.3f} = {items}")
    bolt = per["bolt_one_shot"]
    print(f"  $ per 1M Bolt-lazy one-shot messages: {bolt['total']:.3f} = "
          + ", ".join(f"{k} {v:.3f}" for k, v in bolt.items() if k != "total"))
    for month in cost16["per_month"]:
        p, b = month["parley"], month["bolt"]
        print(f"  {p['messages'] / 1e6:g} M a month ({p['rate_per_second']:.2f}/s, expected batch {p['batch']:.3f}): "
              f"Parley ${p['total']:.2f} = " + ", ".join(f"{k} {v:.2f}" for k, v in p["usd"].items())
              + f"; DynamoDB on-demand ${p['dynamodb_on_demand']:.2f} vs provisioned ${p['dynamodb_provisioned']:.2f}"
              f" ({p['dynamodb_cheaper']} cheaper); Bolt-lazy ${b['total']:.2f}")
    idle, counts = cost16["idle_month"], cost16["template_counts"]
    if idle:
        print(f"  idle a month: ${idle['total']:.2f} = " + ", ".join(
            f"{k} {v:.2f}" for k, v in idle.items() if k not in ("total", "empty_receives"))
            + f" ({idle['empty_receives']:,.0f} empty receives; template: {counts['alarms']} alarms on "
            f"{counts['alarm_metrics']} metrics, {counts['dashboards']} dashboard(s), {counts['tables']} tables "
            f"on-demand ({counts['tables_with_pitr']} with PITR: $0.20/GB-month of their size), "
            f"{counts['sqs_event_sources']} SQS event source(s), logs kept {counts['log_retention_days']} days: "
            f"$0.03 per GB-month stored). Bolt-lazy idle: $0")
    else:
        print("  idle: the packaged template was not at hand (--skip-size): not computed")
    for line in cost16["model"]:
        print(f"  model: {line}")
    print("  Bolt's front door: bolt-python's examples/aws_lambda/README.md has the lazy listener example put an API "
          "Gateway trigger of type \"HTTP API\" in front of the function: the same HTTP API price as Parley's")
    print()


def dashes(label: str) -> tuple[str, ...]:
    return (label, *("-" for _ in ack.HEADER[1:]))


def extra_rows(e2e_result: dict[str, Any] | None, sizes: dict[str, Any] | None,
               costs: dict[str, Any] | None) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    if e2e_result:
        for label, key, stat in (("end to end: POST -> reply, median", "reply_ms", "median"),
                                 ("end to end: POST -> reply, p95", "reply_ms", "p95"),
                                 ("end to end: POST -> HTTP 200, median", "ack_ms", "median")):
            rows.append(ack.row(label, [e2e_result[key][stat], None, None, None], 1))
    else:
        rows.append(dashes("end to end: not run"))
    if sizes:
        s = sizes["sizes"]
        kb = [s[key]["bytes"] / 1024 for key in ("parley_zip", "bolt", "boto3_floor", "bare_floor")]
        # ratios to the floors' one-file zips say nothing: only Parley/Bolt is shown
        rows.append(ack.row("zip KB (serverless package)", kb, 1, ratios=1))
        rows.append(ack.row("zip KB, what the ack function imports", [s["parley_ingress_code"]["bytes"] / 1024,
                                                                       *kb[1:]], 1, ratios=1))
        for name, func in sorted(sizes.get("functions", {}).items()):  # each function's own zip (issue 16)
            rows.append(ack.row(f"zip KB, the {name} function", [func["zip"]["bytes"] / 1024, None, None, None], 1))
    else:
        rows.append(dashes("zip KB: not run"))
    if costs:
        for variant, label in (("measured", "$ per 1M messages (measured durations)"),
                               ("scaled_to_lambda_cpu_share", "$ per 1M messages (durations x CPU share)")):
            per = costs["per_million_messages"][variant]
            rows.append(ack.row(label, [per["parley"]["total"], per["bolt"]["total"], None, None], 3))
    return rows


def acceptance(ack_result: dict[str, Any]) -> list[dict[str, Any]]:
    checks = []
    for what, parley_path, other_path, bound in BOUNDS:
        value = dig(ack_result, parley_path) / dig(ack_result, other_path)
        checks.append({"check": what, "ratio": round(value, 3), "bound": bound, "holds": value <= bound})
    return checks


def print_notes(result: dict[str, Any]) -> None:
    ack_result, e2e_result, sizes, costs = result["ack"], result.get("e2e"), result.get("size"), result.get("cost")
    cold, warm = ack_result["cold_ms"], ack_result["warm_ms"]
    print("Acceptance (issue 7):")
    for check in result["acceptance"]:
        print(f"  {check['check']} = {check['ratio']:.2f} (bound {check['bound']:g}): "
              f"{'holds' if check['holds'] else 'DOES NOT HOLD'}")
    bare_cold = cold["parley"]["total"]["median"] / cold["bare_floor"]["total"]["median"]
    print(f"  bare floor: Parley / bare = {bare_cold:.2f} cold, "
          f"{warm['parley']['median'] / warm['bare_floor']['median']:.2f} warm median (no bound: printed)")
    reused = warm["parley"]["median"] / warm["bolt_reused"]["median"]
    print(f"  warm median, Parley / Bolt-lazy with one SlackRequestHandler (not the docs' style) = {reused:.2f}")
    no_pyc = cold["parley_no_pyc"]["total"]["median"] / cold["bolt"]["total"]["median"]
    print(f"  a zip without bot/ bytecode (no longer shipped so): cold Parley / Bolt-lazy = {no_pyc:.2f}")
    estimate = result["lambda_estimate_cold_ms"]
    print("On Lambda (estimate: cold ms x 1769 / memory MB, CPU share only): "
          + "; ".join(f"{mb} MB: Parley {e['parley']:.0f}, Bolt-lazy {e['bolt']:.0f}, boto3 floor "
                      f"{e['boto3_floor']:.0f}, bare floor {e['bare_floor']:.0f}" for mb, e in estimate.items()))
    print()
    if e2e_result:
        offline = e2e_result.get("offline_worker_duration_ms") or {}
        print(f"End to end: {e2e_result['events']} sequential events after {e2e_result['warmup']} untimed; the stack "
              f"started in {e2e_result['stack_start_s']} s; serverless offline's worker Duration median "
              f"{offline.get('median', float('nan')):.1f} ms (batch of 1, moto behind it)")
    if sizes:
        s = sizes["sizes"]
        print(f"Size: Parley's {s['parley_zip']['name']} ({s['parley_zip']['files']} files) is shared by "
              f"{', '.join(s['parley_zip']['shared_by'])} (individually: {str(sizes['individually']).lower()}); the "
              f"ingress imports {s['parley_ingress_code']['files']} files of it (third-party packages among them: "
              f"{', '.join(s['parley_ingress_code']['third_party_imported']) or 'none'}). Bolt's = peer + slack_bolt + "
              "slack_sdk as packaged; boto3 comes with the Lambda runtime for the boto3 floor and Bolt")
    if costs:
        per = costs["per_million_messages"]["measured"]
        items = ", ".join(f"{k} {v:.3f}" for k, v in per["parley"].items() if not k.startswith(("total", "dynamo")))
        print(f"Cost ($ per 1M messages, measured): Parley {per['parley']['total']:.3f} = {items}, dynamodb "
              f"{per['parley']['dynamodb']:.3f} ({per['parley']['dynamodb_write_units']:g} WRU + "
              f"{per['parley']['dynamodb_read_units']:g} RRU per job); Bolt-lazy {per['bolt']['total']:.3f} = "
              + ", ".join(f"{k} {v:.3f}" for k, v in per["bolt"].items() if k != "total"))
        memory = costs["memory_mb"]
        print(f"  memory: slack {memory['slack']:g} MB, worker {memory['worker']:g} MB (from "
              f"{costs['memory_source']}), Bolt {memory['bolt']:g} MB (assumed equal to slack); prices "
              f"{costs['prices_as_of']}; each million cold starts adds "
              + ", ".join(f"{k} ${v:.2f}" for k, v in costs["per_million_cold_starts"].items()))
    if result.get("nlu"):
        print(nlu.describe(result["nlu"]))
    if result["failures"]:
        print(f"FAILED sections: {result['failures']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ack.add_arguments(parser)
    parser.add_argument("--e2e", type=int, default=200, help="timed end-to-end events (default 200)")
    parser.add_argument("--e2e-warmup", type=int, default=5, help="untimed end-to-end events first (default 5)")
    parser.add_argument("--skip-e2e", action="store_true", help="leave out the end-to-end run")
    parser.add_argument("--skip-size", action="store_true", help="leave out `serverless package`")
    parser.add_argument("--skip-nlu", action="store_true", help="leave out the recogniser's rows")
    parser.add_argument("--first-reply", type=int, default=10,
                        help="rounds of the time to first reply after idle, Parley then Bolt each (default 10)")
    parser.add_argument("--kinds-messages", type=int, default=20,
                        help="measured messages per kind for the remote calls per message (default 20)")
    parser.add_argument("--skip-first-reply", action="store_true", help="leave out the time to first reply")
    parser.add_argument("--skip-imports", action="store_true", help="leave out the import breakdown by package")
    parser.add_argument("--skip-kinds", action="store_true",
                        help="leave out the remote calls per message kind (and so issue 16's cost model)")
    args = parser.parse_args(argv)
    ack.check_arguments(parser, args)

    started = time.monotonic()
    loads = {"start": load_average()}  # the machine is shared: the load is part of the result
    failures: dict[str, str] = {}
    with packaged_recogniser():  # the cold starts as the zip runs them
        ack_result = ack.measure(args.cold, args.warm, args.second_stage, args.importtime_runs)
        loads["after_ack"] = load_average()
        first = None if args.skip_first_reply else attempt(
            "first_reply", lambda: first_reply.measure(args.first_reply), failures)
    loads["after_first_reply"] = load_average()
    imported = None if args.skip_imports else attempt("imports", lambda: imports.measure(args.importtime_runs),
                                                      failures)
    found = None if args.skip_kinds else attempt("kinds", lambda: kinds.measure(args.kinds_messages), failures)
    e2e_result = None if args.skip_e2e else attempt("e2e", lambda: e2e.measure(args.e2e, args.e2e_warmup), failures)
    loads["after_e2e"] = load_average()
    packaged: dict[str, Any] = {}
    keep_template(packaged)
    sizes = None if args.skip_size else attempt("size", size.measure, failures)
    costs = attempt("cost", lambda: cost.estimate(ack_result, (sizes or {}).get("functions")), failures)
    cost16 = None if found is None else attempt("cost16", lambda: cost.issue16(
        found, ack_result, (sizes or {}).get("functions"), packaged.get("template")), failures)
    recognition = None if args.skip_nlu else attempt("nlu", nlu.measure, failures)
    loads["end"] = load_average()

    rows = ack.ack_rows(ack_result) + issue16_rows(first, cost16) + extra_rows(e2e_result, sizes, costs)
    rows += nlu.rows(recognition, ack.row) if recognition else [dashes("recognition: not run")]
    result: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "make bench" if argv is None and len(sys.argv) == 1 else " ".join(["bench/run.py", *sys.argv[1:]]),
        "machine": machine(),
        "git": git_state(),
        "load_average": loads,
        "ack": ack_result, "e2e": e2e_result, "size": sizes, "cost": costs, "nlu": recognition,
        "acceptance": acceptance(ack_result),
        "first_reply": first, "imports": imported, "kinds": found, "cost16": cost16,
        "acceptance_issue16": issue16_acceptance(first, cost16),
        "lambda_estimate_cold_ms": lambda_estimate(ack_result),
        "table": {"header": list(ack.HEADER), "rows": [list(r) for r in rows]},
        "failures": failures,
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    progress(f"done in {result['elapsed_s']} s")
    print()
    ack.describe(ack_result)
    m = result["machine"]
    shown = ", ".join(f"{phase} {' '.join(f'{x:.2f}' for x in load)}" for phase, load in loads.items() if load)
    print(f"Machine:  {m['cpu_model'] or m['machine']}, {m['cpu_count']} CPUs, {m['platform']}, Python {m['python']}")
    print(f"Load:     1/5/15-minute load averages: {shown}")
    print()
    print(render(ack.HEADER, rows))
    print()
    print_notes(result)
    print()
    print_issue16(result)
    ack.print_details(ack_result)
    ack.write_json(result, args.json)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
