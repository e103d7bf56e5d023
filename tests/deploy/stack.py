"""The deployable stack, built the way `serverless deploy` builds it, for the tests that check it without AWS.

`package(stage, tmp_path_factory)` runs `serverless package --stage <stage>` once per test session (the prod package
is shared by tests/deploy/ and tests/functional/test_lex_bot.py) and hands back the template and each function's zip;
`params={"slackMode": "oauth"}` packages the stage with those params set on the command line (`--param`), as an
operator switches a stage's Slack mode for one deploy. The
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
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest

from bot.local.moto import start_moto
from bot.local.processes import free_port

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
    params: tuple[tuple[str, str], ...]
    service: Path  # the copy the framework ran in
    out: Path  # what `serverless package --package <out>` wrote
    seconds: float

    @property
    def template_file(self) -> Path:
        return self.out / "cloudformation-template-update-stack.json"

    @cached_property
    def template(self) -> dict[str, Any]:
        return json.loads(self.template_file.read_text())

    @cached_property
    def artifacts(self) -> dict[str, Path]:
        """Each function's zip, by function name (`slack`, `worker`, ...): its own with `package.individually`."""
        return {logical_id.removesuffix("LambdaFunction").lower(): self.out / str(
                    resource["Properties"]["Code"]["S3Key"]).rsplit("/", 1)[-1]
                for logical_id, resource in self.template["Resources"].items()
                if resource["Type"] == "AWS::Lambda::Function"}


_packaged: dict[tuple[str, tuple[tuple[str, str], ...]], Packaged | str] = {}


def param_options(params: dict[str, str] | None) -> list[str]:
    """`--param key=value` for each param: the command line's values win over serverless.yml's `params`."""
    return [f"--param={name}={value}" for name, value in sorted((params or {}).items())]


def package(stage: str, tmp_path_factory: pytest.TempPathFactory, params: dict[str, str] | None = None) -> Packaged:
    """`serverless package --stage <stage>`, once per session and params (a failure is remembered too, and fails
    fast)."""
    key = (stage, tuple(sorted((params or {}).items())))
    if key not in _packaged:
        python_dir = require_toolchain()
        work = tmp_path_factory.mktemp(f"package-{stage}")
        service, out = service_copy(work / "service"), work / "out"
        started = time.monotonic()
        command = [str(SERVERLESS), "package", "--stage", stage, "--package", str(out), *param_options(params)]
        result = subprocess.run(command, cwd=service, env=serverless_env(python_dir), capture_output=True, text=True,
                                timeout=600, check=False)
        took = time.monotonic() - started
        if result.returncode == 0:
            _packaged[key] = Packaged(stage, key[1], service, out, took)
        else:
            _packaged[key] = f"{' '.join(command[1:])} failed:\n{result.stdout}\n{result.stderr}"
    packaged = _packaged[key]
    if isinstance(packaged, str):
        pytest.fail(packaged)
    return packaged


REGION = "us-east-1"


@dataclass(frozen=True)
class Deployed:
    endpoint: str
    seconds: float
    output: str

    def client(self, service: str) -> Any:
        import boto3

        return boto3.client(service, endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id="testing", aws_secret_access_key="testing")


def deploy_into_moto(tmp_path_factory: pytest.TempPathFactory, stage: str,
                     params: dict[str, str] | None = None) -> Iterator[Deployed]:
    """`serverless deploy --stage <stage>` into a moto server of its own; yields, then stops moto (a module fixture's
    body). Nothing leaves 127.0.0.1: AWS_ENDPOINT_URL points every AWS SDK call of the framework at moto, with fake
    credentials and none of the machine's profiles."""
    python_dir = require_toolchain()
    work = tmp_path_factory.mktemp(f"deploy-{stage}")
    service = service_copy(work / "service")
    port = free_port()
    moto = start_moto(port, work / "logs")
    try:
        endpoint = f"http://127.0.0.1:{port}"
        env = serverless_env(
            python_dir,
            AWS_ENDPOINT_URL=endpoint,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",  # moto takes any
            AWS_REGION=REGION,
            AWS_DEFAULT_REGION=REGION,
            # no profile, no config or credentials file of the machine's: only the fake keys above
            AWS_CONFIG_FILE=str(work / "no-aws-config"),
            AWS_SHARED_CREDENTIALS_FILE=str(work / "no-aws-credentials"),
            SLS_AWS_MONITORING_FREQUENCY="200",  # ms between stack status polls (the framework's default: 5 s)
        )
        for name in [name for name in env if name.startswith("AWS_ENDPOINT_URL_")] + ["AWS_PROFILE",
                                                                                      "AWS_SESSION_TOKEN"]:
            env.pop(name, None)
        started = time.monotonic()
        result = subprocess.run([str(SERVERLESS), "deploy", "--stage", stage, *param_options(params)], cwd=service,
                                env=env, capture_output=True, text=True, timeout=600, check=False)
        took = time.monotonic() - started
        assert result.returncode == 0, f"serverless deploy failed:\n{result.stdout}\n{result.stderr}"
        yield Deployed(endpoint, took, result.stdout + result.stderr)
    finally:
        moto.stop()


_linted: dict[Path, subprocess.CompletedProcess[str]] = {}


def cfn_lint(template_file: Path) -> subprocess.CompletedProcess[str]:
    """cfn-lint on a packaged template, once per file."""
    if template_file not in _linted:
        _linted[template_file] = subprocess.run([str(CFN_LINT), str(template_file)], capture_output=True, text=True,
                                                check=False, timeout=300)
    return _linted[template_file]
