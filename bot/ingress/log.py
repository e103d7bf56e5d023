"""Structured JSON log lines for the ingress, with the keys Powertools Logger writes in the worker.

Powertools Logger and the `logging` module cost ~70 ms and ~20 ms of cold import; this writes the
same fields (service, cold_start, function_*, correlation_id, xray_trace_id) with json alone, so one
message can be followed by its correlation_id from ingress to reply.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any, TextIO

LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}


class JsonLog:
    def __init__(self, service: str | None = None, level: str | None = None, stream: TextIO | None = None) -> None:
        self.service = service or os.environ.get("POWERTOOLS_SERVICE_NAME", "parley")
        name = (level or os.environ.get("POWERTOOLS_LOG_LEVEL") or os.environ.get("LOG_LEVEL") or "INFO").upper()
        self.threshold = LEVELS.get(name, 20)
        self.stream = stream
        self.context: dict[str, Any] = {}

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
        stream = self.stream or sys.stdout  # looked up per line: tests and runners swap stdout
        stream.write(json.dumps(line, default=str, separators=(",", ":")) + "\n")
        stream.flush()
