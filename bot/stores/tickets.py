"""Support tickets (the demo's user data): each belongs to the person who opened it, newest first.

The owner is a person's key (`Person.key`: channel, workspace, user), so a Slack user sees the tickets they opened
in their workspace and no other, and an anonymous Lex caller only those of their own session. The DynamoDB table
keeps its partition attribute's historical name, `user_id`, and holds the owner key in it (a new key schema would
replace the table, and its data, on deploy); tickets written before owner keys (bare user ids) are not listed.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Protocol

from bot.stores.table import DynamoTable

LISTED = 10


@dataclass(frozen=True)
class Ticket:
    id: str
    owner: str
    topic: str
    priority: str
    component: str | None
    status: str
    opened_at: int


class TicketStore(Protocol):
    def open(self, owner: str, topic: str, priority: str, component: str | None) -> Ticket: ...
    def mine(self, owner: str, limit: int = LISTED) -> list[Ticket]: ...
    def forget(self, owner_prefix: str) -> int:
        """Delete the tickets of every owner whose key starts with `owner_prefix` (an uninstalled workspace's
        people: `slack:E:T#`, or an org's: `slack:E:`); how many went."""
        ...


def new_ticket(owner: str, topic: str, priority: str, component: str | None) -> Ticket:
    return Ticket(f"PAR-{os.urandom(3).hex().upper()}", owner, topic, priority, component, "open", int(time.time()))


class MemoryTicketStore:
    def __init__(self) -> None:
        self._tickets: list[Ticket] = []

    def open(self, owner: str, topic: str, priority: str, component: str | None) -> Ticket:
        ticket = new_ticket(owner, topic, priority, component)
        self._tickets.append(ticket)
        return ticket

    def mine(self, owner: str, limit: int = LISTED) -> list[Ticket]:
        return [ticket for ticket in reversed(self._tickets) if ticket.owner == owner][:limit]

    def forget(self, owner_prefix: str) -> int:
        kept = [ticket for ticket in self._tickets if not ticket.owner.startswith(owner_prefix)]
        gone = len(self._tickets) - len(kept)
        self._tickets = kept
        return gone


class DynamoTicketStore:
    """Partition `user_id` (the owner key), sort `ticket` (`<opened_at>#<id>`, so a query lists newest first)."""

    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def open(self, owner: str, topic: str, priority: str, component: str | None) -> Ticket:
        ticket = new_ticket(owner, topic, priority, component)
        item: dict[str, object] = {"user_id": owner, "ticket": f"{ticket.opened_at:012d}#{ticket.id}", "id": ticket.id,
                                   "topic": topic, "priority": priority, "status": ticket.status,
                                   "opened_at": ticket.opened_at}
        if component:
            item["component"] = component
        self.table.put(item)
        return ticket

    def forget(self, owner_prefix: str) -> int:
        found = self.table.scan_prefix("user_id", owner_prefix)
        for item in found:
            self.table.delete({"user_id": item["user_id"], "ticket": item["ticket"]})
        return len(found)

    def mine(self, owner: str, limit: int = LISTED) -> list[Ticket]:
        items = self.table.query("user_id", owner, newest_first=True, limit=limit)
        return [Ticket(str(item["id"]), owner, str(item["topic"]), str(item["priority"]),
                       str(item["component"]) if item.get("component") else None, str(item["status"]),
                       int(item["opened_at"])) for item in items]
