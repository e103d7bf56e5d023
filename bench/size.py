"""Deployment size: the zips `serverless package --stage prod` makes, and the Bolt peer's and the floors' equivalents.

    .venv/bin/python bench/size.py

serverless.yml packages with `individually: true`: each function has its own zip holding the code its handler imports,
and all but the `slack` ingress the requirements (the ingress imports only the standard library and ours:
.serverless_plugins/stdlib-only.js keeps them out). Each function's zip is reported (`functions.<name>.zip`), with
how long this machine takes to unpack it (Lambda downloads and unpacks the zip of a function on each of its cold
starts; its own times are not measured here). `parley_zip` is the ack function's: the `slack` zip. Beside it, what
the ingress imports of it: the modules `bot.ingress.handler` can import (with the lazily imported forms path,
`bot.ingress.interactive`, which loads the intents), sources only, zipped alone. The Bolt peer's zip is its one file
plus slack_bolt and slack_sdk exactly as serverless-python-requirements put them in the worker's zip (per their
RECORD); boto3 is not in it, as the Lambda python3.12 runtime provides it. The floors are one file each. Packaging
installs the requirements with pip (the plugin's cache makes later runs quick).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

from report import progress  # noqa: E402

SERVERLESS = ROOT / "node_modules" / ".bin" / "serverless"
PEER = BENCH / "peers" / "bolt_lazy.py"
FLOORS = {"boto3_floor": BENCH / "floors" / "boto3_floor.py", "bare_floor": BENCH / "floors" / "bare_floor.py"}
BOLT_DISTRIBUTIONS = ("slack_bolt", "slack_sdk")
# Lists, from a directory holding the unzipped artifact, the files the ingress imports from it
_CLOSURE = """
import json, os, sys
import bot.ingress.handler, bot.ingress.interactive
here = os.getcwd() + os.sep
files = sorted(m.__file__[len(here):] for m in list(sys.modules.values())
               if getattr(m, "__file__", None) and m.__file__.startswith(here))
heavy = ("boto3", "botocore", "pydantic", "slack_bolt", "slack_sdk")
print(json.dumps([files, sorted(name for name in heavy if name in sys.modules)]))
"""


def package(out: Path) -> float:
    """`serverless package --stage prod` into `out`; the seconds it took. `.venv/bin` first on PATH: the plugin
    installs the requirements with `python3.12`, which the venv provides."""
    if not SERVERLESS.exists():
        raise RuntimeError("node_modules is missing: run `make setup`")
    env = {**os.environ, "SLS_TELEMETRY_DISABLED": "1", "SLS_NOTIFICATIONS_MODE": "off",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    started = time.monotonic()
    done = subprocess.run([str(SERVERLESS), "package", "--stage", "prod", "--package", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"serverless package failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return time.monotonic() - started


def describe_zip(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        entries = archive.infolist()
    return {"bytes": path.stat().st_size, "files": len(entries), "unzipped_bytes": sum(e.file_size for e in entries)}


def unzip_ms(path: Path, workdir: Path, runs: int = 5) -> float:
    """The median wall time of unpacking the zip into a fresh directory on this machine (extract and write every file,
    as Lambda does into /var/task before the first import; its disks and CPUs differ)."""
    times = []
    for run in range(runs):
        target = workdir / f"unzip-{path.stem}-{run}"
        started = time.perf_counter()
        with zipfile.ZipFile(path) as archive:
            archive.extractall(target)
        times.append((time.perf_counter() - started) * 1000)
        shutil.rmtree(target)
    return round(statistics.median(times), 1)


def zip_files(target: Path, files: list[tuple[str, bytes]]) -> dict[str, Any]:
    """Zip (name, content) pairs with deflate, as the framework does, and describe the result."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return describe_zip(target)


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each Lambda function of the packaged template: its memory, handler and artifact."""
    found = {}
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") != "AWS::Lambda::Function":
            continue
        properties = resource["Properties"]
        key = str(properties.get("Code", {}).get("S3Key", ""))
        found[logical_id.removesuffix("LambdaFunction").lower()] = {
            "memory_mb": properties.get("MemorySize", 1024),  # the framework's default when none is set
            "handler": properties.get("Handler"),
            "artifact": key.rsplit("/", 1)[-1],
            "architecture": (properties.get("Architectures") or ["x86_64"])[0],
        }
    return found


def ingress_closure(artifact: Path, workdir: Path) -> tuple[list[tuple[str, bytes]], list[str]]:
    """The files the ingress imports from the artifact, and which heavy packages it imported at all."""
    unzipped = workdir / "unzipped"
    with zipfile.ZipFile(artifact) as archive:
        archive.extractall(unzipped)
    env = {name: value for name, value in os.environ.items() if not name.startswith(("PYTHON", "SLACK_", "PARLEY_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    done = subprocess.run([sys.executable, "-c", _CLOSURE], cwd=unzipped, env=env, capture_output=True, text=True,
                          timeout=60, check=True)
    files, heavy = json.loads(done.stdout.strip().splitlines()[-1])
    return [(name, (unzipped / name).read_bytes()) for name in files], heavy


def bolt_files(artifact: Path) -> list[tuple[str, bytes]]:
    """The peer's file and its two distributions, as the plugin installed them into Parley's zip."""
    files = [(PEER.name, PEER.read_bytes())]
    with zipfile.ZipFile(artifact) as archive:
        names = set(archive.namelist())
        for record in sorted(n for n in names if n.endswith(".dist-info/RECORD")):
            if record.split("-", 1)[0] not in BOLT_DISTRIBUTIONS:
                continue
            for line in archive.read(record).decode().splitlines():
                name = line.split(",", 1)[0]
                if name in names:
                    files.append((name, archive.read(name)))
    return files


def measure() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="parley-bench-size-") as tmp:
        workdir = Path(tmp)
        out = workdir / "package"
        progress("serverless package --stage prod")
        took = package(out)
        template = json.loads((out / "cloudformation-template-update-stack.json").read_text())
        funcs = functions(template)
        artifacts = {name: {**describe_zip(out / name), "unzip_ms": unzip_ms(out / name, workdir)}
                     for name in sorted({f["artifact"] for f in funcs.values()})}
        for func in funcs.values():
            func["zip"] = artifacts[func["artifact"]]
        artifact = out / funcs["slack"]["artifact"]  # the ack function's
        # the Bolt peer's packages as the plugin installed them: from a zip with the requirements (the worker's)
        with_requirements = out / funcs["worker"]["artifact"]
        closure, heavy = ingress_closure(artifact, workdir)
        sizes = {
            "parley_zip": {**artifacts[artifact.name], "name": artifact.name,
                           "shared_by": sorted(n for n, f in funcs.items() if f["artifact"] == artifact.name)},
            "parley_ingress_code": {**zip_files(workdir / "ingress.zip", closure),
                                    "third_party_imported": heavy},
            "bolt": zip_files(workdir / "bolt.zip", bolt_files(with_requirements)),
            **{key: zip_files(workdir / f"{key}.zip", [(path.name, path.read_bytes())])
               for key, path in FLOORS.items()},
        }
        sizes["bolt"]["unzip_ms"] = unzip_ms(workdir / "bolt.zip", workdir)
    return {"package_seconds": round(took, 1), "individually": len(artifacts) > 1, "functions": funcs,
            "artifacts": artifacts, "sizes": sizes}


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
