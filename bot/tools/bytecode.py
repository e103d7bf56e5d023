"""Removes the packaged bytecode of bot/ and intents/ (and the packaged recogniser) from the working tree.

`serverless package` compiles Parley's code to "unchecked-hash" .pyc files beside the sources
(.serverless_plugins/compile-bytecode.js), so Lambda imports without compiling. Python never checks such a file
against its source: left behind by a package run that was interrupted, they make every later local run (tests,
`make run`) execute the code as it was packaged, whatever was edited since. The plugin removes them once the zip is
made; `make setup` removes them too, in case a run never got that far. Ordinary (timestamp) .pyc files are kept.
"""

from __future__ import annotations

import sys
from pathlib import Path

FOLDERS = ("bot", "intents")
UNCHECKED_HASH = 0b01  # the flags word of a .pyc header (PEP 552): hash-based, not checked against the source


def packaged_bytecode(root: Path) -> list[Path]:
    """The unchecked-hash .pyc files under root's bot/ and intents/."""
    found = []
    for folder in FOLDERS:
        for pyc in (root / folder).rglob("__pycache__/*.pyc"):
            with pyc.open("rb") as handle:
                header = handle.read(8)
            if len(header) == 8 and int.from_bytes(header[4:8], "little") == UNCHECKED_HASH:
                found.append(pyc)
    return found


def packaged_recognisers(root: Path) -> list[Path]:
    """The recogniser the same packaging pickled (bot/conversation/recogniser_cache.py): kept out of the tree too."""
    return list((root / "bot" / "conversation" / "__pycache__").glob("recogniser.*.pickle"))


def main(argv: list[str] | None = None) -> int:
    root = Path(argv[0] if argv else ".")
    for pickled in packaged_recognisers(root):
        pickled.unlink(missing_ok=True)
    stale = packaged_bytecode(root)
    for pyc in stale:
        pyc.unlink(missing_ok=True)
    if stale:
        print(f"removed {len(stale)} packaged .pyc files left by an interrupted `serverless package`")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
