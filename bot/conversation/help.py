"""Help, generated from the intents' own declarations, so it never drifts from what the bot does."""

from __future__ import annotations

from bot.conversation.intent import PLACEHOLDER, Intent
from bot.conversation.registry import Registry
from bot.conversation.reply import Reply


def example_text(intent: Intent, example: str) -> str:
    """An example as a person would type it: `{sides}` becomes the slot's example value, or `<sides>`."""

    def fill(found: object) -> str:
        name = found.group(1)  # type: ignore[attr-defined]
        return intent.slot(name).example or f"<{name}>"

    return PLACEHOLDER.sub(fill, example)


def shown(registry: Registry) -> list[Intent]:
    """The intents help and suggestions name: all but the hidden ones, by name."""
    return sorted((intent for intent in registry if not intent.hidden), key=lambda each: each.name)


def describe(registry: Registry) -> Reply:
    lines = ["Here is what I can do:"]
    for intent in shown(registry):
        tries = ", ".join(f"`{example_text(intent, example)}`" for example in intent.examples[:3])
        lines.append(f"• *{intent.name}*: {intent.description} Try {tries}")
    return Reply("\n".join(lines))


def fallback(registry: Registry) -> Reply:
    """The answer to text no intent understands: polite, and pointing at what works."""
    intents = shown(registry)
    tries = ", ".join(f"`{example_text(intent, intent.examples[0])}`" for intent in intents)
    return Reply(f"Sorry, I can't do that yet. You could try {tries}, or say `help` to see everything I can do.")
