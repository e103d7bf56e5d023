"""A variant of the peer, not the documented style: one SlackRequestHandler for the sandbox's life.

Bolt's Lambda example builds `SlackRequestHandler(app=app)` in every invocation; each one installs a new lazy
listener runner, whose first lazy call creates a new boto3 Lambda client. This variant builds the handler once, so
bench/ack.py can show what that costs a warm ack, and compare Parley with the faster of the two.
"""

from typing import Any

from bolt_lazy import app
from slack_bolt.adapter.aws_lambda import SlackRequestHandler

slack_handler = SlackRequestHandler(app=app)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return slack_handler.handle(event, context)
