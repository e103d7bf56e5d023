"""Recognition: how long the recogniser takes in a warm worker, and what it adds to the worker's cold start.

    .venv/bin/python bench/nlu.py [--rounds N] [--cold N]      (JSON on stdout; `make bench` runs it as a section)

- **warm, demo intents**: every line of tests/nlu/*.yml recognised once untimed, then ROUNDS times, each call
  timed alone: median and p99.
- **warm, 100 intents x 10 examples**: a generated registry (fixed seed) of 100 intents with 10 examples each,
  Number, Choice and Text slots among them, and 300 texts: paraphrases of its examples (slot values filled,
  politeness, another verb, a typo) and out-of-scope lines made of its words. Also the first sight of each text
  (the untimed pass, timed): new words go through the stemmer and the typo search there.
- **cold**: fresh processes (bytecode compiled once first, as a Lambda zip ships it) that have imported the intents,
  as the worker has: importing the recogniser, building it for the demo intents, the first recognition (the
  stemmer loads) and the first typo (rapidfuzz loads). Median of N.

A report, not an assertion: the issue's bound (2 ms median for 100 x 10) is printed beside the figure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

from report import summary  # noqa: E402

BOUND_MS = 2.0  # issue 11: warm recognition, median, 100 intents x 10 examples
SEED = 11

VERBS = ("book", "cancel", "archive", "rename", "share", "export", "import", "delete", "restore", "schedule",
         "approve", "reject", "assign", "close", "reopen", "pause", "resume", "publish", "invite", "remove",
         "upload", "download", "sync", "merge", "deploy", "rotate", "refund", "order", "track", "renew")
NOUNS = ("meeting", "invoice", "report", "badge", "laptop", "license", "room", "parcel", "contract", "budget",
         "holiday", "expense", "server", "backup", "password", "project", "sprint", "release", "document",
         "folder", "calendar", "survey", "campaign", "newsletter", "payment", "refund", "shipment", "order",
         "printer", "monitor", "headset", "desk", "parking", "visitor", "guest", "training", "course", "exam",
         "certificate", "vendor", "supplier", "quote", "receipt", "timesheet", "shift", "roster", "vacation",
         "pension", "bonus", "salary", "review", "goal", "objective", "milestone", "roadmap", "feature", "patch",
         "hotfix", "database", "cluster", "queue", "bucket", "domain", "certificate authority", "firewall",
         "router", "switch", "cable", "phone", "tablet", "keyboard", "mouse", "chair", "locker", "key",
         "cafeteria", "menu", "lunch", "coffee", "snack", "taxi", "flight", "hotel", "train", "visa", "passport",
         "insurance", "claim", "policy", "audit", "incident", "alert", "dashboard", "metric", "log", "trace",
         "token", "secret", "account", "team", "channel", "workspace", "webinar", "podcast", "video", "photo",
         "logo", "banner", "slide", "template", "form", "poll", "quiz", "badge reader", "whiteboard", "projector")
ADJECTIVES = ("new", "old", "weekly", "monthly", "shared", "private", "urgent", "draft", "final", "annual",
              "quarterly", "team", "personal", "backup", "main")
FILLERS = ("please", "can you", "could you", "I'd like to", "for me", "now")
SIZES = ("small", "medium", "large")


def generated_intents(count: int = 100, per_intent: int = 10) -> tuple[Any, list[str]]:
    """A registry of `count` intents x `per_intent` examples, and texts to recognise against it."""
    from bot.conversation import Choice, Number, Registry, Reply, Slot, Text

    rng = random.Random(SEED)
    registry = Registry()
    texts: list[str] = []
    nouns = list(NOUNS)
    rng.shuffle(nouns)
    for number in range(count):
        verb, noun, other = rng.choice(VERBS), nouns[number % len(nouns)], nouns[(number + 37) % len(nouns)]
        slots = [Slot("amount", Number(minimum=1, maximum=500), "How many?"),
                 Slot("size", Choice(SIZES), "Which size?"), Slot("note", Text(), "Anything to add?")]
        examples = [
            f"{verb} the {noun}", f"{verb} a {noun}", f"{verb} my {noun}", f"{verb} the {noun} {{amount}} times",
            f"{verb} a {{size}} {noun}", f"{verb} the {noun} about {{note}}", f"{noun} {verb} {number}",
            f"I want to {verb} the {other} {noun}", f"{verb} {noun} for the {other}", f"{noun} {number} please",
        ][:per_intent]
        registry.intent(f"intent_{number}", description="Generated.", examples=examples, slots=slots)(
            lambda turn: Reply(""))
        texts += [f"{rng.choice(FILLERS)} {verb} the {noun} {rng.randint(2, 400)} times",
                  f"{verb} a {rng.choice(SIZES)} {noun} {rng.choice(FILLERS)}",
                  f"{verb} the {noun} about the {rng.choice(NOUNS)} being late",
                  f"{rng.choice(VERBS)} the {noun}"[:-1] + "x"]  # a typo at the end of the noun
    words = [*VERBS, *NOUNS, *ADJECTIVES]
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(3, 8))) for _ in range(count // 2)]
    return registry, texts[: 3 * count]


def timed(recogniser: Any, texts: list[str], rounds: int) -> tuple[list[float], list[float]]:
    """(first sight of each text, then `rounds` more of each) in ms, each call timed alone."""
    first = []
    for text in texts:
        started = time.perf_counter_ns()
        recogniser.recognise(text)
        first.append((time.perf_counter_ns() - started) / 1e6)
    warm = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter_ns()
            recogniser.recognise(text)
            warm.append((time.perf_counter_ns() - started) / 1e6)
    return first, warm


def demo_texts() -> list[str]:
    import yaml

    texts = []
    for path in sorted((ROOT / "tests" / "nlu").glob("*.yml")):
        for lines in (yaml.safe_load(path.read_text()) or {}).values():
            texts += [line if isinstance(line, str) else line["text"] for line in lines]
    return texts


COLD_CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
import intents
from bot.conversation.registry import registry
marks = [time.perf_counter()]
import bot.conversation.recogniser
marks.append(time.perf_counter())
recogniser = registry.recogniser()
marks.append(time.perf_counter())
recogniser.recognise("roll a d20 please")
marks.append(time.perf_counter())
recogniser.recognise("shwo my tickest")
marks.append(time.perf_counter())
steps = ("import", "build", "first_recognition", "first_typo")
print(json.dumps({{step: (marks[n + 1] - marks[n]) * 1000 for n, step in enumerate(steps)}}))
"""


def cold(runs: int) -> dict[str, Any]:
    """Fresh processes, each with the intents imported as the worker has them; bytecode compiled by a first run."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    samples: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as cache:
        env["PYTHONPYCACHEPREFIX"] = cache
        for number in range(runs + 1):
            done = subprocess.run([sys.executable, "-c", COLD_CHILD.format(root=str(ROOT))], cwd=ROOT, env=env,
                                  capture_output=True, text=True, check=True)
            if number == 0:
                continue  # compiles the bytecode
            for step, ms in json.loads(done.stdout).items():
                samples.setdefault(step, []).append(ms)
    totals = [sum(values) for values in zip(*samples.values(), strict=True)]
    return {**{step: summary(values) for step, values in samples.items()}, "total": summary(totals)}


def measure(rounds: int = 5, cold_runs: int = 9) -> dict[str, Any]:
    import intents  # noqa: F401 - declares the demo intents
    from bot.conversation.recogniser import Recogniser
    from bot.conversation.registry import registry

    demo = demo_texts()
    _, demo_warm = timed(Recogniser(registry), demo, rounds)
    generated, texts = generated_intents()
    started = time.perf_counter()
    big = Recogniser(generated)
    build_ms = (time.perf_counter() - started) * 1000
    first, warm = timed(big, texts, rounds)
    return {
        "demo": {"intents": len(registry), "texts": len(demo), "rounds": rounds, "warm_ms": summary(demo_warm)},
        "generated": {"intents": len(generated), "examples": sum(len(each.examples) for each in generated),
                      "texts": len(texts), "rounds": rounds, "build_ms": build_ms, "first_sight_ms": summary(first),
                      "warm_ms": summary(warm), "bound_median_ms": BOUND_MS},
        "cold_ms": cold(cold_runs),
    }


def rows(result: dict[str, Any], row: Any) -> list[tuple[str, ...]]:
    """The bench table's rows (Parley's column only): `row` is bench/ack.py's."""
    demo, big, cold_ms = result["demo"], result["generated"], result["cold_ms"]
    return [
        row(f"recognition warm, demo ({demo['intents']} intents): median", [demo["warm_ms"]["median"], None, None,
                                                                            None], 3),
        row("recognition warm, demo: p99", [demo["warm_ms"]["p99"], None, None, None], 3),
        row("recognition warm, 100 intents x 10 examples: median", [big["warm_ms"]["median"], None, None, None], 3),
        row("recognition warm, 100 x 10: p99", [big["warm_ms"]["p99"], None, None, None], 3),
        row("recognition, a text first seen, 100 x 10: median", [big["first_sight_ms"]["median"], None, None, None],
            3),
        row("worker cold start + recogniser (import, build, 1st)", [cold_ms["total"]["median"], None, None, None], 1),
    ]


def describe(result: dict[str, Any]) -> str:
    big, cold_ms = result["generated"], result["cold_ms"]
    holds = "holds" if big["warm_ms"]["median"] <= BOUND_MS else "DOES NOT HOLD"
    return (f"Recognition (issue 11): 100 x 10 warm median {big['warm_ms']['median']:.3f} ms (bound {BOUND_MS:g} ms: "
            f"{holds}), p99 {big['warm_ms']['p99']:.3f} ms over {big['texts']} texts x {big['rounds']}; building "
            f"it took {big['build_ms']:.0f} ms. Cold, medians of {cold_ms['total']['count']} fresh processes that "
            f"had imported intents/: import {cold_ms['import']['median']:.1f} ms, build "
            f"{cold_ms['build']['median']:.1f} ms, first recognition {cold_ms['first_recognition']['median']:.1f} ms "
            f"(the stemmer loads), first typo {cold_ms['first_typo']['median']:.1f} ms (rapidfuzz loads)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds over every text (default 5)")
    parser.add_argument("--cold", type=int, default=9, help="fresh processes for the cold figures (default 9)")
    args = parser.parse_args(argv)
    result = measure(args.rounds, args.cold)
    print(json.dumps(result, indent=2))
    print(describe(result), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
