"""A lean SQS SendMessage client for the Slack ingress Lambda: standard library only.

SQS speaks AWS JSON 1.0 (X-Amz-Target: AmazonSQS.SendMessage), so this is `bot.aws.client` plus what
is SQS's own: the query-compatible error codes, the MD5 of the body, and the SendFailed error name.

Tracing: in Lambda the invocation's X-Ray trace header is in `_X_AMZN_TRACE_ID`; it goes with the message as the
`AWSTraceHeader` system attribute (what the X-Ray SDK would add), so SQS and the worker's invocation join the
sender's trace: one trace from the ingress through the queue to the worker, without the SDK on the ack path.
"""

from __future__ import annotations

import hashlib
import os

from bot.aws import errors
from bot.aws.client import AwsJsonClient
from bot.aws.credentials import CredentialProvider, Credentials
from bot.aws.errors import AwsCallFailed, Problem

__all__ = ["CredentialProvider", "Credentials", "CredentialsError", "SendFailed", "SqsClient"]


class SendFailed(AwsCallFailed):
    """SendMessage did not succeed (see AwsCallFailed for the attributes).

    The code is the query-compatible one when SQS sends it (AWS.SimpleQueueService.NonExistentQueue),
    as botocore reports it; MD5Mismatch when SQS's digest of the body is not ours.
    """

    _what = "SQS SendMessage"


class CredentialsError(SendFailed, errors.CredentialsError):
    """No credentials could be found or fetched, so nothing was sent."""


class SqsClient(AwsJsonClient):
    """SendMessage (and the worker's ChangeMessageVisibility) over one keep-alive connection; see AwsJsonClient for
    the options and the lifecycle."""

    signing_name = "sqs"
    target_prefix = "AmazonSQS"
    endpoint_env = "SQS"
    label = "SQS"
    # SQS is query-compatible: ask for the query error codes too, as botocore does.
    extra_headers = (("x-amzn-query-mode", "true"),)
    error_class = SendFailed
    credentials_error_class = CredentialsError

    def __enter__(self) -> SqsClient:
        return self

    def send_message(self, queue_url: str, body: str, *, deadline: float | None = None) -> str:
        """Send `body` to the (standard) queue and return the MessageId; raise SendFailed when that cannot be
        done by the deadline (a time.monotonic() instant, see AwsJsonClient.call)."""
        params: dict[str, object] = {"QueueUrl": queue_url, "MessageBody": body}
        trace = trace_header()
        if trace:
            params["MessageSystemAttributes"] = {"AWSTraceHeader": {"DataType": "String", "StringValue": trace}}
        body_md5 = hashlib.md5(body.encode(), usedforsecurity=False).hexdigest()

        def check(doc: dict[str, object]) -> Problem | None:
            message_id = doc.get("MessageId")
            if not isinstance(message_id, str) or not message_id:
                # Not SQS talking (moto routing an unsigned request elsewhere answers 200 too).
                return "InvalidResponse", "the response holds no MessageId"
            # The body went through proxies and a JSON round trip; SQS's digest proves it arrived intact.
            md5 = doc.get("MD5OfMessageBody")
            if md5 is not None and md5 != body_md5:
                return "MD5Mismatch", "MD5OfMessageBody does not match the body sent"
            return None

        doc = self.call("SendMessage", params, check=check, private=(body,), deadline=deadline)
        return str(doc["MessageId"])  # a non-empty str: `check` saw to it

    def change_message_visibility(self, queue_url: str, receipt_handle: str, seconds: int, *,
                                  deadline: float | None = None) -> None:
        """Make a received message visible again in `seconds` (0: at once): the worker hands a job back with it."""
        self.call("ChangeMessageVisibility", {"QueueUrl": queue_url, "ReceiptHandle": receipt_handle,
                                              "VisibilityTimeout": seconds}, deadline=deadline)


def trace_header() -> str | None:
    """This invocation's X-Ray trace header (`Root=...;Parent=...;Sampled=...`), or None outside a traced Lambda."""
    header = os.environ.get("_X_AMZN_TRACE_ID", "").strip()
    return header if header.startswith("Root=") and len(header) <= 1024 else None
