"""DynamoDB helpers for functional tests: a table keyed like Parley's (`key`, a string), and a count of the
requests a lean client makes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import boto3

from bot.aws.dynamodb import DynamoClient


def key_table(endpoint: str, kind: str) -> str:
    """A new on-demand table in moto, keyed by `key` (S), as serverless.yml makes the dedup and dialogs tables."""
    name = f"parley-local-{uuid.uuid4().hex[:8]}-{kind}"
    boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1").create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "key", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "key", "AttributeType": "S"}])
    return name


@contextmanager
def counted_calls(client: DynamoClient) -> Iterator[list[str]]:
    """The operations `client` sends while the block runs, in order (GetItem, UpdateItem...)."""
    calls: list[str] = []
    original = client.call

    def counting(operation: str, *args: object, **kwargs: object) -> dict:
        calls.append(operation)
        return original(operation, *args, **kwargs)  # type: ignore[arg-type]

    client.call = counting  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        del client.call
