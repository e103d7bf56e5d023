"""The deployable stack, built the way `serverless deploy` builds it, for the tests that check it without AWS.

`package(stage, tmp_path_factory)` runs `serverless package --stage <stage>` once per test session (the prod package
is shared by tests/deploy/ and tests/functional/test_lex_bot.py) and hands back the template and the zip. The
framework runs in a copy of the service, never in the working tree: serverless-python-requirements keeps its state in
`<service>/.serverless/` whatever `--package` says, so two runs in one directory (another `make test`, a deploy)
trip over each other.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVERLESS = ROOT / "node_modules" / ".bin" / "serverless"
CFN_LINT = Path(sys.executable).parent / "cfn-lint"
# Not copied: the toolchain (linked instead), and what git ignores or the machine keeps
LEFT_OUT = {"node_modules", ".venv", ".git", ".serverless", ".parley", ".ci", ".hypothesis", ".pytest_cache",
            ".ruff_cache"}


def python312_dir() -> str | None:
    """A directory whose python3.12 runs: serverless-python-requirements installs the requirements with it."""
    candidates = [Path(sys.executable).parent]
    pyenv = shutil.which("pyenv")
    if pyenv:
        root = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False).stdout.strip()
        candidates += sorted(Path(root).glob("versions/3.12*/bin"), reverse=True) if root else []
    for directory in candidates:
        python = directory / "python3.12"
        if python.exists() and subprocess.run([str(python), "-c", "pass"], check=False).returncode == 0:
            return str(directory)
    found = shutil.which("python3.12")
    if found and subprocess.run([found, "-c", "pass"], check=False, capture_output=True).returncode == 0:
        return str(Path(found).parent)
    return None


def require_toolchain() -> str:
    """The python3.12 directory, or skip: the framework and a python3.12 are needed to package."""
    if not SERVERLESS.exists():
        pytest.skip("node_modules is missing: run `make setup`")
    python_dir = python312_dir()
    if python_dir is None:
        pytest.skip("no python3.12 here: serverless-python-requirements needs it for the python3.12 runtime")
    return python_dir


def serverless_env(python_dir: str, **extra: str) -> dict[str, str]:
    env = {**os.environ, "SLS_TELEMETRY_DISABLED": "1", "SLS_NOTIFICATIONS_MODE": "off",
           "PATH": f"{python_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.update(extra)
    return env


def service_copy(dest: Path) -> Path:
    """The service as the framework sees it (sources, serverless.yml, lex/bot.yml, ...), node_modules linked."""
    dest.mkdir(parents=True, exist_ok=True)
    for entry in ROOT.iterdir():
        if entry.name in LEFT_OUT:
            continue
        if entry.is_dir():
            shutil.copytree(entry, dest / entry.name, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".serverless"))
        else:
            shutil.copy2(entry, dest / entry.name)
    (dest / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    return dest


@dataclass(frozen=True)
class Packaged:
    stage: str
    service: Path  # the copy the framework ran in
    out: Path  # what `serverless package --package <out>` wrote
    seconds: float

    @property
    def template_file(self) -> Path:
        return self.out / "cloudformation-template-update-stack.json"

    @cached_property
    def template(self) -> dict[str, Any]:
        return json.loads(self.template_file.read_text())

    @property
    def zip_file(self) -> Path:
        return self.out / "parley.zip"


_packaged: dict[str, Packaged | str] = {}


def package(stage: str, tmp_path_factory: pytest.TempPathFactory) -> Packaged:
    """`serverless package --stage <stage>`, once per session (a failure is remembered too, and fails fast)."""
    if stage not in _packaged:
        python_dir = require_toolchain()
        work = tmp_path_factory.mktemp(f"package-{stage}")
        service, out = service_copy(work / "service"), work / "out"
        started = time.monotonic()
        result = subprocess.run([str(SERVERLESS), "package", "--stage", stage, "--package", str(out)],
                                cwd=service, env=serverless_env(python_dir), capture_output=True, text=True,
                                timeout=600, check=False)
        took = time.monotonic() - started
        if result.returncode == 0:
            _packaged[stage] = Packaged(stage, service, out, took)
        else:
            _packaged[stage] = f"serverless package --stage {stage} failed:\n{result.stdout}\n{result.stderr}"
    packaged = _packaged[stage]
    if isinstance(packaged, str):
        pytest.fail(packaged)
    return packaged


_linted: dict[Path, subprocess.CompletedProcess[str]] = {}


def cfn_lint(template_file: Path) -> subprocess.CompletedProcess[str]:
    """cfn-lint on a packaged template, once per file."""
    if template_file not in _linted:
        _linted[template_file] = subprocess.run([str(CFN_LINT), str(template_file)], capture_output=True, text=True,
                                                check=False, timeout=300)
    return _linted[template_file]
