"""A step: what the engine decided to do with one turn, for every channel to show its own way.

`kind` is one of four: ask for a slot (and why), confirm before running, offer a choice of intents, or answer. The
`reply` is what to say, channel-neutral (text, buttons, fields); the rest is what a channel needs to act on it as
its platform does. Slack shows the reply as Block Kit (the engine keeps the dialog); Lex turns the kinds into
ElicitSlot, ConfirmIntent, ElicitIntent and Close; the console prints the reply with numbered choices.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from bot.conversation.intent import Intent
from bot.conversation.reply import Reply

StepKind = Literal["ask", "confirm", "choose", "answer"]
# How an answer ended its intent: done (it ran), declined (a "no" to its confirmation), cancelled (a dialog dropped:
# `cancel`, "neither"), fallback (nothing understood), or none (no intent ran: a greeting, thanks, help). The
# metrics count them per intent (bot/observability/metrics.py)
Outcome = Literal["done", "declined", "cancelled", "fallback", "none"]


@dataclass(frozen=True)
class Step:
    kind: StepKind
    reply: Reply
    intent: Intent | None = None  # what the step is about (ask, confirm, an answer that ran it)
    slot: str | None = None  # ask: the slot asked for
    values: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))  # slot values so far
    options: tuple[Intent, ...] = ()  # choose: the intents offered, in order
    outcome: Outcome = "none"

    @property
    def waits(self) -> bool:
        """Whether a dialog waits for the next turn after this step."""
        return self.kind != "answer"


def ask(intent: Intent, slot: str, values: Mapping[str, Any], reply: Reply) -> Step:
    return Step("ask", reply, intent, slot, MappingProxyType(dict(values)))


def confirm(intent: Intent, values: Mapping[str, Any], reply: Reply) -> Step:
    return Step("confirm", reply, intent, None, MappingProxyType(dict(values)))


def choose(options: tuple[Intent, ...], reply: Reply) -> Step:
    return Step("choose", reply, options=options)


def answer(reply: Reply, intent: Intent | None = None, values: Mapping[str, Any] | None = None,
           outcome: Outcome = "none") -> Step:
    return Step("answer", reply, intent, None, MappingProxyType(dict(values or {})), outcome=outcome)
