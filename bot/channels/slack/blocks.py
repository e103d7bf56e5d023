"""A reply as Slack messages (Block Kit), within Slack's published limits.

Everything a message shows is escaped for mrkdwn here, once (`bot.text.escape_mrkdwn`): reply text carries
people's own words (an echo, a ticket's topic, a slot's complaint about what was typed), and unescaped they could
post a live `@channel` or a disguised link. Button labels are plain_text, which Slack does not parse.

Standard library only, and nothing from `typing`: the ingress imports this on its rare synchronous
paths (a slash command's immediate answer), where every import is paid for on a cold start.
"""

from __future__ import annotations

import re

from bot.channels.slack.surface import BUTTON_ACTION_PREFIX
from bot.text import escape_mrkdwn, truncate

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (type checkers read the name)
if TYPE_CHECKING:
    from bot.conversation.reply import Button, Field, Reply

# Block Kit limits (docs.slack.dev/reference/block-kit): Slack rejects a whole message that exceeds one.
MAX_BLOCKS = 50  # per message
MAX_SECTION_TEXT = 3000  # a section's text object
MAX_FALLBACK_TEXT = 3000  # our choice: a notification is a glimpse; Slack itself truncates `text` at 40,000
MAX_FIELDS = 10  # per section
MAX_FIELD_TEXT = 2000
MAX_ACTIONS = 25  # elements per actions block
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
BUTTON_STYLES = ("primary", "danger")

# Where long text may be cut, best first. A match is the whitespace the cut removes.
PARAGRAPH_BREAK = re.compile(r"\n(?:[ \t\r]*\n)+")  # one or more blank lines
LINE_BREAK = re.compile(r"[ \t\r]*\n")
# ASCII whitespace only: a no-break space is there precisely so that the words around it stay together
WORD_BREAK = re.compile(r"[ \t\r\n]+")


def render(reply: Reply) -> list[dict]:
    """The Slack messages (`text` and `blocks` each) that show the reply, in the order to post them.

    Text becomes mrkdwn sections; very long text takes several messages. Fields and then buttons
    close the last message. A reply with nothing to show gives no message (Slack refuses an empty one).
    Raises ValueError for what Slack would refuse and cannot be shortened: a button value over 2000
    characters, an unknown button style, more fields and buttons than one message holds.
    """
    sections = [{"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
                for chunk in split_text(escape_mrkdwn(reply.text), MAX_SECTION_TEXT)]
    # Fields and buttons belong to the reply as a whole, so they stay together in its last message.
    extras = _field_sections(reply.fields) + _actions_blocks(reply.buttons)
    if len(extras) > MAX_BLOCKS:
        raise ValueError(f"{len(reply.fields)} fields and {len(reply.buttons)} buttons need more than "
                         f"{MAX_BLOCKS} blocks")
    groups = [sections[start:start + MAX_BLOCKS] for start in range(0, len(sections), MAX_BLOCKS)] or [[]]
    if extras:
        last = groups[-1]
        if len(last) + len(extras) > MAX_BLOCKS:
            # A new message; it takes the last section along, so the buttons sit beside what they answer
            moved = [last.pop()] if len(extras) < MAX_BLOCKS else []
            groups.append(moved)
        groups[-1] = groups[-1] + extras
    return [_message(blocks, reply) for blocks in groups if blocks]


def split_text(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut at a paragraph, else a line, else a word break.

    Only the whitespace at each cut is dropped (and whitespace-only pieces): the pieces, in order, are
    the text. A word longer than `limit` is the one thing cut in the middle.
    """
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        cut, resume = _cut(text, start, limit)
        pieces.append(text[start:cut])
        start = resume
    pieces.append(text[start:])
    return [piece for piece in pieces if piece.strip()]


def _cut(text: str, start: int, limit: int) -> tuple[int, int]:
    """Where the piece beginning at `start` ends, and where the next one begins."""
    window = text[start:start + limit]
    first = start + len(window) - len(window.lstrip())  # a cut before this would leave a blank piece
    for pattern in (PARAGRAPH_BREAK, LINE_BREAK, WORD_BREAK):
        best = None
        for found in pattern.finditer(text, start):
            # A break may begin at start + limit at the latest: the piece before it is then `limit` long.
            if found.start() > start + limit:
                break
            if found.start() > first:
                best = found
        if best is not None:
            # The break may run on past the window's edge; it is all dropped.
            return best.start(), best.end()
    return start + limit, start + limit


def chosen(blocks: list[dict], label: str, user_id: str) -> list[dict]:
    """The message's blocks once a button was pressed: its buttons give way to who chose what.

    Slack keeps a message's buttons pressable until the message is updated, so without this the same
    choice could be made twice (or by two people).
    """
    note = f"<@{user_id}> chose *{escape_mrkdwn(label)}*"
    taken = {block.get("block_id") for block in blocks}
    block_id = "chosen"
    while block_id in taken:  # block ids must stay unique within the message
        block_id += "_"
    result: list[dict] = []
    replaced = False
    for block in blocks:
        if block.get("type") != "actions":
            result.append(block)
        elif not replaced:
            result.append({"type": "context", "block_id": block_id,
                           "elements": [{"type": "mrkdwn", "text": note}]})
            replaced = True
    return result


def ephemeral_or_public(public: bool) -> str:
    """A slash command answer's `response_type`: seen by the channel (the intent says so), or only by who asked."""
    return "in_channel" if public else "ephemeral"



def _field_sections(fields: tuple[Field, ...]) -> list[dict]:
    texts = [{"type": "mrkdwn", "text": truncate(f"*{escape_mrkdwn(field.label)}*\n{escape_mrkdwn(field.value)}",
                                                  MAX_FIELD_TEXT)}
             for field in fields]
    return [{"type": "section", "fields": texts[start:start + MAX_FIELDS]}
            for start in range(0, len(texts), MAX_FIELDS)]


def _actions_blocks(buttons: tuple[Button, ...]) -> list[dict]:
    elements = [_button(index, button) for index, button in enumerate(buttons)]
    return [{"type": "actions", "elements": elements[start:start + MAX_ACTIONS]}
            for start in range(0, len(elements), MAX_ACTIONS)]


def _button(index: int, button: Button) -> dict:
    value = button.value()
    # Cutting the value would change what pressing the button means: refuse instead.
    if len(value) > MAX_BUTTON_VALUE:
        raise ValueError(f"button {button.label!r} carries {len(value)} characters; Slack takes {MAX_BUTTON_VALUE}")
    if not button.label.strip():
        raise ValueError("a button needs a label")
    element: dict = {
        "type": "button",
        # The index, not the label: labels repeat and change, and the value says what the button means.
        "action_id": f"{BUTTON_ACTION_PREFIX}{index}",
        "text": {"type": "plain_text", "text": truncate(button.label, MAX_BUTTON_TEXT), "emoji": True},
        "value": value,
    }
    if button.style is not None:
        if button.style not in BUTTON_STYLES:
            raise ValueError(f"button style {button.style!r} is not one of {BUTTON_STYLES}")
        element["style"] = button.style
    return element


def _message(blocks: list[dict], reply: Reply) -> dict:
    # Ids by position: unique within the message, and the same for the same reply every time.
    counts: dict[str, int] = {}
    numbered = []
    for block in blocks:
        kind = "fields" if "fields" in block else "text" if block["type"] == "section" else block["type"]
        numbered.append({**block, "block_id": f"{kind}-{counts.get(kind, 0)}"})
        counts[kind] = counts.get(kind, 0) + 1
    return {"text": truncate(_fallback(blocks, reply), MAX_FALLBACK_TEXT), "blocks": numbered}


def _fallback(blocks: list[dict], reply: Reply) -> str:
    """What a notification (and a screen reader's summary) shows for the message."""
    text = "\n\n".join(block["text"]["text"] for block in blocks if "text" in block)
    if text:
        return text
    # A message without text (the reply was all fields and buttons): say what it offers instead
    lines = [f"{field.label}: {field.value}" for field in reply.fields]
    if reply.buttons:
        lines.append(" · ".join(button.label for button in reply.buttons))
    return escape_mrkdwn("\n".join(lines))

