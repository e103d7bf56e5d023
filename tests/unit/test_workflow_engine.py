"""The calls the worker makes to Lambda's durable APIs, in the shapes botocore's model of them requires."""

from __future__ import annotations

import json

import boto3
from botocore.stub import Stubber

from bot.workflows.engine import DurableEngine

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:parley-prod-workflows:live"


def engine() -> tuple[DurableEngine, Stubber]:
    client = boto3.client("lambda", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    return DurableEngine(FUNCTION, "us-east-1", client=client), Stubber(client)


def test_a_start_is_an_asynchronous_invoke_named_for_idempotency() -> None:
    durable, stub = engine()
    stub.add_response("invoke", {"StatusCode": 202, "DurableExecutionArn": "arn:exec/1"},
                      {"FunctionName": FUNCTION.rpartition(":")[0], "Qualifier": "live", "InvocationType": "Event",
                       "DurableExecutionName": "access_request-abc", "Payload": json.dumps({"a": 1}).encode()})
    with stub:
        assert durable.start("access_request-abc", {"a": 1}) == "arn:exec/1"


def test_a_decision_completes_the_callback_and_a_late_one_is_refused_politely() -> None:
    durable, stub = engine()
    stub.add_response("send_durable_execution_callback_success", {},
                      {"CallbackId": "cb-1", "Result": json.dumps({"choice": "approve", "by": "U1"}).encode()})
    stub.add_client_error("send_durable_execution_callback_success", "CallbackTimeoutException", http_status_code=400)
    with stub:
        assert durable.decide("cb-1", {"choice": "approve", "by": "U1"}) is True
        assert durable.decide("cb-1", {"choice": "approve", "by": "U1"}) is False


def test_stopping_an_execution_that_already_ended_is_no_error() -> None:
    durable, stub = engine()
    stub.add_response("stop_durable_execution", {"StopTimestamp": 1},
                      {"DurableExecutionArn": "arn:exec/1", "Error": {"ErrorType": "Cancelled",
                                                                     "ErrorMessage": "cancelled by U1"}})
    stub.add_client_error("stop_durable_execution", "ResourceNotFoundException", http_status_code=404)
    with stub:
        durable.stop("arn:exec/1", "cancelled by U1")
        durable.stop("arn:exec/1", "cancelled by U1")
