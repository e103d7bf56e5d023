"""Invoking a function through serverless offline's Lambda API, as Lex and SQS's event source invoke them."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from typing import Any

Invoke = Callable[[dict[str, Any]], dict[str, Any]]


def lambda_invoker(lambda_port: int, function_name: str, timeout: float = 60.0) -> Invoke:
    """A synchronous invoke of one function (RequestResponse): the event in, the function's result out."""
    url = f"http://127.0.0.1:{lambda_port}/2015-03-31/functions/{function_name}/invocations"

    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(url, data=json.dumps(event).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return json.loads(answer.read() or b"{}")

    return invoke
