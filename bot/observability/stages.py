"""Which stages exist, so an operator's command refuses a typo instead of querying an empty account.

The stages are the `params:` of serverless.yml (but `default`), read as text: the file holds CloudFormation tags
(`!GetAtt`, `!Sub`) a plain YAML loader refuses. `local` and `local-<name>` (the tests' stages) are always known.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.defaults import is_local_stage

SERVERLESS_YML = Path(__file__).resolve().parents[2] / "serverless.yml"
_TOP_LEVEL = re.compile(r"^[A-Za-z]")
_STAGE = re.compile(r"^  ([A-Za-z0-9][A-Za-z0-9_-]*):")


class UnknownStage(ValueError):
    """A stage serverless.yml does not declare."""


def known_stages(serverless_yml: Path = SERVERLESS_YML) -> list[str]:
    """The stages serverless.yml declares params for (`default` is not a stage)."""
    stages: list[str] = []
    inside = False
    for line in serverless_yml.read_text().splitlines():
        if _TOP_LEVEL.match(line):
            inside = line.startswith("params:")
            continue
        found = _STAGE.match(line) if inside else None
        if found and found.group(1) != "default":
            stages.append(found.group(1))
    return stages


def check_stage(stage: str, serverless_yml: Path = SERVERLESS_YML) -> str:
    """`stage` when it is known; UnknownStage naming the known ones otherwise."""
    known = known_stages(serverless_yml)
    if is_local_stage(stage) or stage in known:
        return stage
    raise UnknownStage(f"unknown stage {stage!r}: serverless.yml declares {', '.join(known)} "
                       "(and local-<name> for tests)")
