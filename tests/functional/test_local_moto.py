"""The local AWS keeps DynamoDB's promise that a conditional write is atomic (bot/local/moto.py); moto alone
does not."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import boto3
import pytest

WRITERS = 4
RACES = 200


@pytest.fixture
def table(moto_endpoint: str) -> Iterator[str]:
    client = boto3.client("dynamodb", endpoint_url=moto_endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    name = "conditional-race"
    client.create_table(TableName=name, KeySchema=[{"AttributeName": "key", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "key", "AttributeType": "S"}],
                        BillingMode="PAY_PER_REQUEST")
    yield name
    client.delete_table(TableName=name)


def test_of_several_concurrent_conditional_writes_exactly_one_wins(moto_endpoint: str, table: str) -> None:
    clients = [boto3.client("dynamodb", endpoint_url=moto_endpoint, region_name="us-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing")
               for _ in range(WRITERS)]
    double_wins = 0
    for race in range(RACES):
        clients[0].put_item(TableName=table, Item={"key": {"S": "token"}, "version": {"N": str(race)}})
        wins: list[int] = []
        start = threading.Barrier(WRITERS)

        def claim(client: object, writer: int, race: int = race, wins: list[int] = wins,
                  start: threading.Barrier = start) -> None:
            start.wait()
            try:  # the token refresher's claim: at this version, and nobody refreshing yet
                client.update_item(  # type: ignore[attr-defined]
                    TableName=table, Key={"key": {"S": "token"}}, UpdateExpression="SET refreshing = :me",
                    ConditionExpression="version = :v AND attribute_not_exists(refreshing)",
                    ExpressionAttributeValues={":me": {"N": str(writer)}, ":v": {"N": str(race)}})
                wins.append(writer)
            except client.exceptions.ConditionalCheckFailedException:  # type: ignore[attr-defined]
                pass

        threads = [threading.Thread(target=claim, args=(client, number)) for number, client in enumerate(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert wins, "one writer must win"
        double_wins += len(wins) > 1
    assert double_wins == 0
