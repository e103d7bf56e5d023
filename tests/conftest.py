"""Shared fixtures. Unit tests need nothing running; functional and e2e tests start real local servers."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from slack_sdk.oauth.state_store import FileOAuthStateStore

from bot.conversation import Registry, Reply, Turn, registry
from bot.local.moto import start_moto
from bot.local.processes import free_port
from bot.settings import Settings
from tests.support.oauth import MemoryInstallationStore

EVENTS = Path(__file__).parent / "events"

# Nothing in the tests may reach AWS: fake credentials, one region, no profile.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "POWERTOOLS_SERVICE_NAME": "parley",
    }
)
for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL_DYNAMODB"):
    os.environ.pop(name, None)
# A call that forgets its endpoint fails here, on a port where nothing listens, instead of leaving 127.0.0.1.
os.environ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9"


class FakeLambdaContext:
    """The Lambda context's fields the handlers read (Powertools, idempotency's in-progress expiry).

    The remaining time is the whole `timeout_seconds` on every call (a fresh invocation each time a test uses it),
    unless `counting`: then it runs down from the context's creation, as one real invocation's does.
    """

    def __init__(self, function_name: str = "parley-test", timeout_seconds: float = 60.0,
                 counting: bool = False) -> None:
        import time
        import uuid

        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = 256
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "2026/01/01/[$LATEST]test"
        self._timeout = timeout_seconds
        self._deadline = time.monotonic() + timeout_seconds if counting else None

    def get_remaining_time_in_millis(self) -> int:
        import time

        if self._deadline is None:
            return int(self._timeout * 1000)
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def load_event(name: str) -> dict:
    """A JSON fixture from tests/events/ (Slack's documented payload shapes)."""
    return json.loads((EVENTS / name).read_text())


@pytest.fixture(scope="session")
def crashing_registry() -> Registry:
    """The real intents plus `crash`, which raises as a buggy intent would."""
    import intents  # noqa: F401 - declares the real intents

    local = Registry()
    for declared in registry:
        local.add(declared)

    @local.intent("crash", description="Always fails.", examples=["crash"])
    def crash(turn: Turn) -> Reply:
        raise RuntimeError("a bug in an intent")

    return local


@contextmanager
def stage_in_moto(moto_endpoint: str, stage: str, **settings: object) -> Iterator[Settings]:
    """A stage's queues and tables in the test moto, and the environment pointed at them for the code that
    finds its resources the way it does in Lambda."""
    from bot.local.stack import create_resources, stage_resources

    create_resources(moto_endpoint, stage, stage_resources(stage))
    saved = dict(os.environ)
    os.environ.update({"PARLEY_STAGE": stage, "AWS_ENDPOINT_URL": moto_endpoint})
    try:
        yield Settings(stage=stage, aws_endpoint_url=moto_endpoint, **settings)
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="session")
def moto_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A moto server of its own for the test session, on a free port of 127.0.0.1."""
    port = free_port()
    child = start_moto(port, tmp_path_factory.mktemp("moto-logs"))
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        child.stop()


# -- the oauth function's tests (unit and functional): an installation store in memory, slack_sdk's state store -------

@pytest.fixture
def store() -> MemoryInstallationStore:
    """An empty installation store, keyed as the DynamoDB one (tests/support/oauth.py)."""
    return MemoryInstallationStore()


@pytest.fixture
def states(tmp_path: Path) -> FileOAuthStateStore:
    """slack_sdk's own state store in a fresh folder: each state once, for ten minutes."""
    return FileOAuthStateStore(expiration_seconds=600, base_dir=str(tmp_path / "states"))
