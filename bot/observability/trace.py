"""`make trace ID=<correlation id>`: what happened to one message, every step in order, with the time each took.

The on-call question is "why was this message not answered?". Every function logs each step of a message with its
correlation id (Slack's event_id, or the trigger_id of a command or click; the ingress answers it in the
`x-parley-correlation-id` header): the ingress's verdict (queued, answered at once, dropped, refused), the worker's
receive, the recognition, the intent's run, the reply, and the job's end (done, failed, handed back). This command
collects those lines across the functions, sorts them in time, shows the time since the previous step, and ends
with a verdict: answered, answered at the ingress, failed N times (dead-lettered once SQS's maxReceiveCount is
reached), or still on its way.

Locally (no STAGE, or a local one) it reads `.parley/logs/`; the Slack stand-in's Web API calls have no
correlation id, so the calls made while this message's job ran are shown, marked "by time" (exact when one message
is in flight, as in `make run`). With `STAGE=<stage>` it runs a Logs Insights query over the stage's log groups.
Metric lines (EMF only, no message) are counted, not shown; the metrics on a step's line (the ingress's) are left out.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.defaults import is_local_stage
from bot.observability.metrics import is_metrics_line, without_metrics
from bot.observability.records import SLACK_API, Record, local_records, stage_records
from bot.observability.stages import UnknownStage, check_stage

LOG_DIR = Path(__file__).resolve().parents[2] / ".parley" / "logs"
MAX_RECEIVES = 3  # serverless.yml: the jobs queue's maxReceiveCount
SINCE_SECONDS = 3 * 24 * 3600
_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
ATTEMPT_ENDS = ("job done", "job failed", "job handed back")
BOILERPLATE = frozenset({"level", "location", "message", "timestamp", "service", "name", "cold_start", "function_name",
                         "function_memory_size", "function_arn", "function_request_id", "correlation_id",
                         "xray_trace_id", "sampling_rate"})


@dataclass(frozen=True)
class Trace:
    correlation_id: str
    records: list[Record]
    metric_lines: int = 0

    def first(self, message: str) -> Record | None:
        return next((each for each in self.records if each.message == message), None)

    def last(self, message: str) -> Record | None:
        return next((each for each in reversed(self.records) if each.message == message), None)

    def count(self, message: str) -> int:
        return sum(each.message == message for each in self.records)


def valid_id(correlation_id: str) -> str:
    """The id, when it can be one (it goes into a query): letters, digits and `._:-`."""
    if not _ID.match(correlation_id):
        raise ValueError(f"not a correlation id: {correlation_id!r}")
    return correlation_id


def insights_query(correlation_id: str) -> str:
    """The Logs Insights query for one message's lines, oldest first."""
    return (f'fields @timestamp, @message, @log | filter correlation_id = "{valid_id(correlation_id)}" '
            f"| sort @timestamp asc | limit 10000")


def build_trace(records: Sequence[Record], correlation_id: str) -> Trace:
    """The message's lines, and the Web API calls made while its job ran (stand-in lines have no id)."""
    own = [each for each in records if each.correlation_id == correlation_id]
    windows = _job_windows(own)
    calls = [each for each in records if each.function == SLACK_API
             and any(start <= each.at <= end for start, end in windows)]
    shown = [each for each in own if not is_metrics_line(each.fields)]
    merged = sorted([*shown, *calls], key=lambda record: record.at)
    return Trace(correlation_id, merged, metric_lines=len(own) - len(shown))


def _job_windows(records: list[Record]) -> list[tuple]:
    """(received, ended) of each attempt at the job; an attempt with no end yet runs to its last line."""
    windows, start = [], None
    for record in records:
        if record.message == "job received":
            start = record.at
        elif record.message in ATTEMPT_ENDS and start is not None:
            windows.append((start, record.at))
            start = None
    if start is not None:
        windows.append((start, records[-1].at))
    return windows


def render(trace: Trace) -> str:
    """The trace as text: one line a step, then the durations and the verdict."""
    if not trace.records:
        return f"No log line has correlation id {trace.correlation_id}."
    start = previous = trace.records[0].at
    lines = [f"Trace of {trace.correlation_id} ({start:%Y-%m-%d %H:%M:%S} UTC{start:%z}):"]
    for record in trace.records:
        since = (record.at - start).total_seconds() * 1000
        step = (record.at - previous).total_seconds() * 1000
        lines.append(f"  {since:8.0f} ms  (+{step:6.0f})  {record.function:<9}  {describe(record)}")
        previous = record.at
    if trace.metric_lines:
        lines.append(f"  ({trace.metric_lines} metric lines not shown)")
    lines.extend(f"  {each}" for each in durations(trace))
    lines.append(verdict(trace))
    return "\n".join(lines)


def describe(record: Record) -> str:
    """A step's line: its message and its own fields (not the logger's boilerplate); a traceback's last line."""
    if record.function == SLACK_API:
        return f"web api call (by time): {record.fields['call']}"
    extra = {key: value for key, value in without_metrics(record.fields).items()
             if key not in BOILERPLATE and value is not None}
    exception = extra.pop("exception", None)
    extra.pop("exception_name", None)
    shown = " ".join(f"{key}={value}" for key, value in extra.items())
    tail = f" | {str(exception).strip().splitlines()[-1]}" if exception else ""
    return f"{record.message}  {shown}{tail}".rstrip()


def durations(trace: Trace) -> list[str]:
    """The steps' times: the ack, the queue's delay, the recognition, the intent, the reply, the whole."""
    queued, received = trace.first("queued"), trace.first("job received")
    recognised, replied = trace.first("recognised"), trace.last("reply sent")
    found = []
    if queued is not None and "elapsed_ms" in queued.fields:
        found.append(f"ack (ingress: request in to queued): {queued.fields['elapsed_ms']} ms")
    found.extend(_between("queue delay (queued to received)", queued, received))
    found.extend(_between("recognition (received to recognised)", received, recognised))
    ran = trace.last("intent ran")
    if ran is not None and "elapsed_ms" in ran.fields:
        found.append(f"intent run ({ran.fields.get('intent')}): {ran.fields['elapsed_ms']} ms")
    found.extend(_between("reply (recognised to reply sent)", recognised, replied))
    found.extend(_between("total (first to last line)", trace.records[0], trace.records[-1]))
    return ["durations:", *(f"  {each}" for each in found)] if found else []


def _between(label: str, first: Record | None, second: Record | None) -> list[str]:
    if first is None or second is None or second.at < first.at:
        return []
    return [f"{label}: {(second.at - first.at).total_seconds() * 1000:.0f} ms"]


def verdict(trace: Trace) -> str:
    """What became of the message, in one line."""
    failures = trace.count("job failed")
    if trace.last("job done") is not None:
        again = f" after failing {failures} time{'s' * (failures != 1)}" if failures else ""
        return f"answered{again}: the job ran to its end."
    if failures:
        receives = _receive_count(trace.last("job received"))
        if _in_flight(trace):
            return (f"FAILED {failures} time{'s' * (failures != 1)}; receive {receives} of {MAX_RECEIVES} is running "
                    "(or its end is not in these logs yet).")
        if receives >= MAX_RECEIVES:
            return (f"FAILED {failures} time{'s' * (failures != 1)}, dead-lettered (receive {receives} of "
                    f"{MAX_RECEIVES}): the job is on the dead-letter queue; `make redrive` puts it back once fixed.")
        return (f"FAILED {failures} time{'s' * (failures != 1)} (receive {receives} of {MAX_RECEIVES}): SQS delivers "
                "it again after its visibility timeout.")
    if trace.last("job handed back") is not None:
        return "handed back to the queue (too little time left): another invocation takes it."
    answered = trace.first("answered without a job")
    if answered is not None:
        return f"answered at the ingress, no job ({answered.fields.get('note') or answered.fields.get('kind')})."
    for refusal in ("request refused", "already queued dropped", "enqueue failed", "ingress failed"):
        if trace.first(refusal) is not None:
            return f"not queued: {refusal}."
    if trace.first("queued") is not None:
        return "queued; no worker has finished it yet (or its lines are not in these logs yet)."
    return "no verdict: neither the ingress nor the worker said how it ended."


def _in_flight(trace: Trace) -> bool:
    """Whether the last receive has not said how it ended: its job is still running, or its lines are late."""
    received = trace.last("job received")
    if received is None:
        return False
    ends = [trace.last(end) for end in ATTEMPT_ENDS]
    return all(end is None or trace.records.index(end) < trace.records.index(received) for end in ends)


def _receive_count(record: Record | None) -> int:
    try:
        return int(record.fields.get("receive_count") or 0) if record else 0
    except (TypeError, ValueError):
        return 0


def trace_local(correlation_id: str, log_dir: Path = LOG_DIR) -> Trace:
    return build_trace(local_records(log_dir), correlation_id)


def trace_stage(correlation_id: str, stage: str, logs: object = None, since_seconds: int = SINCE_SECONDS) -> Trace:
    """One message's lines from the stage's log groups (a Logs Insights query; `logs` a boto3 logs client)."""
    if logs is None:
        import boto3  # an operator's command: loaded only when asked for a stage

        logs = boto3.client("logs")
    records = stage_records(logs, stage, insights_query(correlation_id), since_seconds)
    return build_trace(records, correlation_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make trace", description=__doc__.split("\n")[0])
    parser.add_argument("--id", required=True, help="the message's correlation id (its Slack event_id)")
    parser.add_argument("--stage", default="", help="a deployed stage: query its CloudWatch logs")
    parser.add_argument("--log-dir", type=Path, default=LOG_DIR, help="the local logs (default .parley/logs)")
    parser.add_argument("--hours", type=float, default=SINCE_SECONDS / 3600, help="how far back a stage is searched")
    options = parser.parse_args(argv)
    try:
        correlation_id = valid_id(options.id.strip())
        if options.stage and not is_local_stage(options.stage):
            stage = check_stage(options.stage)
            trace = trace_stage(correlation_id, stage, since_seconds=int(options.hours * 3600))
        else:
            trace = trace_local(correlation_id, options.log_dir)
    except (ValueError, UnknownStage) as problem:
        print(f"make trace: {problem}", file=sys.stderr)
        return 2
    print(render(trace))
    return 0 if trace.records else 1


if __name__ == "__main__":
    sys.exit(main())
