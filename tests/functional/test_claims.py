"""Job claims in moto's DynamoDB, through the lean client: one record per job that the worker takes and finishes
(its idempotency) and the ingress reads (its dedup marker)."""

from __future__ import annotations

import time
import uuid

import boto3
import pytest

from bot.aws.dynamodb import DynamoClient
from bot.stores.claims import CLAIMED, DONE, RUNNING, DynamoClaims
from bot.stores.dialogs import DynamoDialogStore
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
    claims.finish(key, first)
    assert claims.claim(key, "Ev1", 30).outcome == DONE  # answered: every later delivery is a duplicate


def test_a_released_claim_is_taken_again_at_once_and_not_as_a_first_run(claims: DynamoClaims) -> None:
    key = new_key()
    taken = claims.claim(key, "Ev1", 30)
    claims.release(key, "Other", taken)  # not its run: nothing changes
    assert claims.claim(key, "Ev1", 30).outcome == RUNNING
    claims.release(key, "Ev1", taken)
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
        claims.finish(key, claims.claim(key, "Ev1", 30))
    assert calls == ["UpdateItem", "UpdateItem"]


# --- a direct message: claimed on its conversation's dialog item, which the claim's write reads too ---------------


@pytest.fixture(scope="module")
def dialogs_table(moto_endpoint: str) -> str:
    return key_table(moto_endpoint, "dialogs")


@pytest.fixture
def dm(moto_endpoint: str, table: str, dialogs_table: str) -> tuple[DynamoClaims, DynamoDialogStore]:
    client = DynamoClient(endpoint_url=moto_endpoint)
    conversations = DynamoTable(client, dialogs_table)
    return DynamoClaims(DynamoTable(client, table), conversations), DynamoDialogStore(conversations, 3600, 3600)


def test_a_one_shot_dm_is_two_writes_that_read_the_dialog_too(dm: tuple[DynamoClaims, DynamoDialogStore]) -> None:
    claims, dialogs = dm
    conversation, key = f"slack:-:T1#D{uuid.uuid4().hex[:6]}#-#U1", new_key()
    with counted_calls(claims.table.client) as calls:
        taken = claims.claim(key, "Ev1", 30, conversation)
        claims.finish(key, taken)
    assert calls == ["UpdateItem", "UpdateItem"]
    assert (taken.outcome, taken.first, taken.conversation, taken.dialog) == (CLAIMED, True, conversation, None)
    assert claims.claim(key, "Ev1", 30, conversation).outcome == DONE
    assert dialogs.load(conversation) is None  # the claims are not a dialog


def test_a_waiting_dialog_comes_with_the_claim_and_survives_it(dm: tuple[DynamoClaims, DynamoDialogStore]) -> None:
    claims, dialogs = dm
    conversation = f"slack:-:T1#D{uuid.uuid4().hex[:6]}#-#U1"
    dialogs.save(conversation, {"intent": "roll", "awaiting": "sides"})
    first, second = new_key(), new_key()
    taken = claims.claim(first, "Ev1", 30, conversation)
    assert taken.dialog == {"intent": "roll", "awaiting": "sides"}
    dialogs.save(conversation, {"intent": "roll", "awaiting": "confirmation"})  # the turn moves the dialog on
    claims.finish(first, taken)
    assert claims.claim(first, "Ev1", 30, conversation).outcome == DONE  # the save kept the claim
    dialogs.clear(conversation)
    assert claims.claim(first, "Ev1", 30, conversation).outcome == DONE  # and so did the clear
    assert claims.claim(second, "Ev2", 30, conversation).dialog is None


def test_a_dm_claim_runs_released_and_runs_out_like_any(dm: tuple[DynamoClaims, DynamoDialogStore]) -> None:
    claims, _ = dm
    conversation, key = f"slack:-:T1#D{uuid.uuid4().hex[:6]}#-#U1", new_key()
    taken = claims.claim(key, "Ev1", 30, conversation)
    assert claims.claim(key, "Ev1", 30, conversation).outcome == RUNNING
    claims.release(key, "Other", taken)
    assert claims.claim(key, "Ev1", 30, conversation).outcome == RUNNING
    claims.release(key, "Ev1", taken)
    again = claims.claim(key, "Ev1", 30, conversation)
    assert (again.outcome, again.first) == (CLAIMED, False)


def test_old_claims_of_a_conversation_go_with_the_next_finish(dm: tuple[DynamoClaims, DynamoDialogStore],
                                                             moto_endpoint: str, dialogs_table: str) -> None:
    claims, _ = dm
    conversation = f"slack:-:T1#D{uuid.uuid4().hex[:6]}#-#U1"
    old = int(time.time()) - 7200
    put(moto_endpoint, dialogs_table, {"key": {"S": conversation}, "job:slack:-:T1:EvOLD": {
        "M": {"status": {"S": "done"}, "claimed_at": {"N": str(old)}}}})
    key = new_key()
    taken = claims.claim(key, "Ev1", 30, conversation)
    assert taken.stale == ("job:slack:-:T1:EvOLD",)
    claims.finish(key, taken)
    item = boto3.client("dynamodb", endpoint_url=moto_endpoint, region_name="us-east-1").get_item(
        TableName=dialogs_table, Key={"key": {"S": conversation}})["Item"]
    assert sorted(name for name in item if name.startswith("job:")) == [f"job:{key}"]
    assert int(item["expires_at"]["N"]) > time.time() + 1700  # the conversation's claims' 30 minutes ahead


def test_a_dialog_saved_before_claims_existed_still_loads(dm: tuple[DynamoClaims, DynamoDialogStore],
                                                          moto_endpoint: str, dialogs_table: str) -> None:
    _, dialogs = dm
    conversation = f"slack:-:T1#D{uuid.uuid4().hex[:6]}#-#U1"
    put(moto_endpoint, dialogs_table, {"key": {"S": conversation}, "state": {"S": '{"intent": "roll"}'},
                                       "expires_at": {"N": str(int(time.time()) + 60)}})
    assert dialogs.load(conversation) == {"intent": "roll"}
