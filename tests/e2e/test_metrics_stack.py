"""The metrics of one message through the local stack: the EMF lines the ingress and the worker write, each metric
with its dimensions, as CloudWatch Logs would extract them."""

from __future__ import annotations

import time
from typing import Any

from bot.local.chat import SlackChat
from bot.local.slack_events import message_event, post, signed_request
from bot.local.stack import LocalStack
from bot.observability import metrics
from tests.e2e.conftest import log_records


def emf_lines(stack: LocalStack) -> list[dict[str, Any]]:
    return [record for record in log_records(stack.log_dir) if metrics.carries_metrics(record)]


def found(lines: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Metric name -> the lines that carry it, each checked to name the metric's own dimension set, all present."""
    by_name: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        for directive in line["_aws"]["CloudWatchMetrics"]:
            assert directive["Namespace"] == metrics.NAMESPACE
            for metric in directive["Metrics"]:
                name = metric["Name"]
                assert [tuple(each) for each in directive["Dimensions"]] == [metrics.dimensions_of(name)], name
                assert all(isinstance(line[each], str) for each in metrics.dimensions_of(name)), name
                assert metric["Unit"] == metrics.unit_of(name)
                by_name.setdefault(name, []).append(line)
    return by_name


def wait_for(stack: LocalStack, predicate: Any, timeout: float = 30) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        lines = emf_lines(stack)
        if predicate(lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.2)


def test_one_message_leaves_each_metric_with_its_dimensions(stack: LocalStack, chat: SlackChat) -> None:
    before = len(emf_lines(stack))
    chat.slack.add_fault("chat.postMessage", 429, retry_after=0)  # Slack rate-limits the reply once
    status, correlation_id, _ = chat.send(message_event("roll 6"))
    assert status == 200 and correlation_id

    def complete(lines: list[dict[str, Any]]) -> bool:
        return any(line.get("correlation_id") == correlation_id and "IngressToReply" in line for line in lines)

    lines = wait_for(stack, complete)[before:]
    mine = found([line for line in lines if line.get("correlation_id") == correlation_id])
    [request] = mine[metrics.REQUESTS]
    assert (request["stage"], request["function"], request["kind"], request["verdict"]) == (
        stack.settings.stage, "slack", "event_callback:message", "queued")
    assert mine[metrics.ACK_DURATION][0]["AckDuration"] > 0
    assert mine[metrics.QUEUE_DELAY][0]["channel"] == "slack"
    assert [(line["intent"], line["outcome"], line["channel"]) for line in mine[metrics.INTENT_OUTCOMES]] == [
        ("roll", "answered", "slack")]
    assert mine[metrics.CONFIDENCE][0]["function"] == "worker"
    for name in (metrics.QUEUE_DELAY, metrics.INGRESS_TO_REPLY, metrics.EVENT_TO_REPLY, metrics.CONFIDENCE):
        assert name in mine and mine[name][0]["function"] == "worker", name
    # the retry handler knows no correlation id: its lines are the worker's, after this message was sent
    others = found([line for line in lines if line.get("function") == "worker"])
    assert others[metrics.WEB_API_RATE_LIMITED]
    assert [line["cause"] for line in others[metrics.WEB_API_RETRIES]] == ["rate_limited"]


def test_outcomes_and_refusals_have_their_own_dimensions(stack: LocalStack, chat: SlackChat) -> None:
    before = len(emf_lines(stack))
    chat.say("please file my taxes")
    chat.say("open a ticket")
    chat.say("cancel")
    body, headers = signed_request(message_event("hello"), "not-the-signing-secret")
    assert post(stack.ingress_url, body, headers)[0] == 401
    lines = found(wait_for(stack, lambda lines: len(lines) > before)[before:])
    outcomes = {(line["intent"], line["outcome"]) for line in lines[metrics.INTENT_OUTCOMES]}
    assert {("none", "fallback"), ("open_ticket", "slot_asked"), ("none", "cancelled")} <= outcomes, outcomes
    assert [line["reason"] for line in lines[metrics.REFUSED]] == ["signature"]
