"""What Parley installs: both locks up to date with their .txt, made from PyPI alone, installed by hash; no known
vulnerability in them (but the documented exceptions of audit-allowlist.toml).

The lock checks need no network. The audit asks PyPI (and npm, when there is a production npm dependency): it is
skipped, saying so, only when PyPI cannot be reached at all.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import re
import shutil
import warnings
from pathlib import Path
from typing import Any

import pytest
from packaging.version import Version

from bot.tools import audit, dependencies
from bot.tools.audit import Finding, apply_allow_list, python_findings, read_allow_list
from bot.tools.dependencies import DEV_LOCK, RUNTIME_LOCK, check, pypi_only, read_lock, with_requirement
from tests.deploy.stack import ROOT

pytestmark = pytest.mark.deploy

TODAY = datetime.date(2026, 12, 1)


# --- the locks ------------------------------------------------------------------------------------------------------


def test_the_locks_hold_what_the_txt_files_ask_for() -> None:
    assert check() == []
    runtime, dev = read_lock(RUNTIME_LOCK), read_lock(DEV_LOCK)
    assert {"pydantic", "slack-bolt", "aws-lambda-powertools", "aws-xray-sdk", "aws-durable-execution-sdk-python"
            } <= set(runtime)
    assert {"moto", "pytest", "pip-tools", "pip-audit", "pip", "setuptools",  # pip itself is locked too
            "aws-durable-execution-sdk-python-testing"} <= set(dev)
    assert set(runtime) <= set(dev)
    assert not {"moto", "pytest", "aws-durable-execution-sdk-python-testing"} & set(runtime)
    # boto3 and botocore only as the SDKs' dependencies (the zip leaves them to the runtime: serverless.yml)
    assert not runtime["boto3"].asked_by and not runtime["botocore"].asked_by
    assert all(entry.hashes for entry in dev.values())


@pytest.fixture
def copies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The four files in a scratch directory, and the module pointed at them."""
    for name in ("requirements.txt", "requirements-dev.txt", "requirements.lock", "requirements-dev.lock"):
        shutil.copy(ROOT / name, tmp_path / name)
    for constant, name in (("RUNTIME_TXT", "requirements.txt"), ("DEV_TXT", "requirements-dev.txt"),
                           ("RUNTIME_LOCK", "requirements.lock"), ("DEV_LOCK", "requirements-dev.lock")):
        monkeypatch.setattr(dependencies, constant, tmp_path / name)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


STALE = [
    # (file, old, new, what the check says)
    ("requirements.txt", "pydantic==2.14.4", "pydantic==2.14.3", "asks for pydantic==2.14.3, requirements.lock holds"),
    ("requirements.txt", "slack-sdk==3.48.0\n", "slack-sdk==3.48.0\ntenacity==9.1.2\n", "which requirements.lock "
     "does not hold"),
    ("requirements.txt", "slack-bolt==1.30.0\n", "", "holds slack-bolt for requirements.txt, which no longer asks"),
    ("requirements-dev.txt", "ruff==0.17.6\n", "", "holds ruff for requirements-dev.txt, which no longer asks"),
    ("requirements-dev.txt", "-c requirements.lock\n", "", "must say `-c requirements.lock`"),
    ("requirements.lock", "jmespath==1.1.0 \\\n    --hash=sha256:472c87d80f36026ae83c6ddd0f1d05d4e510134ed462851fd5f"
     "754c8c3cbb88d \\\n", "jmespath==1.1.0 \\\n", "jmespath: requirements.lock and requirements-dev.lock disagree"),
    ("requirements.lock", "# via -r requirements.txt\n", "# via -r requirements.txt\n--extra-index-url "
     "file:///opt/pypi/simple\n", "must come from PyPI alone"),
]


@pytest.mark.parametrize(("name", "old", "new", "said"), STALE, ids=[each[3][:40] for each in STALE])
def test_a_stale_or_unsafe_lock_fails_the_check_and_says_how_to_fix_it(copies: Path, name: str, old: str, new: str,
                                                                       said: str) -> None:
    assert check() == []
    edit(copies / name, old, new)
    problems = check()
    assert any(said in problem for problem in problems), problems


def test_a_package_without_a_hash_fails_the_check(copies: Path) -> None:
    lock = copies / "requirements-dev.lock"
    lock.write_text(re.sub(r"^ruff==(\S+) \\\n(    --hash=\S+( \\)?\n)+", r"ruff==\1\n", lock.read_text(), flags=re.M))
    assert "requirements-dev.lock: ruff has no hash; a lock without them installs whatever is there" in check()


def test_locks_are_made_from_pypi_alone_whatever_this_machines_pip_configuration_adds() -> None:
    machine = {"PIP_FIND_LINKS": "/opt/wheels", "PIP_EXTRA_INDEX_URL": "file:///opt/pypi/simple",
               "PIP_CONSTRAINT": "/etc/xdg/pip/constraints.txt", "PIP_INDEX_URL": "https://mirror.example",
               "PIP_CERT": "/etc/ssl/certs/ca-certificates.crt", "PIP_DEFAULT_TIMEOUT": "180", "PATH": "/usr/bin"}
    env = pypi_only(machine)
    assert env["PIP_CONFIG_FILE"] == os.devnull  # pip then reads no global, site or user configuration file
    assert not {"PIP_FIND_LINKS", "PIP_EXTRA_INDEX_URL", "PIP_CONSTRAINT", "PIP_INDEX_URL"} & set(env)
    assert env["PIP_CERT"] == machine["PIP_CERT"] and env["PATH"] == "/usr/bin"
    assert env["CUSTOM_COMPILE_COMMAND"] == "make lock"
    for lock in (RUNTIME_LOCK, DEV_LOCK):
        text = lock.read_text()
        assert "#    make lock\n" in text and "/opt/" not in text and "file://" not in text


def test_adding_a_dependency_pins_it_in_order_and_locks_both_sets(copies: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    locked: list[list[str]] = []
    monkeypatch.setattr(dependencies, "lock", lambda upgrade=False, upgrade_packages=(): locked.append(
        list(upgrade_packages)))
    monkeypatch.setattr(dependencies, "newest_release", lambda name: "9.1.2")
    assert dependencies.add("Tenacity") == "Tenacity==9.1.2"
    assert "slack-bolt==1.30.0\nslack-sdk==3.48.0\nTenacity==9.1.2\n" in (copies / "requirements.txt").read_text()
    assert locked == [["tenacity"]]
    assert dependencies.add("types-pyyaml==6.0.12", dev=True) == "types-pyyaml==6.0.12"
    assert (copies / "requirements-dev.txt").read_text().endswith("ruff==0.17.6\ntypes-pyyaml==6.0.12\n")
    with pytest.raises(dependencies.DependencyError, match="already asks for pydantic"):
        dependencies.add("pydantic==2.0")


def test_a_dependency_that_cannot_be_locked_is_not_left_in_the_txt(copies: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def fails(**_: Any) -> None:
        raise dependencies.DependencyError("pip-compile could not lock requirements.txt")

    before = (copies / "requirements.txt").read_text()
    monkeypatch.setattr(dependencies, "lock", fails)
    with pytest.raises(dependencies.DependencyError):
        dependencies.add("no-such-package==1.0")
    assert (copies / "requirements.txt").read_text() == before


def test_a_requirement_goes_in_alphabetical_order() -> None:
    text = "# comment\n-r requirements.txt\nboto3==1\npytest==9  # why\nruff==0\n"
    assert with_requirement(text, "moto==5") == (
        "# comment\n-r requirements.txt\nboto3==1\nmoto==5\npytest==9  # why\nruff==0\n")
    assert with_requirement(text, "zope==1").endswith("ruff==0\nzope==1\n")


def test_the_venv_is_the_dev_lock_installed_by_hash() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "$(VENV)/.installed: requirements-dev.lock\n" in makefile
    assert "pip install --quiet --require-hashes -r requirements-dev.lock" in makefile
    different = {name: (entry.version, importlib.metadata.version(name)) for name, entry in read_lock(DEV_LOCK).items()
                 if Version(importlib.metadata.version(name)) != Version(entry.version)}
    assert not different, f"{different}: .venv is not requirements-dev.lock, run `make setup`"


# --- the audit ------------------------------------------------------------------------------------------------------


def finding(id_: str = "GHSA-aaaa-bbbb-cccc", package: str = "moto", aliases: tuple[str, ...] = ("CVE-2026-1",),
            shipped: bool = False) -> Finding:
    return Finding(id_, package, "5.2.5", "python", frozenset(aliases), "a flaw", ("5.2.6",), shipped)


def test_an_allowance_needs_its_four_fields_and_a_date_within_a_year(tmp_path: Path) -> None:
    allow = tmp_path / "audit-allowlist.toml"
    allow.write_text('''
[[allow]]
id = "CVE-2026-1"
package = "Moto"
why = "Development only: moto's server, never in the Lambda zip, bound to 127.0.0.1."
until = 2027-01-31

[[allow]]
id = "GHSA-old"
package = "x"
why = "was fine"
until = 2026-11-30

[[allow]]
id = "GHSA-far"
package = "y"
why = "forever"
until = 2028-01-01

[[allow]]
id = "GHSA-lazy"
package = "z"
until = 2027-01-01
''')
    entries, problems = read_allow_list(allow, TODAY)
    assert [entry.id for entry in entries] == ["CVE-2026-1", "GHSA-old", "GHSA-far"]
    assert any("GHSA-old in x expired on 2026-11-30" in problem for problem in problems)
    assert any("GHSA-far in y runs until 2028-01-01: a year at most" in problem for problem in problems)
    assert any("entry 4 lacks why" in problem for problem in problems)
    # a finding is covered by its id or an alias, in the same package (names compared as pip does)
    left, allowed = apply_allow_list([finding(), finding(package="cfn-lint"), finding(id_="GHSA-other", aliases=())],
                                     entries)
    assert [(each.package, each.id) for each in left] == [("cfn-lint", "GHSA-aaaa-bbbb-cccc"), ("moto", "GHSA-other")]
    assert [entry.id for _, entry in allowed] == ["CVE-2026-1"]
    assert read_allow_list(tmp_path / "missing.toml", TODAY)[1]


def test_the_repositorys_allow_list_is_valid() -> None:
    entries, problems = read_allow_list(ROOT / "audit-allowlist.toml", datetime.date.today())
    assert problems == []
    assert all(len(entry.why) >= 20 for entry in entries)  # a reason, not a word


def fake_pip_audit(lock: Path) -> dict[str, Any]:
    return {"dependencies": [
        {"name": "pydantic", "version": "2.14.4", "vulns": []},  # audited per release
        {"name": "slack-sdk", "version": "3.48.0", "vulns": [
            {"id": "GHSA-slack", "fix_versions": ["3.48.1"], "aliases": ["CVE-2026-9"], "description": "leak"}]},
        {"name": "moto", "skip_reason": "Dependency not found on PyPI and could not be audited: moto (5.2.5)"},
        {"name": "python-dateutil", "skip_reason": "not found"},
        {"name": "ruff", "skip_reason": "not found"},
    ]}


def test_what_pip_audit_cannot_audit_is_read_from_pypis_project_document_when_it_speaks_for_the_pin() -> None:
    documents = {
        "moto": {"info": {"version": "5.2.5"}, "vulnerabilities": [
            {"id": "PYSEC-1", "aliases": ["GHSA-moto"], "summary": "bad", "fixed_in": ["5.2.6"], "withdrawn": None},
            {"id": "PYSEC-2", "aliases": [], "summary": "retracted", "fixed_in": [], "withdrawn": "2026-01-01"}]},
        "python-dateutil": {"info": {"version": "4.0.0"}, "vulnerabilities": []},
    }

    def fetch(name: str) -> dict[str, Any]:
        if name not in documents:
            raise TimeoutError(name)
        return documents[name]

    report = python_findings(DEV_LOCK, {"slack-sdk", "pydantic"}, fetch=fetch, audit=fake_pip_audit)
    assert [(each.id, each.package, each.shipped) for each in report.findings] == [
        ("GHSA-slack", "slack-sdk", True), ("PYSEC-1", "moto", False)]
    assert report.findings[1].ids == {"PYSEC-1", "GHSA-moto"}
    assert (report.audited, report.from_project_documents) == (3, 1)
    assert [line.split(":")[0] for line in report.not_audited] == ["python-dateutil 2.9.0.post0", "ruff 0.17.6"]
    assert not report.unreachable
    unreachable = python_findings(DEV_LOCK, set(), fetch=lambda name: (_ for _ in ()).throw(TimeoutError()),
                                  audit=fake_pip_audit)
    assert unreachable.unreachable and len(unreachable.not_audited) == 3


def test_npm_audits_production_dependencies_only_and_there_are_none() -> None:
    assert audit.npm_findings(ROOT).not_audited == []  # nothing to audit: no "dependencies" in package.json


def test_no_known_vulnerability_in_what_parley_installs() -> None:
    report = audit.audit()
    summary = "\n".join(report.lines())
    if report.unreachable:
        pytest.skip(f"PyPI could not be reached: nothing was audited\n{summary}")
    assert not report.findings and not report.problems, summary
    print(summary)  # shown with -s
    strict = os.environ.get(audit.STRICT) == "1"
    assert report.audited and not (strict and report.not_audited), summary
    if report.not_audited:
        warnings.warn(f"{len(report.not_audited)} package(s) not audited:\n" + "\n".join(report.not_audited),
                      stacklevel=1)
