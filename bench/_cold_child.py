"""One fresh Lambda-like process for bench/ack.py: import a handler module cold, answer events, report timings.

    python bench/_cold_child.py MODULE EVENTS_FILE RESULT_FILE

EVENTS_FILE holds a marshal'd list of Lambda events (API Gateway requests, Lambda's asynchronous payloads, SQS
batches): the first one is answered cold (timed with the module's import), the rest warm, one by one. RESULT_FILE
receives a marshal'd dict of timings (seconds) and a status per event (an SQS batch's: 200 when no item failed).
Nothing is imported before the clock starts but the interpreter's own built-in modules (time, sys, marshal), so
the handler's import is timed whole: no typing, json or __future__ here. The events are read before the clock
starts; it starts right before the import.
"""

import marshal
import sys
import time


class LambdaContext:
    """The attributes a Lambda context carries that handlers and loggers read."""

    function_name = "bench-slack"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench-slack"
    memory_limit_in_mb = 256
    log_group_name = "/aws/lambda/bench-slack"
    log_stream_name = "bench"

    def __init__(self, request_id: str) -> None:
        self.aws_request_id = request_id

    def get_remaining_time_in_millis(self) -> int:
        # A fresh worker invocation (15 s locally, 60 s in dev): the worker hands a job back when less than
        # MIN_JOB_SECONDS + TIME_MARGIN_SECONDS (6 s) are left; 3 s made every bench job go back. The ingress
        # bounds its request's deadline with it, and keeps its own 2.5 s with 15 s left (as with its 6 s timeout).
        return 15_000


def load(path: str) -> list[dict[str, object]]:
    with open(path, "rb") as handle:
        return marshal.load(handle)  # noqa: S302 - written by bench/ack.py a moment ago


def status(answer: dict[str, object]) -> object:
    """An HTTP answer's status code; for an SQS batch (ReportBatchItemFailures) 200 when no item failed, else 500."""
    if "statusCode" in answer:
        return answer["statusCode"]
    return 500 if answer.get("batchItemFailures") else 200


def main(module_name: str, events_path: str, result_path: str) -> None:
    events = load(events_path)
    import_started = time.perf_counter()
    handler = __import__(module_name, fromlist=["handler"]).handler
    imported = time.perf_counter()
    first = handler(events[0], LambdaContext("cold-0"))
    answered = time.perf_counter()

    statuses = [status(first)]
    warm: list[float] = []
    perf_counter = time.perf_counter
    for number, event in enumerate(events[1:], start=1):
        context = LambdaContext(f"warm-{number}")
        began = perf_counter()
        answer = handler(event, context)
        warm.append(perf_counter() - began)
        statuses.append(status(answer))

    result = {
        "import": imported - import_started,
        "first_event": answered - imported,
        "total": answered - import_started,
        "warm": warm,
        "statuses": statuses,
    }
    with open(result_path, "wb") as handle:
        marshal.dump(result, handle)


if __name__ == "__main__":
    main(*sys.argv[1:4])
