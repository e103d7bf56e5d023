"""Where a multi-turn dialog stands between turns: which intent, the slots filled so far, what is asked.

Kept by a dialog store (`bot.stores.dialogs`) as a plain dict, under the turn's dialog key.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# `awaiting`, when the bot asked something other than a slot
CONFIRMATION = "__confirmation__"  # yes or no, before running the intent
CHOICE = "__choice__"  # which of the intents offered ("Did you mean ...?"): `offered`
SWITCH = "__switch__"  # whether to drop the intent for another one asked mid-dialog: `pending`


@dataclass
class DialogState:
    intent: str | None  # None while choosing which intent
    awaiting: str  # a slot's name, or one of the constants above
    slots: dict[str, Any] = field(default_factory=dict)  # parsed values, JSON-friendly
    offered: list[dict[str, Any]] = field(default_factory=list)  # CHOICE: [{intent, slots}] in the order offered
    pending: dict[str, Any] | None = None  # SWITCH: {intent, slots, resume: what was awaited before}

    def to_dict(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value not in (None, [], {})
                or key in ("intent", "awaiting")}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DialogState:
        intent = data.get("intent")
        return cls(intent=str(intent) if intent else None, awaiting=str(data["awaiting"]),
                   slots=dict(data.get("slots") or {}), offered=list(data.get("offered") or []),
                   pending=dict(data["pending"]) if data.get("pending") else None)
