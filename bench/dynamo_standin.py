"""A small in-memory DynamoDB for bench/standins.py: enough that a dialog's second turn finds what its first wrote.

The benchmark counts the calls Parley's handlers make; a stand-in that answered every GetItem with "no item" would
hide the calls of a dialog's answering turn (it would start over instead). So items are kept, per table, and the
answers have the shapes DynamoDB documents (API reference, "Response Syntax" of each operation):

- GetItem: `{}` when there is no item, else `{"Item": ...}`.
- PutItem / UpdateItem / DeleteItem: `{}`, or `{"Attributes": ...}` when `ReturnValues` asks for them
  (ALL_OLD, ALL_NEW, UPDATED_*: the whole item here, a superset that no caller of ours minds).
- Query / Scan: `{"Items": [...], "Count": n, "ScannedCount": n}` (no `LastEvaluatedKey`: one page).
- BatchGetItem `{"Responses": {table: [...]}, "UnprocessedKeys": {}}`; BatchWriteItem `{"UnprocessedItems": {}}`;
  TransactWriteItems `{}`; TransactGetItems `{"Responses": [{"Item": ...} | {}]}`.

What it does not do, on purpose: condition expressions hold unless they are a lone `attribute_not_exists(x)` or
`attribute_exists(x)` (every benchmarked request has fresh keys, so the idempotency record's compound condition
always holds in DynamoDB too); an UpdateExpression is applied for SET (values, `if_not_exists`, `a + b`), ADD of
numbers and REMOVE; Query matches the partition key's equality only (`#pk = :pk`), Scan a `begins_with` filter. No
TTL, no size limits, no throttling: time is the handlers', not a database's.
"""

from __future__ import annotations

import copy
import re
import threading
from typing import Any

Item = dict[str, dict[str, Any]]

# The key attributes of Parley's tables (serverless.yml's KeySchema) and Powertools' idempotency table, tried in
# this order when a table's key has not been seen in a request's Key yet (a PutItem first)
KNOWN_KEYS: tuple[tuple[str, ...], ...] = (
    ("workspace", "workflow_id"), ("owner", "job_id"), ("user_id", "ticket"), ("key",), ("id",),
)
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem"})


class ConditionFailed(Exception):
    """DynamoDB's ConditionalCheckFailedException."""


class Tables:
    """Every table's items, by the string form of their key; thread-safe (the stand-in's server is threaded)."""

    def __init__(self) -> None:
        self._items: dict[str, dict[tuple, Item]] = {}
        self._key_names: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def answer(self, operation: str, params: dict[str, Any]) -> dict[str, Any] | None:
        """The response document of one request, or None for an operation not stood in.
        Raises ConditionFailed when a (simple) condition does not hold."""
        handler = getattr(self, f"_{operation}", None)
        if handler is None:
            return None
        with self._lock:
            return handler(params)

    # --- keys ---------------------------------------------------------------------------------------------

    def _key(self, table: str, key: Item) -> tuple:
        names = self._key_names.setdefault(table, tuple(sorted(key)))
        return tuple((name, _scalar(key.get(name))) for name in names)

    def _key_of_item(self, table: str, item: Item) -> tuple:
        names = self._key_names.get(table)
        if names is None:
            names = next((candidate for candidate in KNOWN_KEYS if all(name in item for name in candidate)),
                         tuple(sorted(item)[:1]))
            self._key_names[table] = tuple(sorted(names))
        return self._key(table, {name: item[name] for name in self._key_names[table] if name in item})

    def _table(self, name: str) -> dict[tuple, Item]:
        return self._items.setdefault(name, {})

    # --- operations ---------------------------------------------------------------------------------------

    def _GetItem(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802 - DynamoDB's operation names
        found = self._table(params["TableName"]).get(self._key(params["TableName"], params["Key"]))
        return {"Item": copy.deepcopy(found)} if found is not None else {}

    def _PutItem(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        table, item = params["TableName"], params["Item"]
        key = self._key_of_item(table, item)
        old = self._table(table).get(key)
        _check(params, old)
        self._table(table)[key] = copy.deepcopy(item)
        return _returned(params, old, None)

    def _UpdateItem(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        table = params["TableName"]
        key = self._key(table, params["Key"])
        old = self._table(table).get(key)
        _check(params, old)
        new = copy.deepcopy(old) if old is not None else copy.deepcopy(params["Key"])
        _apply_update(new, params.get("UpdateExpression", ""), params.get("ExpressionAttributeNames") or {},
                      params.get("ExpressionAttributeValues") or {})
        self._table(table)[key] = new
        return _returned(params, old, new)

    def _DeleteItem(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        table = params["TableName"]
        key = self._key(table, params["Key"])
        old = self._table(table).get(key)
        _check(params, old)
        self._table(table).pop(key, None)
        return _returned(params, old, None)

    def _Query(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        names = params.get("ExpressionAttributeNames") or {}
        values = params.get("ExpressionAttributeValues") or {}
        match = re.match(r"\s*(#?\w+)\s*=\s*(:\w+)", params.get("KeyConditionExpression", ""))
        items = list(self._table(params["TableName"]).values())
        if match:
            attribute, value = names.get(match[1], match[1]), values.get(match[2])
            items = [item for item in items if item.get(attribute) == value]
        if params.get("ScanIndexForward") is False:
            items.reverse()
        if params.get("Limit"):
            items = items[: int(params["Limit"])]
        return _page(items)

    def _Scan(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        names = params.get("ExpressionAttributeNames") or {}
        values = params.get("ExpressionAttributeValues") or {}
        items = list(self._table(params["TableName"]).values())
        match = re.match(r"\s*begins_with\(\s*(#?\w+)\s*,\s*(:\w+)\s*\)", params.get("FilterExpression", ""))
        if match:
            attribute, prefix = names.get(match[1], match[1]), _scalar(values.get(match[2]))
            items = [item for item in items if str(_scalar(item.get(attribute))).startswith(str(prefix))]
        return _page(items)

    def _BatchGetItem(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        responses = {}
        for table, request in (params.get("RequestItems") or {}).items():
            found = (self._table(table).get(self._key(table, key)) for key in request.get("Keys", []))
            responses[table] = [copy.deepcopy(item) for item in found if item is not None]
        return {"Responses": responses, "UnprocessedKeys": {}}

    def _BatchWriteItem(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        for table, requests in (params.get("RequestItems") or {}).items():
            for request in requests:
                if "PutRequest" in request:
                    self._PutItem({"TableName": table, "Item": request["PutRequest"]["Item"]})
                elif "DeleteRequest" in request:
                    self._DeleteItem({"TableName": table, "Key": request["DeleteRequest"]["Key"]})
        return {"UnprocessedItems": {}}

    def _TransactWriteItems(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        for entry in params.get("TransactItems", []):
            for kind, request in entry.items():
                operation = {"Put": self._PutItem, "Update": self._UpdateItem, "Delete": self._DeleteItem}.get(kind)
                if operation is not None:
                    operation(request)
        return {}

    def _TransactGetItems(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return {"Responses": [self._GetItem(entry["Get"]) for entry in params.get("TransactItems", [])]}


def _scalar(value: dict[str, Any] | None) -> object:
    if not value:
        return None
    (kind, inner), = value.items()
    return repr(inner) if kind in ("M", "L", "SS", "NS", "BS") else inner


def _page(items: list[Item]) -> dict[str, Any]:
    return {"Items": copy.deepcopy(items), "Count": len(items), "ScannedCount": len(items)}


def _returned(params: dict[str, Any], old: Item | None, new: Item | None) -> dict[str, Any]:
    wanted = params.get("ReturnValues") or "NONE"
    shown = old if wanted in ("ALL_OLD", "UPDATED_OLD") else new if wanted in ("ALL_NEW", "UPDATED_NEW") else None
    return {"Attributes": copy.deepcopy(shown)} if shown else {}


def _check(params: dict[str, Any], old: Item | None) -> None:
    """A lone attribute_(not_)exists condition is checked; any other holds (see the module's docstring)."""
    condition = (params.get("ConditionExpression") or "").strip()
    match = re.fullmatch(r"attribute_(not_exists|exists)\(\s*(#?\w+)\s*\)", condition)
    if not match:
        return
    attribute = (params.get("ExpressionAttributeNames") or {}).get(match[2], match[2])
    present = old is not None and attribute in old
    if present == (match[1] == "not_exists"):
        raise ConditionFailed(condition)


_CLAUSE = re.compile(r"\b(SET|ADD|REMOVE|DELETE)\b", re.IGNORECASE)


def _apply_update(item: Item, expression: str, names: dict[str, str], values: dict[str, Any]) -> None:
    parts = _CLAUSE.split(expression)
    for verb, body in zip(parts[1::2], parts[2::2], strict=True):
        for action in _split_top(body):
            _apply_action(item, verb.upper(), action.strip(), names, values)


def _split_top(text: str) -> list[str]:
    """Comma-separated actions, commas inside parentheses (if_not_exists(a, :b)) kept."""
    actions, depth, current = [], 0, ""
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            actions.append(current)
            current = ""
        else:
            current += char
    return [action for action in (*actions, current) if action.strip()]


def _apply_action(item: Item, verb: str, action: str, names: dict[str, str], values: dict[str, Any]) -> None:
    def name(token: str) -> str:
        return names.get(token.strip(), token.strip())

    if verb == "REMOVE":
        item.pop(name(action), None)
    elif verb == "SET":
        target, _, operand = action.partition("=")
        item[name(target)] = _operand(item, operand.strip(), names, values)
    elif verb == "ADD":
        target, operand = action.split(None, 1)
        added = values.get(operand.strip(), {"N": "0"})
        current = item.get(name(target), {"N": "0"})
        if "N" in added and "N" in current:
            item[name(target)] = {"N": _number(float(current["N"]) + float(added["N"]))}


def _operand(item: Item, text: str, names: dict[str, str], values: dict[str, Any]) -> dict[str, Any]:
    match = re.fullmatch(r"if_not_exists\(\s*(#?\w+)\s*,\s*(.+)\)", text)
    if match:
        existing = item.get(names.get(match[1], match[1]))
        return existing if existing is not None else _operand(item, match[2].strip(), names, values)
    for sign in ("+", "-"):
        if sign in text:
            left, right = (_operand(item, side.strip(), names, values) for side in text.split(sign, 1))
            if "N" in left and "N" in right:
                total = float(left["N"]) + (1 if sign == "+" else -1) * float(right["N"])
                return {"N": _number(total)}
    if text.startswith(":"):
        return values.get(text, {"NULL": True})
    return item.get(names.get(text, text), {"NULL": True})


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)
