"""Move the jobs parked in a stage's dead-letter queue back to its jobs queue.

    python -m bot.tools.redrive --stage dev [--dry-run] [--max N]      (or: make redrive STAGE=dev [DRY_RUN=1])

A job lands in the dead-letter queue after failing three times (serverless.yml's RedrivePolicy). Once
the cause is fixed, this lists what is parked (message id, the job's correlation id and source, how often
it was received, when it was first sent, the start of its body) and sends each back to the jobs queue,
ten at a time. A message leaves the dead-letter queue only after its copy was sent, so a failure can
leave a duplicate (which the worker's idempotency turns into a no-op) but never loses a job.

The queues are found by name, `parley-<stage>-jobs` and the dead-letter queue its RedrivePolicy names
(`parley-<stage>-jobs-dlq` if it names none), with boto3: AWS_ENDPOINT_URL points it at a moto; a local stage
(`local`, `local-<name>`) without it finds the running local stack's moto by itself (PARLEY_MOTO_PORT). The
region comes from AWS_REGION or AWS_DEFAULT_REGION. Exit status 0 when every message listed was moved
(or, with --dry-run, listed), 1 on any failure, after saying what was moved until then.

Listing is receiving: a dry run adds one to each message's receive count, and hides the messages for
the moment it takes (it makes them visible again when it is done).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO

from botocore.exceptions import BotoCoreError, ClientError

from bot import defaults

BATCH = 10  # the most SQS receives, sends or deletes in one call
BATCH_BYTES = defaults.SQS_MAX_MESSAGE_BYTES  # and the most a SendMessageBatch may carry in all
# Long enough to send a batch before the messages show again; a dry run hides what it listed for the
# whole listing (so no message is listed twice) and makes it all visible again at the end
VISIBILITY_SECONDS = 60
DRY_RUN_VISIBILITY_SECONDS = 600
WAIT_SECONDS = 1  # long polling asks every SQS server, so an empty answer means an empty queue
PREVIEW = 80
STAGE_NAME = re.compile(r"[A-Za-z0-9-]{1,40}")


class RedriveError(Exception):
    """Something the command cannot go on after: said on stderr, exit status 1."""


@dataclass(frozen=True)
class Queues:
    jobs: str  # queue URLs
    dead_letters: str


@dataclass
class Parked:
    """One message in the dead-letter queue, as received."""

    message_id: str
    receipt: str
    body: str
    attributes: dict[str, str]
    message_attributes: dict[str, Any]

    @property
    def job(self) -> tuple[str, str]:
        """The job's correlation id and source, or why there are none."""
        try:
            doc = json.loads(self.body)
        except ValueError:
            return "(not JSON)", "-"
        if not isinstance(doc, dict):
            return "(not a job)", "-"
        return str(doc.get("id", "-")), str(doc.get("source", "-"))

    def row(self) -> str:
        job_id, source = self.job
        receives = self.attributes.get("ApproximateReceiveCount", "?")
        sent = _date(self.attributes.get("SentTimestamp"))
        preview = "".join(c if c.isprintable() else "?" for c in self.body[:PREVIEW])  # one line per message
        return f"{self.message_id:<36}  {_cut(job_id, 24):<24}  {source:<6}  {receives:>8}  {sent:<19}  {preview}"


HEADER = f"{'MESSAGE ID':<36}  {'JOB ID':<24}  {'SOURCE':<6}  {'RECEIVES':>8}  {'SENT (UTC)':<19}  BODY"


@dataclass
class Report:
    listed: int = 0
    moved: int = 0
    problems: list[str] = field(default_factory=list)


def sqs_client(stage: str) -> Any:
    """boto3's SQS client for the environment: AWS_ENDPOINT_URL(_SQS) for moto, the region from AWS_REGION.

    A local stage with neither endpoint set means the running local stack: its moto server, on the port the
    settings give (PARLEY_MOTO_PORT, else 5000), with moto's throwaway credentials, so `make redrive STAGE=local`
    needs no AWS account and never reaches one."""
    import boto3  # here, not at import: `--help` should not wait for it

    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or defaults.DEFAULT_REGION
    endpoint = os.environ.get("AWS_ENDPOINT_URL_SQS") or os.environ.get("AWS_ENDPOINT_URL") or None
    if endpoint is None and defaults.is_local_stage(stage):
        return boto3.client("sqs", region_name=region, endpoint_url=local_endpoint(stage),
                            aws_access_key_id="testing", aws_secret_access_key="testing")  # noqa: S106 - moto's
    return boto3.client("sqs", region_name=region, endpoint_url=endpoint)


def local_endpoint(stage: str) -> str:
    """The running local stack's moto server, or RedriveError saying nothing runs there."""
    from bot.local.ports import StackNotRunning, running_moto

    try:
        return running_moto(stage)
    except StackNotRunning as error:
        raise RedriveError(str(error)) from None


def locate(sqs: Any, stage: str) -> Queues:
    """The stage's jobs queue and the dead-letter queue its RedrivePolicy names."""
    name = defaults.jobs_queue_name(stage)
    jobs = _queue_url(sqs, name)
    attributes = sqs.get_queue_attributes(QueueUrl=jobs, AttributeNames=["RedrivePolicy"]).get("Attributes", {})
    try:
        target = str(json.loads(attributes.get("RedrivePolicy") or "{}").get("deadLetterTargetArn", ""))
    except (ValueError, AttributeError):  # a policy that is not a JSON object names nothing
        target = ""
    # arn:aws:sqs:<region>:<account>:<name>; without a policy, the name serverless.yml gives it
    dead_letter_name = target.rsplit(":", 1)[-1] if target else f"{name}-dlq"
    return Queues(jobs=jobs, dead_letters=_queue_url(sqs, dead_letter_name))


def _queue_url(sqs: Any, name: str) -> str:
    try:
        return sqs.get_queue_url(QueueName=name)["QueueUrl"]
    except ClientError as error:
        raise RedriveError(f"no queue {name}: {_reason(error)}") from error


def redrive(sqs: Any, queues: Queues, *, dry_run: bool = False, limit: int | None = None,
            out: TextIO | None = None) -> Report:
    """List the parked messages (at most `limit`) and, unless `dry_run`, move each back to the jobs queue.

    Stops at the first failure, recorded in the report's problems; the messages not moved stay in the
    dead-letter queue, visible again at once.
    """
    out = out or sys.stdout  # looked up now: callers and tests swap stdout
    report = Report()
    listed_receipts: list[Parked] = []
    try:
        hidden_for = DRY_RUN_VISIBILITY_SECONDS if dry_run else VISIBILITY_SECONDS
        for batch in _receive(sqs, queues.dead_letters, limit, hidden_for):
            if report.listed == 0:
                print(HEADER, file=out)
            for message in batch:
                print(message.row(), file=out)
            report.listed += len(batch)
            if dry_run:
                listed_receipts += batch
                continue
            report.moved += _move(sqs, queues, batch, report)
            if report.problems:
                break
    except (ClientError, BotoCoreError) as error:
        report.problems.append(f"receiving from the dead-letter queue failed: {_reason(error)}")
    finally:
        if listed_receipts:  # a dry run took nothing: let the messages show again now, not in a minute
            _show_again(sqs, queues.dead_letters, listed_receipts, report)
    return report


def _receive(sqs: Any, queue_url: str, limit: int | None, hidden_for: int) -> Iterator[list[Parked]]:
    seen: set[str] = set()
    while limit is None or len(seen) < limit:
        want = BATCH if limit is None else min(BATCH, limit - len(seen))
        answer = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=want, WaitTimeSeconds=WAIT_SECONDS,
            VisibilityTimeout=hidden_for, MessageAttributeNames=["All"],
            MessageSystemAttributeNames=["ApproximateReceiveCount", "SentTimestamp"],
        )
        # a message seen already came back (a listing longer than its visibility timeout): the queue has been read
        batch = [Parked(m["MessageId"], m["ReceiptHandle"], m["Body"], m.get("Attributes", {}),
                        m.get("MessageAttributes", {}))
                 for m in answer.get("Messages", []) if m["MessageId"] not in seen]
        if not batch:
            return
        seen.update(message.message_id for message in batch)
        yield batch


def _move(sqs: Any, queues: Queues, batch: list[Parked], report: Report) -> int:
    """Send the batch to the jobs queue, then delete from the dead-letter queue exactly what was sent."""
    moved = 0
    chunks = list(_by_size(batch))
    for number, chunk in enumerate(chunks):
        entries = [{"Id": str(i), "MessageBody": message.body,
                    **({"MessageAttributes": message.message_attributes} if message.message_attributes else {})}
                   for i, message in enumerate(chunk)]
        try:
            answer = sqs.send_message_batch(QueueUrl=queues.jobs, Entries=entries)
        except (ClientError, BotoCoreError) as error:
            answer = {"Failed": [{"Id": entry["Id"], "Code": _reason(error)} for entry in entries]}
            report.problems.append(f"sending to the jobs queue failed: {_reason(error)}")
        else:
            for failed in answer.get("Failed", []):
                report.problems.append(f"sending {chunk[int(failed['Id'])].message_id} failed: "
                                       f"{failed.get('Code')} {failed.get('Message', '')}".rstrip())
        failed_ids = {int(failed["Id"]) for failed in answer.get("Failed", [])}
        moved += _delete(sqs, queues.dead_letters, [m for i, m in enumerate(chunk) if i not in failed_ids], report)
        if failed_ids:
            # stop here; what was not sent stays parked, visible again at once for the next attempt
            rest = [m for i, m in enumerate(chunk) if i in failed_ids] + [m for c in chunks[number + 1:] for m in c]
            _show_again(sqs, queues.dead_letters, rest, report)
            return moved
    return moved


def _delete(sqs: Any, queue_url: str, messages: list[Parked], report: Report) -> int:
    if not messages:
        return 0
    entries = [{"Id": str(i), "ReceiptHandle": message.receipt} for i, message in enumerate(messages)]
    try:
        answer = sqs.delete_message_batch(QueueUrl=queue_url, Entries=entries)
    except (ClientError, BotoCoreError) as error:
        answer = {"Failed": [{"Id": entry["Id"], "Code": _reason(error)} for entry in entries]}
    for failed in answer.get("Failed", []):
        # sent but still parked: it will show again, a duplicate the worker's idempotency drops; not a loss
        message = messages[int(failed["Id"])]
        report.problems.append(f"{message.message_id} was sent back but not deleted from the dead-letter queue: "
                               f"{failed.get('Code')}")
    return len(messages) - len(answer.get("Failed", []))


def _show_again(sqs: Any, queue_url: str, messages: list[Parked], report: Report) -> None:
    """Best effort: a message not reset here shows again when its visibility timeout ends anyway."""
    for start in range(0, len(messages), BATCH):
        entries = [{"Id": str(i), "ReceiptHandle": message.receipt, "VisibilityTimeout": 0}
                   for i, message in enumerate(messages[start:start + BATCH])]
        try:
            sqs.change_message_visibility_batch(QueueUrl=queue_url, Entries=entries)
        except (ClientError, BotoCoreError) as error:
            report.problems.append(f"could not make messages visible again (they will be when their visibility "
                                   f"timeout ends): {_reason(error)}")
            return


def _by_size(batch: list[Parked]) -> Iterator[list[Parked]]:
    """The batch in chunks SendMessageBatch takes: ten parked jobs near 256 KiB each do not fit one call."""
    chunk: list[Parked] = []
    size = 0
    for message in batch:
        length = len(message.body.encode("utf-8"))
        if chunk and size + length > BATCH_BYTES:
            yield chunk
            chunk, size = [], 0
        chunk.append(message)
        size += length
    if chunk:
        yield chunk


def _reason(error: Exception) -> str:
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        return f"{details.get('Code', 'error')}: {details.get('Message', '')}".rstrip(": ")
    return str(error)


def _date(millis: str | None) -> str:
    try:
        return datetime.fromtimestamp(int(millis or "") / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")
    except (ValueError, OverflowError, OSError):
        return "?"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _stage(value: str) -> str:
    if not STAGE_NAME.fullmatch(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a stage name (letters, digits and -)")
    return value


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("--max must be at least 1")
    return number


def main(argv: Sequence[str] | None = None, sqs: Any = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.tools.redrive",
        description="Move the jobs parked in a stage's dead-letter queue back to its jobs queue.",
    )
    parser.add_argument("--stage", required=True, type=_stage, help="the serverless stage, e.g. dev or prod")
    parser.add_argument("--dry-run", action="store_true", help="list the parked messages, move none")
    parser.add_argument("--max", type=_positive, metavar="N", help="stop after N messages")
    args = parser.parse_args(argv)

    report = Report()
    try:
        sqs = sqs or sqs_client(args.stage)
        queues = locate(sqs, args.stage)
        print(f"jobs queue:        {queues.jobs}")
        print(f"dead-letter queue: {queues.dead_letters}")
        report = redrive(sqs, queues, dry_run=args.dry_run, limit=args.max)
    except RedriveError as error:
        report.problems.append(str(error))
    except (ClientError, BotoCoreError) as error:
        report.problems.append(_reason(error))

    if report.listed == 0 and not report.problems:
        print("the dead-letter queue is empty")
    sys.stdout.flush()  # the table before the errors, in a terminal too
    for problem in report.problems:
        print(f"{parser.prog}: error: {problem}", file=sys.stderr, flush=True)
    summary = f"moved {report.moved} of {report.listed}"
    if args.dry_run:
        summary += " (dry run: nothing was moved)"
    print(summary + ("; stopped by the error above" if report.problems else ""))
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
