"""The dedup markers in DynamoDB (moto's), the worker's job claims as the ingress reads them."""

from __future__ import annotations

import time
import uuid

import boto3
import pytest

from bot.aws.dynamodb import DynamoClient
from bot.stores.claims import DynamoClaims
from bot.stores.markers import DynamoMarkers
from bot.stores.table import DynamoTable
from tests.support.dynamo import key_table


@pytest.fixture(scope="module")
def table(moto_endpoint: str) -> str:
    return key_table(moto_endpoint, "dedup")


@pytest.fixture
def markers(moto_endpoint: str, table: str) -> DynamoMarkers:
    return DynamoMarkers(DynamoClient(endpoint_url=moto_endpoint), table)


def test_a_marked_request_is_queued_before(markers: DynamoMarkers, moto_endpoint: str, table: str) -> None:
    key = f"slack:E1:T1:Ev{uuid.uuid4().hex[:8]}"
    assert not markers.queued_before(key)
    DynamoClaims(DynamoTable(DynamoClient(endpoint_url=moto_endpoint), table)).claim(key, "Ev1", 30)
    assert markers.queued_before(key, deadline=time.monotonic() + 2)
    assert not markers.queued_before(key.replace(":T1:", ":T2:"))  # the same event id in another workspace
    item = boto3.client("dynamodb", endpoint_url=moto_endpoint, region_name="us-east-1").get_item(
        TableName=table, Key={"key": {"S": key}})["Item"]
    assert item["correlation_id"] == {"S": "Ev1"}
    assert int(item["expires_at"]["N"]) > time.time() + 3000  # the table's TTL attribute, epoch seconds


@pytest.mark.parametrize("expires_at", [{"N": "1"}, {"S": "soon"}, None])
def test_an_expired_or_odd_marker_does_not_count(markers: DynamoMarkers, moto_endpoint: str, table: str,
                                                 expires_at: dict | None) -> None:
    key = f"slack:-:T1:Ev{uuid.uuid4().hex[:8]}"
    item = {"key": {"S": key}, "correlation_id": {"S": "x"}}
    if expires_at is not None:
        item["expires_at"] = expires_at  # DynamoDB's TTL deletes late; a hand-written item may be anything
    boto3.client("dynamodb", endpoint_url=moto_endpoint, region_name="us-east-1").put_item(TableName=table, Item=item)
    assert not markers.queued_before(key)
