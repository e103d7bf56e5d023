"""One turn in, one reply out: match the text to an intent, check its slots, run it."""

from __future__ import annotations

from bot.dialog.help import fallback
from bot.dialog.registry import Registry
from bot.dialog.reply import Reply
from bot.dialog.turn import Turn


def answer(turn: Turn, registry: Registry) -> Reply:
    """The bot's reply to a turn. An intent's own exception propagates: the job fails and is retried."""
    match = registry.match(turn.text)
    if match is None:
        return fallback(registry)
    if match.problems:
        name, problem = next(iter(match.problems.items()))
        return Reply(f"Sorry, {problem}. {match.intent.slot(name).prompt}")
    if match.missing:
        return Reply(match.intent.slot(match.missing[0]).prompt)
    return match.intent.handler(turn.with_slots(match.values))
