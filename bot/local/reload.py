"""Intents reloaded when their files change, so `make run` shows an edited intent on the next message.

serverless offline keeps each handler's Python process warm; without this, an author edits `intents/roll.py` and
the running bot keeps the old one until `make run` is restarted. The worker and the Lex hook ask, on each
invocation offline (IS_OFFLINE), whether any intent file changed since they last looked; if so the registry is
emptied and the intent modules run again, and the handler builds its engine anew. Never in AWS: the Lambda zip
holds no bot/local, and nothing imports this there.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

from bot.conversation.registry import Registry, registry


class IntentReloader:
    def __init__(self, package: str = "intents", declared: Registry = registry) -> None:
        self.package = package
        self.registry = declared
        self.seen = self._stamp()

    def reload_if_changed(self) -> bool:
        """True when an intent file changed (or appeared, or went) and the intents were declared again."""
        stamp = self._stamp()
        if stamp == self.seen:
            return False
        self.seen = stamp
        self.registry.clear()
        for name in sorted(name for name in sys.modules if name.startswith(self.package + ".")):
            module = sys.modules[name]
            if getattr(module, "__file__", None) and Path(module.__file__).exists():
                importlib.reload(module)
            else:
                del sys.modules[name]  # its file is gone
        importlib.reload(self._root())  # imports what it lists: new modules too
        return True

    def _root(self) -> ModuleType:
        return sys.modules.get(self.package) or importlib.import_module(self.package)

    def _stamp(self) -> tuple[tuple[str, int], ...]:
        folder = Path(self._root().__file__ or "").parent
        return tuple(sorted((path.name, path.stat().st_mtime_ns) for path in folder.glob("*.py")))


_reloader: IntentReloader | None = None


def intents_changed() -> bool:
    """For the handlers, offline: whether the intents were just declared again (build the engine anew)."""
    global _reloader
    if _reloader is None:
        _reloader = IntentReloader()
        return False
    return _reloader.reload_if_changed()
