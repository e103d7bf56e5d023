"""The packaged bytecode a `serverless package` run leaves beside the sources is removed by `make setup`."""

from __future__ import annotations

import py_compile
from pathlib import Path

from bot.tools.bytecode import main, packaged_bytecode


def test_only_unchecked_hash_bytecode_is_removed(tmp_path: Path) -> None:
    source = tmp_path / "bot" / "module.py"
    source.parent.mkdir()
    source.write_text("VALUE = 1\n")
    packaged = Path(py_compile.compile(str(source), invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH))
    other = tmp_path / "intents" / "other.py"
    other.parent.mkdir()
    other.write_text("VALUE = 2\n")
    ordinary = Path(py_compile.compile(str(other)))
    assert packaged_bytecode(tmp_path) == [packaged]
    assert main([str(tmp_path)]) == 0
    assert not packaged.exists() and ordinary.exists()
