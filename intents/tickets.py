"""Support tickets: a multi-turn intent (a required slot, choices, confirmation) and a listing.

The tickets are kept by the ticket store the engine gives the handlers (`bot.stores.tickets`), under the key of
the person asking: a Slack user's own, or, for a voice caller, the Slack user they linked to (else only their
session's).
"""

from __future__ import annotations

from bot.conversation import Choice, Field, Reply, Slot, Text, Turn, intent
from bot.stores.tickets import TicketStore

PRIORITIES = ("low", "normal", "high")
COMPONENTS = (
    "accounts", "alerts", "analytics", "api", "audit log", "billing", "calendar", "chat", "dashboard", "data export",
    "data import", "email", "files", "integrations", "invoices", "login", "mobile app", "notifications",
    "onboarding", "payments", "permissions", "reports", "search", "settings", "single sign-on", "teams",
    "user profile", "webhooks",
)


@intent(
    "open_ticket",
    description="Open a support ticket; I ask for what I need.",
    examples=["open a ticket", "open a ticket about {topic}", "new ticket about {topic}", "file a ticket about {topic}",
              "new ticket"],
    slots=[
        Slot("topic", Text(max_length=200), prompt="What is the ticket about?", example="the printer is on fire"),
        Slot("priority", Choice(PRIORITIES), prompt="How urgent is it?", example="high"),
        Slot("component", Choice(COMPONENTS, suggest=True), prompt="Which part of the product is it about?",
             required=False),
    ],
    confirm="Open a *{priority}* priority ticket about “{topic}”?",
    shortcut="Open a ticket",
)
def open_ticket(turn: Turn, topic: str, priority: str, component: str | None, tickets: TicketStore) -> Reply:
    ticket = tickets.open(turn.person.key, topic, priority, component)
    fields = [Field("Priority", ticket.priority), Field("Status", ticket.status)]
    if ticket.component:
        fields.append(Field("Component", ticket.component))
    return Reply(f"Opened ticket *{ticket.id}*: {ticket.topic}", fields=tuple(fields))


@intent(
    "my_tickets",
    description="List the tickets you opened, newest first.",
    examples=["my tickets", "list my tickets", "show my tickets", "what tickets do I have"],
)
def my_tickets(turn: Turn, tickets: TicketStore) -> Reply:
    found = tickets.mine(turn.person.key)
    if not found:
        return Reply("You have no tickets. Say `open a ticket` to open one.")
    lines = [f"• *{ticket.id}* ({ticket.priority}, {ticket.status}): {ticket.topic}" for ticket in found]
    heading = "Your ticket:" if len(found) == 1 else f"Your {len(found)} most recent tickets:"
    return Reply(heading + "\n" + "\n".join(lines))
