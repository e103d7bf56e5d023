"""`make replay FILE=...`: a recorded conversation driven again through the local stack, its replies diffed.

So a conversation that went wrong becomes a regression test: record it (`make run` records by default; a stage with
the `flightRecorder` param on logs the same records), fix the code, replay it. The replay starts its own local
stack on the ports `make run` would use (PARLEY_*_PORT move them), sends each recorded Slack request to the ingress
again, signed with the local secret, waits for the worker to finish that turn (its own flight recorder says when),
and compares the Web API calls it made with the recorded ones.

What is compared: each call's method and its arguments, less what differs on every run by nature (message
timestamps, trigger and view ids, hashes, ticket numbers); a timestamp the bot was given back in an earlier turn
(the `ts` of a message a button sits on) is mapped to the one the replay got, so a click finds its message.
Exit status 0 when every turn made the same calls, 1 with a unified diff per turn otherwise, 2 when the file holds
no recording.

Recordings are redacted (bot/observability/redact.py), so what replays is what was kept: an email typed is sent
again as "[email]" and answered as such, which is the same on both sides of the diff.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import time
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bot.observability.recorder import LOG_MESSAGE

# Arguments that differ on every run by nature, wherever they sit in a call
VOLATILE_KEYS = frozenset({"ts", "thread_ts", "message_ts", "trigger_id", "view_id", "hash", "event_ts",
                           "client_msg_id", "response_url", "external_id"})
# Values inside text that differ by nature: Slack timestamps, Parley's random ticket numbers
VOLATILE_TEXT = ((re.compile(r"\b\d{9,10}\.\d{6}\b"), "<ts>"), (re.compile(r"\bPAR-[0-9A-F]{6}\b"), "PAR-<id>"))
TURN_TIMEOUT = 60.0
SETTLE_SECONDS = 1.0  # after a turn's record: late calls of a listener's own thread


def load(path: Path) -> list[dict[str, Any]]:
    """The recordings in a file: the recorder's JSON lines, or log lines (a CloudWatch export) carrying them."""
    found = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        start = line.find("{")
        if start < 0:
            continue
        try:
            doc = json.loads(line[start:])
        except ValueError:
            continue
        if isinstance(doc, dict) and doc.get("message") == LOG_MESSAGE:
            doc = doc.get("recording")
        if isinstance(doc, dict) and doc.get("recording") == 1 and doc.get("via") == "slack":
            found.append(doc)
    return found


def normalised(value: Any) -> Any:
    """A call's arguments with what differs by nature taken out (see VOLATILE_KEYS and VOLATILE_TEXT)."""
    if isinstance(value, dict):
        return {key: normalised(item) for key, item in sorted(value.items()) if key not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [normalised(item) for item in value]
    if isinstance(value, str):
        for pattern, placeholder in VOLATILE_TEXT:
            value = pattern.sub(placeholder, value)
    return value


def shown(calls: Iterable[dict[str, Any]]) -> list[str]:
    """The calls as the lines the diff compares: method, then the arguments that matter, one per line."""
    lines = []
    for call in calls:
        lines.append(f"{call['method']}")
        args = normalised(call.get("args") or {})
        lines.extend(f"    {key}: {json.dumps(value, ensure_ascii=False, sort_keys=True)}"
                     for key, value in args.items())
    return lines


def diff_turn(number: int, recorded: dict[str, Any], replayed: dict[str, Any] | None) -> list[str]:
    """The unified diff of one turn's calls (empty when they match)."""
    before = shown(recorded["outbound"])
    after = shown(replayed["outbound"]) if replayed else ["(no turn: the worker did not take the request)"]
    said = _said(recorded)
    return list(difflib.unified_diff(before, after, f"recorded turn {number} ({said})",
                                     f"replayed turn {number} ({said})", lineterm=""))


def _said(record: dict[str, Any]) -> str:
    """What the person did in that turn, in a few words: what they typed, or the button they pressed."""
    body = record["inbound"]["body"]
    actions = body.get("actions") if isinstance(body.get("actions"), list) else []
    if actions and isinstance(actions[0], dict):
        return f"pressed {((actions[0].get('text') or {}).get('text') or '?')}"[:40]
    text = (body.get("event") or {}).get("text") or body.get("text") or body.get("type") or "?"
    return str(text)[:40]


def request_body(inbound: dict[str, Any], timestamps: dict[str, str], response_url: str) -> dict[str, Any] | str:
    """A recorded request encoded again, with timestamps the bot gave back mapped to this run's and a response_url
    of the local Slack's (the recorded one was redacted)."""
    text = json.dumps(inbound["body"])
    for old, new in timestamps.items():
        text = text.replace(f'"{old}"', f'"{new}"')
    body = _with_response_url(json.loads(text), response_url)
    if body.get("authorizations") == "[token]":
        body.pop("authorizations")  # redacted as a whole (its key reads as a secret's); Bolt does without it
    if inbound["encoding"] == "json":
        return body
    if inbound["encoding"] == "payload":
        return urlencode({"payload": json.dumps(body)})
    return urlencode({key: "" if value is None else str(value) for key, value in body.items()})


def _with_response_url(value: Any, url: str) -> Any:
    if isinstance(value, dict):
        return {key: url if key == "response_url" else _with_response_url(item, url) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_response_url(item, url) for item in value]
    return value


def new_timestamps(recorded: dict[str, Any], replayed: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """The recorded message timestamps and this run's, call by call, where both calls posted the same method."""
    for before, after in zip(recorded["outbound"], replayed["outbound"], strict=False):
        if before["method"] == after["method"] and before.get("ts") and after.get("ts"):
            yield before["ts"], after["ts"]


class Replayer:
    """Sends recorded requests to a running local stack, and reads the turns its flight recorder wrote."""

    def __init__(self, ingress_url: str, signing_secret: str, slack_url: str, recording: Path) -> None:
        self.ingress_url = ingress_url
        self.secret = signing_secret
        self.slack_url = slack_url
        self.recording = recording
        self.timestamps: dict[str, str] = {}
        self.seen: set[str] = set()
        self.sent = 0

    def turn(self, recorded: dict[str, Any], timeout: float = TURN_TIMEOUT) -> dict[str, Any] | None:
        """Send one recorded request; this run's record of the turn it started, or None if none came."""
        from bot.local.slack_events import signed_request

        self.sent += 1
        body = request_body(recorded["inbound"], self.timestamps, f"{self.slack_url}/response/replay-{self.sent}")
        data, headers = signed_request(body, self.secret)
        # the local ingress: http on 127.0.0.1, the URL the stack gave
        request = urllib.request.Request(self.ingress_url, data=data, headers=headers, method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            answer.read()
        replayed = self._next_record(timeout)
        if replayed is not None:
            self.timestamps.update(new_timestamps(recorded, replayed))
        return replayed

    def _next_record(self, timeout: float) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for record in load(self.recording) if self.recording.exists() else []:
                if record["key"] not in self.seen:  # a retry of an earlier turn is not this one
                    self.seen.add(record["key"])
                    time.sleep(SETTLE_SECONDS)
                    return record
            time.sleep(0.1)
        return None


def compare(recordings: list[dict[str, Any]], replayer: Replayer, out: Any = None) -> int:
    """Replay each turn and print its diff; the number of turns that differ."""
    out = out or sys.stdout
    differ = 0
    for number, recorded in enumerate(recordings, 1):
        lines = diff_turn(number, recorded, replayer.turn(recorded))
        if lines:
            differ += 1
            print("\n".join(lines), file=out, flush=True)
        else:
            print(f"turn {number} ({_said(recorded)}): same calls", file=out, flush=True)
    return differ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make replay", description=__doc__.split("\n")[0])
    parser.add_argument("file", type=Path, help="a recording: .parley/recordings/<run>.jsonl, or exported log lines")
    options = parser.parse_args(argv)
    if not options.file.exists():
        print(f"{parser.prog}: no file {options.file}", file=sys.stderr)
        return 2
    recordings = load(options.file)
    if not recordings:
        print(f"{parser.prog}: {options.file} holds no Slack turn recorded by the flight recorder", file=sys.stderr)
        return 2
    return _replay_on_a_local_stack(recordings)


def _replay_on_a_local_stack(recordings: list[dict[str, Any]]) -> int:
    from bot.local.stack import ROOT, LocalStack
    from bot.settings import Settings

    settings = Settings()
    logs = ROOT / ".parley" / "replay"
    recording = logs / f"replay-{time.strftime('%Y%m%d-%H%M%S')}.jsonl"
    print(f"Starting the local stack to replay {len(recordings)} turns (logs in {logs.relative_to(ROOT)}/)...",
          file=sys.stderr, flush=True)
    try:
        with LocalStack(settings, logs, recording=recording, extra_env={"PARLEY_FLIGHT_RECORDER": "on"}) as stack:
            stack.wait_until_polling()
            replayer = Replayer(stack.ingress_url, settings.signing_secret.get_secret_value(), stack.slack_url,
                                recording)
            differ = compare(recordings, replayer)
    except KeyboardInterrupt:
        print("\nReplay stopped.", file=sys.stderr)
        return 130
    except (RuntimeError, TimeoutError) as error:
        print(f"The local stack did not start: {error}", file=sys.stderr)
        return 1
    print(f"{len(recordings) - differ} of {len(recordings)} turns made the same calls"
          + (f"; {differ} differ (above)" if differ else ""), file=sys.stderr)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
