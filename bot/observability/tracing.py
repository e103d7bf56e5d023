"""X-Ray tracing for the worker and the Lex hook, with Powertools Tracer, only where the stage turns it on.

A stage's `tracing` param (serverless.yml) is `Active` or `PassThrough`; it sets the functions' Lambda tracing mode
and `PARLEY_TRACING`. With `Active`, Lambda records each invocation, and this module adds the code's own
subsegments: the Tracer patches botocore (boto3's DynamoDB, SQS and SSM calls) and http.client (`httplib`: the
Slack Web API calls slack_sdk makes over urllib, and the lean `bot.aws` clients), so each call is a subsegment with
its duration and its error. The ingress never imports this (no X-Ray SDK on the ack path): it passes its trace
header to SQS (`bot.aws.sqs.trace_header`), and the worker's invocation joins the same trace.

Lazily: the X-Ray SDK and the patching cost import time, so nothing is imported until the first invocation asks,
and not at all when tracing is off (`PassThrough`, the default where it costs). When the SDK is missing from the
package the function runs untraced and says so once: tracing is never worth an unanswered message.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

ACTIVE = "Active"
PATCHED = ("botocore", "httplib")

_tracer: Any = None
_tried = False


def enabled() -> bool:
    return os.environ.get("PARLEY_TRACING", "") == ACTIVE


def tracer() -> Any | None:
    """Powertools' Tracer, built (and the libraries patched) on the first call when tracing is on; else None."""
    global _tracer, _tried
    if _tried or not enabled():
        return _tracer
    _tried = True
    try:
        from aws_lambda_powertools import Tracer

        _tracer = Tracer(auto_patch=False)
        _tracer.patch(list(PATCHED))
    except ImportError as error:  # aws-xray-sdk not in the package: run untraced
        from aws_lambda_powertools import Logger

        Logger(child=True).warning("tracing is on but the X-Ray SDK is missing: untraced",
                                   extra={"error": str(error)[:200]})
        _tracer = None
    return _tracer


@contextmanager
def traced(name: str, **annotations: str) -> Iterator[None]:
    """A subsegment around a block (searchable annotations on it) when tracing is on; nothing otherwise."""
    active = tracer()
    if active is None:
        with nullcontext():
            yield
        return
    with active.provider.in_subsegment(name) as subsegment:
        for key, value in annotations.items():
            subsegment.put_annotation(key=key, value=value)
        yield
