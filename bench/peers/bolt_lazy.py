"""The peer: a minimal Bolt app on Lambda, written the way Bolt's documentation shows it (lazy listeners).

As the docs' Lambda example does: `App(process_before_response=True)` made at import with the bot token and the
signing secret from the environment (so App start calls `auth.test`), a listener that acknowledges plus a lazy
listener that does the work, and a handler that builds `SlackRequestHandler(app=app)` per invocation. The lazy
listener runs in a second, asynchronous invocation of this same function: Bolt calls the Lambda Invoke API
(boto3, InvocationType Event), which bench/standins.py answers with 202 as Lambda does.

One departure, because the documented style cannot reach a local stand-in otherwise: slack_sdk reads no environment
variable for its base URL, so the WebClient is built here with `base_url` from SLACK_API_URL (the token still comes
from SLACK_BOT_TOKEN, and App still calls auth.test at start). The docs' example logs at DEBUG; this logs at INFO,
as a production app would, so Bolt is not charged for log volume. Two listeners: `app_mention` (the ack benchmark)
and `message` (a DM, for the time to first reply after idle), each an ack plus a lazy echo.
"""

import logging
import os
from typing import Any

from slack_bolt import Ack, App, Say
from slack_bolt.adapter.aws_lambda import SlackRequestHandler
from slack_sdk import WebClient

# process_before_response must be True on FaaS: nothing may run after the HTTP answer
app = App(
    process_before_response=True,
    client=WebClient(token=os.environ["SLACK_BOT_TOKEN"],
                     base_url=os.environ.get("SLACK_API_URL", "https://slack.com/api/")),
)


def acknowledge(ack: Ack) -> None:
    ack()  # within Slack's 3 s; the work happens in the lazy listener


def reply(event: dict[str, Any], say: Say) -> None:
    # The same Web API work as Parley's echo intent: one chat.postMessage in the mention's thread
    text = event.get("text", "").split(">", 1)[-1].strip().removeprefix("echo").strip()
    say(text=text or "(nothing to echo)", thread_ts=event.get("thread_ts") or event["ts"])


def reply_in_dm(event: dict[str, Any], say: Say) -> None:
    # A direct message (bench/first_reply.py): the same echo, in the DM itself, as Parley answers a DM
    text = event.get("text", "").strip().removeprefix("echo").strip()
    say(text=text or "(nothing to echo)")


app.event("app_mention")(ack=acknowledge, lazy=[reply])
app.event("message")(ack=acknowledge, lazy=[reply_in_dm])

SlackRequestHandler.clear_all_log_handlers()
logging.basicConfig(format="%(asctime)s %(message)s", level=logging.INFO)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    slack_handler = SlackRequestHandler(app=app)
    return slack_handler.handle(event, context)
