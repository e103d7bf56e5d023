"""Reminders: "remind me in 10 minutes to stretch". A workflow that sleeps (at no cost) and then tells you.

The span is read by bot.conversation.durations ("10 minutes", "2 hours 30 minutes", "3 days", "1h30m"); up to
MAX_HOURS ahead. The reminder comes as a DM in Slack; a voice caller hears it on their next turn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.conversation import Reply, Slot, Text, Turn, intent
from bot.conversation.durations import parse_hours, say_hours
from bot.text import escape_mrkdwn
from bot.workflows import workflow
from bot.workflows.service import Workflows

if TYPE_CHECKING:
    from bot.workflows.flow import Flow

MAX_HOURS = 24 * 7 * 8  # eight weeks
NOT_READY = "I can't set reminders on this stage yet: it has no workflow engine."


@intent(
    "remind_me",
    title="Remind me",
    description="I remind you of something later: in minutes, hours, days or weeks.",
    examples=["remind me in {duration} to {task}", "in {duration} remind me to {task}",
              "set a reminder in {duration} to {task}", "remind me to {task} in {duration}"],
    synonyms={"remind": ("ping", "nudge")},
    slots=[Slot("duration", Text(max_length=40), prompt="In how long? (say `10 minutes`, `2 hours` or `3 days`)",
                example="10 minutes"),
           Slot("task", Text(max_length=300), prompt="What should I remind you of?", example="stretch")],
)
def remind_me(turn: Turn, duration: str, task: str, workflows: Workflows) -> Reply:
    hours = parse_hours(duration)
    if hours is None:
        return Reply(f"I can't read “{duration[:40]}” as a time. Try `remind me in 10 minutes to "
                     "stretch`, or `in 2 hours`, `in 3 days`.")
    if hours > MAX_HOURS:
        return Reply(f"That is too far ahead: I can remind you within {say_hours(MAX_HOURS)}.")
    if workflows.engine is None:
        return Reply(NOT_READY)
    workflows.start("reminder", turn.person, via=turn.via,
                    started_by=turn.correlation_id or f"{turn.conversation_id}:{turn.text}",
                    summary=f"remind: {task}", inputs={"task": task, "hours": float(hours)})
    return Reply(f"OK: in {say_hours(hours)} I'll remind you to {task}.")


@workflow("reminder", title="reminder")
def reminder(flow: Flow, task: str, hours: float) -> str:
    flow.sleep(hours, name="until")
    flow.tell_requester(f"Reminder: you asked me to remind you to {escape_mrkdwn(task)}.", name="remind")
    return "reminded"
