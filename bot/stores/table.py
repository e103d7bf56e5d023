"""One DynamoDB table, in plain Python values, over Parley's lean client (`bot.aws.dynamodb`).

Every store's DynamoDB version talks to its table through this: items and keys are dicts of str, int, bool, None,
lists and dicts, converted to DynamoDB's attribute values here and nowhere else. The lean client, not boto3: the
Lex hook and the ingress need no boto3 at all for our tables, and the worker's calls go through one signed,
deadline-bounded client. Reads are strongly consistent: a dialog's next turn must see the last one's write.

DynamoDB deletes expired items (TTL) up to days late, so every read that cares checks `expires_at` itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.aws.dynamodb import DynamoClient, from_item, to_attribute_value, to_item

EXPIRES_AT = "expires_at"  # every table's TTL attribute (serverless.yml)


class Condition:
    """A condition expression with its names and values (plain values), for a conditional write."""

    def __init__(self, expression: str, names: Mapping[str, str] | None = None,
                 values: Mapping[str, object] | None = None) -> None:
        self.expression = expression
        self.names = dict(names or {})
        self.values = dict(values or {})


class DynamoTable:
    def __init__(self, client: DynamoClient, name: str) -> None:
        self.client = client
        self.name = name

    def get(self, key: Mapping[str, object]) -> dict[str, Any] | None:
        item = self.client.get_item(self.name, to_item(key), consistent_read=True)
        return from_item(item) if item is not None else None

    def put(self, item: Mapping[str, object], condition: Condition | None = None) -> bool:
        """Write `item`; False when `condition` did not hold (nothing written)."""
        if condition is None:
            return self.client.put_item(self.name, to_item(item))
        return self.client.put_item(self.name, to_item(item), condition_expression=condition.expression,
                                    expression_attribute_names=condition.names or None,
                                    expression_attribute_values=to_item(condition.values) or None)

    def delete(self, key: Mapping[str, object], condition: Condition | None = None) -> dict[str, Any] | None:
        """Delete the item with `key` and return what it held; None when there was none or `condition` failed."""
        params: dict[str, object] = {"TableName": self.name, "Key": to_item(key), "ReturnValues": "ALL_OLD"}
        _add_condition(params, condition)
        doc = self._call_conditional("DeleteItem", params)
        old = doc.get("Attributes") if doc else None
        return from_item(old) if isinstance(old, dict) and old else None

    def update(self, key: Mapping[str, object], expression: str, *, names: Mapping[str, str] | None = None,
               values: Mapping[str, object] | None = None, condition: Condition | None = None
               ) -> dict[str, Any] | None:
        """Apply an UpdateExpression; returns the item's new attributes, None when `condition` failed."""
        params: dict[str, object] = {"TableName": self.name, "Key": to_item(key), "UpdateExpression": expression,
                                     "ReturnValues": "ALL_NEW"}
        merged_names = {**(names or {}), **(condition.names if condition else {})}
        merged_values = {**(values or {}), **(condition.values if condition else {})}
        if condition is not None:
            params["ConditionExpression"] = condition.expression
        if merged_names:
            params["ExpressionAttributeNames"] = merged_names
        if merged_values:
            params["ExpressionAttributeValues"] = to_item(merged_values)
        doc = self._call_conditional("UpdateItem", params)
        new = doc.get("Attributes") if doc else None
        return from_item(new) if isinstance(new, dict) else None

    def query(self, partition: str, value: object, *, newest_first: bool = False, limit: int | None = None
              ) -> list[dict[str, Any]]:
        """The items of one partition, in sort-key order (reversed with `newest_first`), at most `limit`."""
        params: dict[str, object] = {
            "TableName": self.name, "KeyConditionExpression": "#pk = :pk", "ConsistentRead": True,
            "ExpressionAttributeNames": {"#pk": partition},
            "ExpressionAttributeValues": {":pk": to_attribute_value(value)},
            "ScanIndexForward": not newest_first,
        }
        if limit is not None:
            params["Limit"] = limit
        doc = self.client.call("Query", params)
        items = doc.get("Items")
        return [from_item(item) for item in items if isinstance(item, dict)] if isinstance(items, list) else []

    def _call_conditional(self, operation: str, params: dict[str, object]) -> dict[str, object] | None:
        from bot.aws.client import AwsCallFailed

        try:
            return self.client.call(operation, params)
        except AwsCallFailed as failure:
            if failure.code == "ConditionalCheckFailedException":
                return None
            raise


def _add_condition(params: dict[str, object], condition: Condition | None) -> None:
    if condition is None:
        return
    params["ConditionExpression"] = condition.expression
    if condition.names:
        params["ExpressionAttributeNames"] = condition.names
    if condition.values:
        params["ExpressionAttributeValues"] = to_item(condition.values)
