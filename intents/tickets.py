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
# What people call the priorities and the components, besides their names
PRIORITY_SYNONYMS = {
    "high": ("urgent", "critical", "asap", "important", "top", "blocking", "severe", "emergency", "highest"),
    "normal": ("medium", "regular", "standard", "moderate", "average", "default", "mid"),
    "low": ("minor", "trivial", "not urgent", "whenever", "no rush", "lowest", "cosmetic"),
}
COMPONENT_SYNONYMS = {
    "single sign-on": ("sso", "saml"),
    "mobile app": ("ios app", "android app", "phone app", "the app"),
    "login": ("log in", "sign in", "signin", "logon"),
    "email": ("e-mail", "mail"),
    "user profile": ("profile", "my profile"),
    "data export": ("export", "csv export"),
    "data import": ("import", "csv import"),
    "webhooks": ("webhook",),
    "audit log": ("audit trail",),
}


@intent(
    "open_ticket",
    title="Open a ticket",
    description="Open a support ticket; I ask for what I need.",
    examples=["open a ticket", "open a ticket about {topic}", "new ticket about {topic}", "file a ticket about {topic}",
              "new ticket", "report a problem", "open a {priority} priority ticket about {topic}"],
    synonyms={"ticket": ("issue", "bug", "problem", "case", "incident", "support ticket", "support request",
                         "bug report"),
              "open": ("report",)},
    slots=[
        Slot("topic", Text(max_length=200), prompt="What is the ticket about?", example="the printer is on fire"),
        Slot("priority", Choice(PRIORITIES, synonyms=PRIORITY_SYNONYMS), prompt="How urgent is it?", example="high"),
        Slot("component", Choice(COMPONENTS, suggest=True, synonyms=COMPONENT_SYNONYMS),
             prompt="Which part of the product is it about?", required=False),
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
    title="List my tickets",
    description="List the tickets you opened, newest first.",
    examples=["my tickets", "list my tickets", "show my tickets", "what tickets do I have", "my open tickets",
              "tickets I opened", "which tickets did I open", "what is the status of my tickets"],
    synonyms={"tickets": ("issues", "bugs", "problems", "cases", "requests", "support tickets"),
              "opened": ("reported",), "status": ("update", "updates", "news", "progress")},
    home=True,  # the App Home shows whoever opens it their tickets
)
def my_tickets(turn: Turn, tickets: TicketStore) -> Reply:
    found = tickets.mine(turn.person.key)
    if not found:
        return Reply("You have no tickets. Say `open a ticket` to open one.")
    lines = [f"• *{ticket.id}* ({ticket.priority}, {ticket.status}): {ticket.topic}" for ticket in found]
    heading = "Your ticket:" if len(found) == 1 else f"Your {len(found)} most recent tickets:"
    return Reply(heading + "\n" + "\n".join(lines))
