"""The conversation, channel-neutral: turns, who is talking, replies, intents and their slots, the registry, the
recogniser and the engine that decides each step.

Declaring intents needs only the light names below; the engine (and with it the recogniser and Powertools' logger)
is loaded when first asked for, because the ingress loads the intents on its synchronous paths (form errors, menu
options, shortcuts) and must answer Slack inside 3 s on a cold start.
"""

from typing import Any

from bot.conversation.identity import Person
from bot.conversation.registry import Registry, intent, registry
from bot.conversation.reply import Button, Field, Reply
from bot.conversation.slots import Choice, Number, Slot, SlotValueError, Text
from bot.conversation.turn import IntentCall, Turn

__all__ = [
    "Button", "Choice", "Engine", "Field", "IntentCall", "Number", "Person", "Registry", "Reply", "Slot",
    "SlotValueError", "Text", "Turn", "answer", "intent", "registry",
]


def __getattr__(name: str) -> Any:
    """`Engine` and `answer`, imported on first use."""
    if name in ("Engine", "answer"):
        from bot.conversation import engine

        return engine.Engine if name == "Engine" else engine.answer_once
    raise AttributeError(f"module 'bot.conversation' has no attribute {name!r}")
