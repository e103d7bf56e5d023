"""The front door through the local stack (moto server, the Slack stand-in, serverless offline): unsigned requests
cost no SSM call, and a signed request sent again is not queued again.

The stack's functions reach SSM through a counting proxy in front of its moto (AWS_ENDPOINT_URL_SSM), so the
ingress's GetParameter calls are counted by its User-Agent (Parley's lean client: `parley-aws/`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.local.chat import SlackChat
from bot.local.slack_events import message_event, post, signed_request
from bot.local.stack import LocalStack
from bot.local.standin.client import StandInClient
from tests.e2e.conftest import log_records, stack_settings
from tests.support.aws_proxy import AwsProxy

pytestmark = pytest.mark.e2e

GET_PARAMETER = "AmazonSSM.GetParameter"
LEAN_CLIENT = "parley-aws/"


@pytest.fixture(scope="module")
def counted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalStack, AwsProxy]]:
    settings = stack_settings()
    with AwsProxy(settings.local_endpoint) as ssm, \
            LocalStack(settings, tmp_path_factory.mktemp("front-door-logs"),
                       extra_env={"AWS_ENDPOINT_URL_SSM": ssm.url}) as stack:
        stack.wait_until_polling()
        yield stack, ssm


def test_thirty_requests_without_signature_headers_are_refused_without_an_ssm_call(
        counted: tuple[LocalStack, AwsProxy]) -> None:
    stack, ssm = counted
    body = json.dumps(message_event("hello")).encode()
    statuses = [post(stack.ingress_url, body, {"Content-Type": "application/json"})[0] for _ in range(30)]
    assert statuses == [401] * 30
    assert ssm.count(GET_PARAMETER, LEAN_CLIENT) == 0
    # the counting works: the first signed request fetches the signing secret, once
    signed_body, headers = signed_request(message_event("hello"), stack.settings.signing_secret.get_secret_value())
    assert post(stack.ingress_url, signed_body, headers)[0] == 200
    assert ssm.count(GET_PARAMETER, LEAN_CLIENT) == 1


def test_a_signed_request_sent_again_is_not_queued_again(counted: tuple[LocalStack, AwsProxy]) -> None:
    stack, _ = counted
    chat = SlackChat(stack.ingress_url, stack.settings.signing_secret.get_secret_value(),
                     StandInClient(stack.slack_url), stack.slack_url)
    channel = "D-E2E-REPLAY"
    event = message_event("roll 6", channel=channel)
    body, headers = signed_request(event, stack.settings.signing_secret.get_secret_value())
    for _ in range(3):  # no X-Slack-Retry-Num: not Slack retrying, someone sending it again
        assert post(stack.ingress_url, body, headers)[0] == 200
    chat.slack.wait_for(lambda call: call["args"].get("channel") == channel, timeout=30)
    time.sleep(2)
    assert len([call for call in chat.slack.calls("chat.postMessage") if call["args"]["channel"] == channel]) == 1
    records = [r for r in log_records(Path(stack.log_dir)) if r.get("correlation_id") == event["event_id"]]
    assert [r["message"] for r in records if r.get("message") in ("queued", "already queued: dropped")] == [
        "queued", "already queued: dropped", "already queued: dropped"]
