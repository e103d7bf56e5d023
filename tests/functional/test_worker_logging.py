"""What the worker's log holds at the `dev` stage's level: no response_url and no message text.

A response_url is a capability (whoever holds it may post in the channel for 30 minutes) and message text is what
people wrote; slack_sdk logs both at DEBUG, and the response_url at INFO when it retries a post. The worker runs in a
fresh Python process (its log configuration is made at import), with POWERTOOLS_LOG_LEVEL read from serverless.yml's
`dev` params, against moto and the real Slack stand-in; the test reads everything the process wrote.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from bot.local.processes import free_port
from bot.local.slack_events import signed_request, slash_command
from bot.local.standin.server import SlackStandIn
from bot.queue.envelope import slack_job
from bot.settings import Settings
from tests.conftest import load_event

ROOT = Path(__file__).resolve().parents[2]
STAGE = "local-worker-logs"
TOKEN = "xoxb-logging-test-token"
SECRET = "logging-test-signing-secret"
# What must not reach the log: a response_url's capability path and the words someone typed
CAPABILITY = "T0LOGS/8000000001/c4p4b1l1tyc4p4b1l1ty"
TYPED = "zebra-crossing-at-midnight"

# The worker's Lambda entry point, called as Lambda would (not tests.conftest: importing it rewrites the environment)
RUN_WORKER = """
import json, sys, types
from bot.worker.handler import handler
context = types.SimpleNamespace(function_name="parley-worker-logs", function_version="$LATEST", memory_limit_in_mb=512,
                                invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:parley-worker-logs",
                                aws_request_id="logging-test", get_remaining_time_in_millis=lambda: 60_000)
print(json.dumps({"outcome": handler(json.loads(sys.stdin.read()), context)}))
"""


def dev_log_level() -> str:
    params = yaml.safe_load((ROOT / "serverless.yml").read_text().replace("!", ""))["params"]  # tags do not matter
    return str(params["dev"].get("logLevel") or params["default"]["logLevel"])




def sqs_event(*payloads: str) -> dict:
    template = load_event("sqs_event.json")["Records"][0]
    records = []
    for number, payload in enumerate(payloads):
        body, headers = signed_request(payload, SECRET)
        record = copy.deepcopy(template)
        record["messageId"] = f"logging-{number}"
        record["body"] = slack_job(f"logging-{number}-{os.urandom(4).hex()}", body,
                                   {k.lower(): v for k, v in headers.items()})
        records.append(record)
    return {"Records": records}


def run_worker(event: dict, settings: Settings, slack: SlackStandIn, level: str) -> str:
    env = {**os.environ, "POWERTOOLS_LOG_LEVEL": level, "PARLEY_STAGE": STAGE, "SLACK_API_URL": slack.api_url,
           "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "PYTHONPATH": str(ROOT),
           "AWS_ENDPOINT_URL": settings.aws_endpoint_url or ""}
    for name in ("SLACK_BOT_TOKEN_PARAM", "SLACK_SIGNING_SECRET_PARAM", "PARLEY_SLACK_LIBRARY_DEBUG"):
        env.pop(name, None)
    result = subprocess.run([sys.executable, "-c", RUN_WORKER], input=json.dumps(event), env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_the_dev_stage_logs_at_debug() -> None:
    # the rest of this module is about DEBUG; if dev moves to INFO it still holds, and this says so
    assert dev_log_level() in {"DEBUG", "INFO"}


def test_no_response_url_and_no_message_text_reach_the_workers_log(settings: Settings, slack: SlackStandIn) -> None:
    answered = f"{slack.url}/response/{CAPABILITY}"
    # nothing listens there: slack_sdk retries the post, and logs that it does
    unreachable = f"http://127.0.0.1:{free_port()}/response/{CAPABILITY}-retried"
    event = sqs_event(slash_command(f"echo {TYPED}", response_url=answered),
                      slash_command(f"echo {TYPED} again", response_url=unreachable))
    log = run_worker(event, settings, slack, dev_log_level())

    [posted] = [call["args"] for call in slack.calls() if CAPABILITY in call["path"]]
    assert TYPED in json.dumps(posted)  # the reply went out, with the text in it
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert any(line.get("message") == "job done" for line in lines), log  # the log was captured
    assert any(str(line.get("name", "")).startswith(("slack_bolt", "slack_sdk")) for line in lines), log
    assert CAPABILITY not in log
    assert TYPED not in log
