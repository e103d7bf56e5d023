import json
import re

import pytest

from bot.queue.envelope import ENVELOPE_VERSION, slack_job
from bot.queue.job import Job, JobError


def test_a_job_reads_back_what_the_ingress_wrote() -> None:
    body = '{"type":"event_callback","event":{"type":"message","text":"héllo ✓ \\"quoted\\""}}'.encode()
    headers = {
        "content-type": "application/json",
        "x-slack-request-timestamp": "1700000000",
        "x-slack-signature": "v0=abc",
        "x-slack-retry-num": "2",
        "x-slack-retry-reason": "http_timeout",
        "user-agent": "Slackbot",
        "x-forwarded-for": "3.80.0.1",
    }
    text = slack_job("Ev123", body, headers, received_at=1700000000.5)
    job = Job.from_json(text)
    assert (job.version, job.id, job.source, job.received_at) == (ENVELOPE_VERSION, "Ev123", "slack", 1700000000.5)
    assert job.slack.body.encode() == body  # Slack's own bytes, for Bolt
    assert job.slack.content_type == "application/json"
    assert job.slack.retry_num == 2
    # only the headers that matter travel
    assert set(job.slack.headers) == {"content-type", "x-slack-request-timestamp", "x-slack-signature",
                                      "x-slack-retry-num", "x-slack-retry-reason"}


def test_non_ascii_text_keeps_its_utf8_size() -> None:
    text = slack_job("Ev1", "日本語のメッセージ".encode(), {"content-type": "application/json"})
    assert "日本語" in text
    assert json.loads(text)["slack"]["body"] == "日本語のメッセージ"


def test_newer_envelopes_with_more_fields_still_read() -> None:
    data = json.loads(slack_job("Ev1", b"{}", {}))
    data["added_later"] = {"x": 1}
    assert Job.from_dict(data).id == "Ev1"


def test_an_odd_retry_header_reads_as_the_original() -> None:
    for odd in ("", "abc", "-1", "٣", "1.5"):
        assert Job.from_json(slack_job("Ev1", b"{}", {"x-slack-retry-num": odd})).slack.retry_num == 0


@pytest.mark.parametrize(("change", "says"), [
    ({"version": 2}, "job.version"),
    ({"version": True}, "job.version"),
    ({"source": "email"}, "job.source"),
    ({"received_at": "soon"}, "job.received_at"),
    ({"id": 5}, "job.id: text"),
    ({"slack": None}, "a slack job without its slack payload"),
    ({"slack": {"body": "{}", "headers": {"x": 1}}}, "slack.headers"),
    ({"dedup_key": ["k"]}, "job.dedup_key"),
])
def test_a_job_that_does_not_read_says_which_field(change: dict, says: str) -> None:
    data = {**json.loads(slack_job("Ev1", b"{}", {"content-type": "application/json"})), **change}
    with pytest.raises(JobError, match=re.escape(says)):
        Job.from_dict(data)


def test_a_job_that_is_not_json_is_a_job_error() -> None:
    with pytest.raises(JobError, match="a job is JSON"):
        Job.from_json("{not json")
    assert Job.from_dict({**json.loads(slack_job("Ev1", b"{}", {})), "later": "field"}).id == "Ev1"
