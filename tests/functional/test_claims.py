"""Job claims in moto's DynamoDB, through the lean client: one record per job that the worker takes and finishes
(its idempotency) and the ingress reads (its dedup marker)."""

from __future__ import annotations

import time
import uuid

import boto3
import pytest

from bot.aws.dynamodb import DynamoClient
from bot.stores.claims import CLAIMED, DONE, RUNNING, DynamoClaims
from bot.stores.markers import DynamoMarkers
from bot.stores.table import DynamoTable
from tests.support.dynamo import counted_calls, key_table


@pytest.fixture(scope="module")
def table(moto_endpoint: str) -> str:
    return key_table(moto_endpoint, "dedup")


@pytest.fixture
def claims(moto_endpoint: str, table: str) -> DynamoClaims:
    return DynamoClaims(DynamoTable(DynamoClient(endpoint_url=moto_endpoint), table))


def new_key() -> str:
    return f"slack:-:T1:Ev{uuid.uuid4().hex[:10]}"


def put(moto_endpoint: str, table: str, item: dict) -> None:
    boto3.client("dynamodb", endpoint_url=moto_endpoint, region_name="us-east-1").put_item(TableName=table, Item=item)


def test_a_first_claim_is_taken_and_is_the_ingress_marker(claims: DynamoClaims, moto_endpoint: str,
                                                          table: str) -> None:
    key = new_key()
    markers = DynamoMarkers(DynamoClient(endpoint_url=moto_endpoint), table)
    assert not markers.queued_before(key)
    assert claims.claim(key, "Ev1", 30).outcome == CLAIMED
    assert markers.queued_before(key)  # taken by a worker: Slack's retries of it are dropped at the door


def test_taken_running_done(claims: DynamoClaims) -> None:
    key = new_key()
    first = claims.claim(key, "Ev1", 30)
    assert (first.outcome, first.first) == (CLAIMED, True)
    assert claims.claim(key, "Ev1", 30).outcome == RUNNING  # another delivery while the first runs
    claims.finish(key, "Ev1")
    assert claims.claim(key, "Ev1", 30).outcome == DONE  # answered: every later delivery is a duplicate


def test_a_released_claim_is_taken_again_at_once_and_not_as_a_first_run(claims: DynamoClaims) -> None:
    key = new_key()
    claims.claim(key, "Ev1", 30)
    claims.release(key, "Other")  # not its run: nothing changes
    assert claims.claim(key, "Ev1", 30).outcome == RUNNING
    claims.release(key, "Ev1")
    again = claims.claim(key, "Ev1", 30)
    assert (again.outcome, again.first) == (CLAIMED, False)  # an earlier run may have left a stream behind


def test_a_claim_whose_lock_ran_out_is_taken_again(claims: DynamoClaims, moto_endpoint: str, table: str) -> None:
    key = new_key()
    now = int(time.time())
    put(moto_endpoint, table, {"key": {"S": key}, "status": {"S": "running"}, "lock_until": {"N": str(now - 1)},
                               "correlation_id": {"S": "Ev1"}, "expires_at": {"N": str(now + 3000)}})
    again = claims.claim(key, "Ev1", 30)
    assert (again.outcome, again.first) == (CLAIMED, False)


@pytest.mark.parametrize("item", [
    {"correlation_id": {"S": "Ev1"}, "expires_at": {"N": "4102444800"}},  # a marker from before claims existed
    {"status": {"S": "done"}, "expires_at": {"N": "1"}},  # expired: DynamoDB's TTL deletes late
])
def test_old_markers_and_expired_records_do_not_block(claims: DynamoClaims, moto_endpoint: str, table: str,
                                                      item: dict) -> None:
    key = new_key()
    put(moto_endpoint, table, {"key": {"S": key}, **item})
    assert claims.claim(key, "Ev1", 30).outcome == CLAIMED


def test_a_claim_is_two_writes_and_no_read(claims: DynamoClaims) -> None:
    """What a message costs in bookkeeping: the claim and its finish, both UpdateItem; a read only for duplicates."""
    with counted_calls(claims.table.client) as calls:
        key = new_key()
        claims.claim(key, "Ev1", 30)
        claims.finish(key, "Ev1")
    assert calls == ["UpdateItem", "UpdateItem"]


def test_a_claim_whose_answer_was_lost_finds_its_own_write_on_the_retry(claims: DynamoClaims) -> None:
    """The client retries a timed-out write with the same request: the claim must take itself, not report "running"
    (a burst on a slow store otherwise sent every delivery of such a job to the dead-letter queue)."""
    key = new_key()
    client = claims.table.client
    original = client.call
    sent: list[int] = []

    def answer_lost_once(operation: str, params: dict, *args: object, **kwargs: object) -> dict:
        answer = original(operation, params, *args, **kwargs)  # type: ignore[arg-type]
        if operation == "UpdateItem" and not sent:
            sent.append(1)
            return original(operation, params, *args, **kwargs)  # type: ignore[arg-type]  # the retry
        return answer

    client.call = answer_lost_once  # type: ignore[method-assign]
    try:
        taken = claims.claim(key, "Ev1", 30)
    finally:
        del client.call
    assert (taken.outcome, taken.first) == (CLAIMED, False)
    assert claims.claim(key, "Ev1", 30).outcome == RUNNING  # another call is another run
