"""make trace and make misses against a stage's CloudWatch Logs, as far as moto's Logs Insights goes.

moto (5.2) runs `start_query` / `get_query_results` over real log groups and events: it honours the time range,
`fields` (@timestamp, @message, @log), `sort` and `limit`, and refuses a missing log group as AWS does. It does not
evaluate `filter` (every event comes back), so Parley filters the rows again on its side, and these tests prove
that second filter, not the query's own; the query's text is checked in tests/unit/test_trace.py.
"""

from __future__ import annotations

import time

import boto3
import pytest

from bot.observability import misses, trace
from bot.observability.records import existing_groups, stage_records
from tests.support.log_lines import answered, dead_lettered, line

STAGE = "local-insights"


@pytest.fixture(scope="module")
def logs(moto_endpoint: str):
    client = boto3.client("logs", endpoint_url=moto_endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    now = int(time.time() * 1000)
    by_function = {"slack": [each for each in answered("EvA") + dead_lettered("EvD") if '"name"' not in each
                             and each.startswith("{")],
                   "worker": [each for each in answered("EvA") + dead_lettered("EvD") if '"name"' in each] + [
                       line(0, misses.MESSAGE, "EvM", text="flibbertigibbet wobble", verdict="fallback", via="slack"),
                       line(1, misses.MESSAGE, "EvN", text="Flibbertigibbet wobble!", verdict="fallback", via="lex")]}
    for function, lines in by_function.items():
        group = f"/aws/lambda/parley-{STAGE}-{function}"
        client.create_log_group(logGroupName=group)
        client.create_log_stream(logGroupName=group, logStreamName="2026/12/01/[$LATEST]abc")
        client.put_log_events(logGroupName=group, logStreamName="2026/12/01/[$LATEST]abc", logEvents=[
            {"timestamp": now - 60_000 + index, "message": each} for index, each in enumerate(lines)])
    return client


def test_only_the_stage_groups_that_exist_are_queried(logs) -> None:
    assert existing_groups(logs, STAGE) == [f"/aws/lambda/parley-{STAGE}-slack", f"/aws/lambda/parley-{STAGE}-worker"]
    assert stage_records(logs, "local-nothing-here", trace.insights_query("EvA"), 3600) == []


def test_the_trace_of_an_answered_message_comes_from_both_functions(logs) -> None:
    found = trace.trace_stage("EvA", STAGE, logs=logs, since_seconds=3600)
    assert [record.message for record in found.records] == [
        "queued", "job received", "recognised", "intent ran", "reply sent", "job done"]
    assert [record.function for record in found.records][:2] == ["slack", "worker"]
    assert trace.render(found).endswith("answered: the job ran to its end.")


def test_the_trace_of_a_dead_lettered_message_says_so(logs) -> None:
    assert "dead-lettered" in trace.verdict(trace.trace_stage("EvD", STAGE, logs=logs, since_seconds=3600))


def test_a_time_range_before_the_lines_finds_nothing(logs) -> None:
    long_ago = time.time() - 30 * 24 * 3600
    assert stage_records(logs, STAGE, trace.insights_query("EvA"), 3600, now=long_ago) == []


def test_misses_of_a_stage_are_grouped(logs) -> None:
    grouped = misses.group_misses(stage_records(logs, STAGE, misses.QUERY, 3600))
    assert [(miss.text, miss.count) for miss in grouped] == [("flibbertigibbet wobble", 2)]
