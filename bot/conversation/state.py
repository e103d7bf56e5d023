"""Where a multi-turn dialog waits between turns: which intent, the slots filled so far, what is asked."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

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


class DialogStore(Protocol):
    def load(self, key: str) -> DialogState | None: ...
    def save(self, key: str, state: DialogState) -> None: ...
    def clear(self, key: str) -> None: ...


class MemoryDialogStore:
    """Dialogs kept in this process: the console, and tests that need no DynamoDB."""

    def __init__(self) -> None:
        self._states: dict[str, dict[str, Any]] = {}

    def load(self, key: str) -> DialogState | None:
        data = self._states.get(key)
        return DialogState.from_dict(data) if data else None

    def save(self, key: str, state: DialogState) -> None:
        self._states[key] = state.to_dict()

    def clear(self, key: str) -> None:
        self._states.pop(key, None)
