"""Poison jobs end in the dead-letter queue; the rest of their batch is answered.

Real parts: the ingress handler in process sending to moto's SQS with Parley's own client, the
stage's queues created from serverless.yml (redrive policy included), a poller that settles records
as Lambda does with ReportBatchItemFailures, the worker in process, the Slack stand-in.
"""

import io
import json

import boto3
import pytest

from bot.aws.dynamodb import DynamoClient
from bot.aws.sqs import SqsClient
from bot.conversation import Registry
from bot.ingress.config import IngressConfig
from bot.ingress.handler import SlackIngress
from bot.ingress.log import JsonLog
from bot.local.poller import SqsPoller
from bot.local.slack_events import http_api_event, message_event, signed_request
from bot.local.stack import create_resources, stage_resources
from bot.local.standin.server import SlackStandIn
from bot.settings import Settings
from bot.stores.markers import DynamoMarkers
from bot.worker.handler import Worker, build_engine
from tests.conftest import FakeLambdaContext

STAGE = "local-dlqtest"
SECRET = "dead-letter-test-secret"
TOKEN = "xoxb-dead-letter-test"


@pytest.fixture(scope="module")
def sqs(moto_endpoint: str):
    create_resources(moto_endpoint, STAGE, stage_resources(STAGE))
    return boto3.client("sqs", endpoint_url=moto_endpoint, region_name="us-east-1")



def queue_url(sqs, suffix: str = "") -> str:
    return sqs.get_queue_url(QueueName=f"parley-{STAGE}-jobs{suffix}")["QueueUrl"]


def depth(sqs, url: str) -> int:
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
    return sum(int(value) for value in attributes["Attributes"].values())


def test_the_stage_queue_redrives_to_its_dead_letter_queue(sqs) -> None:
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=queue_url(sqs), AttributeNames=["RedrivePolicy"])[
        "Attributes"]["RedrivePolicy"])
    assert policy["deadLetterTargetArn"].endswith(f":parley-{STAGE}-jobs-dlq")
    assert int(policy["maxReceiveCount"]) == 3


def test_a_raising_intent_ends_in_the_dead_letter_queue_and_the_rest_are_answered(
        sqs, slack: SlackStandIn, moto_endpoint: str, crashing_registry: Registry) -> None:
    settings = Settings(stage=STAGE, slack_api_url=slack.api_url, bot_token=TOKEN, aws_endpoint_url=moto_endpoint)
    app_worker = Worker(settings, build_engine(settings, crashing_registry))
    log = JsonLog(stream=io.StringIO())
    markers = DynamoMarkers(DynamoClient(endpoint_url=moto_endpoint), settings.dedup_table)
    ingress = SlackIngress(IngressConfig(SECRET, queue_url(sqs), 128 * 1024, STAGE),
                           SqsClient(endpoint_url=moto_endpoint), markers, log)
    events = [message_event(text, channel="D-DLQ") for text in ("hello", "crash", "roll 6")]
    for event in events:
        body, headers = signed_request(event, SECRET)
        assert ingress(http_api_event(body, headers), None)["statusCode"] == 200

    attempts: list[int] = []

    def worker(event: dict, context: object) -> dict:
        attempts.append(len(event["Records"]))
        return app_worker.process_batch(event, FakeLambdaContext())

    poller = SqsPoller(sqs, queue_url(sqs), worker, batch_size=10, retry_after_seconds=0)
    totals = poller.drain()

    assert totals == {"received": 5, "failed": 3}  # the batch of 3, then the poison job twice more
    assert attempts == [3, 1, 1]
    replies = [call["args"]["text"] for call in slack.calls("chat.postMessage") if call["args"]["channel"] == "D-DLQ"]
    assert len(replies) == 2
    assert replies[0].startswith("Hello!")
    assert replies[1].startswith("You rolled a ")
    assert depth(sqs, queue_url(sqs)) == 0
    [parked] = sqs.receive_message(QueueUrl=queue_url(sqs, "-dlq"), MaxNumberOfMessages=10)["Messages"]
    assert json.loads(parked["Body"])["id"] == events[1]["event_id"]
