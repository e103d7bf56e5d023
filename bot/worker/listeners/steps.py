"""Workflow Builder custom steps: `function_executed` runs the intent declared `workflow_step=True` and completes the
step with `functions.completeSuccess` (its outputs) or `functions.completeError` (why it could not), once.

Failure policy:
- inputs the intent's slots refuse, a required input missing, a step we do not know: completed with an error that
  says so, politely (Slack shows it to the workflow's owner); the job succeeds, as retrying cannot help;
- the intent raising: logged with its traceback, completed with an error that names the step and no traceback;
- a completion Slack answers with `execution_not_in_running_state` or `function_execution_not_found` means the
  step was completed already (a redelivered event, a run again after a killed worker): done, not retried;
- any other Web API failure raises: the job fails and SQS retries it (a 429 was retried by the client already).
The worker's idempotency already keeps a finished job from running twice; the rule above covers the run again of a
job whose worker died after completing the step but before recording it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger
from slack_bolt import App, BoltContext, Complete, Fail
from slack_sdk.errors import SlackApiError

from bot.channels.slack.steps import step_outputs, step_slots
from bot.channels.slack.turns import slack_person
from bot.conversation.engine import Engine, parse_slots
from bot.conversation.help import title
from bot.conversation.intent import Intent
from bot.conversation.turn import Turn
from bot.text import escape_mrkdwn

log = Logger(child=True)

# Slack's answers to the completion of an execution that is no longer running: completed already
COMPLETED_ALREADY = frozenset({"execution_not_in_running_state", "function_execution_not_found"})
# Who a step acts as: a workflow, not a person (its records are the workspace's workflows' own)
STEP_USER = "workflow"
ANY_STEP = re.compile(r".+")


@dataclass(frozen=True)
class Outcome:
    """How a step ends: with outputs, or with an error for the person who runs the workflow."""

    outputs: dict[str, str] | None = None
    error: str | None = None


def register(app: App, engine: Engine) -> None:
    """Every `function_executed` of ours (one listener: a step we no longer have is completed with an error)."""

    @app.function(ANY_STEP)
    def on_step(event: dict[str, Any], body: dict[str, Any], context: BoltContext, complete: Complete,
                fail: Fail) -> None:
        outcome = run_step(engine, event, body, context)
        finish(outcome, complete, fail)


def run_step(engine: Engine, event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> Outcome:
    callback_id = str((event.get("function") or {}).get("callback_id") or "")
    intent = engine.registry.get(callback_id)
    if intent is None or not intent.workflow_step:
        log.warning("step of no intent of ours", extra={"callback_id": callback_id})
        return Outcome(error=f"Parley has no step called “{escape_mrkdwn(callback_id)}” any more.")
    raw, missing = step_slots(intent, event.get("inputs") or {})
    if missing:
        return Outcome(error=f"{title(intent)} needs {', '.join(missing)}.")
    values, problems = parse_slots(intent, raw)
    if problems:
        said = "; ".join(f"{name}: {problem}" for name, problem in problems.items())
        return Outcome(error=escape_mrkdwn(f"{title(intent)} could not use its inputs ({said})."))
    turn = step_turn(event, body, context).with_slots(values)
    return _run(engine, intent, turn)


def step_turn(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> Turn:
    person = slack_person(STEP_USER, body.get("team_id"), body.get("enterprise_id"))
    return Turn(text="", via="slack", person=person,
                conversation_id=str(event.get("workflow_execution_id") or event.get("function_execution_id") or ""),
                correlation_id=context.get("correlation_id"), deadline=context.get("deadline"))


def _run(engine: Engine, intent: Intent, turn: Turn) -> Outcome:
    try:
        reply = engine.work.run(intent, turn)
    except Exception:  # the step ends with an error either way; the traceback goes to the log only
        log.exception("step's intent failed", extra={"intent": intent.name})
        return Outcome(error=f"{title(intent)} failed. Please try again later, or tell the app's owner.")
    log.info("step ran", extra={"intent": intent.name})
    return Outcome(outputs=step_outputs(reply))


def finish(outcome: Outcome, complete: Complete, fail: Fail) -> None:
    """Complete the step once: a completion Slack says is no longer possible was made before."""
    try:
        if outcome.error is None:
            complete(outputs=outcome.outputs)
        else:
            fail(error=outcome.error)
    except SlackApiError as error:
        code = error.response.get("error")
        if code not in COMPLETED_ALREADY:
            raise
        log.info("step completed already: nothing to do", extra={"error": code})
        return
    log.info("step completed", extra={"ok": outcome.error is None})
