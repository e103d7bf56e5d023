"""Metrics from the worker and the Lex hook: the EMF lines `bot.observability.metrics` describes (the same names,
dimension sets and writer as the ingress's), in the shape Powertools Metrics writes them (values as lists).

One `Emitter` per function and stage. Each call writes its line at once (one per dimension set), so a job that
fails half-way still leaves the metrics of what it did, and nothing is held across invocations. Emitting never
fails the job: a metric is not worth an answer, so a metric that cannot be written is logged and dropped.

Written with the standard library rather than Powertools' EphemeralMetrics, which built and validated an object per
line: four lines a job cost the warm job ~0.8 ms and its cold start the metrics package's import.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools import Logger

from bot.observability.metrics import (
    CONFIDENCE,
    EVENT_TO_REPLY,
    INGRESS_TO_REPLY,
    INTENT_OUTCOMES,
    NO_INTENT,
    dimensions_of,
    emf_document,
    outcome_of,
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
        for group in groups.values():
            try:
                self._write(group, every, correlation_id)
            except Exception as error:  # noqa: BLE001 - a metric is never worth failing a job for
                log.warning("metric not written", extra={"metrics": sorted(group), "error": str(error)[:200]})

    @staticmethod
    def _write(group: Mapping[str, float], every: Mapping[str, str], correlation_id: str | None) -> None:
        # KeyError: a metric without its dimensions; ValueError: a value that is not a number
        values = {name: float(value) for name, value in group.items()}
        if not all(math.isfinite(value) for value in values.values()):
            raise ValueError("a metric value must be a finite number")
        document = emf_document(values, every, extra={"correlation_id": correlation_id} if correlation_id else None)
        document.update({name: [value] for name, value in values.items()})
        sys.stdout.write(json.dumps(document, separators=(",", ":")) + "\n")
        sys.stdout.flush()

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
