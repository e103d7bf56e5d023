"""One deadline per request, over real HTTP: the ingress's lean clients against moto behind a slow proxy.

Every answer from SSM, DynamoDB and SQS comes late (tests/support/aws_proxy.py). Each call once had its own
2.5 s, so three slow calls took their whole sum; now they share the request's deadline, and the request ends
when it does (a 503: Slack retries) instead of answering after Slack or the Lambda gave up on it.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator

import boto3
import pytest

from bot.aws.client import CredentialProvider
from bot.aws.dynamodb import DynamoClient
from bot.aws.sqs import SqsClient
from bot.aws.ssm import SsmClient
from bot.ingress.config import IngressConfig
from bot.ingress.handler import SlackIngress
from bot.ingress.log import JsonLog
from bot.ingress.secrets import Secrets
from bot.local.slack_events import http_api_event, message_event, signed_request
from bot.observability.metrics import is_metrics_line
from bot.stores.markers import DynamoMarkers
from tests.support.aws_proxy import AwsProxy

STAGE = "local-deadline"
SECRET = "deadline-test-signing-secret"
PARAM = f"/parley/{STAGE}/slack/signing-secret"
TABLE = f"parley-{STAGE}-dedup"


@pytest.fixture(scope="module")
def queue_url(moto_endpoint: str) -> str:
    options = {"endpoint_url": moto_endpoint, "region_name": "us-east-1"}
    boto3.client("ssm", **options).put_parameter(Name=PARAM, Value=SECRET, Type="SecureString", Overwrite=True)
    boto3.client("dynamodb", **options).create_table(
        TableName=TABLE, BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "key", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "key", "AttributeType": "S"}])
    return boto3.client("sqs", **options).create_queue(QueueName=f"parley-{STAGE}-jobs")["QueueUrl"]


@pytest.fixture
def slow(moto_endpoint: str) -> Iterator[AwsProxy]:
    with AwsProxy(moto_endpoint, delay=0.9) as proxy:
        yield proxy


class Context:
    function_name = "parley-local-deadline-slack"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:parley-local-deadline-slack"
    aws_request_id = "req-deadline"

    def __init__(self, remaining_ms: int) -> None:
        self.ends_at = time.monotonic() + remaining_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.ends_at - time.monotonic()) * 1000))


def ingress_behind(proxy: AwsProxy, queue_url: str, logs: io.StringIO) -> SlackIngress:
    """The ingress as `from_env` builds it, every client aimed at the proxy."""
    config = IngressConfig("unused", queue_url, 100_000, STAGE, signing_secret_param=PARAM)
    credentials = CredentialProvider()
    markers = DynamoMarkers(DynamoClient(endpoint_url=proxy.url, credentials=credentials), TABLE)
    secrets = Secrets(config, SsmClient(endpoint_url=proxy.url, credentials=credentials))
    return SlackIngress(config, SqsClient(endpoint_url=proxy.url, credentials=credentials), markers,
                        JsonLog(stream=logs), secrets)


def test_three_slow_calls_end_at_the_requests_deadline(slow: AwsProxy, queue_url: str) -> None:
    logs = io.StringIO()
    ingress = ingress_behind(slow, queue_url, logs)
    body, headers = signed_request(message_event("hello"), SECRET, retry_num=1)  # a retry: the marker is read
    started = time.monotonic()
    answer = ingress(http_api_event(body, headers), Context(remaining_ms=6000))
    elapsed = time.monotonic() - started
    # SSM at 0.8 s, DynamoDB at 1.6 s, and SQS cut off at 2.5 s: never their 2.4 s sum plus its retries
    assert elapsed < 2.5 + 0.3, elapsed
    assert answer["statusCode"] == 503, answer
    assert slow.count("AmazonSSM.GetParameter") == 1
    assert slow.count("DynamoDB_20120810.GetItem") == 1
    failure = [line for line in map(json.loads, logs.getvalue().splitlines()) if not is_metrics_line(line)][-1]
    assert failure["message"] == "enqueue failed"


def test_the_lambdas_remaining_time_bounds_the_request(slow: AwsProxy, queue_url: str) -> None:
    logs = io.StringIO()
    ingress = ingress_behind(slow, queue_url, logs)
    body, headers = signed_request(message_event("hello"), SECRET, retry_num=1)
    started = time.monotonic()
    answer = ingress(http_api_event(body, headers), Context(remaining_ms=1500))  # a Lambda near its timeout
    elapsed = time.monotonic() - started
    assert answer["statusCode"] == 503  # answered (and logged) before Lambda ends the invocation
    assert elapsed < 1.5, elapsed
    messages = [line["message"] for line in map(json.loads, logs.getvalue().splitlines())
                if not is_metrics_line(line)]
    assert messages == ["dedup store unreadable: queueing anyway", "enqueue failed"]
    assert slow.count("AmazonSQS.SendMessage") == 0  # no time left to start it
