"""Help, generated from the intents' own declarations, so it never drifts from what the bot does.

Examples are shown as a person would type them where they are: `roll 6` in a DM, `/parley roll 6` in answer to the
slash command (`prefix`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.conversation.intent import PLACEHOLDER, Intent
from bot.conversation.registry import Registry
from bot.conversation.reply import Reply

if TYPE_CHECKING:
    from bot.conversation.recogniser import Recognition

MAX_SUGGESTIONS = 3
SUGGESTION_FLOOR = 0.25  # an unknown request's candidate below this score is no suggestion, just noise


def title(intent: Intent) -> str:
    """What people call the intent ("Open a ticket"), never its internal name."""
    return intent.title or intent.name.replace("_", " ").capitalize()


def example_text(intent: Intent, example: str, prefix: str = "") -> str:
    """An example as a person would type it: `{sides}` becomes the slot's example value, or `<sides>`."""

    def fill(found: object) -> str:
        name = found.group(1)  # type: ignore[attr-defined]
        return intent.slot(name).example or f"<{name}>"

    said = PLACEHOLDER.sub(fill, example)
    return f"{prefix} {said}" if prefix else said


def shown(registry: Registry) -> list[Intent]:
    """The intents help and suggestions name: all but the hidden ones, in the order they were declared."""
    return [intent for intent in registry if not intent.hidden]


def describe(registry: Registry, prefix: str = "") -> Reply:
    lines = ["Here is what I can do:"]
    for intent in shown(registry):
        tries = ", ".join(f"`{example_text(intent, example, prefix)}`" for example in intent.examples[:2])
        lines.append(f"• *{title(intent)}*: {intent.description} Try {tries}")
    lines.append("Say `cancel` to stop anything I'm asking about.")
    return Reply("\n".join(lines))


def suggestions(recognition: Recognition) -> list[Intent]:
    """The closest intents of an unknown request, worth naming in the fallback."""
    return [candidate.intent for candidate in recognition.candidates[:MAX_SUGGESTIONS]
            if not candidate.intent.hidden and candidate.score >= SUGGESTION_FLOOR]


def fallback(registry: Registry, closest: list[Intent] | None = None, prefix: str = "") -> Reply:
    """The answer to text no intent understands: polite, and pointing at what works (the closest first)."""
    # no close intent: the main ones, which their authors gave the most examples
    offered = closest or sorted(shown(registry), key=lambda intent: -len(intent.examples))[:3]
    tries = ", ".join(f"`{example_text(intent, intent.examples[0], prefix)}`" for intent in offered)
    help_text = f"{prefix} help" if prefix else "help"
    lead = "Sorry, I can't do that yet." if not closest else "Sorry, I'm not sure what you mean."
    return Reply(f"{lead} You could try {tries}, or say `{help_text}` to see everything I can do.")
