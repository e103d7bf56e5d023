"""Channel-neutral dialog: turns, replies, intents and their slots, the registry and the matcher."""

from bot.dialog.engine import answer
from bot.dialog.registry import Registry, intent, registry
from bot.dialog.reply import Button, Field, Reply
from bot.dialog.slots import Choice, Number, Slot, SlotValueError, Text
from bot.dialog.turn import IntentCall, Turn

__all__ = [
    "Button", "Choice", "Field", "IntentCall", "Number", "Registry", "Reply", "Slot", "SlotValueError", "Text", "Turn",
    "answer", "intent", "registry",
]
