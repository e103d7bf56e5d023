"""`python -m bot.tools.redrive` against moto: the parked jobs go back to the jobs queue, and none is ever lost.

Each test makes its own stage: a jobs queue whose RedrivePolicy names its dead-letter queue, as
serverless.yml declares them, and a few messages parked in the dead-letter queue, one of them not JSON.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from bot.queue.envelope import lex_job, slack_job
from bot.tools import redrive

ROOT = Path(__file__).resolve().parents[2]
NOT_JSON = "not a job at all\n{"


@pytest.fixture
def endpoint(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)  # what the command reads, as `make redrive` would
    monkeypatch.delenv("AWS_ENDPOINT_URL_SQS", raising=False)
    return moto_endpoint


@pytest.fixture
def sqs(endpoint: str):
    return boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1")


@pytest.fixture
def stage(sqs, request: pytest.FixtureRequest) -> str:
    name = "rd" + os.urandom(3).hex()
    dead_letters = sqs.create_queue(QueueName=f"parley-{name}-jobs-dlq")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=dead_letters, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.create_queue(QueueName=f"parley-{name}-jobs", Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 3})})
    return name


def url(sqs, stage: str, suffix: str = "") -> str:
    return sqs.get_queue_url(QueueName=f"parley-{stage}-jobs{suffix}")["QueueUrl"]


def park(sqs, stage: str, count: int = 4) -> list[str]:
    """`count` bodies in the dead-letter queue: Slack and Lex jobs, and one that is not JSON."""
    bodies = [NOT_JSON]
    for n in range(count - 1):
        if n % 2:
            bodies.append(lex_job(f"lex-{n}", "primes", {"limit": "1000"}, session_id="s",
                                  owner={"via": "lex", "user_id": "session:s", "team_id": "BOT"},
                                  workspace="lex:-:BOT"))
        else:
            bodies.append(slack_job(f"Ev{n:08d}", json.dumps({"type": "event_callback", "n": n}).encode(),
                                    {"content-type": "application/json"}))
    for body in bodies:
        sqs.send_message(QueueUrl=url(sqs, stage, "-dlq"), MessageBody=body)
    return bodies


def drain(sqs, queue_url: str) -> list[str]:
    """Every body in the queue (taken off it)."""
    bodies: list[str] = []
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages")
        if not messages:
            return bodies
        for message in messages:
            bodies.append(message["Body"])
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def depth(sqs, queue_url: str) -> int:
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
    return sum(int(value) for value in attributes["Attributes"].values())


def visible(sqs, queue_url: str) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def test_a_dry_run_lists_every_parked_job_and_moves_none(sqs, stage: str, capsys: pytest.CaptureFixture) -> None:
    bodies = park(sqs, stage)
    assert redrive.main(["--stage", stage, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Ev00000000" in out and "slack" in out  # the job's correlation id and source
    assert "lex-1" in out and "lex" in out
    assert "(not JSON)" in out and "not a job at all?{" in out  # its first characters, on one line
    assert out.strip().endswith("moved 0 of 4 (dry run: nothing was moved)")
    rows = [line for line in out.splitlines() if re.match(r"[0-9a-f]{8}-[0-9a-f]{4}-", line)]  # a message id first
    assert len(rows) == 4
    assert all(re.search(r" 1  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  ", row) for row in rows)  # received once, sent at
    assert depth(sqs, url(sqs, stage)) == 0
    assert visible(sqs, url(sqs, stage, "-dlq")) == 4  # visible again at once, not in a minute
    assert sorted(drain(sqs, url(sqs, stage, "-dlq"))) == sorted(bodies)


def test_a_run_moves_every_job_back_unchanged(sqs, stage: str, capsys: pytest.CaptureFixture) -> None:
    bodies = park(sqs, stage, count=13)  # two batches
    assert redrive.main(["--stage", stage]) == 0
    assert capsys.readouterr().out.strip().endswith("moved 13 of 13")
    assert depth(sqs, url(sqs, stage, "-dlq")) == 0
    assert sorted(drain(sqs, url(sqs, stage))) == sorted(bodies)


def test_max_stops_after_that_many(sqs, stage: str, capsys: pytest.CaptureFixture) -> None:
    bodies = park(sqs, stage, count=5)
    assert redrive.main(["--stage", stage, "--max", "2"]) == 0
    assert capsys.readouterr().out.strip().endswith("moved 2 of 2")
    moved = drain(sqs, url(sqs, stage))
    left = drain(sqs, url(sqs, stage, "-dlq"))
    assert len(moved) == 2 and len(left) == 3
    assert sorted(moved + left) == sorted(bodies)


def test_a_failed_send_deletes_nothing_and_exits_1(sqs, stage: str, capsys: pytest.CaptureFixture) -> None:
    bodies = park(sqs, stage)
    queues = redrive.locate(sqs, stage)
    sqs.delete_queue(QueueUrl=queues.jobs)  # gone between finding the queues and sending
    report = redrive.redrive(sqs, queues)
    assert (report.moved, report.listed) == (0, 4)
    assert report.problems and "sending to the jobs queue failed" in report.problems[0]
    assert visible(sqs, queues.dead_letters) == 4  # all still parked, and visible again at once
    assert sorted(drain(sqs, queues.dead_letters)) == sorted(bodies)


def test_the_command_exits_1_and_says_so_when_the_stage_has_no_queues(endpoint: str,
                                                                       capsys: pytest.CaptureFixture) -> None:
    assert redrive.main(["--stage", "nosuchstage"]) == 1
    captured = capsys.readouterr()
    assert "no queue parley-nosuchstage-jobs" in captured.err
    assert "moved 0 of 0; stopped by the error above" in captured.out


def test_an_empty_dead_letter_queue_is_a_success(sqs, stage: str, capsys: pytest.CaptureFixture) -> None:
    assert redrive.main(["--stage", stage]) == 0
    assert "the dead-letter queue is empty" in capsys.readouterr().out


def test_the_module_runs_as_a_command(sqs, stage: str, endpoint: str) -> None:
    park(sqs, stage, count=2)
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint}
    result = subprocess.run([sys.executable, "-m", "bot.tools.redrive", "--stage", stage, "--dry-run"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "moved 0 of 2 (dry run: nothing was moved)" in result.stdout


def test_a_failed_delete_leaves_a_duplicate_not_a_loss(sqs, stage: str, capsys: pytest.CaptureFixture) -> None:
    from botocore.exceptions import ClientError

    class DeleteFails:
        """The real client, except that deleting from the dead-letter queue is refused."""

        def __getattr__(self, name: str):
            return getattr(sqs, name)

        def delete_message_batch(self, **kwargs):
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "DeleteMessageBatch")

    bodies = park(sqs, stage, count=2)
    assert redrive.main(["--stage", stage], sqs=DeleteFails()) == 1
    captured = capsys.readouterr()
    assert "was sent back but not deleted from the dead-letter queue: AccessDenied" in captured.err
    assert "moved 0 of 2; stopped by the error above" in captured.out
    assert sorted(drain(sqs, url(sqs, stage))) == sorted(bodies)  # sent
    assert depth(sqs, url(sqs, stage, "-dlq")) == 2  # and still parked: the worker's idempotency drops the copy


def local_stage_env(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    """`make redrive STAGE=local` as a new user types it: no AWS endpoint, no credentials, only the stack's port."""
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SQS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                 "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("PARLEY_MOTO_PORT", str(port))


def test_a_local_stage_finds_the_running_stacks_moto(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    sqs = boto3.client("sqs", endpoint_url=moto_endpoint, region_name="us-east-1")
    name = "local-rd" + os.urandom(3).hex()
    dead_letters = sqs.create_queue(QueueName=f"parley-{name}-jobs-dlq")["QueueUrl"]
    sqs.create_queue(QueueName=f"parley-{name}-jobs")
    sqs.send_message(QueueUrl=dead_letters, MessageBody=NOT_JSON)
    local_stage_env(monkeypatch, int(moto_endpoint.rsplit(":", 1)[1]))
    assert redrive.main(["--stage", name, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"parley-{name}-jobs-dlq" in out and "moved 0 of 1 (dry run" in out


def test_a_local_stage_with_nothing_running_says_so(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from bot.local.processes import free_port

    port = free_port()
    local_stage_env(monkeypatch, port)
    assert redrive.main(["--stage", "local", "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert f"nothing is running on 127.0.0.1:{port}" in err and "make run" in err
    assert "credentials" not in err.lower()
