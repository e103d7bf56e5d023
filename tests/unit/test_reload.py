"""make run serves an edited intent on the next message: the intents are declared again when their files change."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from bot.conversation import Registry
from bot.local.reload import IntentReloader
from bot.testing import turn

INIT = "from demo_pack import greet\n"
GREET = '''
from bot.conversation import Reply
from demo_pack_registry import registry


@registry.intent("greet", description="Greet.", examples=["greet me"])
def greet() -> Reply:
    return Reply("{answer}")
'''


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    (tmp_path / "demo_pack_registry.py").write_text("from bot.conversation import Registry\nregistry = Registry()\n")
    package = tmp_path / "demo_pack"
    package.mkdir()
    (package / "__init__.py").write_text(INIT)
    (package / "greet.py").write_text(GREET.format(answer="hello"))
    sys.path.insert(0, str(tmp_path))
    yield package
    sys.path.remove(str(tmp_path))
    for name in [name for name in sys.modules if name.startswith("demo_pack")]:
        del sys.modules[name]


def touch_later(path: Path, text: str) -> None:
    path.write_text(text)
    later = time.time() + 2  # a new mtime even on coarse clocks
    os.utime(path, (later, later))


def answer(declared: Registry, said: str) -> str:
    from bot.conversation.engine import Engine

    return Engine(declared).answer(turn(said)).text


def test_an_edited_intent_answers_anew_and_a_new_one_is_declared(pack: Path) -> None:
    import demo_pack  # noqa: F401 - declares the intents
    from demo_pack_registry import registry as declared

    reloader = IntentReloader("demo_pack", declared)
    assert answer(declared, "greet me") == "hello"
    assert not reloader.reload_if_changed()
    touch_later(pack / "greet.py", GREET.format(answer="hello again"))
    assert reloader.reload_if_changed()
    assert answer(declared, "greet me") == "hello again"
    (pack / "wave.py").write_text(GREET.replace('"greet"', '"wave"').replace("greet me", "wave at me")
                                  .replace("def greet", "def wave").format(answer="*waves*"))
    touch_later(pack / "__init__.py", INIT + "from demo_pack import wave\n")
    assert reloader.reload_if_changed()
    assert answer(declared, "wave at me") == "*waves*"
    assert [intent.name for intent in declared] == ["greet", "wave"]
