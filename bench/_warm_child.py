"""One long-lived Lambda-like process for bench/kinds.py: a handler kept warm, fed one event at a time.

    python bench/_warm_child.py MODULE

The parent writes events to stdin (each a 4-byte big-endian length, then a marshal'd Lambda event) and reads an
answer per event from this process's original stdout, in the same framing: a marshal'd dict with the handler's
duration (seconds), the answer's status, and the remote calls it made, each as (label, seconds). Between two
events the parent reads the stand-in's counters, so it knows exactly what one event cost in remote calls.

The handlers log to stdout (Lambda sends it to CloudWatch Logs): fd 1 is pointed at stderr before the import, so
their lines never mix with the answers.

Remote calls are timed at the http.client level, which Parley's lean AWS clients, urllib (slack_sdk) and urllib3
(botocore) all go through: from `putrequest` (the request line about to be written) to `getresponse` returning
(the status line and headers read; the body, a few hundred bytes from 127.0.0.1, is read after). A call is
labelled by its X-Amz-Target header (`DynamoDB_20120810.GetItem` -> `dynamodb.GetItem`), else by its path
(`/api/chat.postMessage` -> `slack.chat.postMessage`). Two perf_counter reads per call: microseconds.
"""

import http.client
import marshal
import os
import struct
import sys
import time

from _cold_child import LambdaContext, status

_calls: list[tuple[str, float]] = []
_TARGETS = {"DynamoDB_20120810": "dynamodb", "AmazonSQS": "sqs", "AmazonSSM": "ssm"}


def _label(connection: http.client.HTTPConnection) -> str:
    target = getattr(connection, "_bench_target", None)
    if target:
        service, _, operation = target.partition(".")
        return f"{_TARGETS.get(service, service)}.{operation}"
    path = getattr(connection, "_bench_path", "")
    if path.startswith("/api/"):
        return "slack." + path[len("/api/"):].split("?", 1)[0]
    if path.startswith("/2015-03-31/functions/"):
        return "lambda.Invoke"
    if path.startswith("/response/"):
        return "slack.response_url"
    return "other " + path.split("?", 1)[0]


def _instrument() -> None:
    base = http.client.HTTPConnection
    putrequest, putheader, getresponse = base.putrequest, base.putheader, base.getresponse

    def timed_putrequest(self, method, url, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        self._bench_started = time.perf_counter()
        self._bench_path = url
        self._bench_target = None
        return putrequest(self, method, url, *args, **kwargs)

    def timed_putheader(self, header, *values):  # noqa: ANN001, ANN002, ANN202
        if isinstance(header, bytes):
            header = header.decode("latin-1")
        if header.lower() == "x-amz-target" and values:
            value = values[0]
            self._bench_target = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        return putheader(self, header, *values)

    def timed_getresponse(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        try:
            return getresponse(self, *args, **kwargs)
        finally:
            started = getattr(self, "_bench_started", None)
            if started is not None:
                _calls.append((_label(self), time.perf_counter() - started))
                self._bench_started = None

    base.putrequest, base.putheader, base.getresponse = timed_putrequest, timed_putheader, timed_getresponse


def _read(stream, size: int) -> bytes:  # noqa: ANN001
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def main(module_name: str) -> None:
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # the handlers' log lines go to stderr
    _instrument()
    handler = __import__(module_name, fromlist=["handler"]).handler
    requests = sys.stdin.buffer
    number = 0
    while True:
        try:
            size = struct.unpack(">I", _read(requests, 4))[0]
        except EOFError:
            return
        event = marshal.loads(_read(requests, size))  # noqa: S302 - written by bench/kinds.py
        number += 1
        _calls.clear()
        began = time.perf_counter()
        answer = handler(event, LambdaContext(f"warm-{number}"))
        took = time.perf_counter() - began
        sys.stdout.flush()
        reply = marshal.dumps({"duration": took, "status": status(answer), "calls": list(_calls),
                               "answer": answer if isinstance(answer, dict) else None})
        answers.write(struct.pack(">I", len(reply)) + reply)
        answers.flush()


if __name__ == "__main__":
    main(sys.argv[1])
