"""Channel-neutral dialog: turns, replies, intents and their slots, the registry and the matcher."""

from bot.dialog.engine import answer
from bot.dialog.registry import Registry, intent, registry
from bot.dialog.reply import Reply
from bot.dialog.slots import Choice, Number, Slot, SlotValueError, Text
from bot.dialog.turn import Turn

__all__ = [
    "Choice", "Number", "Registry", "Reply", "Slot", "SlotValueError", "Text", "Turn", "answer", "intent", "registry",
]
