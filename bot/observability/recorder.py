"""The flight recorder: each turn's inbound request and the Web API calls it made, kept redacted for replay.

Why here, in the worker (and the Lex hook): it is the one place that sees both ends of a turn in AWS as locally. The
inbound side is the Slack request Bolt is given (or the Lex event); the outbound side is every Web API call made
while that turn runs, whichever `WebClient` made it (Bolt builds a fresh client per request, so no client of ours
could be wrapped): `install()` wraps slack_sdk's one `BaseClient.api_call` (and `WebhookClient.send_dict`, for
answers through a response_url) once, and records a call only while a turn is open. A turn's recording is a JSON object:

    {"recording": 1, "via": "slack", "key": "<dedup key>", "correlation_id": "...", "at": <epoch s>,
     "inbound": {"encoding": "json" | "payload" | "fields", "body": {...}}, "outcome": "answered" | "failed",
     "outbound": [{"method": "chat.postMessage", "args": {...}, "ok": true, "error": null, "ts": "..."}]}

Where it goes: with PARLEY_RECORDING_FILE set (the local stack names one per run under .parley/recordings/), a JSON
line appended to that file; otherwise (AWS) one log line, `"message": "flight recording"`, with the object under
`recording`, so it lives in the function's log group with the stage's retention and needs no bucket, no IAM and no
cleanup. `make replay FILE=` reads either.

On by default in the local stack (a local stage with a recording file), off elsewhere; PARLEY_FLIGHT_RECORDER=on|off
decides (serverless.yml's `flightRecorder` param in AWS), so people's text reaches a log line only when a stage
turns the recorder on. Everything recorded goes through the shared redaction helper first: secrets by key
(token, signature, ...) and emails, phone numbers, tokens and URLs in any text. Failure policy: recording never
fails a turn; a recording that cannot be written is a warning in the log.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from bot.defaults import is_local_stage
from bot.observability.redact import redact_data

FILE = "PARLEY_RECORDING_FILE"
LOG_MESSAGE = "flight recording"
# Calls that say nothing about the turn: auth.test runs once per token and sandbox (a cache), not per turn
UNRECORDED_METHODS = frozenset({"auth.test"})

Sink = Callable[[dict[str, Any]], None]


def recorder_on(stage: str, switch: bool | None, file: str) -> bool:
    """PARLEY_FLIGHT_RECORDER when set; else on for a local stage given a recording file (the local stack names one),
    so what people typed never reaches a log line unless a stage asks for it."""
    if switch is not None:
        return switch
    return is_local_stage(stage) and bool(file)


class Turn:
    """One turn being recorded: what came in, and each Web API call made since."""

    def __init__(self, via: str, key: str, correlation_id: str, inbound: dict[str, Any]) -> None:
        self.record: dict[str, Any] = {
            "recording": 1, "via": via, "key": key, "correlation_id": correlation_id, "at": round(time.time(), 3),
            "inbound": redact_data(inbound), "outcome": "answered", "outbound": []}

    def call(self, method: str, args: dict[str, Any], ok: bool, error: str | None, ts: str | None) -> None:
        self.record["outbound"].append({"method": method, "args": redact_data(_plain(args)), "ok": ok,
                                        "error": error, "ts": ts})


class FlightRecorder:
    """Opens a turn around a dispatch, and hands its record to the sink when the turn ends, answered or not."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self._open: Turn | None = None
        self._lock = threading.Lock()  # a listener may call the Web API from a thread of its own

    @contextmanager
    def turn(self, via: str, key: str, correlation_id: str, inbound: dict[str, Any]) -> Iterator[Turn]:
        turn = Turn(via, key, correlation_id, inbound)
        self._open = turn
        try:
            yield turn
        except BaseException:
            turn.record["outcome"] = "failed"
            raise
        finally:
            self._open = None
            self.sink(turn.record)

    def call(self, method: str, args: dict[str, Any], ok: bool, error: str | None, ts: str | None) -> None:
        if method in UNRECORDED_METHODS:
            return
        with self._lock:
            if self._open is not None:
                self._open.call(method, args, ok, error, ts)


def file_sink(path: Path, warn: Callable[[str], None]) -> Sink:
    """Append each turn to the file (one line a turn, so a crash loses one turn at most)."""

    def write(record: dict[str, Any]) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(record, default=str, ensure_ascii=False) + "\n")
        except OSError as error:
            warn(f"flight recording not written to {path}: {error}")

    return write


def log_sink(info: Callable[..., None]) -> Sink:
    """One log line a turn: `info("flight recording", extra={"recording": {...}})` (Powertools' logger in AWS)."""
    return lambda record: info(LOG_MESSAGE, extra={"recording": record})


def slack_inbound(content_type: str, raw: str, body: dict[str, Any]) -> dict[str, Any]:
    """A Slack request as replay sends it again: its parsed body, and how it was encoded (JSON, a form's `payload`
    field, or a form's fields). Headers are left out: the signature and timestamp are made anew on replay."""
    if content_type.split(";", 1)[0].strip().lower() == "application/json":
        return {"encoding": "json", "body": body}
    fields = dict(parse_qsl(raw, keep_blank_values=True))
    return {"encoding": "payload" if "payload" in fields else "fields", "body": body}


def for_stage(stage: str, switch: bool | None, file: str, info: Callable[..., None],
              warn: Callable[[str], None]) -> FlightRecorder | None:
    """The stage's recorder, installed, or None when the stage does not record."""
    if not recorder_on(stage, switch, file):
        return None
    recorder = FlightRecorder(file_sink(Path(file), warn) if file else log_sink(info))
    install(recorder)
    return recorder


def _plain(value: Any) -> Any:
    """A call's arguments as JSON has them (block objects, tuples and the like included)."""
    return json.loads(json.dumps(value, default=str))


_recorder: FlightRecorder | None = None


def install(recorder: FlightRecorder) -> None:
    """Record every Web API call made while `recorder` has a turn open. Wraps slack_sdk's `BaseClient.api_call` once
    per process; installing again only swaps the recorder."""
    global _recorder
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.base_client import BaseClient

    _recorder = recorder
    if getattr(BaseClient.api_call, "_parley_recorded", False):
        return
    original = BaseClient.api_call

    def api_call(self: Any, api_method: str, **kwargs: Any) -> Any:
        args = {**(kwargs.get("params") or {}), **(kwargs.get("data") or {}), **(kwargs.get("json") or {})}
        try:
            response = original(self, api_method, **kwargs)
        except SlackApiError as error:
            _note(api_method, args, False, str(error.response.get("error")), None)
            raise
        _note(api_method, args, bool(response.get("ok")), response.get("error"), response.get("ts"))
        return response

    api_call._parley_recorded = True  # type: ignore[attr-defined]
    BaseClient.api_call = api_call  # type: ignore[method-assign]
    _install_response_urls()


def _install_response_urls() -> None:
    """Answers to a slash command or a click through its response_url (Bolt's `respond`), recorded as calls of the
    method `response_url`: they are what the person sees, as much as a chat.postMessage is."""
    from slack_sdk.webhook.client import WebhookClient

    original = WebhookClient.send_dict

    def send_dict(self: Any, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
        response = original(self, body, headers)
        _note("response_url", dict(body), 200 <= response.status_code < 300, None, None)
        return response

    WebhookClient.send_dict = send_dict  # type: ignore[method-assign]


def _note(method: str, args: dict[str, Any], ok: bool, error: str | None, ts: str | None) -> None:
    if _recorder is not None:
        _recorder.call(method, args, ok, error, ts)
