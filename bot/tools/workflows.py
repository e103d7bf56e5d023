"""`make workflows STAGE=<stage>`: a stage's open workflows, who asked, what, since when, what each waits for.

    python -m bot.tools.workflows --stage dev        (or: make workflows STAGE=dev)

A workflow (bot/workflows/) may wait days for a person or a time; the durable execution is its engine's state, the
stage's workflows table is what people read (bot/stores/workflows.py). This lists the table's open records
(`open_workflows()`: running or waiting, oldest first), one block each:

    access_request-5f1c2a9e0b7d4e21  waiting  since 2026-12-01 09:00 UTC (3 h 5 min ago)
        asked by   U0ANA (slack, team T0ACME); told in a DM
        asked for  access to grafana
        waits for  a decision from <@U0BO> (round `remind`), until 2026-12-01 13:00 UTC (in 55 min)

A workflow asleep until a time (a reminder: `flow.sleep`) is `running` in its record with what it waits for said
in words; a question's wait is `waiting` with its deadline. The list flags what looks stuck: a question whose
deadline passed more than OVERDUE_SECONDS ago (the engine resumes it at the deadline), or a running workflow that
waits for nothing and has not changed for STALE_SECONDS (its steps take seconds, not an hour).
Either means the execution may have ended without its record (the stage's workflows-ended-untold alarm); the Lambda
console's Durable executions tab of `parley-<stage>-workflows`, searched by the id, shows its history.

What people typed (the request) and a voice caller's id are redacted (bot/observability/redact.py): the list shows
the shape of a request, not a phone number. Slack user ids are shown as they are (an operator looks them up).

Where the table is: `parley-<stage>-workflows`, read with the lean DynamoDB client the functions use (a whole-table
scan: operator work, rare), signed with the credentials boto3 finds (environment, profile, SSO). AWS_ENDPOINT_URL
aims it at a moto (plain http: local stages only); a local stage (`local`, `local-<name>`) without it reads the
running local stack's moto (PARLEY_MOTO_PORT, else 5000), as `make redrive` does. The stage must be one
serverless.yml declares (bot/observability/stages.py). Exit status 0 when the table was read (an empty list too),
1 when it could not be, 2 for a stage name that is wrong.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Sequence

from bot import defaults
from bot.aws.dynamodb import DynamoClient
from bot.aws.errors import AwsCallFailed
from bot.aws.sigv4 import Credentials
from bot.conversation.identity import Person
from bot.observability.redact import redact
from bot.observability.stages import UnknownStage, check_stage
from bot.stores.table import DynamoTable
from bot.stores.workflows import DynamoWorkflowStore, WorkflowRecord

STAGE_NAME = re.compile(r"[A-Za-z0-9-]{1,40}")
OVERDUE_SECONDS = 15 * 60  # a wait's deadline this long gone: the engine should have resumed it
STALE_SECONDS = 60 * 60  # a running workflow this long unchanged: its steps take seconds
SCAN_DEADLINE = 10.0  # seconds for each page of the scan, retries included
PREVIEW = 120
INDENT = " " * 4


class WorkflowsError(Exception):
    """Something the command cannot go on after: said on stderr, exit status 1."""


# -- where the table is ------------------------------------------------------------------------------------------


def table_for(stage: str) -> DynamoTable:
    """The stage's workflows table, through the lean client, signed as boto3 would sign (or moto's throwaway keys)."""
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or defaults.DEFAULT_REGION
    endpoint = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or os.environ.get("AWS_ENDPOINT_URL") or None
    credentials: Credentials | None
    if endpoint is None and defaults.is_local_stage(stage):
        endpoint, credentials = local_endpoint(stage), Credentials("testing", "testing")  # moto takes any
    else:
        credentials = aws_credentials(region)
    problem = defaults.insecure_endpoint(stage, endpoint)
    if problem:
        raise WorkflowsError(problem)
    client = DynamoClient(region=region, endpoint_url=endpoint, credentials=credentials, stage=stage,
                          deadline=SCAN_DEADLINE, timeout=SCAN_DEADLINE / 2)
    return DynamoTable(client, defaults.table_name(stage, "workflows"))


def local_endpoint(stage: str) -> str:
    """The running local stack's moto server, or WorkflowsError saying nothing runs there."""
    from bot.local.ports import StackNotRunning, running_moto

    try:
        return running_moto(stage)
    except StackNotRunning as error:
        raise WorkflowsError(str(error)) from None


def aws_credentials(region: str) -> Credentials:
    """The credentials boto3's chain finds (environment, shared files, profile, SSO), frozen for the lean client."""
    import boto3  # here, not at import: `--help` and a local stage should not wait for it

    found = boto3.Session(region_name=region).get_credentials()
    if found is None:
        raise WorkflowsError("no AWS credentials found: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and "
                             "AWS_SECRET_ACCESS_KEY) for the stage's account")
    frozen = found.get_frozen_credentials()
    return Credentials(frozen.access_key, frozen.secret_key, frozen.token)


# -- what is shown -----------------------------------------------------------------------------------------------


def render(records: Sequence[WorkflowRecord], table: str, now: float) -> str:
    """The open workflows as blocks, then a count (or a line saying there are none)."""
    if not records:
        return f"no open workflows in {table}"
    blocks = [block(record, now) for record in records]
    waiting = sum(1 for record in records if waits(record))
    flagged = sum(1 for record in records if concerns(record, now))
    summary = (f"{len(records)} open workflow{'s' if len(records) != 1 else ''} in {table}: {waiting} waiting, "
               f"{len(records) - waiting} running")
    if flagged:
        summary += f"; {flagged} may be stuck (marked !)"
    return "\n\n".join(blocks) + "\n\n" + summary


def block(record: WorkflowRecord, now: float) -> str:
    worries = concerns(record, now)
    mark = "  ! " + "; ".join(worries) if worries else ""
    lines = [f"{record.workflow_id}  {record.name}  {record.status}  since {when(record.started_at, now)}{mark}",
             f"{INDENT}asked by   {asked_by(record)}",
             f"{INDENT}asked for  {cut(redact(record.summary) or '-')}",
             f"{INDENT}waits for  {waits_for(record, now)}"]
    return "\n".join(lines)


def asked_by(record: WorkflowRecord) -> str:
    try:
        person = Person.from_dict(record.requester)
    except KeyError:
        return "(unknown: the record names nobody)"
    told = "told in a DM" if record.reply_via == "slack" else f"told on their next {record.reply_via} turn"
    if person.via == "slack":
        team = f"team {person.team_id}" + (f", enterprise {person.enterprise_id}" if person.enterprise_id else "")
        return f"{person.user_id} (slack, {team}); {told}"
    return f"a {person.via} caller {redact(person.user_id)} (bot {person.team_id or '-'}); {told}"


def waits(record: WorkflowRecord) -> bool:
    """Whether it waits (for a person, a time) rather than runs a step: a sleep says so only in words."""
    return record.status == "waiting" or bool(record.waiting_for)


def waits_for(record: WorkflowRecord, now: float) -> str:
    if not waits(record):
        return f"nothing: running its next step (last change {ago(now - record.updated_at)})"
    text = record.waiting_for or "(not said)"
    if record.status != "waiting":
        return text  # asleep: its record has the time in words only
    if record.round:
        text += f" (round `{record.round}`)"
    if record.deadline:
        left = record.deadline - now
        text += f", until {stamp(record.deadline)} (" + (f"in {span(left)})" if left >= 0 else f"{span(-left)} ago)")
    return text


def concerns(record: WorkflowRecord, now: float) -> list[str]:
    """Why this open workflow may be stuck: its execution may have ended without its record."""
    found = []
    if record.status == "waiting" and record.deadline and now - record.deadline > OVERDUE_SECONDS:
        found.append("its wait ended long ago")
    if not waits(record) and record.updated_at and now - record.updated_at > STALE_SECONDS:
        found.append("running unchanged for long")
    return found


def when(epoch: int, now: float) -> str:
    return f"{stamp(epoch)} ({ago(now - epoch)})" if epoch else "(unknown)"


def ago(seconds: float) -> str:
    return f"{span(seconds)} ago" if seconds >= 0 else f"in {span(-seconds)}"


def stamp(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(epoch))


def span(seconds: float) -> str:
    """A duration as people say it, to two units: "45 s", "3 min", "3 h 5 min", "2 d 4 h"."""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if hours < 1:
        return f"{minutes} min"
    if days < 1:
        rest = minutes % 60
        return f"{hours} h" + (f" {rest} min" if rest else "")
    rest = hours % 24
    return f"{days} d" + (f" {rest} h" if rest else "")


def cut(text: str, width: int = PREVIEW) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# -- the command -------------------------------------------------------------------------------------------------


def _stage(value: str) -> str:
    if not STAGE_NAME.fullmatch(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a stage name (letters, digits and -)")
    return value


def main(argv: Sequence[str] | None = None, table: DynamoTable | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.tools.workflows",
        description="List a stage's open workflows: who asked, what, since when, and what each waits for.")
    parser.add_argument("--stage", required=True, type=_stage, help="the serverless stage, e.g. dev, prod or local")
    args = parser.parse_args(argv)
    try:
        stage = check_stage(args.stage)
    except UnknownStage as problem:
        print(f"make workflows: {problem}", file=sys.stderr)
        return 2
    try:
        table = table or table_for(stage)
        records = DynamoWorkflowStore(table).open_workflows()
    except WorkflowsError as problem:
        print(f"make workflows: {problem}", file=sys.stderr)
        return 1
    except AwsCallFailed as failure:
        hint = (" (no such table: was the stage deployed before workflows were?)"
                if failure.code == "ResourceNotFoundException" else "")
        print(f"make workflows: reading {defaults.table_name(stage, 'workflows')} failed: {failure}{hint}",
              file=sys.stderr)
        return 1
    print(render(records, table.name, time.time()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
