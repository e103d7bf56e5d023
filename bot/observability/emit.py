"""Metrics from the worker and the Lex hook: Powertools Metrics, writing the EMF lines `bot.observability.metrics`
describes (the same names and dimension sets as the ingress's own writer).

One `Emitter` per function and stage. Each call writes its line at once (Powertools' EphemeralMetrics, one per
dimension set), so a job that fails half-way still leaves the metrics of what it did, and nothing is held across
invocations. Emitting never fails the job: a metric is not worth an answer, so a Powertools validation error is
logged and dropped.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics

from bot.observability.metrics import (
    CONFIDENCE,
    EVENT_TO_REPLY,
    INGRESS_TO_REPLY,
    INTENT_OUTCOMES,
    NAMESPACE,
    NO_INTENT,
    dimensions_of,
    outcome_of,
    unit_of,
)

log = Logger(child=True)


class Emitter:
    def __init__(self, stage: str, function: str, service: str = "parley") -> None:
        self.base = {"service": service, "stage": stage, "function": function}

    def put(self, values: Mapping[str, float], correlation_id: str | None = None, **dimensions: str) -> None:
        """`values` (metric name -> value) under the function's dimensions and `dimensions`; one EMF line per
        dimension set among them."""
        every = {**self.base, **dimensions}
        groups: dict[tuple[str, ...], dict[str, float]] = {}
        for name, value in values.items():
            groups.setdefault(dimensions_of(name), {})[name] = value
        for names, group in groups.items():
            try:
                self._write(names, group, every, correlation_id)
            except Exception as error:  # noqa: BLE001 - a metric is never worth failing a job for
                log.warning("metric not written", extra={"metrics": sorted(group), "error": str(error)[:200]})

    def _write(self, names: tuple[str, ...], group: Mapping[str, float], every: Mapping[str, str],
               correlation_id: str | None) -> None:
        line = EphemeralMetrics(namespace=NAMESPACE, service=every["service"])
        for name in names:
            line.add_dimension(name=name, value=str(every[name]))  # KeyError: a metric without its dimensions
        for name, value in group.items():
            line.add_metric(name=name, unit=unit_of(name), value=value)
        if correlation_id:
            line.add_metadata(key="correlation_id", value=correlation_id)
        line.flush_metrics()

    # --- what the worker and the Lex hook count ------------------------------------------------------------------

    def step(self, kind: str, outcome: str, intent: str | None, channel: str, correlation_id: str | None) -> None:
        """One engine step's outcome (`outcome_of`), per intent and channel."""
        self.put({INTENT_OUTCOMES: 1}, correlation_id, channel=channel, intent=intent or NO_INTENT,
                 outcome=outcome_of(kind, outcome))

    def failed(self, intent: str | None, channel: str, correlation_id: str | None) -> None:
        """A turn whose engine step raised (an intent's own exception): the `failed` outcome."""
        self.put({INTENT_OUTCOMES: 1}, correlation_id, channel=channel, intent=intent or NO_INTENT, outcome="failed")

    def recognised(self, turn: Any, recognition: Any) -> None:
        """The engine's observer: the best candidate's score (0 when nothing matched), per channel."""
        best = recognition.best
        self.put({CONFIDENCE: round(best.score, 3) if best is not None else 0.0}, turn.correlation_id,
                 channel=turn.via)

    def replied(self, channel: str, received_at: float | None, slack_time: float | None,
                correlation_id: str | None) -> None:
        """A reply posted: the time since the ingress took the request, and since Slack's own timestamp of it."""
        now = time.time()
        values = {}
        if received_at:
            values[INGRESS_TO_REPLY] = round(max(0.0, now - received_at) * 1000, 1)
        if slack_time:
            values[EVENT_TO_REPLY] = round(max(0.0, now - slack_time) * 1000, 1)
        if values:
            self.put(values, correlation_id, channel=channel)
