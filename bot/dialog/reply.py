"""A reply: what the bot says back, before a channel renders it (Block Kit, SSML, a console line)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reply:
    # Light Slack-style markup is allowed (*bold*, `code`, "• " bullets); each channel renders or strips it.
    text: str
