"""The recogniser as packaging built it: loaded in a few ms instead of built from every example on a cold start.

Why: building the recogniser (every example of every intent read, stemmed and indexed) was ~55 ms of the worker's
and the Lex hook's first turn, on this machine; several times that on a small Lambda. The packaging step that
compiles the bytecode (`.serverless_plugins/compile-bytecode.js`) also runs `bot/tools/recogniser.py`, which builds
the recogniser once and pickles it beside the bytecode (`bot/conversation/__pycache__/recogniser.<fingerprint>.pickle`);
the zip carries it like a .pyc and the plugin removes it from the working tree afterwards.

Never stale: the file's name holds a fingerprint of everything the recogniser is built from (the source of
`intents/` and of `bot/conversation/`, and the Python's major.minor), and what it holds must equal the registry's
intents one for one (`Recogniser.adopt`). A registry whose fingerprint has no file, a file
that does not load, or one that is not a Recogniser is ignored, and the recogniser is built as before (`make run`,
tests, an edited intent). Only files the package itself holds are read: nothing a caller can write.
"""

from __future__ import annotations

import hashlib
import pickle  # reads only the file packaging wrote into the read-only code (see the docstring)
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.conversation.recogniser import Recogniser
    from bot.conversation.registry import Registry

FORMAT = "1"
HERE = Path(__file__).resolve().parent
CACHE_DIR = HERE / "__pycache__"


def fingerprint(intents_dir: Path | None = None) -> str:
    """What the recogniser is built from, hashed: the sources of `intents/` and `bot/conversation/`, the Python."""
    # The Python's major.minor only: packaging's 3.12.x and Lambda's python3.12 differ in patch and build
    digest = hashlib.sha256(f"{FORMAT}:{sys.version_info[0]}.{sys.version_info[1]}".encode())
    for folder in (intents_dir or HERE.parent.parent / "intents", HERE):
        for source in sorted(folder.glob("*.py")):
            digest.update(source.name.encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()[:24]


def cache_file(intents_dir: Path | None = None) -> Path:
    return CACHE_DIR / f"recogniser.{fingerprint(intents_dir)}.pickle"


def load(registry: Registry) -> Recogniser | None:
    """The packaged recogniser for today's sources, when it was built from `registry`'s very intents (equal, one for
    one: a test's registry, or one an intent was added to, is built anew); None otherwise, or when none loads."""
    from bot.conversation.recogniser import Recogniser

    try:
        with cache_file().open("rb") as handle:
            found = pickle.load(handle)  # noqa: S301 - our package's own file, named by its sources' fingerprint
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return found if isinstance(found, Recogniser) and found.adopt(registry) else None


def write(registry: Registry) -> Path:
    """Build `registry`'s recogniser and pickle it under today's fingerprint; the file's path."""
    from bot.conversation.recogniser import Recogniser

    target = cache_file()
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(pickle.dumps(Recogniser(registry), protocol=pickle.HIGHEST_PROTOCOL))
    return target


def remove() -> int:
    """Delete every packaged recogniser (the plugin, once the zip is made); how many there were."""
    found = list(CACHE_DIR.glob("recogniser.*.pickle"))
    for each in found:
        each.unlink(missing_ok=True)
    return len(found)
