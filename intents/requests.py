"""What you are waiting for, and taking it back: the workflows you started (access requests, reminders).

Both work the same in Slack and by voice: who you are is the turn's verified person, and only your own workflows
are listed or cancelled (bot/workflows/service.py checks it again). The button under an access request's answer
names the workflow it cancels; typed, "cancel my request" takes back the most recent one.
"""

from __future__ import annotations

import re
import time

from bot.conversation import Reply, Slot, Text, Turn, intent
from bot.workflows.service import Workflows

_MENTION = re.compile(r"<@[A-Z0-9]+>")


def plain(text: str) -> str:
    """A record's Slack text as a reply says it (replies are escaped where they are shown: no mentions)."""
    return _MENTION.sub("an approver", text).replace("*", "")


@intent(
    "my_requests",
    title="What am I waiting for",
    description="List your access requests and reminders that are still open, and what each waits for.",
    examples=["my requests", "list my requests", "what am I waiting for", "show my pending requests",
              "my reminders", "what reminders do I have", "my open requests", "which of my requests are open",
              "do I have open requests", "pending approvals", "what is still waiting"],
    synonyms={"requests": ("access requests", "approvals", "workflows"), "pending": ("open", "waiting")},
)
def my_requests(turn: Turn, workflows: Workflows) -> Reply:
    mine = workflows.mine(turn.person)
    if not mine:
        return Reply("Nothing of yours is waiting: no open access requests or reminders.")
    now = int(time.time())
    lines = [f"• {record.summary} (for {max(0, now - record.started_at) // 60} min): "
             f"{plain(record.waiting_for) or 'running'}" for record in mine]
    return Reply("Still open:\n" + "\n".join(lines))


@intent(
    "cancel_request",
    title="Cancel a request",
    description="Take back an access request or a reminder you started.",
    examples=["cancel my request", "cancel my access request", "cancel the reminder", "cancel my reminder",
              "withdraw my request", "never mind my request", "stop my reminder"],
    synonyms={"cancel": ("withdraw", "drop", "call off")},
    slots=[Slot("workflow", Text(max_length=64), prompt="Which one?", required=False)],
)
def cancel_request(turn: Turn, workflow: str | None, workflows: Workflows) -> Reply:
    mine = workflows.mine(turn.person)
    chosen = next((each for each in mine if each.workflow_id == workflow), None) if workflow else \
        (max(mine, key=lambda each: each.started_at) if mine else None)
    if chosen is None:
        return Reply("You have nothing open to cancel.")
    answer = workflows.cancel(chosen.workspace, chosen.workflow_id, turn.person)
    return Reply(f"Cancelled your {chosen.summary}." if answer.changed else plain(answer.text))
