"""Issue 10's front door, in process: what an unsigned request costs, replays, one deadline per request, fail closed.

The ingress runs with in-process fakes of SSM, the dedup table and the queue that record what they were asked
and with which deadline. The same requests against the stack: tests/e2e/test_front_door.py.
"""

from __future__ import annotations

import io
import json
import threading
import time
from typing import Any
from urllib.parse import urlencode

import pytest

from bot import defaults
from bot.aws.client import AwsCallFailed
from bot.aws.sqs import SqsClient
from bot.aws.ssm import SsmClient
from bot.ingress import handler as handler_module
from bot.ingress.config import IngressConfig
from bot.ingress.handler import SlackIngress
from bot.ingress.log import JsonLog
from bot.ingress.secrets import Secrets
from bot.local.slack_events import http_api_event, message_event, signed_request
from bot.observability.metrics import is_metrics_line
from bot.queue.job import Job
from tests.conftest import load_event

SECRET = "front-door-signing-secret"
TOKEN = "xoxb-front-door"
SIGNING_PARAM = "/parley/local-unit/slack/signing-secret"
TOKEN_PARAM = "/parley/local-unit/slack/bot-token"
QUEUE = "http://127.0.0.1:9/123456789012/parley-local-unit-jobs"
NOWHERE = "http://127.0.0.1:9/api/"  # views.open finds nobody listening, at once


class FakeSsm(SsmClient):
    """SSM Parameter Store in memory, recording every GetParameter and its deadline."""

    def __init__(self, error: AwsCallFailed | None = None, delay: float = 0.0) -> None:
        super().__init__(endpoint_url="http://127.0.0.1:9")
        self.values = {SIGNING_PARAM: SECRET, TOKEN_PARAM: TOKEN}
        self.error = error
        self.delay = delay
        self.calls: list[tuple[str, float | None]] = []
        self._lock = threading.Lock()

    def get_parameter(self, name: str, *, deadline: float | None = None) -> str:
        with self._lock:
            self.calls.append((name, deadline))
        time.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return self.values[name]

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


class FakeQueue:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self.deadlines: list[float | None] = []

    def send_message(self, queue_url: str, body: str, *, deadline: float | None = None) -> str:
        self.sent.append(body)
        self.deadlines.append(deadline)
        return f"m-{len(self.sent)}"

    def jobs(self) -> list[Job]:
        return [Job.from_json(body) for body in self.sent]


class FakeMarkers:
    """The dedup table: the keys the worker marked, and every read the ingress made."""

    def __init__(self, *marked: str) -> None:
        self.marked = set(marked)
        self.reads: list[tuple[str, float | None]] = []

    def queued_before(self, key: str, *, deadline: float | None = None) -> bool:
        self.reads.append((key, deadline))
        return key in self.marked

    def mark(self, key: str, correlation_id: str, *, deadline: float | None = None) -> None:
        self.marked.add(key)


class Context:
    function_name = "parley-local-unit-slack"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:parley-local-unit-slack"
    aws_request_id = "req-front-door"

    def __init__(self, remaining_ms: int = 6000) -> None:
        self.ends_at = time.monotonic() + remaining_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.ends_at - time.monotonic()) * 1000))


class Door:
    """One sandbox's ingress and the fakes behind it."""

    def __init__(self, ssm: FakeSsm | None = None, markers: FakeMarkers | None = None) -> None:
        self.ssm = ssm or FakeSsm()
        self.markers = markers or FakeMarkers()
        self.queue = FakeQueue()
        self.logs = io.StringIO()
        config = IngressConfig("the-env-value-must-not-be-used", QUEUE, 100_000, "local-unit",
                               signing_secret_param=SIGNING_PARAM, bot_token_param=TOKEN_PARAM,
                               slack_api_url=NOWHERE)
        self.ingress = SlackIngress(config, self.queue, self.markers, JsonLog(stream=self.logs),  # type: ignore[arg-type]
                                    Secrets(config, self.ssm))

    def send(self, body: bytes, headers: dict[str, str], context: Any = None) -> dict[str, Any]:
        return self.ingress(http_api_event(body, headers), context or Context())

    def signed(self, payload: dict[str, Any] | str, context: Any = None, **kwargs: Any) -> dict[str, Any]:
        body, headers = signed_request(payload, SECRET, **kwargs)
        return self.send(body, headers, context)

    def log_lines(self) -> list[dict[str, Any]]:
        return [line for line in map(json.loads, self.logs.getvalue().splitlines()) if not is_metrics_line(line)]


def form(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


# --- unsigned requests never reach SSM --------------------------------------------------------------

def test_thirty_requests_without_signature_headers_are_refused_without_an_ssm_call() -> None:
    door = Door()
    body = json.dumps(message_event("hello")).encode()
    answers = [door.send(body, {"Content-Type": "application/json"}) for _ in range(30)]
    assert [answer["statusCode"] for answer in answers] == [401] * 30
    assert door.ssm.calls == []
    assert door.signed(message_event("hello"))["statusCode"] == 200  # the fake does count: a signed one fetches
    assert door.ssm.names() == [SIGNING_PARAM]


@pytest.mark.parametrize(("headers", "reason"), [
    ({"X-Slack-Request-Timestamp": "1700000000"}, "missing signature headers"),
    ({"X-Slack-Signature": "v0=" + "0" * 64}, "missing signature headers"),
    ({"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=" + "0" * 64}, "malformed timestamp"),
    ({"X-Slack-Request-Timestamp": "NOW", "X-Slack-Signature": "v0=forged"}, "malformed signature"),
    ({"X-Slack-Request-Timestamp": "NOW", "X-Slack-Signature": "v1=" + "0" * 64}, "malformed signature"),
    ({"X-Slack-Request-Timestamp": "1700000000", "X-Slack-Signature": "v0=" + "0" * 64}, "stale timestamp"),
])
def test_malformed_or_stale_headers_are_refused_without_an_ssm_call(headers: dict[str, str], reason: str) -> None:
    door = Door()
    headers = {"Content-Type": "application/json",
               **{name: value.replace("NOW", str(int(time.time()))) for name, value in headers.items()}}
    for _ in range(10):
        assert door.send(json.dumps(message_event("hello")).encode(), headers)["statusCode"] == 401
    assert door.ssm.calls == []
    assert {line["reason"] for line in door.log_lines()} == {reason}


def test_a_failed_secret_fetch_is_remembered_briefly() -> None:
    door = Door(FakeSsm(error=AwsCallFailed("ThrottlingException", "slow down", 400, 3)))
    answers = [door.signed(message_event(f"hello {number}"))["statusCode"] for number in range(10)]
    assert answers == [503] * 10  # Slack retries each; nothing is lost
    assert door.ssm.names() == [SIGNING_PARAM]  # one call, not ten
    assert {line["code"] for line in door.log_lines()} == {"ThrottlingException"}


def test_after_a_failure_is_forgotten_the_secret_is_fetched_again() -> None:
    ssm = FakeSsm(error=AwsCallFailed("ThrottlingException", "slow down", 400, 3))
    config = IngressConfig("unused", QUEUE, 100_000, "local-unit", signing_secret_param=SIGNING_PARAM)
    secrets = Secrets(config, ssm, failure_ttl=0.05)
    for _ in range(2):
        with pytest.raises(AwsCallFailed):
            secrets.signing_secret()
    assert len(ssm.calls) == 1
    time.sleep(0.06)
    ssm.error = None
    assert (secrets.signing_secret(), secrets.signing_secret()) == (SECRET, SECRET)
    assert len(ssm.calls) == 2


def test_one_fetch_at_a_time_per_sandbox() -> None:
    ssm = FakeSsm(delay=0.3)
    config = IngressConfig("unused", QUEUE, 100_000, "local-unit", signing_secret_param=SIGNING_PARAM)
    secrets = Secrets(config, ssm)
    found: list[str] = []
    threads = [threading.Thread(target=lambda: found.append(secrets.signing_secret())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == [SECRET] * 4
    assert ssm.names() == [SIGNING_PARAM]


def test_a_request_waiting_for_another_fetch_gives_up_at_its_deadline() -> None:
    ssm = FakeSsm(delay=0.5)
    config = IngressConfig("unused", QUEUE, 100_000, "local-unit", signing_secret_param=SIGNING_PARAM)
    secrets = Secrets(config, ssm)
    first = threading.Thread(target=secrets.signing_secret)
    first.start()
    time.sleep(0.05)
    started = time.monotonic()
    with pytest.raises(AwsCallFailed) as waited:
        secrets.signing_secret(time.monotonic() + 0.1)
    assert waited.value.code == "DeadlineExceeded"
    assert time.monotonic() - started < 0.3
    first.join()


# --- replays inside the five minutes are not queued again -------------------------------------------

def test_the_same_signed_request_sent_again_is_queued_once() -> None:
    door = Door()
    body, headers = signed_request(message_event("roll 6"), SECRET)
    assert [door.send(body, headers)["statusCode"] for _ in range(5)] == [200] * 5
    assert len(door.queue.sent) == 1  # no retry header: a replay, not Slack's retry
    assert door.markers.reads == []  # this sandbox knew without asking the table


def test_an_old_signed_request_replayed_to_another_sandbox_is_dropped_by_its_marker() -> None:
    event = message_event("roll 6")
    key = f"slack:-:{event['team_id']}:{event['event_id']}"
    body, headers = signed_request(event, SECRET, timestamp=int(time.time()) - 60)  # captured a minute ago
    other_sandbox = Door(markers=FakeMarkers(key))  # the worker took the job the first sandbox queued
    assert other_sandbox.send(body, headers)["statusCode"] == 200
    assert other_sandbox.queue.sent == []
    assert [read for read, _ in other_sandbox.markers.reads] == [key]


def test_an_old_request_without_a_marker_is_queued_after_one_read() -> None:
    door = Door()
    assert door.signed(message_event("roll 6"), timestamp=int(time.time()) - 60)["statusCode"] == 200
    assert len(door.queue.sent) == 1
    assert len(door.markers.reads) == 1


def test_a_replayed_command_is_queued_once() -> None:
    door = Door()
    body, headers = signed_request(urlencode(load_event("command_slash.json")), SECRET)
    for _ in range(3):
        assert door.send(body, headers)["statusCode"] == 200
    assert len(door.queue.sent) == 1


@pytest.mark.parametrize(("payload", "key"), [
    ({**message_event("hi", event_id="Ev1"), "team_id": "T1", "enterprise_id": "E1"}, "slack:E1:T1:Ev1"),
    ({**message_event("hi", event_id="Ev1"), "team_id": "T2"}, "slack:-:T2:Ev1"),
    (urlencode(load_event("command_slash.json")), "slack:E0001:T0001:13345224609.738474920.8088930838d88f008e0"),
    (form(load_event("interactive_block_actions.json")),
     "slack:-:T9TK3CUKW:12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3"),
    (form({**load_event("interactive_block_actions.json"), "enterprise": {"id": "E9"}}),
     "slack:E9:T9TK3CUKW:12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3"),
])
def test_the_dedup_key_carries_the_workspace(payload: dict[str, Any] | str, key: str) -> None:
    door = Door()
    assert door.signed(payload)["statusCode"] == 200
    [job] = door.queue.jobs()
    assert job.dedup_key == key  # the worker's idempotency key, and the marker's


def test_the_same_event_id_in_two_workspaces_is_two_requests() -> None:
    door = Door()
    for team in ("T1", "T2"):
        assert door.signed({**message_event("hi", event_id="Ev1"), "team_id": team})["statusCode"] == 200
    assert [job.dedup_key for job in door.queue.jobs()] == ["slack:-:T1:Ev1", "slack:-:T2:Ev1"]


# --- one deadline per request -----------------------------------------------------------------------

def test_every_call_of_a_request_gets_its_one_deadline() -> None:
    door = Door()
    before = time.monotonic()
    assert door.signed(message_event("hello"), retry_num=1)["statusCode"] == 200  # a retry: the marker is read
    after = time.monotonic()
    [(_, ssm_deadline)] = door.ssm.calls
    [(_, marker_deadline)] = door.markers.reads
    [queue_deadline] = door.queue.deadlines
    assert ssm_deadline == marker_deadline == queue_deadline
    assert queue_deadline is not None and before + 2.5 <= queue_deadline <= after + 2.5  # Slack's 3 s, less 0.5


def test_the_deadline_leaves_the_lambda_time_to_answer() -> None:
    door = Door()
    context = Context(remaining_ms=1000)
    assert door.signed(message_event("hello"), context)["statusCode"] == 200
    [deadline] = door.queue.deadlines
    assert deadline is not None and deadline <= context.ends_at - 0.1  # the margin to answer


def test_no_time_left_for_the_queue_is_a_503_not_a_late_200() -> None:
    class SlowSsm(FakeSsm):
        def get_parameter(self, name: str, *, deadline: float | None = None) -> str:
            time.sleep(0.3)
            return super().get_parameter(name, deadline=deadline)

    class DeadlineQueue(FakeQueue):
        def send_message(self, queue_url: str, body: str, *, deadline: float | None = None) -> str:
            from bot.aws.sqs import SendFailed

            if deadline is not None and deadline <= time.monotonic():
                raise SendFailed("DeadlineExceeded", "no time left", None, 0)
            return super().send_message(queue_url, body, deadline=deadline)

    door = Door(SlowSsm())
    door.queue = DeadlineQueue()
    door.ingress.queue = door.queue  # type: ignore[assignment]
    answer = door.signed(message_event("hello"), Context(remaining_ms=450))  # 0.25 s left after the margin
    assert answer["statusCode"] == 503
    assert door.queue.sent == []


def test_forms_and_menus_fetch_no_bot_token() -> None:
    door = Door()
    submission = load_event("interactive_view_submission.json")
    suggestion = load_event("interactive_block_suggestion.json")
    for payload in (submission, suggestion):
        assert door.signed(form(payload))["statusCode"] == 200
    assert TOKEN_PARAM not in door.ssm.names()
    assert door.signed(form(load_event("interactive_shortcut.json")))["statusCode"] == 200  # views.open needs it
    assert door.ssm.names().count(TOKEN_PARAM) == 1


def test_a_shortcut_without_its_bot_token_is_a_503() -> None:
    class NoToken(FakeSsm):
        def get_parameter(self, name: str, *, deadline: float | None = None) -> str:
            if name == TOKEN_PARAM:
                raise AwsCallFailed("ParameterNotFound", "", 400, 1)
            return super().get_parameter(name, deadline=deadline)

    door = Door(NoToken())
    answer = door.signed(form(load_event("interactive_shortcut.json")))
    assert answer["statusCode"] == 503
    assert door.log_lines()[-1]["code"] == "ParameterNotFound"


# --- fail closed ------------------------------------------------------------------------------------

@pytest.fixture
def fresh_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Lambda entry point as a new sandbox meets it: nothing built yet."""
    monkeypatch.setattr(handler_module, "_ingress", None)
    for name in ("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET_PARAM", "SLACK_BOT_TOKEN_PARAM",
                 "PARLEY_QUEUE_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PARLEY_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/210987654321/parley-dev-jobs")


def test_a_deployed_stage_without_its_secrets_refuses_to_serve(fresh_handler: None, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PARLEY_STAGE", "dev")
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    # signed with the local secret, which anyone can read in this repository
    body, headers = signed_request(message_event("hello"), defaults.LOCAL_SIGNING_SECRET)
    for _ in range(2):
        answer = handler_module.handler(http_api_event(body, headers), Context())
        assert (answer["statusCode"], json.loads(answer["body"])) == (503, {"error": "misconfigured"})
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["level"] for line in lines] == ["ERROR", "ERROR"]  # said on every request, never raised
    assert "stage 'dev' has no SLACK_SIGNING_SECRET: set SLACK_SIGNING_SECRET_PARAM" in lines[0]["detail"]


def test_a_deployed_stage_with_a_plain_http_endpoint_refuses_to_serve(fresh_handler: None,
                                                                     monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PARLEY_STAGE", "dev")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    body, headers = signed_request(message_event("hello"), SECRET)
    answer = handler_module.handler(http_api_event(body, headers), Context())
    assert (answer["statusCode"], json.loads(answer["body"])) == (503, {"error": "misconfigured"})
    assert "is plain http, which only local stages may use" in capsys.readouterr().out


@pytest.mark.parametrize("variable", ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SQS"])
def test_the_lean_clients_refuse_plain_http_outside_local_stages(variable: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(variable, "http://127.0.0.1:9")
    monkeypatch.setenv("PARLEY_STAGE", "prod")
    with pytest.raises(ValueError, match="plain http"):
        SqsClient()
    with pytest.raises(ValueError, match="plain http"):
        SqsClient(stage="dev", endpoint_url="http://127.0.0.1:9")
    assert SqsClient(stage="local-unit").endpoint_url == "http://127.0.0.1:9"
    monkeypatch.setenv("PARLEY_STAGE", "local-unit")
    assert SqsClient().endpoint_url == "http://127.0.0.1:9"
