"""The Slack secrets from SSM Parameter Store (moto's): the ingress's lean reader and the worker's Powertools one."""

from __future__ import annotations

import io
import json

import boto3
import pytest

from bot.aws.client import AwsCallFailed
from bot.aws.ssm import SsmClient
from bot.ingress.config import IngressConfig
from bot.ingress.handler import SlackIngress
from bot.ingress.log import JsonLog
from bot.ingress.secrets import Secrets
from bot.local.slack_events import http_api_event, message_event, signed_request
from bot.observability.metrics import is_metrics_line
from bot.settings import Settings
from bot.stores.markers import MemoryMarkers

SECRET = "ssm-held-signing-secret-5f2c"
TOKEN = "xoxb-ssm-held-token"


@pytest.fixture(scope="module")
def parameters(moto_endpoint: str) -> dict[str, str]:
    ssm = boto3.client("ssm", endpoint_url=moto_endpoint, region_name="us-east-1")
    names = {"signing": "/parley/local-secretstest/slack/signing-secret",
             "token": "/parley/local-secretstest/slack/bot-token"}
    ssm.put_parameter(Name=names["signing"], Value=SECRET, Type="SecureString", Overwrite=True)
    ssm.put_parameter(Name=names["token"], Value=TOKEN, Type="SecureString", Overwrite=True)
    return names


def test_the_lean_client_reads_a_secure_string(moto_endpoint: str, parameters: dict[str, str]) -> None:
    assert SsmClient(endpoint_url=moto_endpoint).get_parameter(parameters["signing"]) == SECRET


def test_a_missing_parameter_fails_at_once(moto_endpoint: str) -> None:
    with pytest.raises(AwsCallFailed) as failed:
        SsmClient(endpoint_url=moto_endpoint).get_parameter("/parley/nowhere")
    assert failed.value.code == "ParameterNotFound"
    assert failed.value.attempts == 1


def test_secrets_are_cached_for_their_max_age(moto_endpoint: str, parameters: dict[str, str]) -> None:
    config = IngressConfig("unused", "http://127.0.0.1:9/1/q", 1000, "local-secretstest",
                           signing_secret_param=parameters["signing"], bot_token_param=parameters["token"])
    calls: list[str] = []

    class CountingSsm(SsmClient):
        def get_parameter(self, name: str, *, deadline: float | None = None) -> str:
            calls.append(name)
            return super().get_parameter(name, deadline=deadline)

    secrets = Secrets(config, CountingSsm(endpoint_url=moto_endpoint))
    assert (secrets.signing_secret(), secrets.signing_secret(), secrets.bot_token()) == (SECRET, SECRET, TOKEN)
    assert calls == [parameters["signing"], parameters["token"]]
    expired = Secrets(config, CountingSsm(endpoint_url=moto_endpoint), max_age=0)
    expired.signing_secret()
    expired.signing_secret()
    assert len(calls) == 4
    assert SECRET not in repr(secrets)


def test_the_ingress_verifies_with_the_ssm_secret_and_answers_503_without_it(
        moto_endpoint: str, parameters: dict[str, str]) -> None:
    logs = io.StringIO()

    class Queue:
        def send_message(self, queue_url: str, body: str, *, deadline: float | None = None) -> str:
            return "m1"

    def ingress(parameter: str) -> SlackIngress:
        config = IngressConfig("the-env-default-must-not-be-used", "http://127.0.0.1:9/1/q", 100_000,
                               "local-secretstest", signing_secret_param=parameter)
        return SlackIngress(config, Queue(), MemoryMarkers(), JsonLog(stream=logs),  # type: ignore[arg-type]
                            Secrets(config, SsmClient(endpoint_url=moto_endpoint)))

    body, headers = signed_request(message_event("hello"), SECRET)
    assert ingress(parameters["signing"])(http_api_event(body, headers), None)["statusCode"] == 200
    answer = ingress("/parley/missing")(http_api_event(body, headers), None)
    assert answer["statusCode"] == 503  # Slack retries; nothing is lost
    story = [line for line in map(json.loads, logs.getvalue().splitlines()) if not is_metrics_line(line)]
    assert story[-1]["code"] == "ParameterNotFound"
    assert SECRET not in logs.getvalue()


def test_the_worker_reads_the_bot_token_from_ssm(moto_endpoint: str, parameters: dict[str, str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    assert Settings(bot_token_param=parameters["token"]).slack_bot_token() == TOKEN
    assert Settings(bot_token="xoxb-from-env").slack_bot_token() == "xoxb-from-env"
