"""`python -m bot.tools.workflows` (`make workflows STAGE=...`) against moto: the open workflows of a stage's table.

The module's stage gets the workflows table serverless.yml declares (made in the test moto from the stage's own
`resources`, as the local stack makes it), written by the real DynamoDB store: an access request waiting for an
approver, a voice caller's reminder, one running, one whose wait ended long ago, and ended ones that are not listed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.aws.dynamodb import DynamoClient
from bot.conversation.identity import Person
from bot.stores.table import DynamoTable
from bot.stores.workflows import DynamoWorkflowStore, WorkflowRecord
from bot.tools import workflows as command

ROOT = Path(__file__).resolve().parents[2]
STAGE = "local-wfcmd"
ASKER = Person("slack", "U0ASKER", "T0ACME")
CALLER = Person("lex", "caller:+15550100199", "BOTLEX")
HOUR = 3600


@pytest.fixture(scope="module")
def stage_table(moto_endpoint: str) -> str:
    """The module stage's workflows table, as serverless.yml declares it, in the test moto."""
    from bot.local.stack import create_resources, stage_resources

    create_resources(moto_endpoint, STAGE, {"WorkflowsTable": stage_resources(STAGE)["WorkflowsTable"]})
    return f"parley-{STAGE}-workflows"


@pytest.fixture
def endpoint(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)  # what the command reads, as `make workflows` would
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    return moto_endpoint


@pytest.fixture(scope="module")
def store(stage_table: str, moto_endpoint: str) -> Iterator[DynamoWorkflowStore]:
    client = DynamoClient(region="us-east-1", endpoint_url=moto_endpoint, stage=STAGE,
                          credentials=command.Credentials("testing", "testing"))
    yield DynamoWorkflowStore(DynamoTable(client, stage_table))


@pytest.fixture(scope="module")
def written(store: DynamoWorkflowStore) -> dict[str, WorkflowRecord]:
    """Records in every state, written the way the workflows service and function write them."""
    now = int(time.time())

    def create(workflow_id: str, name: str, person: Person, summary: str, ago: int, via: str = "slack"
               ) -> WorkflowRecord:
        record = WorkflowRecord(workspace=person.workspace, workflow_id=workflow_id, name=name,
                                requester=person.to_dict(), summary=summary, reply_via=via,
                                approvers_team="slack:-:T0ACME", started_at=now - ago)
        assert store.create(record)
        return record

    records = {
        "asked": create("access_request-asked", "access_request", ASKER, "access to grafana", 3 * HOUR + 300),
        "reminder": create("reminder-voice", "reminder", CALLER, "remind: call +1 555 010 0199", 2 * HOUR, "lex"),
        "running": create("access_request-running", "access_request", ASKER, "access to vault", 60),
        "overdue": create("access_request-overdue", "access_request", ASKER, "access to prod db", 30 * HOUR),
        "done": create("access_request-done", "access_request", ASKER, "access to jira", 5 * HOUR),
        "cancelled": create("reminder-cancelled", "reminder", ASKER, "remind: stretch", 4 * HOUR),
    }
    asked, overdue = records["asked"], records["overdue"]
    store.wait(asked.workspace, asked.workflow_id, round="remind", waiting_for="a decision from <@U0ANA>",
               approvers=["U0ANA"], approvers_team="slack:-:T0ACME", callback_id="cb-1", deadline=now + 55 * 60)
    reminder = records["reminder"]  # asleep: `flow.sleep` says what it waits for, and stays running
    store.resume(reminder.workspace, reminder.workflow_id, "the time: 2026-12-03 09:00 UTC")
    store.wait(overdue.workspace, overdue.workflow_id, round="ask", waiting_for="a decision from <@U0ANA>",
               approvers=["U0ANA"], approvers_team="slack:-:T0ACME", callback_id="cb-2", deadline=now - 2 * HOUR)
    store.finish(ASKER.workspace, "access_request-done", "done", "approved")
    store.cancel(ASKER.workspace, "reminder-cancelled")
    return records


def listing(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = command.main(["--stage", STAGE, *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_open_workflows_are_listed_oldest_first_with_who_what_since_and_what_they_wait_for(
        endpoint: str, written: dict[str, WorkflowRecord], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = listing(capsys)
    assert status == 0, err
    blocks = out.strip().split("\n\n")
    heads = [each.splitlines()[0].split()[0] for each in blocks[:-1]]
    assert heads == ["access_request-overdue", "access_request-asked", "reminder-voice", "access_request-running"]
    asked = blocks[1]
    assert "access_request  waiting  since" in asked and "(3 h 5 min ago)" in asked
    assert "asked by   U0ASKER (slack, team T0ACME); told in a DM" in asked
    assert "asked for  access to grafana" in asked
    assert "waits for  a decision from <@U0ANA> (round `remind`), until " in asked and "(in 5" in asked
    assert "reminder-cancelled" not in out and "access_request-done" not in out  # ended: not listed
    assert blocks[-1] == (f"4 open workflows in parley-{STAGE}-workflows: 3 waiting, 1 running; "
                          "1 may be stuck (marked !)")


def test_a_voice_callers_request_is_listed_redacted(endpoint: str, written: dict[str, WorkflowRecord],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = listing(capsys)
    [voice] = [each for each in out.split("\n\n") if each.startswith("reminder-voice")]
    assert "asked by   a lex caller caller:[phone] (bot BOTLEX); told on their next lex turn" in voice
    assert "asked for  remind: call [phone]" in voice
    assert "555" not in out  # no phone number, anywhere
    assert voice.splitlines()[-1] == "    waits for  the time: 2026-12-03 09:00 UTC"
    assert "  running  since" in voice.splitlines()[0] and "!" not in voice.splitlines()[0]


def test_what_looks_stuck_is_marked(endpoint: str, written: dict[str, WorkflowRecord],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = listing(capsys)
    [overdue] = [each for each in out.split("\n\n") if each.startswith("access_request-overdue")]
    assert overdue.splitlines()[0].endswith("! its wait ended long ago")
    assert "(2 h ago)" in overdue
    [running] = [each for each in out.split("\n\n") if each.startswith("access_request-running")]
    assert "!" not in running.splitlines()[0]  # a minute old: running its step
    assert "waits for  nothing: running its next step (last change " in running


def test_a_stage_without_open_workflows_says_so(moto_endpoint: str, endpoint: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from bot.local.stack import create_resources

    empty = "local-wfnone"
    table = {"Type": "AWS::DynamoDB::Table", "Properties": {
        "TableName": f"parley-{empty}-workflows", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "workspace", "AttributeType": "S"},
                                 {"AttributeName": "workflow_id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "workspace", "KeyType": "HASH"},
                      {"AttributeName": "workflow_id", "KeyType": "RANGE"}]}}
    create_resources(moto_endpoint, empty, {"WorkflowsTable": table})
    assert command.main(["--stage", empty]) == 0
    assert capsys.readouterr().out.strip() == f"no open workflows in parley-{empty}-workflows"


def test_a_stage_without_the_table_exits_1_and_says_why(endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert command.main(["--stage", "local-wfmissing"]) == 1
    err = capsys.readouterr().err
    assert "reading parley-local-wfmissing-workflows failed" in err and "ResourceNotFoundException" in err
    assert "deployed before workflows" in err


def test_an_unknown_stage_is_refused_before_any_call(capsys: pytest.CaptureFixture[str]) -> None:
    assert command.main(["--stage", "prdo"]) == 2
    assert "unknown stage 'prdo'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        command.main(["--stage", "a stage"])
    assert exited.value.code == 2


def test_a_plain_http_endpoint_is_refused_for_a_deployed_stage(monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    assert command.main(["--stage", "prod"]) == 1
    assert "plain http" in capsys.readouterr().err


def test_make_workflows_stage_local_finds_the_running_stacks_moto(
        moto_endpoint: str, written: dict[str, WorkflowRecord], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """As a new user types it: no AWS endpoint, no credentials, only the local stack's port."""
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                 "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PARLEY_MOTO_PORT", moto_endpoint.rsplit(":", 1)[1])
    status, out, err = listing(capsys)
    assert status == 0, err
    assert "access_request-asked" in out


def test_a_local_stage_with_nothing_running_says_so(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from bot.local.processes import free_port

    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PARLEY_MOTO_PORT", str(free_port()))
    assert command.main(["--stage", "local"]) == 1
    assert "start the local stack with `make run`" in capsys.readouterr().err


def test_make_workflows_runs_the_command(endpoint: str, written: dict[str, WorkflowRecord]) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(["make", "--no-print-directory", "workflows", f"STAGE={STAGE}"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "access_request-asked" in result.stdout and "may be stuck" in result.stdout
    missing = subprocess.run(["make", "--no-print-directory", "workflows"], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=60, check=False)
    assert missing.returncode == 2 and "make workflows needs STAGE" in missing.stderr


@pytest.mark.parametrize(("seconds", "said"), [(0, "0 s"), (59, "59 s"), (60, "1 min"), (3599, "59 min"),
                                               (3600, "1 h"), (11100, "3 h 5 min"), (86400, "1 d"),
                                               (86400 * 2 + 3600 * 4 + 59, "2 d 4 h")])
def test_spans_read_as_people_say_them(seconds: int, said: str) -> None:
    assert command.span(seconds) == said


def test_a_long_sleep_is_not_stuck_but_a_long_silent_run_is() -> None:
    now = time.time()
    asleep = WorkflowRecord(workspace=ASKER.workspace, workflow_id="reminder-x", name="reminder",
                            requester=ASKER.to_dict(), waiting_for="the time: 2027-01-20 09:00 UTC",
                            started_at=int(now - 20 * 86400), updated_at=int(now - 20 * 86400))
    silent = WorkflowRecord(workspace=ASKER.workspace, workflow_id="access_request-x", name="access_request",
                            requester=ASKER.to_dict(), started_at=int(now - 2 * HOUR), updated_at=int(now - 2 * HOUR))
    assert command.concerns(asleep, now) == []
    assert command.concerns(silent, now) == ["running unchanged for long"]
    shown = command.render([asleep, silent], "parley-x-workflows", now)
    assert shown.endswith("2 open workflows in parley-x-workflows: 1 waiting, 1 running; 1 may be stuck (marked !)")
