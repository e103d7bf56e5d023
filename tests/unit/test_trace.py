"""make trace's reading of log lines: one message's steps in order, its durations, and how it ended."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.observability.records import json_records, local_records
from bot.observability.stages import UnknownStage, check_stage, known_stages
from bot.observability.trace import build_trace, insights_query, render, valid_id, verdict
from tests.support.log_lines import answered, dead_lettered, standin_call


def trace_of(lines: list[str], correlation_id: str):
    return build_trace(sorted(json_records(lines), key=lambda record: record.at), correlation_id)


def test_an_answered_message_shows_each_step_with_its_time_and_no_metric_lines() -> None:
    shown = render(trace_of(answered("Ev1"), "Ev1"))
    steps = [each.split()[5] for each in shown.splitlines()[1:7]]
    assert steps == ["queued", "job", "recognised", "intent", "reply", "job"]
    assert "(1 metric lines not shown)" in shown
    assert "EvOTHER" not in shown and "_aws" not in shown
    queued = shown.splitlines()[1]  # the ingress's metrics ride on its line: the step shown, the metrics not
    assert "kind=event_callback:message" in queued and "verdict=queued" in queued
    assert "Requests" not in queued and "AckDuration" not in queued and "function=" not in queued
    assert "queue delay (queued to received): 40 ms" in shown
    assert "intent run (roll): 0.4 ms" in shown
    assert "total (first to last line): 110 ms" in shown
    assert shown.endswith("answered: the job ran to its end.")


def test_the_functions_are_told_apart() -> None:
    functions = [record.function for record in trace_of(answered("Ev1"), "Ev1").records]
    assert functions == ["slack", "worker", "worker", "worker", "worker", "worker"]


def test_a_job_failed_on_its_last_receive_is_dead_lettered() -> None:
    text = render(trace_of(dead_lettered("Ev2"), "Ev2"))
    assert "FAILED 3 times, dead-lettered (receive 3 of 3)" in text
    assert "RuntimeError: boom" in text  # the traceback's last line, not the whole of it


def test_a_job_failed_before_its_last_receive_will_come_again() -> None:
    assert verdict(trace_of(dead_lettered("Ev3", receives=2), "Ev3")).startswith("FAILED 2 times (receive 2 of 3)")


def test_a_last_receive_that_has_not_ended_is_running_not_dead_lettered() -> None:
    lines = dead_lettered("Ev4")[:-1]  # the third receive's "job failed" is not written yet
    said = verdict(trace_of(lines, "Ev4"))
    assert said.startswith("FAILED 2 times; receive 3 of 3 is running"), said
    assert "dead-lettered" not in said


def test_an_unknown_id_says_so() -> None:
    assert render(trace_of(answered("Ev1"), "EvNOPE")) == "No log line has correlation id EvNOPE."


def test_web_api_calls_are_placed_by_the_time_the_job_ran(tmp_path: Path) -> None:
    (tmp_path / "offline.log").write_text("\n".join(answered("Ev1")))
    (tmp_path / "slack.log").write_text("\n".join([
        "2026-12-01 11:00:00,000 slack stand-in on http://127.0.0.1:1/api/",
        standin_call(95, 1, "POST /api/chat.postMessage -> 200 ok channel=D0LOCALDM"),
        standin_call(500, 2, "POST /api/chat.postMessage -> 200 ok channel=D0OTHER"),  # after the job: not its
    ]))
    text = render(build_trace(local_records(tmp_path), "Ev1"))
    assert "web api call (by time): POST /api/chat.postMessage -> 200 ok channel=D0LOCALDM" in text
    assert "D0OTHER" not in text


@pytest.mark.parametrize("bad", ['x" | fields @message', "", "a b", "x" * 200])
def test_an_id_that_could_change_the_query_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        valid_id(bad)


def test_the_query_filters_on_the_id_oldest_first() -> None:
    query = insights_query("EvC903C22F0F7C")
    assert 'filter correlation_id = "EvC903C22F0F7C"' in query and "sort @timestamp asc" in query


def test_stages_come_from_serverless_yml_and_a_typo_is_refused() -> None:
    assert {"local", "dev", "prod"} <= set(known_stages()) and "default" not in known_stages()
    assert check_stage("local-e2e") == "local-e2e"
    with pytest.raises(UnknownStage, match=r"unknown stage 'prdo'.*dev"):
        check_stage("prdo")
