"""The bare floor: verify Slack's signature and POST the body to SQS with the standard library alone, answer 200.

What no SQS client can beat: one SendMessage in AWS JSON 1.0 over one keep-alive `http.client` connection, with no
SigV4 signature (the bench's stand-in checks none; real SQS would refuse it), no retries, no MD5 check and no log
line. Every real client pays at least this; bench/ack.py prints how far each handler is above it.
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import time
from typing import Any
from urllib.parse import urlsplit

SIGNING_SECRET = os.environ["SLACK_SIGNING_SECRET"].encode()
QUEUE_URL = os.environ["QUEUE_URL"]
MAX_AGE_SECONDS = 300

_endpoint = urlsplit(QUEUE_URL)
_headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.SendMessage"}
_connection: http.client.HTTPConnection | None = None  # opened by the first event, kept for the warm ones


def _send(body: str) -> None:
    global _connection
    if _connection is None:
        _connection = http.client.HTTPConnection(_endpoint.hostname or "127.0.0.1", _endpoint.port, timeout=2)
    _connection.request("POST", "/", json.dumps({"QueueUrl": QUEUE_URL, "MessageBody": body}), _headers)
    answer = _connection.getresponse()
    answer.read()
    if answer.status != 200:
        raise RuntimeError(f"SendMessage answered {answer.status}")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    headers = event.get("headers") or {}
    body = event.get("body") or ""
    raw = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_AGE_SECONDS:
        return {"statusCode": 401, "body": "stale or missing timestamp"}
    base = b"v0:" + timestamp.encode() + b":" + raw
    expected = "v0=" + hmac.new(SIGNING_SECRET, base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        return {"statusCode": 401, "body": "bad signature"}
    _send(raw.decode())
    return {"statusCode": 200, "body": ""}
