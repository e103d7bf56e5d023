"""A lean DynamoDB client: standard library only, for the ack path's dedup markers and every store in `bot.stores`.

GetItem, PutItem and UpdateItem (conditional), DeleteItem and Query over `bot.aws.client`, with the
responses' x-amz-crc32 checked as botocore does. Items are DynamoDB's own attribute-value JSON
(`{"pk": {"S": "..."}}`); `to_item` / `from_item` convert from and to plain Python values. Every
operation takes the request's deadline (see `bot.aws.client.AwsJsonClient.call`).
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.aws.client import AwsJsonClient
from bot.aws.errors import AwsCallFailed, Problem

__all__ = [
    "AttributeValue", "AwsCallFailed", "DynamoClient", "Item", "Page", "from_attribute_value", "from_item",
    "to_attribute_value", "to_item",
]

AttributeValue = dict[str, object]  # {"S": "x"}, {"N": "1"}, {"M": {...}}...
Item = dict[str, AttributeValue]  # attribute name -> attribute value; a key is an item of the key attributes
_CONDITION_FAILED = "ConditionalCheckFailedException"


class Page:
    """One page of a Query: its items, and the key to start the next page from (None after the last page)."""

    __slots__ = ("items", "last_key")

    def __init__(self, items: list[Item], last_key: Item | None) -> None:
        self.items = items
        self.last_key = last_key

    def __repr__(self) -> str:  # the items may hold what people typed: counted, never shown
        return f"Page({len(self.items)} items, last_key={'set' if self.last_key else None})"


class DynamoClient(AwsJsonClient):
    """DynamoDB item calls over one keep-alive connection; see AwsJsonClient for the options and the lifecycle.

    Failures raise AwsCallFailed with DynamoDB's code (ResourceNotFoundException, ValidationException...);
    throttling (ProvisionedThroughputExceededException, ThrottlingException, RequestLimitExceeded) and
    CRC32 mismatches are retried within the deadline first.
    """

    signing_name = "dynamodb"
    target_prefix = "DynamoDB_20120810"
    endpoint_env = "DYNAMODB"
    label = "DynamoDB"
    verify_crc32 = True

    def __enter__(self) -> DynamoClient:
        return self

    def get_item(self, table: str, key: Item, *, consistent_read: bool = True,
                 deadline: float | None = None) -> Item | None:
        """The item with `key`, as attribute values, or None when there is none."""
        params = {"TableName": table, "Key": key, "ConsistentRead": consistent_read}
        doc = self.call("GetItem", params, check=_item_check, private=_strings(key), deadline=deadline)
        item = doc.get("Item")
        return item if isinstance(item, dict) else None

    def put_item(
        self,
        table: str,
        item: Item,
        *,
        condition_expression: str | None = None,
        expression_attribute_names: Mapping[str, str] | None = None,
        expression_attribute_values: Item | None = None,
        deadline: float | None = None,
    ) -> bool:
        """Write `item`; False when `condition_expression` did not hold (nothing was written).

        A write whose answer was lost (timeout, 5xx) is retried, so a condition such as
        `attribute_not_exists(pk)` can fail on the retry against our own first write: False then means
        "the item is there", which is what a dedup marker needs anyway.
        """
        params: dict[str, object] = {"TableName": table, "Item": item}
        params.update(_expressions(condition_expression, expression_attribute_names, expression_attribute_values))
        try:
            self.call("PutItem", params, private=_strings(item, expression_attribute_values), deadline=deadline)
        except AwsCallFailed as failure:
            if failure.code == _CONDITION_FAILED:
                return False
            raise
        return True

    def update_item(
        self,
        table: str,
        key: Item,
        update_expression: str,
        *,
        condition_expression: str | None = None,
        expression_attribute_names: Mapping[str, str] | None = None,
        expression_attribute_values: Item | None = None,
        return_values: str | None = None,
        deadline: float | None = None,
    ) -> Item | None:
        """Apply `update_expression` to the item with `key` (created when absent, as DynamoDB does).

        Returns the attributes `return_values` asks for (NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW;
        {} when none were asked for or there were none), or None when `condition_expression` did not hold
        and nothing was written. As with `put_item`, a write whose answer was lost is retried: an update
        that is not idempotent (`ADD #n :one`) may then apply twice, or fail its condition against itself.
        """
        params: dict[str, object] = {"TableName": table, "Key": key, "UpdateExpression": update_expression}
        params.update(_expressions(condition_expression, expression_attribute_names, expression_attribute_values))
        if return_values is not None:
            params["ReturnValues"] = return_values
        return self._conditional("UpdateItem", params, _strings(key, expression_attribute_values), deadline)

    def delete_item(
        self,
        table: str,
        key: Item,
        *,
        condition_expression: str | None = None,
        expression_attribute_names: Mapping[str, str] | None = None,
        expression_attribute_values: Item | None = None,
        return_old: bool = False,
        deadline: float | None = None,
    ) -> Item | None:
        """Delete the item with `key`; deleting one that is not there is no error.

        Returns what the item held when `return_old` ({} when there was none), else {}; None when
        `condition_expression` did not hold and nothing was deleted (a one-time code already used, say).
        """
        params: dict[str, object] = {"TableName": table, "Key": key}
        params.update(_expressions(condition_expression, expression_attribute_names, expression_attribute_values))
        if return_old:
            params["ReturnValues"] = "ALL_OLD"
        return self._conditional("DeleteItem", params, _strings(key, expression_attribute_values), deadline)

    def _conditional(self, operation: str, params: dict[str, object], private: tuple[str, ...],
                     deadline: float | None) -> Item | None:
        """A write that may carry a condition: the attributes it returned ({} for none), or None when the condition
        did not hold (nothing was written)."""
        try:
            doc = self.call(operation, params, check=_attributes_check, private=private, deadline=deadline)
        except AwsCallFailed as failure:
            if failure.code == _CONDITION_FAILED:
                return None
            raise
        attributes = doc.get("Attributes")
        return attributes if isinstance(attributes, dict) else {}

    def query(
        self,
        table: str,
        key_condition_expression: str,
        *,
        expression_attribute_names: Mapping[str, str] | None = None,
        expression_attribute_values: Item | None = None,
        scan_index_forward: bool = True,
        limit: int | None = None,
        exclusive_start_key: Item | None = None,
        consistent_read: bool = False,
        deadline: float | None = None,
    ) -> Page:
        """One page of the items whose key matches `key_condition_expression`, in sort-key order
        (descending when `scan_index_forward` is False), at most `limit` of them. Pass the page's `last_key`
        as `exclusive_start_key` for the next page; it is None after the last one."""
        params: dict[str, object] = {"TableName": table, "KeyConditionExpression": key_condition_expression,
                                     "ScanIndexForward": scan_index_forward, "ConsistentRead": consistent_read}
        params.update(_expressions(None, expression_attribute_names, expression_attribute_values))
        if limit is not None:
            params["Limit"] = limit
        if exclusive_start_key is not None:
            params["ExclusiveStartKey"] = exclusive_start_key
        doc = self.call("Query", params, check=_items_check,
                        private=_strings(expression_attribute_values, exclusive_start_key), deadline=deadline)
        items = doc.get("Items") or []
        last_key = doc.get("LastEvaluatedKey")
        return Page(list(items), last_key if isinstance(last_key, dict) and last_key else None)  # type: ignore[arg-type]


def to_attribute_value(value: object) -> AttributeValue:
    """A plain value (str, int, bool, None, a dict with str keys, a list or tuple) as a DynamoDB attribute value.

    Floats are refused: DynamoDB numbers are exact decimals, and a binary float rarely is one.
    """
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):  # before int: bool is an int
        return {"BOOL": value}
    if isinstance(value, int):
        return {"N": str(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, Mapping):
        return {"M": to_item(value)}
    if isinstance(value, list | tuple):
        return {"L": [to_attribute_value(entry) for entry in value]}
    raise TypeError(f"no DynamoDB attribute value for {type(value).__name__}; use str, int, bool, None, dict, list")


def from_attribute_value(value: Mapping[str, object]) -> object:
    """The plain value of a DynamoDB attribute value: S, N, BOOL, NULL, M and L (numbers with a fraction or
    an exponent come back as float). Sets and binary are refused, as `to_attribute_value` never writes them."""
    if len(value) != 1:
        raise ValueError(f"an attribute value has exactly one type, not {sorted(value)}")
    [(kind, data)] = value.items()
    if kind == "S" and isinstance(data, str):
        return data
    if kind == "N" and isinstance(data, str):
        try:
            return int(data)
        except ValueError:
            return float(data)
    if kind == "BOOL" and isinstance(data, bool):
        return data
    if kind == "NULL":
        return None
    if kind == "M" and isinstance(data, Mapping):
        return from_item(data)
    if kind == "L" and isinstance(data, list):
        return [from_attribute_value(entry) for entry in data]
    raise TypeError(f"not a plain DynamoDB attribute value: {kind}")


def to_item(values: Mapping[str, object]) -> Item:
    """A dict of plain values as a DynamoDB item (or key)."""
    item: Item = {}
    for name, value in values.items():
        if not isinstance(name, str):
            raise TypeError(f"attribute names are str, not {type(name).__name__}")
        item[name] = to_attribute_value(value)
    return item


def from_item(item: Mapping[str, Mapping[str, object]]) -> dict[str, object]:
    """A DynamoDB item (or key) as a dict of plain values."""
    return {name: from_attribute_value(value) for name, value in item.items()}


def _expressions(condition_expression: str | None, names: Mapping[str, str] | None,
                 values: Item | None) -> dict[str, object]:
    params: dict[str, object] = {}
    if condition_expression is not None:
        params["ConditionExpression"] = condition_expression
    if names:
        params["ExpressionAttributeNames"] = dict(names)
    if values:
        params["ExpressionAttributeValues"] = values
    return params


def _item_check(doc: dict[str, object]) -> Problem | None:
    if not isinstance(doc.get("Item", {}), dict):
        return "InvalidResponse", "the response's Item is not a map"
    return None


def _attributes_check(doc: dict[str, object]) -> Problem | None:
    if not isinstance(doc.get("Attributes", {}), dict):
        return "InvalidResponse", "the response's Attributes is not a map"
    return None


def _items_check(doc: dict[str, object]) -> Problem | None:
    items = doc.get("Items", [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        return "InvalidResponse", "the response's Items is not a list of maps"
    if not isinstance(doc.get("LastEvaluatedKey", {}), dict):
        return "InvalidResponse", "the response's LastEvaluatedKey is not a map"
    return None


def _strings(*items: Mapping[str, object] | None) -> tuple[str, ...]:
    """The S values in `items`, nested ones included: what error text must not quote."""
    found: list[str] = []
    stack: list[object] = [item for item in items if item]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            for kind, data in node.items():
                if kind == "S" and isinstance(data, str):
                    found.append(data)
                else:
                    stack.append(data)
        elif isinstance(node, list):
            stack.extend(node)
    return tuple(found)
