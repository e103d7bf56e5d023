"""Metrics from the worker and the Lex hook: the EMF lines `bot.observability.metrics` describes (the same names,
dimension sets and writer as the ingress's), in the shape Powertools Metrics writes them (values as lists).

One `Emitter` per function and stage. Outside a collection each call writes its line at once. Inside `collected()`
(the worker opens one per job, the Lex hook per turn, as Powertools' `log_metrics` flushes once per invocation)
the calls are gathered and written when it closes, whether the job ended well or raised: as few documents as the
values allow, one in the usual case (every metric of a job under one `_aws` with a directive per dimension set),
where each call on its own line made four lines a one-shot DM, a quarter of its log bytes. Nothing is held across
jobs. Emitting never fails the job: a metric is not worth an answer, so a metric that cannot be written is logged
and dropped.

Written with the standard library rather than Powertools' EphemeralMetrics, which built and validated an object per
line: four lines a job cost the warm job ~0.8 ms and its cold start the metrics package's import.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools import Logger

from bot.observability.metrics import (
    CONFIDENCE,
    EVENT_TO_REPLY,
    INGRESS_TO_REPLY,
    INTENT_OUTCOMES,
    NO_INTENT,
    emf_document,
    emf_parts,
    outcome_of,
)

log = Logger(child=True)


@dataclass
class _Document:
    """Values gathered for one EMF document: their dimensions' values never disagree, no metric comes twice."""

    dimensions: dict[str, str]
    correlation_id: str | None
    values: dict[str, float] = field(default_factory=dict)

    def takes(self, values: Mapping[str, float], dimensions: Mapping[str, str], correlation_id: str | None) -> bool:
        return (correlation_id == self.correlation_id and not self.values.keys() & values.keys()
                and all(self.dimensions.get(name, value) == value for name, value in dimensions.items()))


_collecting: list[list[_Document]] = []  # the open collections, innermost last (one job at a time per process)


@contextmanager
def collected() -> Iterator[None]:
    """Gathers what every Emitter puts until the block ends, then writes it in as few lines as it can."""
    documents: list[_Document] = []
    _collecting.append(documents)
    try:
        yield
    finally:
        _collecting.remove(documents)
        for document in documents:
            _write_logged(document.values, document.dimensions, document.correlation_id)


def _write_logged(values: Mapping[str, float], dimensions: Mapping[str, str], correlation_id: str | None) -> None:
    try:
        _write(values, dimensions, correlation_id)
    except Exception as error:  # noqa: BLE001 - a metric is never worth failing a job for
        log.warning("metric not written", extra={"metrics": sorted(values), "error": str(error)[:200]})


def _checked(values: Mapping[str, float], dimensions: Mapping[str, str]) -> dict[str, float]:
    """The values as floats; KeyError for a metric without its dimensions, ValueError for a value not a number."""
    numbers = {name: float(value) for name, value in values.items()}
    if not all(math.isfinite(value) for value in numbers.values()):
        raise ValueError("a metric value must be a finite number")
    emf_parts(numbers, dimensions)
    return numbers


def _write(values: Mapping[str, float], dimensions: Mapping[str, str], correlation_id: str | None) -> None:
    document = emf_document(values, dimensions, extra={"correlation_id": correlation_id} if correlation_id else None)
    document.update({name: [value] for name, value in values.items()})
    sys.stdout.write(json.dumps(document, separators=(",", ":")) + "\n")
    sys.stdout.flush()


class Emitter:
    def __init__(self, stage: str, function: str, service: str = "parley") -> None:
        self.base = {"service": service, "stage": stage, "function": function}

    def put(self, values: Mapping[str, float], correlation_id: str | None = None, **dimensions: str) -> None:
        """`values` (metric name -> value) under the function's dimensions and `dimensions`: written at once, or
        gathered into the open collection (`collected()`)."""
        every = {**self.base, **dimensions}
        try:
            numbers = _checked(values, every)
        except Exception as error:  # noqa: BLE001 - a metric is never worth failing a job for
            log.warning("metric not written", extra={"metrics": sorted(values), "error": str(error)[:200]})
            return
        if not _collecting:
            _write_logged(numbers, every, correlation_id)
            return
        documents = _collecting[-1]
        document = next((each for each in documents if each.takes(numbers, every, correlation_id)), None)
        if document is None:
            document = _Document(dict(every), correlation_id)
            documents.append(document)
        document.dimensions.update(every)
        document.values.update(numbers)

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
