"""Each function's zip, as `serverless package --stage prod` makes it: its own (`package.individually`), holding the
code its handler imports and, but for the slack ingress, the requirements.

The ingress's zip is the one Lambda downloads and unpacks on each of its cold starts while Slack waits 3 s: it holds
what the ingress imports (derived here by importing it: the ack, the forms path it loads lazily, oauth mode's
installations) with its bytecode, and nothing else: no third-party package at all (the ack path is stdlib-only by
design: tests/unit/test_ack_path_imports.py). Every function's handler is imported from its unzipped zip with the
standard library alone, plus, for all but the ingress, what the Lambda runtime provides (boto3 and its
dependencies, which the zips leave out: serverless.yml). What the packaging takes out of the slack zip:
.serverless_plugins/stdlib-only.js. What each zip carries of the requirements: test_template.py.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.deploy.stack import ROOT, Packaged, package
from tests.support.imports import reachable, third_party

pytestmark = pytest.mark.deploy

RUNTIME = "python3.12"
BYTECODE = ".cpython-312.pyc"
# What the ingress imports: the ack (bot.ingress.handler), the forms path it imports on a form's request
# (bot.ingress.interactive: the intents, for their options and errors) and oauth mode's installations
INGRESS_ENTRIES = ("bot.ingress.handler", "bot.ingress.interactive", "bot.ingress.installations")
# Imported lazily by modules the ingress loads, never on its own paths: the engine and the recogniser run intents,
# which the worker does; the ingress only declares them (tests/unit/test_ack_path_imports.py checks it does not load
# them, and they need Powertools and rapidfuzz, which its zip has not)
INGRESS_NEVER_RUNS = ("bot.conversation.engine", "bot.conversation.recogniser", "bot.conversation.recogniser_cache")
# Third-party imports inside functions of modules the ingress loads, which its zip has not, and why each is allowed:
# the durable engine's boto3 client is built only to start, decide or stop a workflow (the worker, the Lex hook);
# rapidfuzz is imported for a form's Choice value not found as written (bot/conversation/slots.py Choice.closest),
# which the ingress DOES reach (a stale form's value): test_a_choice_not_found_as_written_..._is_answered below
INGRESS_LAZY_THIRD_PARTY = {"bot.workflows.engine": {"boto3"}}
# Never in a zip, whoever imports them (lazily, on local stages only): the local kit, the build and operations
# commands, the local fault intents
STAY_HOME = ("bot.local", "bot.tools", "intents.faults")
# What the Lambda python runtimes provide and the zips leave out (test_template.py LEFT_TO_THE_RUNTIME), by module
RUNTIME_MODULES = ("boto3", "botocore", "s3transfer", "urllib3", "dateutil", "six")

# Imports the given modules with sys.path = [the unzipped zip, the runtime's boto3 and co] and the standard library
# (python -S: no site-packages), then says where each loaded module came from
PROBE = """
import importlib, json, os, sys
zip_dir, runtime_dir = sys.argv[1], sys.argv[2]
sys.path[:0] = [zip_dir, runtime_dir]
for name in sys.argv[3:]:
    importlib.import_module(name)
def where(module):
    file = getattr(module, "__file__", None) or ""
    if file.startswith(zip_dir + os.sep):
        return "zip"
    if file.startswith(runtime_dir + os.sep):
        return "runtime"
    if not file or file.startswith(sys.base_prefix + os.sep):
        return "stdlib"
    return file
print(json.dumps({name: where(module) for name, module in list(sys.modules.items())}))
"""


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Packaged:
    return package("prod", tmp_path_factory)


@pytest.fixture(scope="module")
def oauth(tmp_path_factory: pytest.TempPathFactory) -> Packaged:
    return package("prod", tmp_path_factory, {"slackMode": "oauth"})  # shared with test_oauth_template.py


def names_in(artifact: Path) -> set[str]:
    with zipfile.ZipFile(artifact) as archive:
        return {name for name in archive.namelist() if not name.endswith("/")}


def shipped_files(modules: dict[str, Path]) -> set[str]:
    """The zip entries of our modules: each source and its bytecode for the runtime."""
    files = set()
    for source in modules.values():
        relative = source.relative_to(ROOT)
        files |= {relative.as_posix(), (relative.parent / "__pycache__" / f"{relative.stem}{BYTECODE}").as_posix()}
    return files


def ingress_imports() -> dict[str, Path]:
    """Our modules the ingress imports, found by importing it (in a process of its own, from the sources)."""
    probe = ("import importlib, json, sys\n"
             f"for name in {list(INGRESS_ENTRIES)!r}:\n    importlib.import_module(name)\n"
             "print(json.dumps({name: module.__file__ for name, module in list(sys.modules.items())\n"
             "                  if name.split('.')[0] in ('bot', 'intents')}))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env={"PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, timeout=60, check=True)
    return {name: Path(file) for name, file in json.loads(result.stdout.strip().splitlines()[-1]).items()}


def handler_module(packaged: Packaged, function: str) -> str:
    handler = packaged.template["Resources"][f"{function.capitalize()}LambdaFunction"]["Properties"]["Handler"]
    return handler.rsplit(".", 1)[0].replace("/", ".")


def runtime_provided(directory: Path) -> Path:
    """A directory holding (links to) the .venv's boto3 and what it needs: what the Lambda runtime provides."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_MODULES:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin, name
        origin = Path(spec.origin)
        target = origin.parent if origin.name == "__init__.py" else origin
        link = directory / target.name
        if not link.exists():
            link.symlink_to(target, target_is_directory=target.is_dir())
    return directory


def python_for(runtime: str) -> str | None:
    """A python for a Lambda runtime (`python3.13`): the venv's when it is that one, else on PATH or pyenv's."""
    version = runtime.removeprefix("python")
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        return sys.executable
    candidates = [shutil.which(runtime)]
    pyenv = shutil.which("pyenv")
    if pyenv:
        root = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False).stdout.strip()
        if root:
            candidates += [str(path) for path in sorted(Path(root).glob(f"versions/{version}*/bin/{runtime}"))]
    for candidate in filter(None, candidates):
        if subprocess.run([candidate, "-c", "pass"], capture_output=True, check=False).returncode == 0:
            return candidate
    return None


def import_from_zip(artifact: Path, modules: tuple[str, ...], workdir: Path, python: str) -> dict[str, str]:
    """Where each module loaded by importing `modules` from the unzipped artifact came from."""
    unzipped = workdir / artifact.stem
    with zipfile.ZipFile(artifact) as archive:
        archive.extractall(unzipped)
    runtime_dir = runtime_provided(workdir / "runtime")
    # what a Lambda function has in its environment when it imports its handler (nothing of ours is read at import)
    env = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1", "AWS_REGION": "us-east-1",
           "AWS_DEFAULT_REGION": "us-east-1", "LAMBDA_TASK_ROOT": str(unzipped)}
    result = subprocess.run([python, "-S", "-c", PROBE, str(unzipped), str(runtime_dir), *modules], cwd=unzipped,
                            env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, f"importing {modules} from {artifact.name}:\n{result.stderr[-3000:]}"
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- one zip each; the ingress's -------------------------------------------------------------------------------------


def test_each_function_has_a_zip_of_its_own(prod: Packaged) -> None:
    assert set(prod.artifacts) == {"slack", "worker", "lex", "workflows"}
    assert {name: path.name for name, path in prod.artifacts.items()} == {
        name: f"{name}.zip" for name in prod.artifacts}
    assert all(path.exists() for path in prod.artifacts.values())


def test_the_slack_zip_holds_what_the_ingress_imports_and_nothing_else(prod: Packaged) -> None:
    imported = ingress_imports()
    assert {"bot.ingress.handler", "bot.ingress.interactive", "intents", "bot.conversation.registry"} <= set(imported)
    names = names_in(prod.artifacts["slack"])
    # each module the ingress imports, its source and its bytecode; and nothing more: no requirements.txt, no
    # dist-info, no third-party package, none of our modules it does not import
    missing = shipped_files(imported) - names
    assert not missing, f"add them to the slack function's package.patterns (serverless.yml): {sorted(missing)}"
    extra = names - shipped_files(imported)
    assert not extra, f"the ingress does not import these: {sorted(extra)}"


def test_no_module_in_the_slack_zip_imports_a_third_party_package_or_one_of_ours_it_lacks(prod: Packaged) -> None:
    """Read from the sources, lazy imports included: a request path cannot reach past the zip (but into the
    engine, which the ingress never runs)."""
    names = names_in(prod.artifacts["slack"])
    reached: dict[str, Path] = {}
    for entry in INGRESS_ENTRIES:
        reached |= reachable(ROOT, entry, stop=INGRESS_NEVER_RUNS + STAY_HOME)
    assert not shipped_files(reached) - names, sorted(shipped_files(reached) - names)
    assert third_party(ROOT, reached, frozenset(sys.stdlib_module_names)) == INGRESS_LAZY_THIRD_PARTY


def test_a_choice_not_found_as_written_in_a_submitted_form_is_answered_from_the_slack_zip(prod: Packaged,
                                                                                           tmp_path: Path) -> None:
    """A form opened before a deploy that renamed a choice comes back with a value the slot no longer has: the
    ingress checks it (form_errors, inside Slack's 3 s) and must say what is wrong, not fail."""
    unzipped = tmp_path / "slack"
    with zipfile.ZipFile(prod.artifacts["slack"]) as archive:
        archive.extractall(unzipped)
    probe = ("import sys; sys.path.insert(0, sys.argv[1])\n"
             "import bot.ingress.interactive\n"
             "from bot.conversation import registry\n"
             "from bot.channels.slack.forms import form_errors\n"
             "print(form_errors(registry.get('open_ticket'), {'topic': 'the printer', 'priority': 'hihg'}))")
    result = subprocess.run([sys.executable, "-S", "-c", probe, str(unzipped)], cwd=unzipped,
                            env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr[-2000:]


def test_the_ingress_imports_from_its_zip_with_the_standard_library_alone(prod: Packaged, tmp_path: Path) -> None:
    loaded = import_from_zip(prod.artifacts["slack"], INGRESS_ENTRIES, tmp_path, sys.executable)
    assert {name for name, origin in loaded.items() if origin not in ("zip", "stdlib")} == set()
    assert {name for name, origin in loaded.items() if origin == "zip"} == set(ingress_imports())


# --- every function ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("function", ["slack", "worker", "lex", "workflows"])
def test_each_zip_holds_the_code_its_handler_can_import(prod: Packaged, function: str) -> None:
    """Every module of ours the handler's import statements reach (lazy ones too), with its bytecode."""
    stop = STAY_HOME + (INGRESS_NEVER_RUNS if function == "slack" else ())
    reached = reachable(ROOT, handler_module(prod, function), stop=stop)
    missing = shipped_files(reached) - names_in(prod.artifacts[function])
    assert not missing, f"add them to the {function} function's package.patterns (serverless.yml): {sorted(missing)}"


@pytest.mark.parametrize("function", ["worker", "lex", "workflows"])
def test_each_handler_imports_from_its_zip_and_the_runtimes_boto3(prod: Packaged, function: str,
                                                                   tmp_path: Path) -> None:
    runtime = prod.template["Resources"][f"{function.capitalize()}LambdaFunction"]["Properties"]["Runtime"]
    python = python_for(runtime)
    if python is None:
        pytest.skip(f"no {runtime} here to import the {function} handler with")
    loaded = import_from_zip(prod.artifacts[function], (handler_module(prod, function),), tmp_path, python)
    assert {name: origin for name, origin in loaded.items() if origin not in ("zip", "runtime", "stdlib")} == {}
    assert [name for name, origin in loaded.items() if origin == "runtime" and name.split(".")[0] not in
            RUNTIME_MODULES] == []


@pytest.mark.parametrize("function", ["slack", "worker", "lex", "workflows"])
def test_our_code_ships_compiled_for_the_runtime_and_for_no_other_python(prod: Packaged, function: str) -> None:
    """Lambda cannot write bytecode: without it each cold start compiles what it imports (the workflows function,
    python3.13, does so: its zip is built for python3.12 as the others', serverless.yml)."""
    with zipfile.ZipFile(prod.artifacts[function]) as archive:
        ours = {name: archive.read(name) for name in archive.namelist() if name.startswith(("bot/", "intents/"))}
    sources = {name for name in ours if name.endswith(".py")}
    compiled = {name for name in ours if name.endswith(".pyc")}
    assert sources and compiled == {f"{Path(name).parent}/__pycache__/{Path(name).stem}{BYTECODE}" for name in sources}
    if sys.version_info[:2] == (3, 12):  # the runtime's bytecode: its magic number
        assert {ours[name][:4] for name in compiled} == {importlib.util.MAGIC_NUMBER}
    recogniser = {name for name in ours if name.endswith(".pickle")}  # test_the_worker_and_the_lex_hook_carry_...
    assert set(ours) == sources | compiled | recogniser, sorted(set(ours) - sources - compiled - recogniser)


def test_the_requirements_are_in_every_zip_but_the_slack_one(prod: Packaged) -> None:
    for function, artifact in prod.artifacts.items():
        names = names_in(artifact)
        has_requirements = "requirements.txt" in names and any(name.startswith("pydantic/") for name in names)
        assert has_requirements is (function != "slack"), function
    assert os.path.getsize(prod.artifacts["slack"]) < 1024 * 1024  # a few hundred KB, against megabytes


def test_in_oauth_mode_the_oauth_zip_holds_its_handlers_code_and_the_slack_zip_stays_stdlib_only(
        oauth: Packaged, tmp_path: Path) -> None:
    module = handler_module(oauth, "oauth")
    missing = shipped_files(reachable(ROOT, module, stop=STAY_HOME)) - names_in(oauth.artifacts["oauth"])
    assert not missing, f"add them to the oauth function's package.patterns (slack-modes/oauth.yml): {sorted(missing)}"
    loaded = import_from_zip(oauth.artifacts["oauth"], (module,), tmp_path / "oauth", sys.executable)
    assert {name: origin for name, origin in loaded.items() if origin not in ("zip", "runtime", "stdlib")} == {}
    loaded = import_from_zip(oauth.artifacts["slack"], INGRESS_ENTRIES, tmp_path / "slack", sys.executable)
    assert {name for name, origin in loaded.items() if origin not in ("zip", "stdlib")} == set()


@pytest.mark.parametrize("function", ["worker", "lex"])
def test_the_worker_and_the_lex_hook_carry_the_recogniser_packaging_built(prod: Packaged, function: str) -> None:
    """Built from today's sources (its name is their fingerprint), so their first turn loads it instead of building
    it (bot/conversation/recogniser_cache.py); and none is left in the working tree."""
    from bot.conversation import recogniser_cache

    pickled = sorted(name for name in names_in(prod.artifacts[function]) if name.endswith(".pickle"))
    assert pickled == [f"bot/conversation/__pycache__/{recogniser_cache.cache_file().name}"]
    assert not list(recogniser_cache.CACHE_DIR.glob("recogniser.*.pickle"))
