"""One conversation step, whatever surface the turn came from: the engine decides, the surface's replies send.

Every listener does the same thing: make a turn of what Slack sent, let the engine answer it, and send the reply
back where the turn came from. This is the middle part, shared by every surface's listeners. It counts the step
(its outcome per intent and channel) and the time to the reply, with the Emitter the worker put in Bolt's context
(`bot.worker.app.dispatch`).
"""

from __future__ import annotations

from dataclasses import replace

from aws_lambda_powertools import Logger
from slack_bolt import BoltContext

from bot.channels.slack.replies import Replies
from bot.conversation.engine import Engine
from bot.conversation.steps import Step
from bot.conversation.turn import Turn
from bot.observability.emit import Emitter

log = Logger(child=True)  # shares the worker Logger's configuration and correlation id


def converse(engine: Engine, turn: Turn, replies: Replies, context: BoltContext) -> Step:
    """Let the engine take the turn (its progress shown through `replies`), send the step's reply; the step."""
    metrics: Emitter | None = context.get("metrics")
    try:
        step = engine.step(replace(turn, progress=replies.progress, deadline=context.get("deadline")))
    except Exception:
        if metrics is not None:
            metrics.failed(turn.call.intent if turn.call else None, turn.via, turn.correlation_id)
        raise
    rated = feedback_for(step, replies)
    replies.send(step.reply, public=bool(step.intent and step.intent.public), waits=step.waits,
                 **({"feedback": rated} if rated else {}))
    log.info("reply sent", extra={"conversation": turn.conversation_id, "thread_ts": turn.thread_id})
    if metrics is not None:
        metrics.step(step.kind, step.outcome, step.intent.name if step.intent else None, turn.via, turn.correlation_id)
        metrics.replied(turn.via, context.get("received_at"), context.get("slack_time"), turn.correlation_id)
    return step


def feedback_for(step: Step, replies: Replies) -> str | None:
    """The intent whose answer carries feedback buttons: one that ran, where it asks for them (`feedback=True`) or
    the surface always shows them (an assistant thread: `replies.asks_feedback`); None for every other step."""
    if step.kind != "answer" or step.outcome != "done" or step.intent is None:
        return None
    if step.intent.feedback or getattr(replies, "asks_feedback", False):
        return step.intent.name
    return None
