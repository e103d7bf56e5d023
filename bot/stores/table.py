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

    def get(self, key: Mapping[str, object], *, deadline: float | None = None) -> dict[str, Any] | None:
        """The item with `key` (`deadline`: a time.monotonic() instant bounding the call, retries included)."""
        item = self.client.get_item(self.name, to_item(key), consistent_read=True, deadline=deadline)
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
        old = self.client.delete_item(self.name, to_item(key), return_old=True,
                                      condition_expression=condition.expression if condition else None,
                                      expression_attribute_names=(condition.names or None) if condition else None,
                                      expression_attribute_values=(to_item(condition.values) or None)
                                      if condition else None)
        return from_item(old) if old else None

    def update(self, key: Mapping[str, object], expression: str, *, names: Mapping[str, str] | None = None,
               values: Mapping[str, object] | None = None, condition: Condition | None = None
               ) -> dict[str, Any] | None:
        """Apply an UpdateExpression; returns the item's new attributes, None when `condition` failed."""
        merged_names = {**(names or {}), **(condition.names if condition else {})}
        merged_values = {**(values or {}), **(condition.values if condition else {})}
        new = self.client.update_item(self.name, to_item(key), expression,
                                      condition_expression=condition.expression if condition else None,
                                      expression_attribute_names=merged_names or None,
                                      expression_attribute_values=to_item(merged_values) or None,
                                      return_values="ALL_NEW")
        return from_item(new) if new is not None else None

    def query(self, partition: str, value: object, *, newest_first: bool = False, limit: int | None = None
              ) -> list[dict[str, Any]]:
        """The items of one partition, in sort-key order (reversed with `newest_first`), at most `limit`, every
        page of them when there is no limit."""
        items: list[dict[str, Any]] = []
        start = None
        while True:
            page = self.client.query(self.name, "#pk = :pk", expression_attribute_names={"#pk": partition},
                                     expression_attribute_values={":pk": to_attribute_value(value)},
                                     scan_index_forward=not newest_first, limit=limit, consistent_read=True,
                                     exclusive_start_key=start)
            items.extend(from_item(item) for item in page.items)
            start = page.last_key
            if start is None or limit is not None:
                return items

    def scan_prefix(self, attribute: str, prefix: str) -> list[dict[str, Any]]:
        """Every item whose `attribute` starts with `prefix`: a whole-table scan, for rare work (an uninstall)."""
        items: list[dict[str, Any]] = []
        start: dict[str, object] | None = None
        while True:
            params: dict[str, object] = {
                "TableName": self.name, "FilterExpression": "begins_with(#a, :prefix)",
                "ExpressionAttributeNames": {"#a": attribute},
                "ExpressionAttributeValues": {":prefix": {"S": prefix}}, "ConsistentRead": True,
            }
            if start is not None:
                params["ExclusiveStartKey"] = start
            doc = self.client.call("Scan", params)
            items.extend(from_item(item) for item in doc.get("Items") or [] if isinstance(item, dict))
            last = doc.get("LastEvaluatedKey")
            if not isinstance(last, dict) or not last:
                return items
            start = last
