"""Known vulnerabilities in what Parley installs: the Python locks and npm's production dependencies.

    python -m bot.tools.audit [--strict]      (make audit; make test runs it through tests/deploy/)

- **Python**: pip-audit reads requirements-dev.lock (the runtime lock is part of it, at the same versions) and asks
  PyPI's JSON API, per release, for its advisories. Where that answers nothing (this network serves PyPI's project
  documents, `/pypi/<name>/json`, but not the per-release ones, which pip-audit then reports as "not found"), the
  audit reads the project document instead: its `vulnerabilities` are those of the newest release, so they stand
  for a package pinned at the newest release, and a package pinned older is reported as not audited. Silence is
  never taken for "no vulnerability".
- **npm**: `npm audit --omit=dev`. Parley has no production npm dependency (the Serverless toolchain only packages
  and deploys; none of it ships), so this guards the day one is added.

A finding fails the audit unless audit-allowlist.toml lists it: its id (or an alias: GHSA-, PYSEC-, CVE-), the
package, why it does not apply to Parley, and until when (at most a year ahead). An entry past its date fails too,
so each exception is looked at again. Packages that could not be audited are listed; `--strict` (or
PARLEY_AUDIT_STRICT=1) fails on them, for a network where PyPI answers per release.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from bot.tools.dependencies import DEV_LOCK, PYPI_JSON, ROOT, RUNTIME_LOCK, read_lock

ALLOW_LIST = ROOT / "audit-allowlist.toml"
LONGEST_EXCEPTION = datetime.timedelta(days=366)
STRICT = "PARLEY_AUDIT_STRICT"


@dataclass(frozen=True)
class Finding:
    id: str
    package: str  # canonical name (npm: the package's name)
    version: str
    ecosystem: str  # "python" or "npm"
    aliases: frozenset[str] = frozenset()
    summary: str = ""
    fixed_in: tuple[str, ...] = ()
    shipped: bool = True  # in the Lambda zip (the runtime lock); False: a development tool

    @property
    def ids(self) -> frozenset[str]:
        return self.aliases | {self.id}

    def line(self) -> str:
        fix = f"; fixed in {', '.join(self.fixed_in)}" if self.fixed_in else ""
        where = "shipped" if self.shipped else "development only"
        return f"{self.id} in {self.package} {self.version} ({self.ecosystem}, {where}){fix}: {self.summary[:160]}"


@dataclass(frozen=True)
class Allowance:
    """One entry of the allow-list."""

    id: str
    package: str
    why: str
    until: datetime.date

    def covers(self, finding: Finding) -> bool:
        return canonicalize_name(self.package) == canonicalize_name(finding.package) and self.id in finding.ids


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    allowed: list[tuple[Finding, Allowance]] = field(default_factory=list)
    not_audited: list[str] = field(default_factory=list)  # why, one line per package
    problems: list[str] = field(default_factory=list)  # the allow-list's, and tools that failed
    audited: int = 0
    from_project_documents: int = 0  # of those audited, through PyPI's project document (the newest release)
    unreachable: bool = False  # PyPI could not be reached at all

    def failed(self, strict: bool) -> bool:
        return bool(self.findings or self.problems or (strict and self.not_audited))

    def lines(self) -> list[str]:
        out = [f"audited {self.audited} packages ({self.from_project_documents} through PyPI's project documents); "
               f"{len(self.findings)} finding(s) not allowed, {len(self.allowed)} allowed, "
               f"{len(self.not_audited)} not audited"]
        out += [f"FINDING {finding.line()}" for finding in self.findings]
        out += [f"allowed {finding.id} in {finding.package} until {entry.until}: {entry.why}"
                for finding, entry in self.allowed]
        out += [f"PROBLEM {problem}" for problem in self.problems]
        out += [f"not audited: {why}" for why in self.not_audited]
        return out


# --- the allow-list ------------------------------------------------------------------------------------------------


def read_allow_list(path: Path, today: datetime.date) -> tuple[list[Allowance], list[str]]:
    """The entries, and what is wrong with the file (a missing field, a date past or too far)."""
    if not path.exists():
        return [], [f"{path.name} is missing: it documents the findings that do not apply (even when none do)"]
    try:
        document = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as error:
        return [], [f"{path.name} is not TOML: {error}"]
    entries, problems = [], []
    for number, raw in enumerate(document.get("allow", []), start=1):
        missing = [key for key in ("id", "package", "why", "until") if not raw.get(key)]
        if missing:
            problems.append(f"{path.name}: entry {number} lacks {', '.join(missing)}")
            continue
        until = raw["until"]
        if not isinstance(until, datetime.date) or isinstance(until, datetime.datetime):
            problems.append(f"{path.name}: entry {number} ({raw['id']}): until must be a date (2027-01-31)")
            continue
        if until < today:
            problems.append(f"{path.name}: {raw['id']} in {raw['package']} expired on {until}: look at it again, "
                            f"then remove the entry or give it a new reason and date")
        elif until > today + LONGEST_EXCEPTION:
            problems.append(f"{path.name}: {raw['id']} in {raw['package']} runs until {until}: a year at most")
        entries.append(Allowance(str(raw["id"]), str(raw["package"]), str(raw["why"]).strip(), until))
    return entries, problems


def apply_allow_list(findings: Iterable[Finding],
                     entries: Sequence[Allowance]) -> tuple[list[Finding], list[tuple[Finding, Allowance]]]:
    """The findings no entry covers, and the (finding, entry) pairs it does."""
    left, allowed = [], []
    for finding in findings:
        entry = next((each for each in entries if each.covers(finding)), None)
        if entry is None:
            left.append(finding)
        else:
            allowed.append((finding, entry))
    return left, allowed


# --- Python: pip-audit, then PyPI's project documents for what it could not audit -----------------------------------


def pip_audit(lock: Path) -> dict[str, Any]:
    """pip-audit's JSON report of a hashed lock (no resolution: the lock is the whole tree)."""
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "audit.json"
        command = [str(Path(sys.executable).parent / "pip-audit"), "--requirement", str(lock), "--disable-pip",
                   "--vulnerability-service", "pypi", "--format", "json", "--output", str(out),
                   "--progress-spinner", "off", "--desc", "on", "--aliases", "on"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        if result.returncode not in (0, 1) or not out.exists():  # 1: vulnerabilities found
            raise RuntimeError(f"pip-audit failed (exit status {result.returncode}): {result.stderr.strip()[-500:]}")
        return json.loads(out.read_text())


def project_document(name: str) -> dict[str, Any]:
    with urllib.request.urlopen(PYPI_JSON.format(name=name), timeout=30) as answer:  # noqa: S310 - fixed https URL
        return json.load(answer)


def advisories(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """PyPI's advisories as pip-audit reads them: withdrawn ones left out."""
    return [each for each in entries or [] if each.get("withdrawn") is None]


def python_findings(lock: Path, shipped: set[str], fetch: Callable[[str], dict[str, Any]] = project_document,
                    audit: Callable[[Path], dict[str, Any]] = pip_audit) -> Report:
    report = Report()
    pins = {name: entry.version for name, entry in read_lock(lock).items()}
    unresolved = []
    for dependency in audit(lock)["dependencies"]:
        name = canonicalize_name(dependency["name"])
        if "skip_reason" in dependency:
            unresolved.append(name)
            continue
        report.audited += 1
        for vuln in dependency.get("vulns", []):
            report.findings.append(Finding(vuln["id"], name, dependency["version"], "python",
                                           frozenset(vuln.get("aliases", [])), vuln.get("description", ""),
                                           tuple(vuln.get("fix_versions", [])), name in shipped))
    failures = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        documents = dict(zip(unresolved, pool.map(lambda name: _fetched(fetch, name), unresolved), strict=True))
    for name in unresolved:
        document, version = documents[name], pins.get(name, "?")
        if document is None:
            failures += 1
            report.not_audited.append(f"{name} {version}: PyPI did not answer")
        elif document["info"]["version"] != version:
            report.not_audited.append(f"{name} {version}: PyPI answers no per-release advisories here, and its "
                                      f"project document speaks for {document['info']['version']}, the newest")
        else:
            report.audited += 1
            report.from_project_documents += 1
            for vuln in advisories(document.get("vulnerabilities")):
                report.findings.append(Finding(vuln["id"], name, version, "python", frozenset(vuln.get("aliases", [])),
                                               (vuln.get("summary") or vuln.get("details") or "").replace("\n", " "),
                                               tuple(vuln.get("fixed_in", [])), name in shipped))
    report.unreachable = bool(unresolved) and failures == len(unresolved)
    return report


def _fetched(fetch: Callable[[str], dict[str, Any]], name: str) -> dict[str, Any] | None:
    try:
        return fetch(name)
    except (urllib.error.URLError, TimeoutError, ValueError):
        return None


# --- npm ------------------------------------------------------------------------------------------------------------


def npm_findings(root: Path = ROOT) -> Report:
    report = Report()
    if not json.loads((root / "package.json").read_text()).get("dependencies"):
        return report  # nothing ships from npm; `npm audit --omit=dev` has nothing to look at
    npm = shutil.which("npm")
    if npm is None:
        report.not_audited.append("npm production dependencies: npm is not installed")
        return report
    result = subprocess.run([npm, "audit", "--omit=dev", "--json"], cwd=root, capture_output=True, text=True,
                            timeout=300, check=False)
    try:
        document = json.loads(result.stdout or "{}")
    except ValueError:
        document = {}
    if "error" in document or "vulnerabilities" not in document:
        report.not_audited.append(f"npm production dependencies: npm audit failed: "
                                  f"{(result.stderr or result.stdout).strip()[-300:]}")
        return report
    for package, vulnerability in document["vulnerabilities"].items():
        for via in vulnerability.get("via", []):
            if isinstance(via, dict):  # a string names another vulnerable package, reported on its own
                advisory = str(via.get("url", "")).rstrip("/").rsplit("/", 1)[-1] or str(via.get("source"))
                report.findings.append(Finding(advisory, package, str(via.get("range", "")), "npm",
                                               frozenset({str(via.get("source"))}), str(via.get("title", ""))))
    report.audited = len(document.get("vulnerabilities", {})) or 1
    return report


# --- together -------------------------------------------------------------------------------------------------------


def audit(today: datetime.date | None = None) -> Report:
    today = today or datetime.date.today()
    shipped = set(read_lock(RUNTIME_LOCK))
    python, npm = python_findings(DEV_LOCK, shipped), npm_findings()
    entries, problems = read_allow_list(ALLOW_LIST, today)
    findings, allowed = apply_allow_list([*python.findings, *npm.findings], entries)
    report = Report(findings, allowed, python.not_audited + npm.not_audited, problems,
                    python.audited + npm.audited, python.from_project_documents, python.unreachable)
    used = {id(entry) for _, entry in allowed}
    report.not_audited += [f"(allow-list) {entry.id} in {entry.package} matches no finding any more: remove it"
                           for entry in entries if id(entry) not in used]
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.tools.audit", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--strict", action="store_true", help="fail on packages that could not be audited too")
    args = parser.parse_args(argv)
    report = audit()
    for line in report.lines():
        print(line)
    return 1 if report.failed(args.strict or os.environ.get(STRICT) == "1") else 0


if __name__ == "__main__":
    sys.exit(main())
