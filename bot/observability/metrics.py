"""Parley's metrics: their names, units and dimensions, and the embedded metric format (EMF) line that carries them.

CloudWatch Logs turns a JSON log line with an `_aws` member into metrics (EMF): no API call, no client, nothing on
the request's path but one more line on stdout. The worker and the Lex hook write theirs with Powertools Metrics
(`bot.observability.emit`); the ingress, whose cold start races Slack's 3 s, imports no Powertools and writes the
same shape with this module's `emf_document` through its lean logger. Both read the names and dimension sets here,
so a dashboard or an alarm finds one metric whoever wrote it.

Dimensions are few on purpose: CloudWatch bills each distinct metric name + dimension values as one custom metric.
Every metric has `service`, `stage` and `function`; the others add at most `channel`, `intent` and one small
closed set (a request's `kind` and `verdict`, a refusal's `reason`, an intent's `outcome`, a retry's `cause`).
Never a user, a team, a text or an id: those are in the log line as plain members (`correlation_id`), which cost
nothing as metrics. Standard library only: the ingress imports this.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Mapping
from typing import Any

NAMESPACE = "Parley"
SERVICE = "parley"

# The logical function names (the `function` dimension): stable across stages, unlike the Lambda function names
INGRESS, WORKER, LEX, WORKFLOWS = "slack", "worker", "lex", "workflows"

BASE = ("service", "stage", "function")

# Ingress: one line per request
REQUESTS = "Requests"  # Count, by kind and verdict
REFUSED = "RequestsRefused"  # Count, by reason: what was answered 4xx at the door
ACK_DURATION = "AckDuration"  # Milliseconds: from the request's arrival to the answer, inside the ingress
# Worker
QUEUE_DELAY = "QueueDelay"  # Milliseconds: the job's enqueue (its received_at) to the worker taking it
EVENT_TO_REPLY = "EventToReply"  # Milliseconds: Slack's own timestamp of the request (whole seconds) to the reply
INGRESS_TO_REPLY = "IngressToReply"  # Milliseconds: the ingress receiving the request to the reply posted
WEB_API_RETRIES = "WebApiRetries"  # Count, by cause (rate_limited, connection): slack_sdk retried a call
WEB_API_RATE_LIMITED = "WebApiRateLimited"  # Count: Slack answered 429 (retried or not)
JOBS_FAILED = "JobsFailed"  # Count, by channel: a job failed this receive (SQS delivers it again)
JOBS_DEAD_LETTERED = "JobsDeadLettered"  # Count, by channel: a job failed its last receive: SQS parks it in the DLQ
# Worker and Lex hook
INTENT_OUTCOMES = "IntentOutcomes"  # Count, by channel, intent and outcome
CONFIDENCE = "RecognitionConfidence"  # None (0..1): the best candidate's score of each recognition
LEX_TURNS = "LexTurns"  # Count: turns the Lex hook answered

# Workflows function
WORKFLOWS_FAILED = "WorkflowsFailed"  # Count, by workflow: a step failed its last retry; the requester was told

COUNT, MILLISECONDS, NONE = "Count", "Milliseconds", "None"

# Each metric: its unit and its one dimension set
METRICS: dict[str, tuple[str, tuple[str, ...]]] = {
    REQUESTS: (COUNT, (*BASE, "kind", "verdict")),
    REFUSED: (COUNT, (*BASE, "reason")),
    ACK_DURATION: (MILLISECONDS, BASE),
    QUEUE_DELAY: (MILLISECONDS, (*BASE, "channel")),
    EVENT_TO_REPLY: (MILLISECONDS, (*BASE, "channel")),
    INGRESS_TO_REPLY: (MILLISECONDS, (*BASE, "channel")),
    WEB_API_RETRIES: (COUNT, (*BASE, "cause")),
    WEB_API_RATE_LIMITED: (COUNT, BASE),
    JOBS_FAILED: (COUNT, (*BASE, "channel")),
    JOBS_DEAD_LETTERED: (COUNT, (*BASE, "channel")),
    INTENT_OUTCOMES: (COUNT, (*BASE, "channel", "intent", "outcome")),
    CONFIDENCE: (NONE, (*BASE, "channel")),
    LEX_TURNS: (COUNT, BASE),
    WORKFLOWS_FAILED: (COUNT, (*BASE, "workflow")),
}

# Requests' verdicts: queued as a job, answered in the HTTP response (url_verification, forms, menus, shortcuts,
# our own posts), dropped (a retry or replay already queued, a workspace without an installation), failed (5xx:
# the secret or the queue unreachable; Slack retries)
QUEUED, ANSWERED, DROPPED, FAILED = "queued", "answered", "dropped", "failed"
VERDICTS = (QUEUED, ANSWERED, DROPPED, FAILED)

# What an intent step came to, per intent and channel
OUTCOMES = ("answered", "slot_asked", "confirm_asked", "cancelled", "ambiguous", "fallback", "failed", "other")
NO_INTENT = "none"  # the intent dimension of a step about no intent (a fallback, a greeting)


def outcome_of(kind: str, outcome: str) -> str:
    """The outcome dimension of an engine step (`bot.conversation.steps.Step.kind` and `.outcome`).

    ask -> slot_asked, confirm -> confirm_asked, choose -> ambiguous; an answer: done -> answered, declined or
    cancelled -> cancelled, fallback -> fallback, anything else (a greeting, thanks, help) -> other."""
    if kind == "ask":
        return "slot_asked"
    if kind == "confirm":
        return "confirm_asked"
    if kind == "choose":
        return "ambiguous"
    return {"done": "answered", "declined": "cancelled", "cancelled": "cancelled",
            "fallback": "fallback"}.get(outcome, "other")


def dimensions_of(name: str) -> tuple[str, ...]:
    return METRICS[name][1]


def unit_of(name: str) -> str:
    return METRICS[name][0]


def emf_document(values: Mapping[str, float], dimensions: Mapping[str, str], *,
                 namespace: str = NAMESPACE, timestamp_ms: int | None = None,
                 extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One EMF document for `values` (metric name -> value), each metric under its own dimension set.

    Metrics that share a dimension set share a directive; every dimension a directive names must be in
    `dimensions` (KeyError otherwise: a metric without its dimensions would be a different metric). `extra`
    members (a correlation id) ride along as plain, unindexed members."""
    members, directives, _ = emf_parts(values, dimensions, namespace=namespace, extra=extra)
    timestamp = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    return {"_aws": {"Timestamp": timestamp, "CloudWatchMetrics": json.loads(directives)}, **members}


def emf_parts(values: Mapping[str, float], dimensions: Mapping[str, str], *, namespace: str = NAMESPACE,
              extra: Mapping[str, Any] | None = None) -> tuple[dict[str, Any], str, frozenset[str]]:
    """An EMF document in parts, for a writer that puts it on a line of its own: the members (the dimensions the
    directives use, `extra`, the values), the `CloudWatchMetrics` array as JSON (built once per set of metric names:
    the ingress writes the same few on every request), and the dimension names used."""
    directives, used = _directives(tuple(values), namespace)
    missing = [each for each in used if each not in dimensions]
    if missing:
        names = [name for name in values if set(METRICS[name][1]) & set(missing)]
        raise KeyError(f"{names[0]} needs the dimensions {sorted(missing)}")
    members = {name: str(value) for name, value in dimensions.items() if name in used}
    return {**members, **(extra or {}), **values}, directives, used


@functools.lru_cache(maxsize=128)
def _directives(names: tuple[str, ...], namespace: str) -> tuple[str, frozenset[str]]:
    grouped: dict[tuple[str, ...], list[dict[str, str]]] = {}
    for name in names:
        unit, dimensions = METRICS[name]
        grouped.setdefault(dimensions, []).append({"Name": name, "Unit": unit})
    directives = [{"Namespace": namespace, "Dimensions": [list(dimensions)], "Metrics": metrics}
                  for dimensions, metrics in grouped.items()]
    return json.dumps(directives, separators=(",", ":")), frozenset(each for dims in grouped for each in dims)


def workflow_failed_values(workflow: str, stage: str | None = None) -> tuple[dict[str, float], dict[str, str]]:
    """The values and dimensions of one failed workflow (the workflows function writes them with emf_document)."""
    import os

    return ({WORKFLOWS_FAILED: 1}, {"service": SERVICE, "stage": stage or os.environ.get("PARLEY_STAGE", "local"),
                                    "function": WORKFLOWS, "workflow": workflow[:64]})


def carries_metrics(record: Mapping[str, Any]) -> bool:
    """Whether a parsed log line holds an EMF document (the ingress puts its metrics on a request's last log line)."""
    return isinstance(record.get("_aws"), dict)


def is_metrics_line(record: Mapping[str, Any]) -> bool:
    """Whether a parsed log line is metrics only (EMF with no `message`), not a step of the message's story."""
    return carries_metrics(record) and "message" not in record


def without_metrics(record: Mapping[str, Any]) -> dict[str, Any]:
    """A line's own fields, without the EMF members it carries (`_aws`, the metrics' values, stage and function)."""
    if not carries_metrics(record):
        return dict(record)
    values = {metric.get("Name") for directive in record["_aws"].get("CloudWatchMetrics", [])
              for metric in directive.get("Metrics", [])}
    return {key: value for key, value in record.items() if key not in values and key not in _EMF_MEMBERS}


_EMF_MEMBERS = frozenset({"_aws", "stage", "function"})
