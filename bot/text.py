"""Text helpers every channel shares: one way to shorten text, one way to make it safe for Slack's mrkdwn.

Reply text is what the bot means to show, with the light markup intents may use (*bold*, `code`, "• " bullets)
and people's words in it as they typed them. Slack reads `&`, `<` and `>` in mrkdwn (and in a message's `text`)
as the start of entities, mentions (`<!channel>`, `<@U…>`) and links (`<url|label>`), so every piece of text a
Slack message shows goes through `escape_mrkdwn` once, at rendering: words someone typed can then never become a
live mention or a disguised link. Reading goes the other way: `unescape_mrkdwn` turns Slack's wire text back into
what the person typed. Streamed messages take standard markdown (`markdown_text`) instead: `escape_markdown` makes
text literal there too (markup characters backslash-escaped, the three entity characters as entities).

Standard library only, nothing from `typing`: the ingress's synchronous paths (form errors) use it on a cold start.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"

_TRAILING_PUNCTUATION = re.compile(r"[\s.!?]+$")
_SPACES = re.compile(r"\s+")
_MRKDWN_SPECIAL = re.compile(r"[&<>]")
_MRKDWN_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# CommonMark's inline markup (emphasis, code, links, images, strikethrough, html) and the escape itself
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_~\[\]()!#|]")
_MRKDWN_ENTITY = re.compile(r"&(amp|lt|gt);")
_MRKDWN_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}


def normalize(text: str) -> str:
    """Trimmed, single-spaced, without closing punctuation: how two phrasings are compared as the same words."""
    return _TRAILING_PUNCTUATION.sub("", _SPACES.sub(" ", text.strip()))


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, the cut shown by an ellipsis (and no space before it)."""
    if len(text) <= limit:
        return text
    return text[:max(limit - len(ELLIPSIS), 0)].rstrip() + ELLIPSIS


def escape_mrkdwn(text: str) -> str:
    """`text` as Slack shows it literally: the three characters Slack's mrkdwn reads as markup, escaped."""
    return _MRKDWN_SPECIAL.sub(lambda found: _MRKDWN_ESCAPES[found.group()], text)


def escape_markdown(text: str) -> str:
    """`text` shown literally in a streamed message's markdown: no emphasis, link, mention or entity from it."""
    return escape_mrkdwn(_MARKDOWN_SPECIAL.sub(lambda found: "\\" + found.group(), text))


def unescape_mrkdwn(text: str) -> str:
    """Slack's escaped wire text as typed; one pass, so "&amp;lt;" becomes "&lt;", not "<"."""
    return _MRKDWN_ENTITY.sub(lambda found: _MRKDWN_ENTITIES[found.group(1)], text)
