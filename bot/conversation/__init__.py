"""The conversation, channel-neutral: turns, who is talking, replies, intents and their slots, the registry, the
recogniser and the engine that decides each step."""

from bot.conversation.engine import Engine
from bot.conversation.engine import answer_once as answer
from bot.conversation.identity import Person
from bot.conversation.registry import Registry, intent, registry
from bot.conversation.reply import Button, Field, Reply
from bot.conversation.slots import Choice, Number, Slot, SlotValueError, Text
from bot.conversation.turn import IntentCall, Turn

__all__ = [
    "Button", "Choice", "Engine", "Field", "IntentCall", "Number", "Person", "Registry", "Reply", "Slot",
    "SlotValueError", "Text", "Turn", "answer", "intent", "registry",
]
