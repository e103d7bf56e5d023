"""The front door through the local stack (moto server, the Slack stand-in, serverless offline): unsigned requests
cost no SSM call.

The stack's functions reach SSM through a counting proxy in front of its moto (AWS_ENDPOINT_URL_SSM), so the
ingress's GetParameter calls are counted by its User-Agent (Parley's lean client: `parley-aws/`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.local.slack_events import message_event, post, signed_request
from bot.local.stack import LocalStack
from tests.e2e.conftest import stack_settings
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
