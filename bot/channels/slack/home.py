"""The app's Home tab, built from the intents, so it never drifts from what the bot does.

It shows what the bot can do (the intents help names, with their descriptions), a button per intent that opens
it as a form (the ingress opens it: `HOME_FORM_ACTION_PREFIX` in `surface.py` says why), and what the intents
that offer a view of someone's own things (`home=True`, e.g. their tickets) answered for the person opening it.

Slack's limits for a home view (views.publish): 100 blocks, 3000 characters a section, 150 a header, 75 a
button's text. What does not fit is left out with a line saying so, never a view Slack would refuse. Everything
shown as mrkdwn is escaped here (`bot.text.escape_mrkdwn`): an answer may carry words people typed (a ticket's
topic).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.channels.slack.surface import home_form_action_id
from bot.conversation.help import title
from bot.conversation.intent import Intent
from bot.text import escape_mrkdwn, truncate

MAX_HOME_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
HOME_CALLBACK_ID = "parley:home"
CAPABILITIES_HEADING = "What I can do"
OPEN_BUTTON = "Open"
MORE = "…and {count} more: say `help` in a message to me to see everything."


@dataclass(frozen=True)
class Panel:
    """What one `home=True` intent answered for the person: its title, and its reply's text (not yet escaped)."""

    title: str
    text: str


def home_view(intents: Sequence[Intent], panels: Sequence[Panel]) -> dict:
    """The `home` view for views.publish: the panels first (the person's own things), then what the bot can do."""
    blocks = [block for panel in panels for block in _panel_blocks(panel)][:MAX_HOME_BLOCKS // 2]
    room = MAX_HOME_BLOCKS - len(blocks) - 2  # the heading, and a line for what did not fit
    offered = list(intents)
    shown = offered[:room] if len(offered) > room else offered
    blocks.append(_header(CAPABILITIES_HEADING))
    blocks.extend(_intent_block(intent) for intent in shown)
    if len(shown) < len(offered):
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": MORE.format(count=len(offered) - len(shown))}]})
    return {"type": "home", "callback_id": HOME_CALLBACK_ID, "blocks": blocks}


def _panel_blocks(panel: Panel) -> list[dict]:
    return [_header(panel.title), _section(escape_mrkdwn(panel.text) or " "), {"type": "divider"}]


def _intent_block(intent: Intent) -> dict:
    text = f"*{escape_mrkdwn(title(intent))}*\n{escape_mrkdwn(intent.description)}"
    section = _section(text)
    section["accessory"] = {"type": "button", "text": {"type": "plain_text", "text": truncate(OPEN_BUTTON,
                                                                                               MAX_BUTTON_TEXT)},
                            "action_id": home_form_action_id(intent.name), "value": intent.name}
    return section


def _header(text: str) -> dict:
    return {"type": "header", "text": {"type": "plain_text", "text": truncate(text, MAX_HEADER_TEXT)}}


def _section(mrkdwn: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(mrkdwn, MAX_SECTION_TEXT)}}
