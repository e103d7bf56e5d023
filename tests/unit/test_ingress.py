"""The ack path, driven with API Gateway HTTP API events and an in-process queue fake."""

import io
import json
import time
from urllib.parse import urlencode

import pytest

from bot.aws.errors import AwsCallFailed
from bot.aws.sqs import SendFailed
from bot.ingress.config import IngressConfig
from bot.ingress.handler import SlackIngress
from bot.ingress.log import JsonLog
from bot.local.slack_events import http_api_event, message_event, signed_request
from bot.observability.metrics import is_metrics_line
from bot.queue.job import Job
from bot.stores.markers import MemoryMarkers
from tests.conftest import load_event

SECRET = "unit-test-signing-secret"
QUEUE = "http://127.0.0.1:1/123456789012/parley-unit-jobs"


class RecordingQueue:
    def __init__(self, error: SendFailed | None = None) -> None:
        self.sent: list[tuple[str, str]] = []
        self.error = error

    def send_message(self, queue_url: str, body: str, *, deadline: float | None = None) -> str:
        if self.error:
            raise self.error
        self.sent.append((queue_url, body))
        return f"msg-{len(self.sent)}"


class CountingMarkers(MemoryMarkers):
    """The dedup table's markers in memory, counting the ingress's reads."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: list[str] = []

    def queued_before(self, key: str, *, deadline: float | None = None) -> bool:
        self.reads.append(key)
        return super().queued_before(key)


def key_of(event: dict) -> str:
    """The dedup key of one of slack_events' Events API envelopes."""
    return f"slack:-:{event['team_id']}:{event['event_id']}"


class Context:
    function_name = "parley-unit-slack"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:parley-unit-slack"
    aws_request_id = "req-1"


@pytest.fixture
def logs() -> io.StringIO:
    return io.StringIO()


@pytest.fixture
def queue() -> RecordingQueue:
    return RecordingQueue()


@pytest.fixture
def markers() -> CountingMarkers:
    return CountingMarkers()


def build(queue: object, logs: io.StringIO, markers: MemoryMarkers | None = None) -> SlackIngress:
    return SlackIngress(IngressConfig(SECRET, QUEUE, 4096, "local-unit"), queue,  # type: ignore[arg-type]
                        CountingMarkers() if markers is None else markers, JsonLog(stream=logs))


@pytest.fixture
def ingress(queue: RecordingQueue, logs: io.StringIO, markers: CountingMarkers) -> SlackIngress:
    return build(queue, logs, markers)


def call(ingress: SlackIngress, payload: dict | str, **kwargs) -> dict:
    base64_body = kwargs.pop("base64_body", False)
    body, headers = signed_request(payload, kwargs.pop("secret", SECRET), **kwargs)
    return ingress(http_api_event(body, headers, base64_body=base64_body), Context())


def log_lines(logs: io.StringIO) -> list[dict]:
    return [line for line in map(json.loads, logs.getvalue().splitlines()) if not is_metrics_line(line)]


def test_a_message_is_queued_then_acknowledged(ingress: SlackIngress, queue: RecordingQueue) -> None:
    event = load_event("event_message_im.json")
    answer = call(ingress, event)
    assert answer["statusCode"] == 200
    assert answer["body"] == ""
    assert answer["headers"]["x-parley-correlation-id"] == "Ev0PV52K21"
    [(url, text)] = queue.sent
    job = Job.from_json(text)
    assert url == QUEUE
    assert job.id == "Ev0PV52K21"
    assert json.loads(job.slack.body) == event
    assert job.slack.content_type == "application/json"


def test_a_base64_body_is_decoded_before_verifying(ingress: SlackIngress, queue: RecordingQueue) -> None:
    assert call(ingress, message_event("hello"), base64_body=True)["statusCode"] == 200
    assert len(queue.sent) == 1


def test_retries_are_queued_with_their_retry_headers(ingress: SlackIngress, queue: RecordingQueue) -> None:
    call(ingress, message_event("hello"), retry_num=2)
    job = Job.from_json(queue.sent[0][1])
    assert job.slack.retry_num == 2
    assert job.slack.headers["x-slack-retry-reason"] == "http_timeout"


def test_url_verification_is_answered_at_once(ingress: SlackIngress, queue: RecordingQueue) -> None:
    answer = call(ingress, load_event("url_verification.json"))
    assert answer["statusCode"] == 200
    assert json.loads(answer["body"])["challenge"] == load_event("url_verification.json")["challenge"]
    assert answer["headers"]["content-type"] == "application/json"
    assert queue.sent == []


def test_ssl_check_gets_an_empty_200(ingress: SlackIngress, queue: RecordingQueue) -> None:
    answer = call(ingress, urlencode(load_event("ssl_check.json")))
    assert (answer["statusCode"], answer["body"], queue.sent) == (200, "", [])


@pytest.mark.parametrize("name", ["event_message_bot.json", "event_message_changed.json",
                                  "event_message_deleted.json"])
def test_own_posts_and_edits_are_acknowledged_and_dropped(ingress: SlackIngress, queue: RecordingQueue,
                                                          name: str) -> None:
    assert call(ingress, load_event(name))["statusCode"] == 200
    assert queue.sent == []


def test_commands_are_queued_with_an_empty_ack(ingress: SlackIngress, queue: RecordingQueue) -> None:
    answer = call(ingress, urlencode(load_event("command_slash.json")))
    assert (answer["statusCode"], answer["body"]) == (200, "")
    assert Job.from_json(queue.sent[0][1]).slack.content_type == "application/x-www-form-urlencoded"


def test_bad_signature_is_401_and_queues_nothing(ingress: SlackIngress, queue: RecordingQueue,
                                                 logs: io.StringIO) -> None:
    answer = call(ingress, message_event("hello"), secret="not-the-secret")
    assert answer["statusCode"] == 401
    assert json.loads(answer["body"]) == {"error": "invalid request signature"}
    assert queue.sent == []
    assert log_lines(logs)[-1]["reason"] == "signature mismatch"


def test_stale_timestamp_is_401(ingress: SlackIngress, queue: RecordingQueue) -> None:
    answer = call(ingress, message_event("hello"), timestamp=int(time.time()) - 301)
    assert answer["statusCode"] == 401
    assert queue.sent == []


def test_missing_signature_is_401(ingress: SlackIngress, queue: RecordingQueue) -> None:
    body = json.dumps(message_event("hello")).encode()
    answer = ingress(http_api_event(body, {"Content-Type": "application/json"}), Context())
    assert answer["statusCode"] == 401
    assert queue.sent == []


@pytest.mark.parametrize(("body", "content_type", "status"), [
    (b"{oops", "application/json", 400),
    (b"[]", "application/json", 400),
    (b"hello", "text/plain", 415),
])
def test_malformed_signed_bodies_are_refused(ingress: SlackIngress, queue: RecordingQueue, body: bytes,
                                            content_type: str, status: int) -> None:
    from bot.local.slack_events import sign

    headers = {"Content-Type": content_type, **sign(body, SECRET)}
    assert ingress(http_api_event(body, headers), Context())["statusCode"] == status
    assert queue.sent == []


def test_invalid_base64_is_400(ingress: SlackIngress, queue: RecordingQueue) -> None:
    event = http_api_event(b"", {"Content-Type": "application/json"})
    event.update(body="***not base64***", isBase64Encoded=True)
    assert ingress(event, Context())["statusCode"] == 400


@pytest.mark.parametrize("base64_body", [False, True])
def test_oversized_body_is_413_before_anything_else(ingress: SlackIngress, queue: RecordingQueue,
                                                    base64_body: bool) -> None:
    answer = call(ingress, message_event("x" * 5000), base64_body=base64_body)
    assert answer["statusCode"] == 413
    assert queue.sent == []


def test_wrong_method_is_405(ingress: SlackIngress, queue: RecordingQueue) -> None:
    body, headers = signed_request(message_event("hello"), SECRET)
    answer = ingress(http_api_event(body, headers, method="GET"), Context())
    assert (answer["statusCode"], answer["headers"]["allow"]) == (405, "POST")


def test_failed_enqueue_is_a_5xx_so_slack_retries(logs: io.StringIO) -> None:
    failing = RecordingQueue(SendFailed("AWS.SimpleQueueService.NonExistentQueue", "gone", 400, 1))
    ingress = build(failing, logs)
    answer = call(ingress, message_event("hello"))
    assert answer["statusCode"] == 503
    assert log_lines(logs)[-1]["code"] == "AWS.SimpleQueueService.NonExistentQueue"


def test_an_unexpected_error_is_a_500_not_a_raise(logs: io.StringIO) -> None:
    class Broken:
        def send_message(self, queue_url: str, body: str, *, deadline: float | None = None) -> str:
            raise KeyError("bug")

    ingress = build(Broken(), logs)
    assert call(ingress, message_event("hello"))["statusCode"] == 500
    assert call(ingress, "garbage")["statusCode"] == 400  # and the next request is served


def test_log_lines_carry_lambda_context_and_correlation_id(ingress: SlackIngress, logs: io.StringIO) -> None:
    call(ingress, load_event("event_message_im.json"))
    [line] = log_lines(logs)
    assert line["message"] == "queued"
    assert line["correlation_id"] == "Ev0PV52K21"
    assert line["function_request_id"] == "req-1"
    assert line["cold_start"] is True
    assert {"level", "location", "timestamp", "service"} <= set(line)
    call(ingress, load_event("event_message_im.json"))
    assert log_lines(logs)[-1]["cold_start"] is False


def test_no_secret_in_any_log_line(ingress: SlackIngress, logs: io.StringIO) -> None:
    call(ingress, message_event("hello"))
    call(ingress, message_event("hello"), secret="wrong")
    call(ingress, "garbage")
    assert SECRET not in logs.getvalue()
    assert "v0=" not in logs.getvalue()  # nor signatures


def test_a_retry_of_an_event_this_sandbox_queued_is_acknowledged_and_dropped(
        ingress: SlackIngress, queue: RecordingQueue, markers: CountingMarkers, logs: io.StringIO) -> None:
    event = message_event("hello")
    assert call(ingress, event)["statusCode"] == 200
    for retry in (1, 2, 3):
        assert call(ingress, event, retry_num=retry)["statusCode"] == 200
    assert len(queue.sent) == 1
    dropped = [line for line in log_lines(logs) if line["message"] == "already queued: dropped"]
    assert [(line["found_by"], line["retry_num"]) for line in dropped] == [("sandbox", "1"), ("sandbox", "2"),
                                                                           ("sandbox", "3")]
    assert markers.reads == []  # this sandbox knew: the table was not asked


def test_a_retry_of_an_event_another_sandbox_queued_is_dropped_by_its_marker(
        queue: RecordingQueue, markers: CountingMarkers, logs: io.StringIO) -> None:
    event = message_event("hello")
    markers.mark(key_of(event), event["event_id"])  # the worker took the job another sandbox queued
    other_sandbox = build(queue, logs, markers)
    for retry in (1, 2, 3):
        assert call(other_sandbox, event, retry_num=retry)["statusCode"] == 200
    assert queue.sent == []
    assert markers.reads == [key_of(event)]  # then this sandbox remembers it too
    assert [line["found_by"] for line in log_lines(logs)] == ["marker", "sandbox", "sandbox"]


def test_a_retry_of_an_event_not_yet_seen_is_queued(ingress: SlackIngress, queue: RecordingQueue) -> None:
    event = message_event("hello")
    assert call(ingress, event, retry_num=1)["statusCode"] == 200  # the first delivery failed to queue
    assert len(queue.sent) == 1


def test_a_first_delivery_costs_no_dedup_lookup(ingress: SlackIngress, queue: RecordingQueue,
                                                markers: CountingMarkers) -> None:
    event = message_event("hello")
    markers.mark(key_of(event), "x")  # even with a marker, a request signed moments ago is not looked up
    assert call(ingress, event)["statusCode"] == 200
    assert len(queue.sent) == 1
    assert markers.reads == []


def test_an_unreadable_dedup_table_queues_the_retry(queue: RecordingQueue, logs: io.StringIO) -> None:
    class Unreadable(CountingMarkers):
        def queued_before(self, key: str, *, deadline: float | None = None) -> bool:
            raise AwsCallFailed("ResourceNotFoundException", "no table", 400, 1)

    ingress = build(queue, logs, Unreadable())
    assert call(ingress, message_event("hello"), retry_num=1)["statusCode"] == 200
    assert len(queue.sent) == 1  # fails open: the worker's idempotency drops a duplicate
    assert "dedup store unreadable: queueing anyway" in [line["message"] for line in log_lines(logs)]


def test_top_level_channel_chatter_is_dropped(ingress: SlackIngress, queue: RecordingQueue) -> None:
    assert call(ingress, message_event("lunch?", channel="C1", channel_type="channel"))["statusCode"] == 200
    assert queue.sent == []
    call(ingress, message_event("yes", channel="C1", channel_type="channel", thread_ts="1.2"))
    assert len(queue.sent) == 1  # a thread reply may continue a dialog
