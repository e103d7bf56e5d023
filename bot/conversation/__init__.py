"""Channel-neutral dialog: turns, replies, intents and their slots, the registry and the matcher."""

from bot.conversation.engine import answer
from bot.conversation.registry import Registry, intent, registry
from bot.conversation.reply import Button, Field, Reply
from bot.conversation.slots import Choice, Number, Slot, SlotValueError, Text
from bot.conversation.turn import IntentCall, Turn

__all__ = [
    "Button", "Choice", "Field", "IntentCall", "Number", "Registry", "Reply", "Slot", "SlotValueError", "Text", "Turn",
    "answer", "intent", "registry",
]
