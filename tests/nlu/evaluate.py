"""`make nlu [FILE=path] [MIN=0.95]`: how well the recogniser understands an evaluation set.

    .venv/bin/python -m tests.nlu.evaluate [path ...] [--min 0.95] [--quiet]

A path is a YAML file or a folder of them (tests/nlu/ by default); the format is described at the top of
tests/nlu/demo.yml. Prints the accuracy (intent alone, and intent with its slot values, over the paraphrases;
out-of-scope lines left to the fallback), the confusions, and every line that fell through with what the
recogniser made of it. With --min, exits 1 when the paraphrases (with slots) or the out-of-scope lines score below
it. The intents are those of intents/ (the fault-injection ones too, when PARLEY_FAULT_INTENTS=1).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.conversation.recogniser import Recogniser, Recognition

HERE = Path(__file__).resolve().parent
OUT_OF_SCOPE = "none"
UNKNOWN = "(fallback)"
AMBIGUOUS = "(ambiguous)"


@dataclass(frozen=True)
class Item:
    intent: str  # or OUT_OF_SCOPE
    text: str
    slots: dict[str, Any] | None  # None: not checked
    source: str


@dataclass
class Outcome:
    item: Item
    recognition: Recognition
    intent_ok: bool
    slots_ok: bool

    @property
    def got(self) -> str:
        best = self.recognition.best
        if self.recognition.verdict == "unknown" or best is None:
            return UNKNOWN
        if self.recognition.verdict == "ambiguous":
            return AMBIGUOUS
        return best.intent.name


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def _share(self, outcomes: list[Outcome], ok: str) -> float:
        return sum(getattr(each, ok) for each in outcomes) / len(outcomes) if outcomes else 1.0

    @property
    def in_scope(self) -> list[Outcome]:
        return [each for each in self.outcomes if each.item.intent != OUT_OF_SCOPE]

    @property
    def out_of_scope(self) -> list[Outcome]:
        return [each for each in self.outcomes if each.item.intent == OUT_OF_SCOPE]

    @property
    def intent_accuracy(self) -> float:
        return self._share(self.in_scope, "intent_ok")

    @property
    def slot_accuracy(self) -> float:
        """Paraphrases recognised with the right slot values: the acceptance figure."""
        return self._share(self.in_scope, "slots_ok")

    @property
    def out_of_scope_accuracy(self) -> float:
        return self._share(self.out_of_scope, "intent_ok")


def load(paths: Iterable[Path]) -> list[Item]:
    items: list[Item] = []
    for path in paths:
        files = sorted(path.glob("*.yml")) + sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        for file in files:
            data = yaml.safe_load(file.read_text()) or {}
            if not isinstance(data, dict):
                raise ValueError(f"{file}: expected a mapping of intent name -> list of lines")
            for intent, lines in data.items():
                for line in lines or []:
                    items.append(_item(str(intent), line, file.name))
    return items


def _item(intent: str, line: Any, source: str) -> Item:
    if isinstance(line, str):
        return Item(intent, line, None, source)
    if isinstance(line, dict) and isinstance(line.get("text"), str):
        slots = line.get("slots")
        if slots is not None and not isinstance(slots, dict):
            raise ValueError(f"{source}: slots of {line['text']!r} must be a mapping")
        return Item(intent, line["text"], dict(slots) if slots is not None else None, source)
    raise ValueError(f"{source}: {intent}: an item is a text or {{text: ..., slots: {{...}}}}, not {line!r}")


def same_value(expected: Any, got: Any) -> bool:
    """Slot values compared as the format says: numbers exactly, words without case or punctuation."""
    if expected is None:
        return got is None
    if isinstance(expected, bool) or got is None:
        return False
    if isinstance(expected, int | float):
        return got == expected
    return _plain(str(expected)) == _plain(str(got))


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]|_", " ", text.casefold()).split())


def judge(recogniser: Recogniser, item: Item) -> Outcome:
    recognition = recogniser.recognise(item.text)
    best = recognition.best
    if item.intent == OUT_OF_SCOPE:
        ok = recognition.verdict == "unknown"
        return Outcome(item, recognition, ok, ok)
    intent_ok = recognition.verdict == "confident" and best is not None and best.intent.name == item.intent
    slots_ok = intent_ok and best is not None and all(
        same_value(expected, best.values.get(name)) for name, expected in (item.slots or {}).items())
    return Outcome(item, recognition, intent_ok, slots_ok)


def evaluate(items: Sequence[Item], recogniser: Recogniser) -> Report:
    return Report([judge(recogniser, item) for item in items])


def describe(outcome: Outcome) -> str:
    item, recognition = outcome.item, outcome.recognition
    offered = "; ".join(f"{each.intent.name} {each.score:.2f} {each.reason}"
                        + (f" values={each.values}" if each.values else "")
                        + (f" problems={each.problems}" if each.problems else "")
                        for each in recognition.candidates) or "no candidate"
    wanted = item.intent + (f" {item.slots}" if item.slots else "")
    return f"  {item.text!r}: wanted {wanted}; got {recognition.verdict}: {offered}"


def render(report: Report, *, quiet: bool = False) -> str:
    lines = []
    in_scope, out_of_scope = report.in_scope, report.out_of_scope
    lines.append(f"paraphrases: {len(in_scope)}; out-of-scope lines: {len(out_of_scope)}")
    lines.append(f"  intent recognised:            {report.intent_accuracy:7.1%}")
    lines.append(f"  intent and slot values right: {report.slot_accuracy:7.1%}")
    lines.append(f"  out of scope left unknown:    {report.out_of_scope_accuracy:7.1%}")
    per_intent: dict[str, list[Outcome]] = {}
    for outcome in report.outcomes:
        per_intent.setdefault(outcome.item.intent, []).append(outcome)
    lines.append("per intent (intent, with slots, of):")
    for name, outcomes in sorted(per_intent.items()):
        intent_ok = sum(each.intent_ok for each in outcomes)
        slots_ok = sum(each.slots_ok for each in outcomes)
        lines.append(f"  {name:<14} {intent_ok:>4} {slots_ok:>4} {len(outcomes):>4}")
    confusions = Counter((each.item.intent, each.got) for each in report.outcomes if not each.intent_ok)
    if confusions:
        lines.append("confusions (wanted -> got: how many):")
        lines.extend(f"  {wanted} -> {got}: {count}" for (wanted, got), count in confusions.most_common())
    wrong_slots = [each for each in report.outcomes if each.intent_ok and not each.slots_ok]
    fell = [each for each in report.outcomes if not each.intent_ok]
    if not quiet:
        if fell:
            lines.append("fell through:")
            lines.extend(describe(each) for each in fell)
        if wrong_slots:
            lines.append("right intent, wrong slot values:")
            lines.extend(describe(each) for each in wrong_slots)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make nlu", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[HERE], help="YAML files or folders (tests/nlu/)")
    parser.add_argument("--min", type=float, default=None, help="exit 1 below this share (0..1)")
    parser.add_argument("--quiet", action="store_true", help="only the figures and the confusions")
    args = parser.parse_args(argv)

    import intents  # noqa: F401 - declares the intents the set is about
    from bot.conversation.registry import registry

    try:
        items = load(args.paths)
    except (OSError, ValueError, yaml.YAMLError) as error:
        print(f"cannot read the set: {error}", file=sys.stderr)
        return 2
    unknown = sorted({item.intent for item in items} - {intent.name for intent in registry} - {OUT_OF_SCOPE})
    if unknown:
        print(f"the set names intents that are not declared: {', '.join(unknown)}", file=sys.stderr)
        return 2
    report = evaluate(items, registry.recogniser())
    print(render(report, quiet=args.quiet))
    if args.min is not None and min(report.slot_accuracy, report.out_of_scope_accuracy) < args.min:
        print(f"below {args.min:.0%}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
