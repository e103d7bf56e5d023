"""Asking for access to a system: an approval that waits for a person, reminds, escalates and expires.

The intent starts the `access_request` workflow and answers at once; the workflow (run by the workflows function,
bot/workflows/) asks the stage's first approver with Approve / Deny buttons, reminds them after REMIND_AFTER hours,
asks the next approvers too after ESCALATE_AFTER, gives up after EXPIRE_AFTER, and tells the requester the outcome
(a DM in Slack; a voice caller hears it on their next turn). A grant that keeps failing is reported, not retried
for ever (bot/workflows/handler.py).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from bot.conversation import Button, Reply, Slot, Text, Turn, intent
from bot.text import escape_mrkdwn
from bot.workflows import workflow
from bot.workflows.service import Workflows

if TYPE_CHECKING:
    from bot.workflows.flow import Flow

REMIND_AFTER = 4.0  # hours without a decision before the approver is reminded
ESCALATE_AFTER = 24.0  # ... before the next approvers are asked too
EXPIRE_AFTER = 72.0  # ... before the request expires
CHOICES = (("Approve", "approve"), ("Deny", "deny"))
NOT_READY = ("I can't take access requests yet: this stage has no approvers. An admin sets them with the "
             "`approvers` param (see the README, Workflows).")


@intent(
    "request_access",
    title="Request access",
    description="Ask for access to a system; an approver decides, and I tell you.",
    examples=["request access to {system}", "I need access to {system}", "can I get access to {system}",
              "give me access to {system}", "grant me access to {system}", "access to {system} please",
              "I need permission to use {system}", "request access"],
    synonyms={"request": ("ask for", "get", "need", "want"), "access": ("permission", "permissions", "rights"),
              "give": ("grant", "provide")},
    slots=[Slot("system", Text(max_length=80), prompt="Access to which system?", example="grafana")],
)
def request_access(turn: Turn, system: str, workflows: Workflows) -> Reply:
    if not workflows.ready:
        return Reply(NOT_READY)
    record = workflows.start("access_request", turn.person, via=turn.via,
                             started_by=turn.correlation_id or f"{turn.conversation_id}:{turn.text}",
                             summary=f"access to {system}", inputs={"system": system})
    later = " here, on your next turn" if record.reply_via != "slack" else " in a DM"
    return Reply(f"I've asked an approver about your access to *{system}*. I'll tell you what they decide{later}; "
                 "a reminder and an escalation follow if nobody answers.",
                 buttons=(Button("Cancel request", intent="cancel_request", slots={"workflow": record.workflow_id},
                                 style="danger"),))


def grant(system: str) -> str:
    """Grants the access (a demo: the grant is the decision itself; a real one calls the system's API here)."""
    if os.environ.get("PARLEY_FAULT_INTENTS") == "1" and system.strip().lower() == "explode":
        raise RuntimeError(f"the grant for {system!r} failed")  # the reliability suite's failing step
    return f"granted {system}"


@workflow("access_request", title="access request")
def access_request(flow: Flow, system: str) -> str:
    what = f"access to *{escape_mrkdwn(system)}*"
    asker = flow.requester_mention
    question = f"{asker[:1].upper()}{asker[1:]} asks for {what}."
    primary, *others = flow.approvers
    decision = flow.ask("ask", [primary], question, CHOICES, hours=REMIND_AFTER)
    if decision is None:
        decision = flow.ask("remind", [primary], f"Reminder: {question} It has waited {REMIND_AFTER:g} hours.",
                            CHOICES, hours=ESCALATE_AFTER - REMIND_AFTER)
    if decision is None and others:
        flow.tell_requester(f"<@{primary}> has not answered in {ESCALATE_AFTER:g} hours: I've asked "
                            f"{', '.join(f'<@{each}>' for each in others)} too.", name="escalated:tell")
        decision = flow.ask("escalate", [primary, *others],
                            f"Escalated to you: {question} <@{primary}> has not answered in {ESCALATE_AFTER:g} hours.",
                            CHOICES, hours=EXPIRE_AFTER - ESCALATE_AFTER)
    if decision is None:
        flow.tell_requester(f"Your request for {what} expired: nobody decided within {EXPIRE_AFTER:g} hours. "
                            "Ask again if you still need it.", name="expired:tell")
        return "expired"
    if decision.choice != "approve":
        flow.tell_requester(f"<@{decision.by}> denied your request for {what}.", name="denied:tell")
        return "denied"
    flow.step("grant", grant, system)
    flow.tell_requester(f"<@{decision.by}> approved your request: you have {what} now.", name="approved:tell")
    return "approved"
