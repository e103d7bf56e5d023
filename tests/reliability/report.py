"""Print the reliability suite's counts (`.parley/reliability/results.json`) as RELIABILITY.md's table.

    PARLEY_SOAK=1 .venv/bin/pytest tests/reliability && .venv/bin/python -m tests.reliability.report
"""

from __future__ import annotations

import json
import sys

from tests.reliability.conftest import RESULTS

COLUMNS = ("scenario", "injected", "sent", "accepted", "answered", "duplicates", "dead_lettered", "lost", "seconds")


def table(results: dict[str, dict]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for counts in results.values():
        lines.append("| " + " | ".join(str(counts.get(column, "")) for column in COLUMNS) + " |")
    return "\n".join(lines)


def main() -> int:
    if not RESULTS.exists():
        print(f"no results yet: run the reliability suite first ({RESULTS} is missing)", file=sys.stderr)
        return 1
    results = json.loads(RESULTS.read_text())
    modes = {counts.get("mode") for counts in results.values()}
    print(f"<!-- mode: {', '.join(sorted(str(mode) for mode in modes))} -->")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
