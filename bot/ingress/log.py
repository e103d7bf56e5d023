"""Structured JSON log lines for the ingress, with the keys Powertools Logger writes in the worker.

Powertools Logger and the `logging` module cost ~70 ms and ~20 ms of cold import; this writes the
same fields (service, cold_start, function_*, correlation_id, xray_trace_id) with json alone, so one
message can be followed by its correlation_id from ingress to reply. It writes the ingress's metrics too, as
CloudWatch embedded metric format (`bot.observability.metrics`), the shape Powertools Metrics writes, on the request's
last log line: between `bind` and `metrics` the latest line is held back, so a request writes one line (one write
and flush to stdout, which is most of a warm ack's logging cost) where a separate metrics line made two.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Mapping
from typing import Any, TextIO

from bot.defaults import DEFAULT_STAGE
from bot.observability.metrics import INGRESS, emf_parts

LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}


class JsonLog:
    def __init__(self, service: str | None = None, level: str | None = None, stream: TextIO | None = None,
                 stage: str | None = None) -> None:
        self.service = service or os.environ.get("POWERTOOLS_SERVICE_NAME", "parley")
        self.stage = stage or os.environ.get("PARLEY_STAGE", DEFAULT_STAGE)
        name = (level or os.environ.get("POWERTOOLS_LOG_LEVEL") or os.environ.get("LOG_LEVEL") or "INFO").upper()
        self.threshold = LEVELS.get(name, 20)
        self.stream = stream
        self.context: dict[str, Any] = {}
        self.holding = False  # a request is under way: its latest line waits for the metrics
        self.held: dict[str, Any] | None = None

    def bind(self, lambda_context: Any, correlation_id: str | None, cold_start: bool) -> None:
        """Set the per-invocation keys every following line carries."""
        self.context = {
            "cold_start": cold_start,
            "function_name": getattr(lambda_context, "function_name", None),
            "function_memory_size": getattr(lambda_context, "memory_limit_in_mb", None),
            "function_arn": getattr(lambda_context, "invoked_function_arn", None),
            "function_request_id": getattr(lambda_context, "aws_request_id", None),
            "correlation_id": correlation_id,
        }
        self.release()
        self.holding = True

    def set_correlation_id(self, correlation_id: str | None) -> None:
        self.context["correlation_id"] = correlation_id

    def debug(self, message: str, **fields: Any) -> None:
        self._write("DEBUG", message, fields)

    def info(self, message: str, **fields: Any) -> None:
        self._write("INFO", message, fields)

    def warning(self, message: str, **fields: Any) -> None:
        self._write("WARNING", message, fields)

    def error(self, message: str, **fields: Any) -> None:
        self._write("ERROR", message, fields)

    def metrics(self, values: Mapping[str, float], **dimensions: str) -> None:
        """The request's metrics as EMF, on its held last line (whatever the level: metrics are not log verbosity);
        on a line of their own when there is none, or when one of its fields says otherwise than a dimension."""
        base = {"service": self.service, "stage": self.stage, "function": INGRESS}
        members, directives, _ = emf_parts(values, {**base, **dimensions},
                                           extra={"correlation_id": self.context.get("correlation_id")})
        held, self.held, self.holding = self.held, None, False
        if held is not None and any(held.get(key, value) != value for key, value in members.items()):
            self._emit(held)  # a refusal's detailed `reason` is not the metric's `reason`
            held = None
        line = json.dumps({**held, **members} if held is not None else members, default=str, separators=(",", ":"))
        aws = f'"_aws":{{"Timestamp":{int(time.time() * 1000)},"CloudWatchMetrics":{directives}}}'
        self._write_text(f"{line[:-1]},{aws}}}\n" if len(line) > 2 else f"{{{aws}}}\n")

    def release(self) -> None:
        """Write the held line now (the request goes on without metrics, or a line must not wait)."""
        held, self.held = self.held, None
        if held is not None:
            self._emit(held)

    def _emit(self, line: dict[str, Any]) -> None:
        self._write_text(json.dumps(line, default=str, separators=(",", ":")) + "\n")

    def _write_text(self, text: str) -> None:
        stream = self.stream or sys.stdout  # looked up per line: tests and runners swap stdout
        stream.write(text)
        stream.flush()

    def _write(self, level: str, message: str, fields: dict[str, Any]) -> None:
        if LEVELS[level] < self.threshold:
            return
        now = time.time()
        frame = sys._getframe(2)
        line = {
            "level": level,
            "location": f"{frame.f_code.co_name}:{frame.f_lineno}",
            "message": message,
            "timestamp": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now)) + f",{int(now % 1 * 1000):03d}+0000",
            "service": self.service,
            **self.context,
            **fields,
        }
        trace = os.environ.get("_X_AMZN_TRACE_ID")
        if trace:
            line["xray_trace_id"] = trace.split(";", 1)[0].removeprefix("Root=")
        if self.holding:
            self.release()
            self.held = line
            return
        self._emit(line)
