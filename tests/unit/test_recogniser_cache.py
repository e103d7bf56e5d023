"""The packaged recogniser: used only when it was built from the very intents the registry holds."""

from __future__ import annotations

from pathlib import Path

import pytest

import intents  # noqa: F401 - declares the intents into the registry
from bot.conversation import Registry, registry
from bot.conversation import recogniser_cache as cache
from bot.conversation.recogniser import Recogniser


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(cache, "CACHE_DIR", tmp_path)
    return tmp_path


def test_the_packaged_recogniser_is_the_registrys_own(cache_dir: Path) -> None:
    written = cache.write(registry)
    assert written.parent == cache_dir and written.name.startswith("recogniser.")
    loaded = cache.load(registry)
    assert isinstance(loaded, Recogniser)
    best = loaded.recognise("roll a d20").best
    assert best is not None and best.intent is registry.get("roll")  # the registry's very object, not a copy
    assert cache.remove() == 1 and cache.load(registry) is None


def test_another_registry_builds_its_own(cache_dir: Path) -> None:
    cache.write(registry)
    other = Registry()

    @other.intent("wave", description="Waves back.", examples=["wave at me"])
    def wave() -> str:
        return "o/"

    assert cache.load(other) is None
    assert other.recogniser().recognise("wave at me").best.intent.name == "wave"


@pytest.mark.parametrize("content", [b"", b"not a pickle", b"\x80\x05N."])  # the last: a pickled None
def test_a_file_that_does_not_load_is_ignored(cache_dir: Path, content: bytes) -> None:
    cache.cache_file().write_bytes(content)
    assert cache.load(registry) is None


def test_edited_sources_name_another_file(tmp_path: Path) -> None:
    (tmp_path / "hello.py").write_text("X = 1\n")
    before = cache.fingerprint(tmp_path)
    (tmp_path / "hello.py").write_text("X = 2\n")
    assert cache.fingerprint(tmp_path) != before
