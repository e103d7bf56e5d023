"""The floor for a Slack ack on Lambda with boto3: verify the signature, queue the body, answer 200. Nothing else.

This is the bare handler people write (the client made at import, so warm invocations reuse it); bench/ack.py
times Parley's ingress against it. It reads SLACK_SIGNING_SECRET and QUEUE_URL, and boto3 finds its region,
credentials and endpoint (AWS_ENDPOINT_URL) in the environment.
"""

import base64
import hashlib
import hmac
import os
import time
from typing import Any

import boto3

SIGNING_SECRET = os.environ["SLACK_SIGNING_SECRET"].encode()
QUEUE_URL = os.environ["QUEUE_URL"]
MAX_AGE_SECONDS = 300

sqs = boto3.client("sqs")


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
    sqs.send_message(QueueUrl=QUEUE_URL, MessageBody=raw.decode())
    return {"statusCode": 200, "body": ""}
