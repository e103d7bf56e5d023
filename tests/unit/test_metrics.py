"""The metrics' names, dimensions and EMF lines: what CloudWatch Logs will turn into metrics.

The EMF specification's rules checked here: `_aws.CloudWatchMetrics` directives with a namespace, dimension sets
(at most 30 dimensions each) that name members of the root holding strings, metric definitions whose values are
numbers (or arrays of numbers) on the root, at most 100 metrics a directive.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from bot.aws.sqs import SqsClient, trace_header
from bot.ingress.config import IngressConfig
from bot.ingress.handler import SlackIngress
from bot.ingress.log import JsonLog
from bot.local.slack_events import http_api_event, message_event, signed_request
from bot.observability import metrics
from bot.stores.markers import MemoryMarkers
from tests.unit.test_ingress import QUEUE, SECRET, Context, RecordingQueue

UNITS = {"Count", "Milliseconds", "None", "Seconds"}


def check_emf(document: dict[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    """The (metric, dimension set) pairs of a valid EMF document; AssertionError for an invalid one."""
    aws = document["_aws"]
    assert isinstance(aws["Timestamp"], int)
    found = []
    for directive in aws["CloudWatchMetrics"]:
        assert directive["Namespace"] == metrics.NAMESPACE
        assert len(directive["Metrics"]) <= 100
        for dimension_set in directive["Dimensions"]:
            assert 0 < len(dimension_set) <= 30
            assert all(isinstance(document[name], str) and document[name] for name in dimension_set)
        for metric in directive["Metrics"]:
            assert metric["Unit"] in UNITS
            value = document[metric["Name"]]  # a number, or (as Powertools writes) an array of up to 100 numbers
            assert isinstance(value, int | float) or (0 < len(value) <= 100 and all(
                isinstance(each, int | float) for each in value))
            found += [(metric["Name"], tuple(each)) for each in directive["Dimensions"]]
    return found


def test_every_metric_has_a_unit_and_few_dimensions() -> None:
    for name, (unit, dimensions) in metrics.METRICS.items():
        assert unit in UNITS, name
        assert dimensions[:3] == metrics.BASE, name
        assert len(dimensions) <= 6, name  # few: each distinct combination is a billed custom metric
        assert not {"user", "team", "text", "correlation_id", "channel_id"} & set(dimensions), name


def test_a_document_groups_metrics_by_their_dimension_sets() -> None:
    base = {"service": "parley", "stage": "dev", "function": "slack"}
    document = metrics.emf_document({metrics.REQUESTS: 1, metrics.ACK_DURATION: 1.25},
                                    {**base, "kind": "command", "verdict": "queued"}, timestamp_ms=1,
                                    extra={"correlation_id": "Ev1"})
    assert sorted(check_emf(document)) == [(metrics.ACK_DURATION, metrics.BASE),
                                           (metrics.REQUESTS, (*metrics.BASE, "kind", "verdict"))]
    assert document["correlation_id"] == "Ev1" and document["AckDuration"] == 1.25
    assert metrics.is_metrics_line(document) and not metrics.is_metrics_line({"message": "queued"})
    on_a_step = {"message": "queued", "kind": "command", **document}
    assert metrics.carries_metrics(on_a_step) and not metrics.is_metrics_line(on_a_step)
    assert metrics.without_metrics(on_a_step) == {"message": "queued", "kind": "command", "verdict": "queued",
                                                  "service": "parley", "correlation_id": "Ev1"}


def test_a_metric_without_its_dimensions_is_refused() -> None:
    with pytest.raises(KeyError, match="verdict"):
        metrics.emf_document({metrics.REQUESTS: 1}, {"service": "p", "stage": "s", "function": "f", "kind": "k"})


@pytest.mark.parametrize(("kind", "outcome", "expected"), [
    ("ask", "none", "slot_asked"), ("confirm", "none", "confirm_asked"), ("choose", "none", "ambiguous"),
    ("answer", "done", "answered"), ("answer", "declined", "cancelled"), ("answer", "cancelled", "cancelled"),
    ("answer", "fallback", "fallback"), ("answer", "none", "other"),
])
def test_an_engine_step_names_its_outcome(kind: str, outcome: str, expected: str) -> None:
    assert metrics.outcome_of(kind, outcome) == expected
    assert expected in metrics.OUTCOMES


def ingress_lines(payload: dict | str | None, queue: RecordingQueue, *, method: str = "POST",
                  secret: str = SECRET) -> list[dict[str, Any]]:
    logs = io.StringIO()
    ingress = SlackIngress(IngressConfig(SECRET, QUEUE, 4096, "dev"), queue,  # type: ignore[arg-type]
                           MemoryMarkers(), JsonLog(stream=logs, stage="dev"))
    body, headers = signed_request(payload or message_event("hi"), secret)
    event = http_api_event(body, headers, method=method)
    ingress(event, Context())
    return [line for line in map(json.loads, logs.getvalue().splitlines()) if metrics.carries_metrics(line)]


def test_the_ingress_writes_one_metrics_line_per_request_queued() -> None:
    event = message_event("hello")
    [line] = ingress_lines(event, RecordingQueue())
    assert sorted(check_emf(line)) == [(metrics.ACK_DURATION, metrics.BASE),
                                       (metrics.REQUESTS, (*metrics.BASE, "kind", "verdict"))]
    assert (line["service"], line["stage"], line["function"]) == ("parley", "dev", "slack")
    assert (line["kind"], line["verdict"]) == ("event_callback:message", "queued")
    assert line["correlation_id"] == event["event_id"] and 0 < line["AckDuration"] < 1000


def test_a_request_writes_one_line_its_last_step_carrying_the_metrics() -> None:
    logs = io.StringIO()
    ingress = SlackIngress(IngressConfig(SECRET, QUEUE, 4096, "dev"), RecordingQueue(),  # type: ignore[arg-type]
                           MemoryMarkers(), JsonLog(stream=logs, stage="dev"))
    body, headers = signed_request(message_event("hello"), SECRET)
    ingress(http_api_event(body, headers), Context())
    [line] = map(json.loads, logs.getvalue().splitlines())
    assert (line["message"], line["level"], line["verdict"], line["Requests"]) == ("queued", "INFO", "queued", 1)


def test_lines_before_the_last_are_written_as_they_come_and_lines_outside_a_request_at_once() -> None:
    logs = io.StringIO()
    log = JsonLog(stream=logs, stage="dev")
    log.info("before any request")
    assert logs.getvalue().count("\n") == 1
    log.bind(Context(), "Ev1", cold_start=True)
    log.warning("first")
    log.info("second")
    assert [json.loads(each)["message"] for each in logs.getvalue().splitlines()] == ["before any request", "first"]
    log.metrics({metrics.REFUSED: 1}, reason="signature")
    last = json.loads(logs.getvalue().splitlines()[-1])
    assert (last["message"], last[metrics.REFUSED], last["correlation_id"]) == ("second", 1, "Ev1")
    log.info("after")
    assert json.loads(logs.getvalue().splitlines()[-1])["message"] == "after"


@pytest.mark.parametrize(("payload", "queue", "verdict"), [
    ({"type": "url_verification", "challenge": "c", "token": "t"}, RecordingQueue(), "answered"),
    ({**message_event("x"), "event": {**message_event("x")["event"], "bot_id": "B1"}}, RecordingQueue(), "dropped"),
])
def test_requests_not_queued_have_their_verdict(payload: dict, queue: RecordingQueue, verdict: str) -> None:
    [line] = ingress_lines(payload, queue)
    assert line["verdict"] == verdict and line["Requests"] == 1


def test_a_failed_enqueue_counts_as_failed() -> None:
    from bot.aws.sqs import SendFailed

    [line] = ingress_lines(None, RecordingQueue(SendFailed("Throttled", "slow down", status=400)))
    assert line["verdict"] == "failed"


def test_refusals_count_by_reason() -> None:
    [bad] = ingress_lines(None, RecordingQueue(), secret="not-the-secret")
    [method] = ingress_lines(None, RecordingQueue(), method="GET")
    assert (bad["reason"], method["reason"]) == ("signature", "method")
    assert sorted(check_emf(bad)) == [(metrics.ACK_DURATION, metrics.BASE),
                                      (metrics.REFUSED, (*metrics.BASE, "reason"))]


def test_the_trace_header_goes_to_sqs_as_the_aws_trace_header(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("_X_AMZN_TRACE_ID", raising=False)
    assert trace_header() is None
    header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    monkeypatch.setenv("_X_AMZN_TRACE_ID", header)
    assert trace_header() == header
    sent: list[dict[str, Any]] = []

    def call(self: SqsClient, operation: str, params: dict[str, Any], **_: Any) -> dict[str, Any]:
        sent.append(params)
        return {"MessageId": "m-1"}

    monkeypatch.setattr(SqsClient, "call", call)
    SqsClient(region="us-east-1").send_message(QUEUE, "{}")
    assert sent[0]["MessageSystemAttributes"] == {"AWSTraceHeader": {"DataType": "String", "StringValue": header}}


# --- the worker's and the Lex hook's side: Powertools Metrics, the same shapes ------------------------------------

def emitted(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    return [line for line in lines if metrics.carries_metrics(line)]


def test_the_emitter_writes_a_directive_per_dimension_set_on_one_powertools_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    from bot.observability.emit import Emitter

    Emitter("dev", metrics.WORKER).put({metrics.JOBS_FAILED: 1, metrics.JOBS_DEAD_LETTERED: 1,
                                        metrics.WEB_API_RATE_LIMITED: 1}, "Ev9", channel="slack")
    [line] = emitted(capsys)
    assert sorted(check_emf(line)) == sorted([(metrics.JOBS_FAILED, metrics.dimensions_of(metrics.JOBS_FAILED)),
                                              (metrics.JOBS_DEAD_LETTERED,
                                               metrics.dimensions_of(metrics.JOBS_DEAD_LETTERED)),
                                              (metrics.WEB_API_RATE_LIMITED, metrics.BASE)])
    assert line["correlation_id"] == "Ev9" and line["JobsFailed"] == [1.0]
    assert (line["service"], line["stage"], line["function"]) == ("parley", "dev", "worker")


def test_a_jobs_metrics_are_collected_into_one_line_written_when_it_ends(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.observability.emit import Emitter, collected

    worker, retries = Emitter("dev", metrics.WORKER), Emitter("dev", metrics.WORKER)
    with collected():
        worker.put({metrics.QUEUE_DELAY: 40.0}, "Ev1", channel="slack")
        worker.step("answer", "done", "roll", "slack", "Ev1")
        retries.put({metrics.WEB_API_RETRIES: 1}, "Ev1", cause="connection")
        worker.put({metrics.INGRESS_TO_REPLY: 90.0}, "Ev1", channel="slack")
        assert emitted(capsys) == []  # nothing before the job ends
    [line] = emitted(capsys)
    assert sorted(name for name, _ in check_emf(line)) == sorted([
        metrics.QUEUE_DELAY, metrics.INTENT_OUTCOMES, metrics.WEB_API_RETRIES, metrics.INGRESS_TO_REPLY])
    assert (line["channel"], line["intent"], line["outcome"], line["cause"]) == ("slack", "roll", "answered",
                                                                                 "connection")
    assert line["QueueDelay"] == [40.0] and line["IntentOutcomes"] == [1.0]


def test_values_that_cannot_share_a_line_get_lines_of_their_own(capsys: pytest.CaptureFixture[str]) -> None:
    """A dimension with two values, a metric twice, another message's id: each its own document."""
    from bot.observability.emit import Emitter, collected

    emitter = Emitter("dev", metrics.WORKER)
    with pytest.raises(RuntimeError), collected():
        emitter.step("answer", "done", "roll", "slack", "Ev1")
        emitter.step("answer", "done", "echo", "slack", "Ev1")  # intent differs
        emitter.put({metrics.QUEUE_DELAY: 1.0}, "Ev1", channel="slack")
        emitter.put({metrics.QUEUE_DELAY: 2.0}, "Ev1", channel="slack")  # the same metric again
        emitter.put({metrics.QUEUE_DELAY: 3.0}, "Ev2", channel="slack")  # another message
        raise RuntimeError("the job failed: what it counted is still written")
    lines = emitted(capsys)
    assert [(line.get("intent"), line.get("QueueDelay"), line["correlation_id"]) for line in lines] == [
        ("roll", [1.0], "Ev1"), ("echo", [2.0], "Ev1"), (None, [3.0], "Ev2")]
    for line in lines:
        check_emf(line)


def test_a_metric_missing_a_dimension_is_logged_not_raised(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.observability.emit import Emitter

    Emitter("dev", metrics.WORKER).put({metrics.QUEUE_DELAY: 5.0})  # no channel
    assert emitted(capsys) == []


def test_a_step_counts_its_outcome_per_intent_and_channel(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.observability.emit import Emitter

    emitter = Emitter("dev", metrics.LEX)
    emitter.step("ask", "none", "tickets", "lex", "r-1")
    emitter.step("answer", "fallback", None, "lex", "r-2")
    emitter.failed("roll", "slack", "r-3")
    lines = emitted(capsys)
    assert [(line["intent"], line["outcome"], line["channel"]) for line in lines] == [
        ("tickets", "slot_asked", "lex"), ("none", "fallback", "lex"), ("roll", "failed", "slack")]
    assert all(check_emf(line) == [(metrics.INTENT_OUTCOMES, metrics.dimensions_of(metrics.INTENT_OUTCOMES))]
               for line in lines)


@pytest.mark.parametrize(("receives", "dead"), [("1", False), ("2", False), ("3", True), ("4", True)])
def test_a_job_failing_its_last_receive_is_counted_as_dead_lettered(receives: str, dead: bool,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The worker cannot see the DLQ: a failure on receive maxReceiveCount (3) is the one SQS parks there."""
    from types import SimpleNamespace

    from bot.observability.emit import Emitter
    from bot.worker.handler import Record, Worker

    worker = SimpleNamespace(settings=SimpleNamespace(max_receive_count=3), metrics=Emitter("dev", metrics.WORKER))
    record = Record({"messageId": "m-1", "attributes": {"ApproximateReceiveCount": receives}})
    job = SimpleNamespace(id="Ev1", source="slack")
    Worker._count_failure(worker, record, job)  # type: ignore[arg-type]
    [line] = emitted(capsys)
    assert line["JobsFailed"] == [1.0] and ("JobsDeadLettered" in line) is dead
    assert (line["channel"], line["correlation_id"]) == ("slack", "Ev1")
