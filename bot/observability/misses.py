"""`make misses`: what people said that nothing understood, grouped and counted, so authors know what to teach.

Writing: when the engine answers with the fallback (nothing recognised) or asks "Did you mean ...?" (two intents
too close), it calls `log_miss`, which writes one "not understood" line: the verdict, the channel, the closest
intents and what the person said. What people say can be anything (a phone number, a token pasted by mistake), so
the text is logged only where the stage turns it on (`PARLEY_LOG_MISSES`: on by default on local stages, off on
every other unless its `logMisses` param says `true`), redacted by `bot.observability.redact`, cut to
`MAX_TEXT` characters, and kept for the stage's log retention. Off, no line is written at all.

Reading: the "not understood" lines of the local logs or of a stage's log groups (a Logs Insights query), grouped
by their normalised text (lower case, single spaces, no closing punctuation), most frequent first.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.defaults import DEFAULT_STAGE, is_local_stage
from bot.observability.records import Record, local_records, stage_records
from bot.observability.redact import redact
from bot.observability.stages import UnknownStage, check_stage
from bot.text import normalize, truncate

SETTING = "PARLEY_LOG_MISSES"
MESSAGE = "not understood"
MAX_TEXT = 200
LOG_DIR = Path(__file__).resolve().parents[2] / ".parley" / "logs"
SINCE_SECONDS = 14 * 24 * 3600
QUERY = f'fields @timestamp, @message | filter message = "{MESSAGE}" | sort @timestamp desc | limit 10000'
_ON, _OFF = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def misses_logged(stage: str, value: str | None) -> bool:
    """Whether the stage logs what people said that nothing understood: the setting, else on for local stages."""
    setting = (value or "").strip().lower()
    if setting in _ON:
        return True
    if setting in _OFF:
        return False
    return is_local_stage(stage)


def log_miss(logger: Any, text: str, verdict: str, via: str, closest: Sequence[str]) -> None:
    """One "not understood" line, when the stage turns it on; nothing at all when it does not."""
    if not misses_logged(os.environ.get("PARLEY_STAGE", DEFAULT_STAGE), os.environ.get(SETTING)):
        return
    logger.info(MESSAGE, extra={"verdict": verdict, "via": via, "closest": list(closest),
                                "text": truncate(redact(text), MAX_TEXT)})


@dataclass
class Miss:
    """One thing people said (normalised), how often, and how it went."""

    text: str
    count: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    channels: Counter[str] = field(default_factory=Counter)
    closest: Counter[str] = field(default_factory=Counter)


def group_misses(records: Sequence[Record]) -> list[Miss]:
    """The "not understood" lines with a text, grouped by normalised text, most frequent first."""
    groups: dict[str, Miss] = {}
    for record in records:
        text = record.fields.get("text")
        if record.message != MESSAGE or not isinstance(text, str) or not text.strip():
            continue
        key = normalize(text).lower()
        miss = groups.setdefault(key, Miss(key))
        miss.count += 1
        miss.verdicts[str(record.fields.get("verdict", "?"))] += 1
        miss.channels[str(record.fields.get("via", "?"))] += 1
        miss.closest.update(str(each) for each in record.fields.get("closest") or [])
    return sorted(groups.values(), key=lambda miss: (-miss.count, miss.text))


def render(misses: Sequence[Miss], where: str) -> str:
    if not misses:
        return (f"Nothing misunderstood in {where} (or the stage does not log it: {SETTING}, the `logMisses` "
                "param, is off by default outside local stages).")
    lines = [f"What people said that nothing understood ({where}), most frequent first:",
             f"  {'count':>5}  {'said (redacted)':<40}  how / channel / closest intents"]
    for miss in misses:
        how = ", ".join(f"{verdict} {count}" for verdict, count in miss.verdicts.most_common())
        channels = ", ".join(miss.channels)
        closest = ", ".join(name for name, _ in miss.closest.most_common(3)) or "-"
        lines.append(f"  {miss.count:>5}  {miss.text:<40}  {how} / {channels} / {closest}")
    lines.append("Add the ones that should work as examples of an intent (intents/), then `make nlu`.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make misses", description=__doc__.split("\n")[0])
    parser.add_argument("--stage", default="", help="a deployed stage: query its CloudWatch logs")
    parser.add_argument("--log-dir", type=Path, default=LOG_DIR, help="the local logs (default .parley/logs)")
    parser.add_argument("--hours", type=float, default=SINCE_SECONDS / 3600, help="how far back a stage is searched")
    options = parser.parse_args(argv)
    try:
        if options.stage and not is_local_stage(options.stage):
            stage = check_stage(options.stage)
            import boto3  # an operator's command: loaded only when asked for a stage

            records = stage_records(boto3.client("logs"), stage, QUERY, int(options.hours * 3600))
            where = f"stage {stage}, the last {options.hours:g} hours"
        else:
            records, where = local_records(options.log_dir), f"the local logs, {options.log_dir}"
    except UnknownStage as problem:
        print(f"make misses: {problem}", file=sys.stderr)
        return 2
    print(render(group_misses(records), where))
    return 0


if __name__ == "__main__":
    sys.exit(main())
