"""Log lines shaped as the functions write them (Powertools' JSON, the stand-in's call lines), for trace tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

START = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)


def stamp(at_ms: float) -> str:
    at = START + timedelta(milliseconds=at_ms)
    return at.strftime("%Y-%m-%d %H:%M:%S,") + f"{at.microsecond // 1000:03d}+0000"


def line(at_ms: float, message: str, correlation_id: str | None, worker: bool = True, **fields: Any) -> str:
    """One JSON line: the worker's (Powertools, with `name`) or the ingress's (no `name`)."""
    record = {"level": "INFO", "location": "x:1", "message": message, "timestamp": stamp(at_ms),
              "service": "parley", "cold_start": False, "function_name": "Fake", "correlation_id": correlation_id,
              **({"name": "parley"} if worker else {}), **fields}
    return json.dumps(record)


def emf(at_ms: float, correlation_id: str, **values: float) -> str:
    """A metrics-only line (EMF, no message), as Powertools Metrics writes one."""
    directive = {"Namespace": "Parley", "Dimensions": [["service", "stage", "function"]],
                 "Metrics": [{"Name": name, "Unit": "Count"} for name in values]}
    return json.dumps({"_aws": {"Timestamp": 1, "CloudWatchMetrics": [directive]}, "timestamp": stamp(at_ms),
                       "service": "parley", "stage": "local", "function": "worker", "correlation_id": correlation_id,
                       **values})


def ingress_metrics(**dimensions: str) -> dict[str, Any]:
    """The EMF members the ingress puts on a request's last line."""
    directive = {"Namespace": "Parley", "Dimensions": [["service", "stage", "function", "kind", "verdict"]],
                 "Metrics": [{"Name": "Requests", "Unit": "Count"}, {"Name": "AckDuration", "Unit": "Milliseconds"}]}
    return {"_aws": {"Timestamp": 1, "CloudWatchMetrics": [directive]}, "stage": "local", "function": "slack",
            "Requests": 1, "AckDuration": 21.6, **dimensions}


def standin_call(at_ms: float, number: int, call: str) -> str:
    at = START + timedelta(milliseconds=at_ms)
    return at.astimezone().strftime("%Y-%m-%d %H:%M:%S,") + f"{at.microsecond // 1000:03d} #{number} {call}"


def answered(correlation_id: str) -> list[str]:
    """A DM that was queued, received, recognised, run and answered (as offline.log has it)."""
    return [
        "POST /slack/events (λ: slack)",
        line(0, "queued", correlation_id, worker=False, kind="event_callback:message", elapsed_ms=21.5,
             **ingress_metrics(verdict="queued")),
        "(λ: slack) RequestId: 7ebb  Duration: 30.1 ms  Billed Duration: 31 ms",
        line(40, "job received", correlation_id, receive_count="1", message_id="m-1"),
        line(90, "recognised", correlation_id, verdict="confident", via="slack", intent="roll", score=1.0),
        line(91, "intent ran", correlation_id, intent="roll", via="slack", ok=True, elapsed_ms=0.4),
        emf(95, correlation_id, IntentOutcomes=1),
        line(100, "reply sent", correlation_id, conversation="D0LOCALDM"),
        line(110, "job done", correlation_id, bolt_status=200),
        line(120, "answered without a job", "EvOTHER", worker=False, note="message from a bot"),
    ]


def dead_lettered(correlation_id: str, receives: int = 3) -> list[str]:
    """A job whose intent raised on each of `receives` deliveries."""
    lines = [line(0, "queued", correlation_id, worker=False, kind="event_callback:message", elapsed_ms=20.0)]
    for attempt in range(1, receives + 1):
        at = attempt * 1000
        lines += [line(at, "job received", correlation_id, receive_count=str(attempt), message_id="m-2"),
                  line(at + 50, "recognised", correlation_id, verdict="confident", via="slack", intent="explode"),
                  line(at + 60, "intent ran", correlation_id, intent="explode", via="slack", ok=False, elapsed_ms=1.0),
                  line(at + 70, "job failed", correlation_id, message_id="m-2",
                       exception="Traceback (most recent call last):\n  ...\nRuntimeError: boom")]
    return lines
