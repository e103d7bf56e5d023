"""Clicks on a workflow's buttons: an approver's decision, the requester's cancel (bot/workflows/service.py).

Who clicked comes from Slack's signed payload (its user and team), never from the button's value, which only
points at the workflow record; the service checks that person against the record (an approver of the current
wait; the requester) and claims the decision once. The clicker is told what came of it, in place of the buttons
they pressed (the message is replaced through its response_url, so a second press has nothing to press).

Failure policy: a value that is not ours is logged and dropped; an engine call that fails raises, the job fails and
SQS delivers the click again (the claim made before it makes the retry see "already decided" and not decide twice;
the engine refuses a second completion of a callback as well).
"""

from __future__ import annotations

import json
import re
from typing import Any

from aws_lambda_powertools import Logger
from slack_bolt import Ack, App, Respond

from bot.channels.slack.surface import WORKFLOW_CANCEL_ACTION, WORKFLOW_DECIDE_ACTION
from bot.conversation.engine import Engine
from bot.conversation.identity import Person
from bot.worker.listeners.feedback import workspace_of

log = Logger(child=True)
DECIDE = re.compile(rf"^{re.escape(WORKFLOW_DECIDE_ACTION)}(:\d+)?$")
CANCEL = re.compile(rf"^{re.escape(WORKFLOW_CANCEL_ACTION)}(:\d+)?$")
CHOICES = frozenset({"approve", "deny"})


def register(app: App, engine: Engine) -> None:
    """The decision and cancel buttons of workflows."""
    workflows = engine.work.stores.workflows

    @app.action(DECIDE)
    def on_decide(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        value = _value(action)
        if value is None or value.get("choice") not in CHOICES:
            log.warning("workflow click not understood")
            return
        user = str((body.get("user") or {}).get("id") or "")
        answer = workflows.decide(str(value["w"]), str(value["id"]), str(value["choice"]), user, workspace_of(body))
        log.info("workflow decision", extra={"workflow_id": value["id"], "changed": answer.changed})
        _say(respond, body, answer.text, answer.changed)

    @app.action(CANCEL)
    def on_cancel(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        value = _value(action)
        if value is None:
            log.warning("workflow cancel not understood")
            return
        team = body.get("team") if isinstance(body.get("team"), dict) else {}
        enterprise = body.get("enterprise") if isinstance(body.get("enterprise"), dict) else {}
        person = Person("slack", str((body.get("user") or {}).get("id") or ""), str(team.get("id") or ""),
                        str(enterprise.get("id") or ""))
        answer = workflows.cancel(str(value["w"]), str(value["id"]), person)
        log.info("workflow cancel", extra={"workflow_id": value["id"], "changed": answer.changed})
        _say(respond, body, answer.text, answer.changed)


def _value(action: dict[str, Any]) -> dict[str, Any] | None:
    try:
        value = json.loads(str(action.get("value") or ""))
    except ValueError:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("w"), str) or not isinstance(value.get("id"), str):
        return None
    return value


def _say(respond: Respond, body: dict[str, Any], text: str, changed: bool) -> None:
    """The outcome, in place of the buttons when it changed something; else said to the clicker alone."""
    if changed:
        original = ((body.get("message") or {}).get("text") or "") if isinstance(body.get("message"), dict) else ""
        respond(text=f"{original}\n{text}".strip(), replace_original=True)
    else:
        respond(text=text, response_type="ephemeral", replace_original=False)
