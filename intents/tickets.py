"""Support tickets: a multi-turn intent (a required slot, choices, confirmation) and a listing, in DynamoDB."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from functools import cache
from typing import Any

from bot.conversation import Choice, Field, Reply, Slot, Text, Turn, intent

PRIORITIES = ("low", "normal", "high")
COMPONENTS = (
    "accounts", "alerts", "analytics", "api", "audit log", "billing", "calendar", "chat", "dashboard", "data export",
    "data import", "email", "files", "integrations", "invoices", "login", "mobile app", "notifications",
    "onboarding", "payments", "permissions", "reports", "search", "settings", "single sign-on", "teams",
    "user profile", "webhooks",
)
LISTED = 10


@dataclass(frozen=True)
class Ticket:
    id: str
    user_id: str
    topic: str
    priority: str
    component: str | None
    status: str
    opened_at: int


class TicketStore:
    """Tickets in the stage's DynamoDB table: partition by who opened them, sorted by when."""

    def __init__(self, table: Any) -> None:
        self.table = table

    def open(self, user_id: str, topic: str, priority: str, component: str | None) -> Ticket:
        opened_at = int(time.time())
        ticket = Ticket(f"PAR-{os.urandom(3).hex().upper()}", user_id, topic, priority, component, "open", opened_at)
        item = {"user_id": user_id, "ticket": f"{opened_at:012d}#{ticket.id}", "id": ticket.id, "topic": topic,
                "priority": priority, "status": ticket.status, "opened_at": opened_at}
        if component:
            item["component"] = component
        self.table.put_item(Item=item)
        return ticket

    def mine(self, user_id: str, limit: int = LISTED) -> list[Ticket]:
        from boto3.dynamodb.conditions import Key

        found = self.table.query(KeyConditionExpression=Key("user_id").eq(user_id), ScanIndexForward=False,
                                 Limit=limit)
        return [Ticket(item["id"], item["user_id"], item["topic"], item["priority"], item.get("component"),
                       item["status"], int(item["opened_at"])) for item in found["Items"]]


@cache
def tickets() -> TicketStore:
    """Built on first use, once per process: the worker's cold start does not pay for it."""
    import boto3

    from bot.settings import Settings

    settings = Settings()
    resource = boto3.resource("dynamodb", region_name=settings.region, endpoint_url=settings.aws_endpoint_url)
    return TicketStore(resource.Table(settings.tickets_table))


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
def open_ticket(turn: Turn) -> Reply:
    ticket = tickets().open(turn.user_id, turn.slots["topic"], turn.slots["priority"], turn.slots.get("component"))
    fields = [Field("Priority", ticket.priority), Field("Status", ticket.status)]
    if ticket.component:
        fields.append(Field("Component", ticket.component))
    return Reply(f"Opened ticket *{ticket.id}*: {ticket.topic}", fields=tuple(fields))


@intent(
    "my_tickets",
    description="List the tickets you opened, newest first.",
    examples=["my tickets", "list my tickets", "show my tickets", "what tickets do I have"],
)
def my_tickets(turn: Turn) -> Reply:
    found = tickets().mine(turn.user_id)
    if not found:
        return Reply("You have no tickets. Say `open a ticket` to open one.")
    lines = [f"• *{ticket.id}* ({ticket.priority}, {ticket.status}): {ticket.topic}" for ticket in found]
    return Reply(f"Your {len(found)} most recent tickets:\n" + "\n".join(lines))
