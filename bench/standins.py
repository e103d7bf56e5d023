"""One local stand-in, on 127.0.0.1, for every remote call the benchmarked handlers make.

- SQS SendMessage (AWS JSON 1.0, and the query protocol just in case): what every ack handler calls.
- SSM GetParameter (AWS JSON 1.1): Parley's ingress and worker read the Slack secrets from Parameter Store.
- Lambda Invoke (`POST /2015-03-31/functions/<name>/invocations`, 202): how Bolt's lazy listener runs its work.
- DynamoDB GetItem, PutItem, UpdateItem, DeleteItem, Query, Scan, the batch and transaction calls: an in-memory
  table per name (bench/dynamo_standin.py), so a dialog's answering turn finds what its first turn wrote.
- Slack Web API under `/api/`: `auth.test` (Bolt's App start), `chat.postMessage` (the replies), and a slash
  command's `response_url` (`/response/...`; Slack only acknowledges those).

Every answer is a constant-time dictionary lookup and one socket write, so the handlers, not a server, are what
the benchmark measures. It counts what it received, and keeps the queued job bodies and the Lambda payloads so
the second stage (Parley's worker, Bolt's lazy invocation) can be fed exactly what the first stage produced. A
listener (`listen`) is told of each queued body, Lambda payload and reply the moment it arrives, with the time
(`time.perf_counter()`, the process's clock): bench/first_reply.py starts the next stage from it and stops its clock.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote

from dynamo_standin import ConditionFailed, Tables

from bot.local.standin.workspaces import BOT_ID, BOT_USER_ID, BOT_USER_NAME, TEAM_ID, TEAM_NAME

ACCOUNT = "123456789012"
QUEUE_NAME = "bench-jobs"
JSON_10 = "application/x-amz-json-1.0"
JSON_11 = "application/x-amz-json-1.1"
LAMBDA_PATH = "/2015-03-31/functions/"
SLACK_PATH = "/api/"
RESPONSE_PATH = "/response/"  # a slash command's response_url, as the benchmarks build it
_REASONS = {200: "OK", 202: "Accepted", 400: "Bad Request", 404: "Not Found"}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore and Parley's client expect
    server: StandIn

    def setup(self) -> None:
        super().setup()
        # Answers are single small writes; without this, delayed ACKs can hold some clients ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle_one_request(self) -> None:
        quickack = getattr(socket, "TCP_QUICKACK", None)  # Linux: acknowledge at once (reset after each read)
        if quickack is not None:
            self.connection.setsockopt(socket.IPPROTO_TCP, quickack, 1)
        super().handle_one_request()

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        target = self.headers.get("X-Amz-Target") or ""
        path = self.path.split("?", 1)[0]
        if target.startswith("AmazonSQS."):
            self._sqs_json(target.removeprefix("AmazonSQS."), json.loads(raw))
        elif target.startswith("AmazonSSM."):
            self._ssm(target.removeprefix("AmazonSSM."), json.loads(raw))
        elif target.startswith("DynamoDB_20120810."):
            self._dynamodb(target.removeprefix("DynamoDB_20120810."), json.loads(raw))
        elif path.startswith(LAMBDA_PATH) and path.endswith("/invocations"):
            self._lambda_invoke(unquote(path[len(LAMBDA_PATH):-len("/invocations")]), raw)
        elif path.startswith(SLACK_PATH):
            self._slack(path[len(SLACK_PATH):], raw)
        elif path.startswith(RESPONSE_PATH):
            self._response_url(raw)
        elif "x-www-form-urlencoded" in (self.headers.get("Content-Type") or ""):
            self._sqs_query({name: values[0] for name, values in parse_qs(raw.decode()).items()})
        else:
            self._json(400, JSON_10, {"__type": "UnknownOperation", "message": f"{target or path}: not stood in"})

    # --- AWS -------------------------------------------------------------------------------------------------

    def _sqs_json(self, operation: str, params: dict[str, Any]) -> None:
        if operation != "SendMessage" or params.get("QueueUrl") != self.server.queue_url:
            self.server.count(f"sqs.{operation}.refused")
            error = {"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "SendMessage to the bench queue only"}
            self._json(400, JSON_10, error)
            return
        self.server.queued(params["MessageBody"])
        self._json(200, JSON_10, {"MD5OfMessageBody": _md5(params["MessageBody"]), "MessageId": str(uuid.uuid4())})

    def _sqs_query(self, params: dict[str, str]) -> None:
        if params.get("Action") != "SendMessage" or params.get("QueueUrl") != self.server.queue_url:
            self.server.count("sqs.query.refused")
            self._answer(400, "text/xml", b"<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>")
            return
        self.server.queued(params["MessageBody"])
        self._answer(200, "text/xml", (
            '<SendMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><SendMessageResult>'
            f"<MessageId>{uuid.uuid4()}</MessageId><MD5OfMessageBody>{_md5(params['MessageBody'])}"
            "</MD5OfMessageBody></SendMessageResult><ResponseMetadata><RequestId>bench</RequestId>"
            "</ResponseMetadata></SendMessageResponse>"
        ).encode())

    def _ssm(self, operation: str, params: dict[str, Any]) -> None:
        self.server.count(f"ssm.{operation}")
        name = params.get("Name")
        value = self.server.parameters.get(name) if operation == "GetParameter" else None
        if value is None:
            self._json(400, JSON_11, {"__type": "ParameterNotFound", "message": f"{name}: not a bench parameter"})
            return
        self._json(200, JSON_11, {"Parameter": {
            "Name": name, "Type": "SecureString", "Value": value, "Version": 1, "DataType": "text",
            "LastModifiedDate": 1700000000.0, "ARN": f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter{name}",
        }})

    def _dynamodb(self, operation: str, params: dict[str, Any]) -> None:
        # On-demand pricing differs for strongly consistent reads (1 RRU) and eventually consistent ones (0.5 RRU)
        reads = ("GetItem", "Query", "Scan")
        consistent = ".consistent" if operation in reads and params.get("ConsistentRead") else ""
        self.server.count(f"dynamodb.{operation}{consistent}")
        try:
            document = self.server.tables.answer(operation, params)
        except ConditionFailed:
            self._json(400, JSON_10, {"__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
                                      "message": "The conditional request failed"})
            return
        if document is None:
            self._json(400, JSON_10, {"__type": "com.amazon.coral.validate#ValidationException",
                                      "message": f"{operation}: not stood in"})
            return
        self._json(200, JSON_10, document)

    def _lambda_invoke(self, function: str, payload: bytes) -> None:
        if self.headers.get("X-Amz-Invocation-Type") != "Event":
            self.server.count("lambda.Invoke.refused")
            self._json(400, "application/json", {"Type": "User", "message": "asynchronous (Event) invocations only"})
            return
        self.server.invoked(function, payload)
        self._answer(202, "application/json", b"")  # accepted for asynchronous invocation, as Lambda answers

    # --- Slack -----------------------------------------------------------------------------------------------

    def _slack(self, method: str, raw: bytes) -> None:
        self.server.count(f"slack.{method}")
        if (self.headers.get("Authorization") or "") != f"Bearer {self.server.bot_token}":
            self._json(200, "application/json", {"ok": False, "error": "invalid_auth"})
            return
        if "json" in (self.headers.get("Content-Type") or ""):
            args = json.loads(raw or b"{}")
        else:
            args = {name: values[0] for name, values in parse_qs(raw.decode()).items()}
        if method == "auth.test":
            self._json(200, "application/json", {
                "ok": True, "url": "https://bench.slack.com/", "team": TEAM_NAME, "user": BOT_USER_NAME,
                "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID, "is_enterprise_install": False,
            })
        elif method == "chat.postMessage":
            self.server.replied(method, args)
            ts = f"{time.time():.6f}"
            message = {"type": "message", "text": args.get("text", ""), "user": BOT_USER_ID, "bot_id": BOT_ID,
                       "ts": ts, **({"thread_ts": args["thread_ts"]} if args.get("thread_ts") else {})}
            self._json(200, "application/json", {"ok": True, "channel": args.get("channel"), "ts": ts,
                                                 "message": message})
        else:
            self._json(200, "application/json", {"ok": False, "error": "unknown_method"})

    def _response_url(self, raw: bytes) -> None:
        self.server.count("slack.response_url")
        try:
            args = json.loads(raw or b"{}")
        except ValueError:
            args = {}
        self.server.replied("response_url", args if isinstance(args, dict) else {})
        self._json(200, "application/json", {"ok": True})  # Slack only acknowledges a response_url post

    # --- the wire --------------------------------------------------------------------------------------------

    def _json(self, status: int, content_type: str, document: dict[str, Any]) -> None:
        self._answer(status, content_type, json.dumps(document).encode())

    def _answer(self, status: int, content_type: str, body: bytes) -> None:
        head = (f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
                f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
                f"x-amzn-RequestId: {uuid.uuid4()}\r\n")
        if self.close_connection:
            head += "Connection: close\r\n"
        self.wfile.write(head.encode() + b"\r\n" + body)  # one write: headers and body in one segment

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


class StandIn(ThreadingHTTPServer):
    """The threaded server; use it as a context manager. `endpoint` serves AWS, `slack_api_url` the Web API."""

    daemon_threads = True

    def __init__(self, bot_token: str, parameters: dict[str, str]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.endpoint = f"http://127.0.0.1:{self.server_address[1]}"
        self.slack_api_url = f"{self.endpoint}{SLACK_PATH}"
        self.queue_url = f"{self.endpoint}/{ACCOUNT}/{QUEUE_NAME}"
        self.bot_token = bot_token
        self.parameters = dict(parameters)
        self.received: Counter[str] = Counter()
        self._messages: list[str] = []
        self._invocations: list[bytes] = []
        self.tables = Tables()
        self.response_url = f"{self.endpoint}{RESPONSE_PATH}bench"
        self._listener: Callable[[str, float, Any], None] | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, name="bench-standin", daemon=True)

    def count(self, what: str) -> None:
        with self._lock:
            self.received[what] += 1

    def listen(self, listener: Callable[[str, float, Any], None] | None) -> None:
        """Call `listener(what, perf_counter time, content)` for each queued body ("queued"), asynchronous Lambda
        payload ("invoked") and reply ("reply": chat.postMessage or response_url arguments), from the server's
        thread, as it arrives; None stops it."""
        self._listener = listener

    def _tell(self, what: str, content: Any) -> None:
        listener = self._listener
        if listener is not None:
            listener(what, time.perf_counter(), content)

    def queued(self, body: str) -> None:
        with self._lock:
            self.received["sqs.SendMessage"] += 1
            self._messages.append(body)
        self._tell("queued", body)

    def invoked(self, function: str, payload: bytes) -> None:
        with self._lock:
            self.received["lambda.Invoke"] += 1
            self._invocations.append(payload)
        self._tell("invoked", payload)

    def replied(self, method: str, args: dict[str, Any]) -> None:
        self._tell("reply", {"method": method, **args})

    def counts(self) -> Counter[str]:
        with self._lock:
            return Counter(self.received)

    def take_messages(self) -> list[str]:
        """The job bodies queued since the last take, oldest first."""
        with self._lock:
            taken, self._messages = self._messages, []
        return taken

    def take_invocations(self) -> list[bytes]:
        """The asynchronous Invoke payloads received since the last take, oldest first."""
        with self._lock:
            taken, self._invocations = self._invocations, []
        return taken

    def __enter__(self) -> StandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)
