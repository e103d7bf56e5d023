"""An SQS poller that feeds a handler the way Lambda's event source mapping does.

serverless-offline-sqs deletes a whole batch whatever the handler answers; Lambda with
`ReportBatchItemFailures` deletes only the records not reported as failed, and the failed ones come
back after their visibility timeout until the queue's redrive policy moves them to the dead-letter
queue. This poller does what Lambda does, so partial-batch and dead-letter behaviour can be tested.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

Handler = Callable[[dict[str, Any], Any], Any]


class SqsPoller:
    def __init__(self, sqs: Any, queue_url: str, handler: Handler, *, batch_size: int = 10,
                 retry_after_seconds: int = 0, region: str = "us-east-1") -> None:
        """`sqs` is a boto3 SQS client. `retry_after_seconds` stands in for the visibility timeout of a
        failed record (0 makes a retry due at once, fast-forwarding the clock for tests)."""
        self.sqs = sqs
        self.queue_url = queue_url
        self.handler = handler
        self.batch_size = batch_size
        self.retry_after_seconds = retry_after_seconds
        self.region = region
        self.queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"]

    def poll_once(self, wait_seconds: int = 0) -> dict[str, int]:
        """Receive one batch, run the handler, settle each record; returns how many were received and failed."""
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=self.batch_size, WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"], MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return {"received": 0, "failed": 0}
        try:
            answer = self.handler({"Records": [self._record(message) for message in messages]}, None)
            failed = {item["itemIdentifier"] for item in (answer or {}).get("batchItemFailures", [])}
        except Exception:  # noqa: BLE001 - as in Lambda, a raising handler fails the whole batch
            failed = {message["MessageId"] for message in messages}
        for message in messages:
            if message["MessageId"] in failed:
                self.sqs.change_message_visibility(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"],
                                                   VisibilityTimeout=self.retry_after_seconds)
            else:
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return {"received": len(messages), "failed": len(failed)}

    def drain(self, max_batches: int = 100) -> dict[str, int]:
        """Poll until the queue gives nothing; totals of received and failed records."""
        totals = {"received": 0, "failed": 0}
        for _ in range(max_batches):
            result = self.poll_once()
            if not result["received"]:
                break
            totals = {key: totals[key] + result[key] for key in totals}
        return totals

    def _record(self, message: dict[str, Any]) -> dict[str, Any]:
        """An SQS message in the shape Lambda hands to a function."""
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": message.get("MessageAttributes", {}),
            "md5OfBody": hashlib.md5(message["Body"].encode(), usedforsecurity=False).hexdigest(),
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": self.region,
        }
