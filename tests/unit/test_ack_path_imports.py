"""The ack path stays lean: importing and running the ingress loads none of the heavy libraries.

Import time is most of a Lambda cold start, and a cold start is what makes Slack bots miss 3 s.
"""

import json
import subprocess
import sys
from pathlib import Path

from bot.local.slack_events import http_api_event, message_event, signed_request

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("boto3", "botocore", "pydantic", "pydantic_settings", "slack_sdk", "slack_bolt", "aws_lambda_powertools",
         "intents", "bot.worker", "bot.conversation", "bot.settings", "logging", "dataclasses", "typing_extensions",
         # oauth mode's: a single-mode ack has no installation to read (and threading alone is 5 ms of import)
         "bot.ingress.installations", "bot.stores.installations", "threading")

PROBE = """
import json, sys
from bot.ingress.handler import handler
# the first request builds the ingress and fails to reach the (absent) queue: all of the ack path runs
answer = handler(json.loads(sys.stdin.read()), None)
print(json.dumps({"status": answer["statusCode"], "modules": sorted(sys.modules)}))
"""


def test_the_ack_path_imports_nothing_heavy() -> None:
    env = {"PATH": "/usr/bin:/bin", "SLACK_SIGNING_SECRET": "probe-secret", "AWS_ACCESS_KEY_ID": "x",
           "AWS_SECRET_ACCESS_KEY": "x", "PARLEY_QUEUE_URL": "http://127.0.0.1:9/123456789012/none"}
    body, headers = signed_request(message_event("hello"), "probe-secret")
    result = subprocess.run([sys.executable, "-c", PROBE], input=json.dumps(http_api_event(body, headers)), cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=60, check=True)
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["status"] == 503  # nothing listens on port 9: the enqueue failed, and Slack is told
    loaded = [name for name in outcome["modules"] if name.split(".")[0] in HEAVY or name.startswith(HEAVY)]
    assert loaded == []


SYNCHRONOUS_HEAVY = ("boto3", "botocore", "pydantic", "pydantic_settings", "slack_sdk", "slack_bolt",
                     "aws_lambda_powertools", "rapidfuzz", "Stemmer", "bot.worker", "bot.settings",
                     "bot.conversation.engine", "bot.conversation.recogniser")


def test_the_answers_given_at_once_load_the_intents_but_not_the_engine() -> None:
    """Form errors, menu options and shortcuts are answered inside Slack's 3 s by the ingress, which loads the intents
    for them: declaring intents must not load the engine, the recogniser or Powertools."""
    probe = "import json, sys\nimport bot.ingress.interactive\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env={"PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, timeout=60, check=True)
    modules = json.loads(result.stdout.strip().splitlines()[-1])
    assert "intents" in modules
    assert [name for name in modules if name.split(".")[0] in SYNCHRONOUS_HEAVY or name.startswith(SYNCHRONOUS_HEAVY)
            ] == []
