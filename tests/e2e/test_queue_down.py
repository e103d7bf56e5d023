"""No 200 without a queued job: with the queue gone, Slack gets a 5xx (and will retry)."""

from __future__ import annotations

import time

import boto3
import pytest

from bot.local.slack_events import message_event, post, signed_request
from bot.local.stack import LocalStack
from tests.e2e.conftest import log_records, stack_settings

pytestmark = pytest.mark.e2e


def test_a_deleted_queue_gives_slack_a_5xx(tmp_path) -> None:
    with LocalStack(stack_settings(), tmp_path) as stack:
        sqs = boto3.client("sqs", endpoint_url=stack.endpoint, region_name="us-east-1")
        sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName="parley-local-jobs")["QueueUrl"])
        event = message_event("hello")
        body, headers = signed_request(event, stack.settings.signing_secret.get_secret_value())
        started = time.monotonic()
        status, _, answer = post(stack.ingress_url, body, headers)
        assert 500 <= status < 600, answer
        assert time.monotonic() - started < 3
        failures = [r for r in log_records(stack.log_dir) if r.get("message") == "enqueue failed"]
        assert failures[-1]["correlation_id"] == event["event_id"]
        assert failures[-1]["code"] == "AWS.SimpleQueueService.NonExistentQueue"
