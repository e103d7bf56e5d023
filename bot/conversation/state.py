"""Where a multi-turn dialog stands between turns: which intent, the slots filled so far, what is asked.

Kept by a dialog store (`bot.stores.dialogs`) as a plain dict, under the turn's dialog key.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

CONFIRMATION = "__confirmation__"  # `awaiting` when the bot asked yes/no rather than for a slot


@dataclass
class DialogState:
    intent: str
    awaiting: str  # a slot's name, or CONFIRMATION
    slots: dict[str, Any] = field(default_factory=dict)  # parsed values, JSON-friendly

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DialogState:
        return cls(intent=str(data["intent"]), awaiting=str(data["awaiting"]), slots=dict(data.get("slots") or {}))
