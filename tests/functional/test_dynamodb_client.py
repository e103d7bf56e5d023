"""bot.aws.dynamodb against a real moto server, and against scripted stub servers for what moto cannot do
(damaged checksums, throttling on demand). Everything listens on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import pytest

from bot.aws.client import AwsCallFailed, CredentialProvider
from bot.aws.dynamodb import (
    DynamoClient,
    Page,
    from_attribute_value,
    from_item,
    to_attribute_value,
    to_item,
)
from bot.aws.sqs import SqsClient
from tests.functional.test_sqs_client import Reply, Seen, Stub, container_credentials

REGION = "us-east-1"


# --- moto ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def boto_ddb(moto_endpoint: str) -> object:
    return boto3.client("dynamodb", endpoint_url=moto_endpoint, region_name=REGION)


@pytest.fixture
def table(boto_ddb: object) -> str:
    name = f"parley-test-{uuid.uuid4().hex[:12]}"
    boto_ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                          AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                          KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    return name


@pytest.fixture
def dynamo(moto_endpoint: str) -> Iterator[DynamoClient]:
    with DynamoClient(endpoint_url=moto_endpoint) as client:
        yield client


def key(pk: str) -> dict:
    return {"pk": {"S": pk}}


def test_get_of_a_missing_item_is_none(dynamo: DynamoClient, table: str) -> None:
    assert dynamo.get_item(table, key("nobody")) is None
    assert dynamo.last_attempts == 1


def test_put_then_get(dynamo: DynamoClient, boto_ddb: object, table: str) -> None:
    item = {**key("ev-1"), "ttl": {"N": "1700000000"}, "note": {"S": "héllo ✓"}}
    assert dynamo.put_item(table, item) is True
    assert dynamo.get_item(table, key("ev-1")) == item
    assert dynamo.get_item(table, key("ev-1"), consistent_read=False) == item
    assert boto_ddb.get_item(TableName=table, Key=key("ev-1"))["Item"] == item  # written as boto3 reads it


def test_conditional_put_succeeds_once(dynamo: DynamoClient, table: str) -> None:
    first = {**key("ev-2"), "seen": {"N": "1"}}
    second = {**key("ev-2"), "seen": {"N": "2"}}
    assert dynamo.put_item(table, first, condition_expression="attribute_not_exists(pk)") is True
    assert dynamo.put_item(table, second, condition_expression="attribute_not_exists(pk)") is False
    assert dynamo.last_attempts == 1  # ConditionalCheckFailedException is an answer, not retried
    assert dynamo.get_item(table, key("ev-2")) == first


def test_conditional_put_with_names_and_values(dynamo: DynamoClient, table: str) -> None:
    condition = "attribute_not_exists(#k) OR #n < :n"
    names = {"#k": "pk", "#n": "seen"}
    assert dynamo.put_item(table, {**key("ev-3"), "seen": {"N": "5"}}, condition_expression=condition,
                           expression_attribute_names=names, expression_attribute_values={":n": {"N": "5"}})
    assert not dynamo.put_item(table, {**key("ev-3"), "seen": {"N": "6"}}, condition_expression=condition,
                               expression_attribute_names=names, expression_attribute_values={":n": {"N": "3"}})
    assert dynamo.get_item(table, key("ev-3"))["seen"] == {"N": "5"}


def test_delete(dynamo: DynamoClient, table: str) -> None:
    dynamo.put_item(table, key("ev-4"))
    dynamo.delete_item(table, key("ev-4"))
    assert dynamo.get_item(table, key("ev-4")) is None
    dynamo.delete_item(table, key("ev-4"))  # gone already: no error


# --- query and update_item: what the stores (dialogs, tickets, results, links, rate limits) build on ------


@pytest.fixture
def sorted_table(boto_ddb: object) -> str:
    """A table with a partition and a sort key, as the stores' tables have."""
    name = f"parley-test-{uuid.uuid4().hex[:12]}"
    boto_ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                          AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                                {"AttributeName": "sk", "AttributeType": "S"}],
                          KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                     {"AttributeName": "sk", "KeyType": "RANGE"}])
    return name


def fill(dynamo: DynamoClient, table: str, pk: str, count: int) -> None:
    for number in range(count):
        assert dynamo.put_item(table, to_item({"pk": pk, "sk": f"{number:03d}", "n": number}))


def test_query_reads_one_partition_in_sort_key_order(dynamo: DynamoClient, sorted_table: str) -> None:
    fill(dynamo, sorted_table, "slack:-:T1#U1", 5)
    fill(dynamo, sorted_table, "slack:-:T2#U1", 2)  # another workspace's: never in the answer
    page = dynamo.query(sorted_table, "pk = :pk", expression_attribute_values={":pk": {"S": "slack:-:T1#U1"}})
    assert isinstance(page, Page)
    assert [from_item(item)["n"] for item in page.items] == [0, 1, 2, 3, 4]
    assert page.last_key is None
    newest_first = dynamo.query(sorted_table, "#p = :pk AND begins_with(sk, :zero)",
                                expression_attribute_names={"#p": "pk"},
                                expression_attribute_values={":pk": {"S": "slack:-:T1#U1"}, ":zero": {"S": "00"}},
                                scan_index_forward=False, consistent_read=True)
    assert [from_item(item)["n"] for item in newest_first.items] == [4, 3, 2, 1, 0]


def test_query_pages_with_limit_and_exclusive_start_key(dynamo: DynamoClient, sorted_table: str) -> None:
    fill(dynamo, sorted_table, "p", 5)
    values = {":pk": {"S": "p"}}
    seen: list[int] = []
    start = None
    pages = 0
    while True:
        page = dynamo.query(sorted_table, "pk = :pk", expression_attribute_values=values, limit=2,
                            exclusive_start_key=start)
        pages += 1
        seen.extend(from_item(item)["n"] for item in page.items)
        if page.last_key is None:
            break
        assert page.last_key == {"pk": {"S": "p"}, "sk": {"S": f"{seen[-1]:03d}"}}
        start = page.last_key
    assert seen == [0, 1, 2, 3, 4]
    assert pages in (3, 4)  # DynamoDB may answer a last, empty page
    assert "items" in repr(page) and "p" not in repr(page).replace("Page", "")


def test_update_item_creates_then_changes_and_returns_what_is_asked(dynamo: DynamoClient, sorted_table: str) -> None:
    k = to_item({"pk": "slack:-:T1#U1", "sk": "minute-1"})
    add = "ADD #count :one SET #note = :note"
    names = {"#count": "count", "#note": "note"}
    new = dynamo.update_item(sorted_table, k, add, expression_attribute_names=names,
                             expression_attribute_values={":one": {"N": "1"}, ":note": {"S": "first"}},
                             return_values="ALL_NEW")
    assert new is not None and from_item(new) == {"pk": "slack:-:T1#U1", "sk": "minute-1", "count": 1, "note": "first"}
    updated = dynamo.update_item(sorted_table, k, add, expression_attribute_names=names,
                                 expression_attribute_values={":one": {"N": "1"}, ":note": {"S": "second"}},
                                 return_values="UPDATED_NEW")
    assert updated is not None and from_item(updated) == {"count": 2, "note": "second"}
    nothing = dynamo.update_item(sorted_table, k, "REMOVE #note", expression_attribute_names={"#note": "note"})
    assert nothing == {}  # no ReturnValues: nothing asked for, and the update held
    assert from_item(dynamo.get_item(sorted_table, k)) == {"pk": "slack:-:T1#U1", "sk": "minute-1", "count": 2}


def test_update_item_whose_condition_fails_writes_nothing(dynamo: DynamoClient, sorted_table: str) -> None:
    """A rate limit: count up to a limit, then refuse, in one call."""
    k = to_item({"pk": "slack:-:T1#U1", "sk": "minute-2"})
    limit = {":limit": {"N": "2"}, ":one": {"N": "1"}}

    def count_one() -> dict | None:
        return dynamo.update_item(sorted_table, k, "ADD #c :one",
                                  condition_expression="attribute_not_exists(#c) OR #c < :limit",
                                  expression_attribute_names={"#c": "count"}, expression_attribute_values=limit,
                                  return_values="UPDATED_NEW")

    answers = [count_one(), count_one(), count_one()]
    # (moto also returns the key of an item the update created; DynamoDB only what was updated)
    assert [None if answer is None else answer["count"] for answer in answers] == [{"N": "1"}, {"N": "2"}, None]
    assert dynamo.last_attempts == 1  # the ConditionalCheckFailedException was an answer, not retried
    assert from_item(dynamo.get_item(sorted_table, k))["count"] == 2


def test_update_item_errors_are_raised(dynamo: DynamoClient, sorted_table: str) -> None:
    with pytest.raises(AwsCallFailed) as caught:
        dynamo.update_item(sorted_table, to_item({"pk": "a"}), "SET #n = :n",  # the sort key is missing
                           expression_attribute_names={"#n": "n"}, expression_attribute_values={":n": {"N": "1"}})
    assert (caught.value.code, caught.value.attempts) == ("ValidationException", 1)
    assert caught.value.operation == "DynamoDB UpdateItem"


def test_missing_table_fails_at_once(dynamo: DynamoClient) -> None:
    started = time.monotonic()
    with pytest.raises(AwsCallFailed) as caught:
        dynamo.get_item("no-such-table", key("ev"))
    assert time.monotonic() - started < 1.0
    error = caught.value
    assert (error.code, error.status, error.attempts, error.retryable) == ("ResourceNotFoundException", 400, 1, False)
    assert error.operation == "DynamoDB GetItem"
    assert str(error).startswith("DynamoDB GetItem failed: ResourceNotFoundException")


def test_invalid_key_is_not_retried(dynamo: DynamoClient, table: str) -> None:
    with pytest.raises(AwsCallFailed) as caught:
        dynamo.get_item(table, {"pk": {"S": "a"}, "sk": {"S": "b"}})  # the table has no sort key
    assert (caught.value.code, caught.value.attempts, caught.value.retryable) == ("ValidationException", 1, False)


PLAIN = {
    "pk": "T123:ev-5",
    "count": 42,
    "big": 2**70,
    "negative": -7,
    "flag": True,
    "off": False,
    "nothing": None,
    "text": "héllo ✓",
    "empty": "",
    "nested": {"list": [1, "two", None, [False], {"deep": {"deeper": 0}}], "map": {}},
    "list": [],
}


def test_value_conversions_round_trip_through_dynamodb(dynamo: DynamoClient, boto_ddb: object, table: str) -> None:
    item = to_item(PLAIN)
    assert item["pk"] == {"S": "T123:ev-5"}
    assert item["count"] == {"N": "42"}
    assert item["flag"] == {"BOOL": True}
    assert item["nothing"] == {"NULL": True}
    assert item["nested"]["M"]["list"]["L"][3] == {"L": [{"BOOL": False}]}
    assert from_item(item) == PLAIN
    assert dynamo.put_item(table, item)
    assert from_item(dynamo.get_item(table, to_item({"pk": PLAIN["pk"]}))) == PLAIN
    # boto3's own serializer writes the same attribute values (it reads numbers back as Decimal).
    assert boto_ddb.get_item(TableName=table, Key=to_item({"pk": PLAIN["pk"]}))["Item"] == item


def test_value_conversions_of_single_values() -> None:
    for value in ("x", 0, -1, True, None, [], {}, ("a", 1)):
        expected = list(value) if isinstance(value, tuple) else value
        assert from_attribute_value(to_attribute_value(value)) == expected
    assert from_attribute_value({"N": "1.5"}) == 1.5
    assert from_attribute_value({"N": "-1E+2"}) == -100.0
    for unsupported in (1.5, {"a", "b"}, b"bytes", object()):
        with pytest.raises(TypeError):
            to_attribute_value(unsupported)
    with pytest.raises(TypeError):
        to_attribute_value({1: "non-str key"})
    for unsupported in ({"SS": ["a"]}, {"B": "AAEC"}, {"S": 1}):
        with pytest.raises(TypeError):
            from_attribute_value(unsupported)
    with pytest.raises(ValueError, match="exactly one type"):
        from_attribute_value({"S": "a", "N": "1"})


# --- stub servers ------------------------------------------------------------------------------------


@pytest.fixture
def stub() -> Iterator[Callable[..., Stub]]:
    started: list[Stub] = []

    def start(*responders: Callable[[Seen], Reply]) -> Stub:
        server = Stub(*responders)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


ITEM = {"pk": {"S": "ev-stub"}, "ttl": {"N": "1700000000"}}


def answer(doc: dict, status: int = 200, crc: int | str | None = None) -> Callable[[Seen], Reply]:
    """A DynamoDB answer carrying x-amz-crc32: the body's own, or `crc` to fake a damaged body."""
    def reply(seen: Seen) -> Reply:
        payload = json.dumps(doc).encode()
        headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "req-stub",
                   "x-amz-crc32": str(zlib.crc32(payload) if crc is None else crc)}
        return status, headers, payload

    return reply


def fault(error_type: str, message: str = "", status: int = 400) -> Callable[[Seen], Reply]:
    return answer({"__type": f"com.amazonaws.dynamodb.v20120810#{error_type}", "message": message}, status)


found = answer({"Item": ITEM})


def test_request_is_what_botocore_sends(stub: Callable[..., Stub]) -> None:
    server = stub(found)
    with DynamoClient(endpoint_url=server.url) as client:
        client.get_item("dedup", key("ev-stub"))
    boto3.client("dynamodb", endpoint_url=server.url, region_name=REGION).get_item(
        TableName="dedup", Key=key("ev-stub"), ConsistentRead=True)
    ours, theirs = server.requests
    assert (ours.method, ours.path) == (theirs.method, theirs.path) == ("POST", "/")
    assert ours.json() == theirs.json()
    for name in ("Content-Type", "X-Amz-Target", "Host"):
        assert ours.headers[name] == theirs.headers[name], name
    assert ours.headers["X-Amz-Target"] == "DynamoDB_20120810.GetItem"
    assert "x-amzn-query-mode" not in ours.headers  # SQS's alone
    assert "/us-east-1/dynamodb/aws4_request" in ours.headers["Authorization"]


def test_bad_crc32_is_retried(stub: Callable[..., Stub]) -> None:
    server = stub(answer({"Item": ITEM}, crc=12345), found)
    with DynamoClient(endpoint_url=server.url) as client:
        assert client.get_item("dedup", key("ev-stub")) == ITEM
    assert client.last_attempts == 2
    assert len(server.requests) == 2


@pytest.mark.parametrize("crc", [12345, "not-a-number"])
def test_bad_crc32_that_persists_raises(stub: Callable[..., Stub], crc: int | str) -> None:
    server = stub(answer({"Item": ITEM}, crc=crc))
    with DynamoClient(endpoint_url=server.url) as client, pytest.raises(AwsCallFailed) as caught:
        client.get_item("dedup", key("ev-stub"))
    assert (caught.value.code, caught.value.status, caught.value.attempts) == ("CRC32Mismatch", 200, 3)
    assert caught.value.retryable


def test_bad_crc32_on_an_error_is_retried_too(stub: Callable[..., Stub]) -> None:
    damaged = answer({"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"}, 400, crc=1)
    server = stub(damaged, found)
    with DynamoClient(endpoint_url=server.url) as client:
        assert client.get_item("dedup", key("ev-stub")) == ITEM
    assert client.last_attempts == 2


def test_a_response_without_crc32_is_accepted(stub: Callable[..., Stub]) -> None:
    server = stub(lambda seen: (200, {"Content-Type": "application/x-amz-json-1.0"}, json.dumps({}).encode()))
    with DynamoClient(endpoint_url=server.url) as client:
        assert client.get_item("dedup", key("ev-stub")) is None


def test_sqs_does_not_check_crc32(stub: Callable[..., Stub]) -> None:
    """botocore checks it for DynamoDB only; the generic client does so only when the service says."""
    def sent(seen: Seen) -> Reply:
        digest = hashlib.md5(seen.json()["MessageBody"].encode(), usedforsecurity=False).hexdigest()
        return 200, {"x-amz-crc32": "1"}, json.dumps({"MessageId": "m-1", "MD5OfMessageBody": digest}).encode()

    server = stub(sent)
    with SqsClient(endpoint_url=server.url) as client:
        assert client.send_message("https://sqs.us-east-1.amazonaws.com/123456789012/q", "hello") == "m-1"


@pytest.mark.parametrize("code", ["ProvisionedThroughputExceededException", "ThrottlingException",
                                  "RequestLimitExceeded"])
def test_throttling_is_retried(stub: Callable[..., Stub], code: str) -> None:
    server = stub(fault(code, "Rate exceeded"), answer({}))
    with DynamoClient(endpoint_url=server.url) as client:
        assert client.put_item("dedup", ITEM, condition_expression="attribute_not_exists(pk)") is True
    assert client.last_attempts == 2
    assert [seen.json() for seen in server.requests] == [server.requests[0].json()] * 2


def test_throttling_that_persists_raises(stub: Callable[..., Stub]) -> None:
    server = stub(fault("ProvisionedThroughputExceededException", "Rate exceeded"))
    with DynamoClient(endpoint_url=server.url, max_attempts=4) as client, pytest.raises(AwsCallFailed) as caught:
        client.get_item("dedup", key("ev-stub"))
    assert (caught.value.code, caught.value.attempts, caught.value.retryable) == (
        "ProvisionedThroughputExceededException", 4, True)
    assert len(server.requests) == 4


@pytest.mark.parametrize("code", ["ConditionalCheckFailedException", "ResourceNotFoundException",
                                  "ValidationException"])
def test_client_errors_are_not_retried(stub: Callable[..., Stub], code: str) -> None:
    server = stub(fault(code, "no"), answer({}))
    with DynamoClient(endpoint_url=server.url) as client, pytest.raises(AwsCallFailed) as caught:
        client.get_item("dedup", key("ev-stub"))
    assert (caught.value.code, caught.value.attempts, caught.value.retryable) == (code, 1, False)
    assert len(server.requests) == 1


def test_a_conditional_delete_that_fails_deletes_nothing_and_says_so(stub: Callable[..., Stub]) -> None:
    server = stub(fault("ConditionalCheckFailedException", "The conditional request failed"))
    with DynamoClient(endpoint_url=server.url) as client:
        assert client.delete_item("dedup", key("ev-stub"), condition_expression="attribute_exists(pk)") is None
    assert len(server.requests) == 1


def test_a_failed_condition_is_false_and_other_put_errors_raise(stub: Callable[..., Stub]) -> None:
    server = stub(fault("ConditionalCheckFailedException", "The conditional request failed"),
                  fault("ValidationException", "bad"))
    with DynamoClient(endpoint_url=server.url) as client:
        assert client.put_item("dedup", ITEM, condition_expression="attribute_not_exists(pk)") is False
        with pytest.raises(AwsCallFailed, match="ValidationException"):
            client.put_item("dedup", ITEM)


def test_error_text_never_carries_item_values(stub: Callable[..., Stub]) -> None:
    private = "T123:private-event-id-42"
    server = stub(fault("ValidationException", f"One or more parameter values were invalid: {private} in pk"))
    with DynamoClient(endpoint_url=server.url) as client, pytest.raises(AwsCallFailed) as caught:
        client.put_item("dedup", {"pk": {"S": private}, "meta": {"M": {"note": {"S": private + "!"}}}})
    assert private not in f"{caught.value} {caught.value!r} {caught.value.message}"
    assert "One or more parameter values were invalid" in caught.value.message


def test_keep_alive_reuses_one_connection(stub: Callable[..., Stub]) -> None:
    server = stub(found)
    with DynamoClient(endpoint_url=server.url) as client:
        client.get_item("dedup", key("a"))
        client.put_item("dedup", ITEM)
    assert server.connections == 1


def test_clients_can_share_one_credential_provider(stub: Callable[..., Stub], monkeypatch: pytest.MonkeyPatch) -> None:
    """A cold start that needs SQS and DynamoDB fetches container credentials once."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    creds_server = stub(container_credentials())
    ddb_server = stub(found)
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", f"{creds_server.url}/creds")
    provider = CredentialProvider()
    with DynamoClient(endpoint_url=ddb_server.url, credentials=provider) as first, \
            DynamoClient(endpoint_url=ddb_server.url, credentials=provider) as second:
        first.get_item("dedup", key("a"))
        second.get_item("dedup", key("a"))
    assert len(creds_server.requests) == 1
    assert all("Credential=ASIACONTAINER0000001/" in seen.headers["Authorization"] for seen in ddb_server.requests)


# --- configuration and import cost ------------------------------------------------------------------


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "https://dynamodb.us-east-1.amazonaws.com"),
    ({"AWS_ENDPOINT_URL": "http://127.0.0.1:1"}, "http://127.0.0.1:1"),
    ({"AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:2"},
     "http://127.0.0.1:2"),
    ({"AWS_ENDPOINT_URL_SQS": "http://127.0.0.1:3"}, "https://dynamodb.us-east-1.amazonaws.com"),
    ({"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:2", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"},
     "https://dynamodb.us-east-1.amazonaws.com"),
])
def test_endpoint_resolution(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str) -> None:
    for name in ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert DynamoClient().endpoint_url == expected


def test_regional_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    assert DynamoClient(region="eu-west-1").endpoint_url == "https://dynamodb.eu-west-1.amazonaws.com"
    assert DynamoClient(region="cn-north-1").endpoint_url == "https://dynamodb.cn-north-1.amazonaws.com.cn"


def test_the_generic_client_needs_a_service() -> None:
    from bot.aws.client import AwsJsonClient

    with pytest.raises(TypeError, match="signing_name"):
        AwsJsonClient()


def test_imports_load_only_the_standard_library() -> None:
    # Only what the import loads counts: the interpreter's start-up (site, .pth hooks) is not ours.
    probe = ("import sys; before = set(sys.modules); import bot.aws.sqs, bot.aws.dynamodb; "
             "loaded = set(sys.modules) - before; "
             "print(sorted({m.split('.')[0] for m in loaded} - set(sys.stdlib_module_names) - {'bot'})); "
             "print(sorted({'typing', 'typing_extensions', 'logging', 'dataclasses', 'zlib'} & set(sys.modules)))")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.split() == ["[]", "[]"]
