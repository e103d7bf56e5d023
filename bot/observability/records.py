"""The functions' log lines as records, read from where they are: the local stack's files or a stage's CloudWatch.

Both `make trace` and `make misses` read the same JSON lines the handlers write (Powertools' fields; the ingress's
lean logger writes the same ones). Locally serverless offline prints them into `.parley/logs/offline.log` among its
own lines, and the Slack stand-in writes one line per Web API call into `slack.log` (no correlation id: Slack's
API has none; `bot.observability.trace` places them by time). In AWS each function has its log group
`/aws/lambda/parley-<stage>-<function>`, read with a CloudWatch Logs Insights query (`stage_records`).

Failure policy: a line that is not JSON (serverless offline's banner, Lambda's START/REPORT lines) is skipped; a
line with no readable timestamp is skipped too, since a trace is an order in time.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

FUNCTIONS = ("slack", "worker", "lex", "oauth")
SLACK_API = "slack api"  # the stand-in's log, as a pseudo function
_STANDIN_CALL = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}) #\d+ (.*)$")
QUERY_POLL_SECONDS = 1.0
QUERY_LIMIT = 10000  # Logs Insights returns at most 10,000 rows a query


@dataclass(frozen=True)
class Record:
    """One log line: when, which function wrote it, and its fields (`message`, `correlation_id`, ...)."""

    at: datetime
    function: str
    fields: dict[str, Any] = field(compare=False)

    @property
    def message(self) -> str:
        return str(self.fields.get("message", ""))

    @property
    def correlation_id(self) -> str | None:
        value = self.fields.get("correlation_id")
        return str(value) if value else None


def parse_timestamp(text: str) -> datetime | None:
    """Powertools' `2026-12-01 12:36:10,287+0000` (and ISO 8601) as an aware datetime."""
    for pattern in ("%Y-%m-%d %H:%M:%S,%f%z", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%d %H:%M:%S.%f%z"):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def function_of(fields: dict[str, Any], stage_prefix: str | None = None) -> str:
    """Which function wrote a line. In AWS its `function_name` says (`parley-dev-worker`); serverless offline names
    every function `Fake`, so locally the logger says: the ingress's lean logger has no `name`, Powertools' has."""
    name = str(fields.get("function_name") or "")
    if stage_prefix and name.startswith(stage_prefix):
        return name[len(stage_prefix):]
    logger_name = str(fields.get("name") or "")
    if not logger_name:
        return "slack"
    for function in ("lex", "oauth"):
        if f".{function}." in logger_name:
            return function
    return "worker"


def json_records(lines: Iterable[str], stage_prefix: str | None = None) -> Iterator[Record]:
    """The JSON log lines among `lines`, as records."""
    for line in lines:
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            fields = json.loads(line)
        except ValueError:
            continue
        at = parse_timestamp(str(fields.get("timestamp", ""))) if isinstance(fields, dict) else None
        if at is not None:
            yield Record(at, function_of(fields, stage_prefix), fields)


def standin_records(lines: Iterable[str]) -> Iterator[Record]:
    """The Slack stand-in's Web API calls (`<time> #<n> POST /api/chat.postMessage -> 200 ok ...`)."""
    for line in lines:
        found = _STANDIN_CALL.match(line.strip())
        if found:
            at = datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S,%f").astimezone()  # the stand-in's local time
            yield Record(at, SLACK_API, {"message": "web api call", "call": found.group(2)})


def local_records(log_dir: Path) -> list[Record]:
    """Every record of the local stack's logs, in time order."""
    records: list[Record] = []
    offline, standin = log_dir / "offline.log", log_dir / "slack.log"
    if offline.exists():
        records.extend(json_records(offline.read_text(errors="replace").splitlines()))
    if standin.exists():
        records.extend(standin_records(standin.read_text(errors="replace").splitlines()))
    return sorted(records, key=lambda record: record.at)


def log_groups(stage: str) -> list[str]:
    """The log groups of the stage's functions."""
    return [f"/aws/lambda/parley-{stage}-{function}" for function in FUNCTIONS]


def stage_records(logs: Any, stage: str, query: str, since_seconds: int, now: float | None = None) -> list[Record]:
    """The records a Logs Insights `query` finds in the stage's log groups over the last `since_seconds`.

    `logs` is a boto3 CloudWatch Logs client. Only the log groups that exist are queried (Insights refuses a query
    naming a missing one: a stage without oauth has no oauth group)."""
    groups = existing_groups(logs, stage)
    if not groups:
        return []
    end = int(now if now is not None else time.time())
    query_id = logs.start_query(logGroupNames=groups, startTime=end - since_seconds, endTime=end,
                                queryString=query, limit=QUERY_LIMIT)["queryId"]
    rows = _query_rows(logs, query_id)
    prefix = f"parley-{stage}-"
    messages = [_field(row, "@message") for row in rows]
    return sorted(json_records((each for each in messages if each), prefix), key=lambda record: record.at)


def existing_groups(logs: Any, stage: str) -> list[str]:
    found = logs.describe_log_groups(logGroupNamePrefix=f"/aws/lambda/parley-{stage}-")["logGroups"]
    names = {group["logGroupName"] for group in found}
    return [group for group in log_groups(stage) if group in names]


def _query_rows(logs: Any, query_id: str) -> list[list[dict[str, str]]]:
    while True:
        answer = logs.get_query_results(queryId=query_id)
        if answer["status"] not in ("Scheduled", "Running"):
            if answer["status"] != "Complete":
                raise RuntimeError(f"the Logs Insights query ended {answer['status']}")
            return answer["results"]
        time.sleep(QUERY_POLL_SECONDS)


def _field(row: list[dict[str, str]], name: str) -> str | None:
    return next((each.get("value") for each in row if each.get("field") == name), None)
