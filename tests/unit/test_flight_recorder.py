"""The flight recorder keeps a turn's request and Web API calls redacted; replay's diff ignores what differs by
nature and shows what changed (bot/observability/recorder.py, replay.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.observability.recorder import FlightRecorder, file_sink, log_sink, recorder_on, slack_inbound
from bot.observability.replay import diff_turn, load, new_timestamps, normalised, request_body
from bot.settings import Settings

EVENT = {"token": "verification-token-value", "team_id": "T1", "event_id": "Ev1", "authorizations": [{"team_id": "T1"}],
         "event": {"type": "message", "text": "mail me at ann@example.com or call +1 (555) 010-0199", "ts": "1.000001",
                   "channel": "D1"}}


def record_one(calls: list[tuple[str, dict[str, Any]]], inbound: dict[str, Any] | None = None) -> dict[str, Any]:
    kept: list[dict[str, Any]] = []
    recorder = FlightRecorder(kept.append)
    with recorder.turn("slack", "slack:-:T1:Ev1", "Ev1", inbound or slack_inbound("application/json", "", EVENT)):
        for method, args in calls:
            recorder.call(method, args, True, None, "1700000000.000100")
    return kept[0]


def test_a_turn_is_kept_with_secrets_and_personal_data_redacted() -> None:
    record = record_one([("chat.postMessage", {"channel": "D1", "text": "Sent to ann@example.com",
                                               "token": "xoxb-123-456-abcdefabcdef"})])
    text = json.dumps(record)
    for secret in ("verification-token-value", "ann@example.com", "555", "xoxb-123"):
        assert secret not in text
    assert record["inbound"]["body"]["event"]["text"] == "mail me at [email] or call [phone]"
    assert record["outbound"] == [{"method": "chat.postMessage", "ok": True, "error": None, "ts": "1700000000.000100",
                                   "args": {"channel": "D1", "text": "Sent to [email]", "token": "[token]"}}]


def test_auth_test_is_not_a_turns_call_and_nothing_is_kept_outside_a_turn() -> None:
    kept: list[dict[str, Any]] = []
    recorder = FlightRecorder(kept.append)
    recorder.call("chat.postMessage", {"text": "between turns"}, True, None, None)
    with recorder.turn("slack", "k", "c", {"encoding": "json", "body": {}}):
        recorder.call("auth.test", {}, True, None, None)
    assert kept[0]["outbound"] == [] and len(kept) == 1


def test_a_failed_turn_is_kept_as_failed() -> None:
    kept: list[dict[str, Any]] = []
    with pytest.raises(RuntimeError), FlightRecorder(kept.append).turn("slack", "k", "c", {"body": {}}):
        raise RuntimeError("listener failed")
    assert kept[0]["outcome"] == "failed"


def test_on_by_default_in_the_local_stack_only() -> None:
    assert recorder_on("local", None, "run.jsonl") and recorder_on("local-e2e", None, "run.jsonl")
    assert not recorder_on("local", None, "") and not recorder_on("prod", None, "run.jsonl")
    assert recorder_on("prod", True, "") and not recorder_on("local", False, "run.jsonl")
    assert Settings(PARLEY_FLIGHT_RECORDER="on").flight_recorder is True
    assert Settings(PARLEY_FLIGHT_RECORDER="off").flight_recorder is False


def test_file_and_log_recordings_load_alike(tmp_path: Path) -> None:
    record = record_one([("chat.postMessage", {"channel": "D1", "text": "hi"})])
    local = tmp_path / "run.jsonl"
    file_sink(local, warn=print)(record)
    lines: list[str] = []
    log_sink(lambda message, extra: lines.append(json.dumps({"level": "INFO", "message": message, **extra})))(record)
    exported = tmp_path / "cloudwatch.log"
    exported.write_text("2026-12-01T12:00:00Z\t" + lines[0] + "\nSTART RequestId: x\n")
    assert load(local) == load(exported) == [record]


def test_the_diff_ignores_timestamps_ids_and_ticket_numbers() -> None:
    before = record_one([("chat.postMessage", {"channel": "D1", "text": "Opened *PAR-A5EF78*", "thread_ts": "1.2",
                                               "blocks": [{"type": "section", "block_id": "text-0"}]})])
    after = record_one([("chat.postMessage", {"channel": "D1", "text": "Opened *PAR-0B12C3*", "thread_ts": "9.9",
                                              "blocks": [{"type": "section", "block_id": "text-0"}]})])
    assert diff_turn(1, before, after) == []
    assert normalised({"ts": "1", "text": "at 1700000000.000100"}) == {"text": "at <ts>"}


def test_the_diff_shows_exactly_what_changed() -> None:
    before = record_one([("chat.postMessage", {"channel": "D1", "text": "Hello!"})])
    after = record_one([("chat.postMessage", {"channel": "D1", "text": "Howdy!"})])
    changed = [line for line in diff_turn(1, before, after) if line[:1] in "+-" and line[:3] not in ("---", "+++")]
    assert changed == ['-    text: "Hello!"', '+    text: "Howdy!"']
    assert diff_turn(1, before, None)[-1] == "+(no turn: the worker did not take the request)"


def test_a_request_is_sent_again_with_this_runs_timestamps_and_response_url() -> None:
    recorded = record_one([("chat.postMessage", {"channel": "D1", "text": "Pick one"})])
    replayed = record_one([("chat.postMessage", {"channel": "D1", "text": "Pick one"})])
    replayed["outbound"][0]["ts"] = "1800000000.000200"
    mapped = dict(new_timestamps(recorded, replayed))
    assert mapped == {"1700000000.000100": "1800000000.000200"}
    click = {"encoding": "payload", "body": {"type": "block_actions", "response_url": "[url]",
                                             "container": {"message_ts": "1700000000.000100"}}}
    body = request_body(click, mapped, "http://127.0.0.1:1/response/replay-1")
    assert isinstance(body, str) and "1800000000.000200" in body and "replay-1" in body
    event = request_body(slack_inbound("application/json", "", {"authorizations": "[token]", "type": "x"}), {}, "u")
    assert event == {"type": "x"}
