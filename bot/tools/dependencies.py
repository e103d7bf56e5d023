"""Parley's Python dependencies: the .txt files say what we ask for, the .lock files pin the whole tree with hashes.

    python -m bot.tools.dependencies lock [--upgrade]               (make lock [UPGRADE=1])
    python -m bot.tools.dependencies add NAME[==VERSION] [--dev]    (make add-dependency PKG=... [DEV=1])
    python -m bot.tools.dependencies check                          (tests/deploy/ runs it in make test)

requirements.txt is the runtime set (serverless-python-requirements packages requirements.lock into the zip);
requirements-dev.txt adds the tools and the tests (make installs requirements-dev.lock into .venv with
--require-hashes). Each .txt pins its own packages; pip-compile (pip-tools) resolves the rest of the tree and writes
every package with the sha256 of each of its files. requirements-dev.txt says `-c requirements.lock`, so the tests
run the very versions that ship.

Locks are resolved from PyPI alone: a machine's pip configuration may add local indexes, find-links and constraints
(the development machines here do), which CI's clean clone or a colleague's laptop would not have. `lock` runs
pip-compile without a configuration file and without PIP_* variables (the certificate bundle and the timeout aside),
so what it writes installs the same files anywhere.

`add` pins a package (the newest release on PyPI when no version is given) in the right .txt and locks again; the
Makefile then rebuilds .venv. `check` needs no network: each lock must hold every requirement of its .txt at a
version the .txt allows, nothing the .txt no longer asks for, a hash for every package and no index or local path,
and the runtime lock must agree with the dev lock. It names `make lock` when someone edits a .txt and forgets to.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_TXT, RUNTIME_LOCK = ROOT / "requirements.txt", ROOT / "requirements.lock"
DEV_TXT, DEV_LOCK = ROOT / "requirements-dev.txt", ROOT / "requirements-dev.lock"
PYPI_JSON = "https://pypi.org/pypi/{name}/json"
# pip settings a lock may be made with: how to reach PyPI, never where else to look
PIP_VARIABLES_KEPT = {"PIP_CERT", "PIP_CLIENT_CERT", "PIP_DEFAULT_TIMEOUT", "PIP_DISABLE_PIP_VERSION_CHECK",
                      "PIP_RETRIES"}
PIP_COMPILE_OPTIONS = ["--quiet", "--generate-hashes", "--allow-unsafe", "--strip-extras", "--no-emit-index-url",
                       "--no-emit-find-links", "--no-emit-trusted-host"]
# lines that would send pip somewhere other than PyPI, or to this machine's disk
NOT_PYPI = re.compile(r"^\s*(-i\b|-f\b|--index-url|--extra-index-url|--find-links|--trusted-host)|file://", re.M)
ENTRY = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)")


class DependencyError(Exception):
    """What the command cannot do: said on stderr, exit status 1."""


@dataclass
class Locked:
    """One package of a lock file."""

    name: str  # canonical
    version: str
    hashes: set[str] = field(default_factory=set)
    via: list[str] = field(default_factory=list)  # "-r requirements.txt", "-c requirements.lock", or a package

    @property
    def asked_by(self) -> set[str]:
        """The .txt files that name this package themselves (pip-compile's `-r <file>` annotations)."""
        return {each.removeprefix("-r ").strip() for each in self.via if each.startswith("-r ")}


def read_lock(path: Path) -> dict[str, Locked]:
    """The packages of a pip-compile lock file, by canonical name."""
    entries: dict[str, Locked] = {}
    current: Locked | None = None
    in_via = False
    for line in path.read_text().splitlines():
        found = ENTRY.match(line)
        if found:
            current = Locked(canonicalize_name(found["name"]), found["version"])
            entries[current.name] = current
            in_via = False
        elif current is None:
            continue
        elif line.strip().startswith("--hash="):
            current.hashes.add(line.strip().removeprefix("--hash=").rstrip(" \\"))
        elif line.strip().startswith("# via"):
            rest = line.strip().removeprefix("# via").strip()
            current.via += [rest] if rest else []
            in_via = True
        elif in_via and line.strip().startswith("#   "):
            current.via.append(line.strip().removeprefix("#").strip())
        else:
            in_via = False
    return entries


def read_txt(path: Path) -> Iterator[tuple[Path, Requirement | str]]:
    """Each requirement of a .txt file and of the files it includes with -r, and each other option (-c, ...)."""
    for raw in path.read_text().splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-r "):
            yield from read_txt(path.parent / line.removeprefix("-r ").strip())
        elif line.startswith("-"):
            yield path, line
        else:
            try:
                yield path, Requirement(line)
            except InvalidRequirement as error:
                raise DependencyError(f"{path.name}: {line!r} is not a requirement: {error}") from error


def requirements(path: Path) -> dict[str, tuple[Path, Requirement]]:
    return {canonicalize_name(req.name): (source, req) for source, req in read_txt(path)
            if isinstance(req, Requirement)}


def check_lock(txt: Path, lock: Path) -> list[str]:
    """Why `lock` does not lock `txt` (nothing when it does)."""
    if not lock.exists():
        return [f"{lock.name} is missing: run `make lock`"]
    locked, asked = read_lock(lock), requirements(txt)
    problems = []
    for name, (source, req) in asked.items():
        entry = locked.get(name)
        if entry is None:
            problems.append(f"{source.name} asks for {req}, which {lock.name} does not hold: run `make lock`")
        elif not req.specifier.contains(Version(entry.version), prereleases=True):
            problems.append(f"{source.name} asks for {req}, {lock.name} holds {entry.version}: run `make lock`")
    for entry in locked.values():
        if entry.asked_by and entry.name not in asked:
            problems.append(f"{lock.name} holds {entry.name} for {', '.join(sorted(entry.asked_by))}, which no "
                            f"longer asks for it: run `make lock`")
        parents = [each for each in entry.via if not each.startswith(("-r ", "-c "))]
        if not entry.asked_by and parents and not any(canonicalize_name(each) in locked for each in parents):
            problems.append(f"{lock.name} holds {entry.name} for {', '.join(parents)}, none of which it holds: "
                            f"run `make lock`")
        if not entry.hashes:
            problems.append(f"{lock.name}: {entry.name} has no hash; a lock without them installs whatever is there")
    if NOT_PYPI.search(lock.read_text()):
        problems.append(f"{lock.name} names an index, find-links or a local path: it must come from PyPI alone "
                        f"(make lock)")
    return problems


def check() -> list[str]:
    """Every reason the locks are not what the .txt files ask for, or disagree with each other."""
    problems = check_lock(RUNTIME_TXT, RUNTIME_LOCK) + check_lock(DEV_TXT, DEV_LOCK)
    if f"-c {RUNTIME_LOCK.name}" not in {line for _, line in read_txt(DEV_TXT) if isinstance(line, str)}:
        problems.append(f"{DEV_TXT.name} must say `-c {RUNTIME_LOCK.name}`: the tests run what ships")
    if RUNTIME_LOCK.exists() and DEV_LOCK.exists():
        dev = read_lock(DEV_LOCK)
        for entry in read_lock(RUNTIME_LOCK).values():
            other = dev.get(entry.name)
            if other is None or (other.version, other.hashes) != (entry.version, entry.hashes):
                problems.append(f"{entry.name}: {RUNTIME_LOCK.name} and {DEV_LOCK.name} disagree ({entry.version} "
                                f"and {other.version if other else 'nothing'}, or their hashes): run `make lock`")
    return problems


# --- making the locks ----------------------------------------------------------------------------------------------


def pypi_only(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment for pip-compile: no pip configuration file, no PIP_* variable that adds a source."""
    env = {name: value for name, value in environ.items()
           if not name.startswith("PIP_") or name in PIP_VARIABLES_KEPT}
    env["PIP_CONFIG_FILE"] = os.devnull  # pip reads no global, user or site file then
    env["CUSTOM_COMPILE_COMMAND"] = "make lock"  # what the locks' headers tell a reader to run
    return env


def pip_compile(txt: Path, lock: Path, extra: Sequence[str] = ()) -> None:
    command = [str(Path(sys.executable).parent / "pip-compile"), *PIP_COMPILE_OPTIONS, *extra,
               "--output-file", lock.name, txt.name]
    print(f"locking {txt.name} -> {lock.name} (PyPI only, with hashes)...", file=sys.stderr, flush=True)
    result = subprocess.run(command, cwd=ROOT, env=pypi_only(os.environ), check=False)
    if result.returncode != 0:
        raise DependencyError(f"pip-compile could not lock {txt.name} (exit status {result.returncode})")


def lock(*, upgrade: bool = False, upgrade_packages: Sequence[str] = ()) -> None:
    """Both locks, runtime first: the dev lock is constrained by it."""
    extra = ["--upgrade"] if upgrade else [option for name in upgrade_packages
                                           for option in ("--upgrade-package", name)]
    pip_compile(RUNTIME_TXT, RUNTIME_LOCK, extra)
    pip_compile(DEV_TXT, DEV_LOCK, extra)
    problems = check()
    if problems:
        raise DependencyError("the new locks do not pass the check:\n  " + "\n  ".join(problems))


def newest_release(name: str) -> str:
    with urllib.request.urlopen(PYPI_JSON.format(name=name), timeout=30) as answer:  # noqa: S310 - a fixed https URL
        return str(json.load(answer)["info"]["version"])


def with_requirement(text: str, line: str) -> str:
    """A .txt file's text with `line` among its requirements, in alphabetical order as the files keep them."""
    lines = text.splitlines()
    name = canonicalize_name(Requirement(line).name)
    at = len(lines)
    for number, each in enumerate(lines):
        bare = each.split(" #", 1)[0].strip()
        if bare and not bare.startswith(("#", "-")) and canonicalize_name(Requirement(bare).name) > name:
            at = number
            break
    return "\n".join([*lines[:at], line, *lines[at:]]) + "\n"


def add(spec: str, *, dev: bool = False) -> str:
    """Pin `spec` (NAME or NAME==VERSION) in requirements.txt (or -dev) and lock again; the line added."""
    try:
        req = Requirement(spec)
    except InvalidRequirement as error:
        raise DependencyError(f"{spec!r} is not a package name (NAME or NAME==VERSION): {error}") from error
    name = canonicalize_name(req.name)
    for txt in (RUNTIME_TXT, DEV_TXT):
        if name in requirements(txt):
            raise DependencyError(f"{txt.name} already asks for {name}: change the line there, then `make lock`")
    if not req.specifier:
        req = Requirement(f"{spec}=={newest_release(req.name)}")
    target = DEV_TXT if dev else RUNTIME_TXT
    before = target.read_text()
    target.write_text(with_requirement(before, str(req)))
    try:
        lock(upgrade_packages=[name])
    except (DependencyError, KeyboardInterrupt):
        target.write_text(before)  # the .txt and its lock stay in step
        raise
    return str(req)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.tools.dependencies",
                                     description="Lock Parley's Python dependencies, add one, or check the locks.")
    commands = parser.add_subparsers(dest="command", required=True)
    locking = commands.add_parser("lock", help="requirements*.txt -> requirements*.lock, from PyPI, with hashes")
    locking.add_argument("--upgrade", action="store_true", help="newest releases the .txt files allow")
    adding = commands.add_parser("add", help="pin a package in requirements.txt (--dev: -dev.txt) and lock")
    adding.add_argument("package", help="NAME or NAME==VERSION (the newest on PyPI when no version is given)")
    adding.add_argument("--dev", action="store_true", help="a tool or test dependency, not shipped")
    commands.add_parser("check", help="exit 1 when a lock is stale against its .txt (no network)")
    args = parser.parse_args(argv)
    try:
        if args.command == "lock":
            lock(upgrade=args.upgrade)
        elif args.command == "add":
            print(f"added {add(args.package, dev=args.dev)} to {(DEV_TXT if args.dev else RUNTIME_TXT).name}")
        else:
            problems = check()
            for problem in problems:
                print(problem, file=sys.stderr)
            return 1 if problems else 0
    except DependencyError as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
