"""Slack's rules for what a message or a view may hold, checked as Slack checks them.

The bot's renderers promise to stay within Slack's limits (50 blocks a message, 100 a view, 3000 characters a
section); the stand-in refuses what Slack would refuse, with Slack's error, so a broken promise fails a test locally
instead of a conversation in production. Long message text is truncated, not refused, as Slack does.
"""

from __future__ import annotations

import json
from typing import Any

from bot.local.standin.errors import Json, SlackError, missing

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_TEXT = 40_000
MAX_PRIVATE_METADATA = 3000  # a view's private_metadata
MAX_CALLBACK_ID = 255  # a view's callback_id
MAX_VIEW_BYTES = 250_000  # a view's JSON: over it, view_too_large


def truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("1", "true")) or value == 1


def text_arg(args: Json, name: str) -> str | None:
    value = args.get(name)
    if value is None or value == "":
        return None
    return str(value)


def check_blocks(blocks: Any, limit: int) -> None:
    if not isinstance(blocks, list) or not all(isinstance(b, dict) and isinstance(b.get("type"), str) for b in blocks):
        raise SlackError("invalid_blocks_format")
    if len(blocks) > limit:
        raise SlackError("invalid_blocks", f"must be less than {limit + 1} items [json-pointer:/blocks]")
    for index, block in enumerate(blocks):
        text = block.get("text")
        if block["type"] == "section" and isinstance(text, dict) and len(str(text.get("text", ""))) > MAX_SECTION_TEXT:
            raise SlackError("invalid_blocks",
                             f"must be less than {MAX_SECTION_TEXT + 1} characters "
                             f"[json-pointer:/blocks/{index}/text/text]")


def message_content(args: Json, limit_blocks: int = MAX_MESSAGE_BLOCKS) -> Json:
    """text / blocks / attachments of a message."""
    content: Json = {}
    text = text_arg(args, "text")
    blocks = args.get("blocks")
    attachments = args.get("attachments")
    if blocks in (None, "", []) and attachments in (None, "", []) and text is None:
        raise SlackError("no_text")
    if blocks not in (None, ""):
        check_blocks(blocks, limit_blocks)
        content["blocks"] = blocks
    if attachments not in (None, ""):
        if not isinstance(attachments, list):
            raise SlackError("invalid_attachments")
        content["attachments"] = attachments
    content["text"] = (text or "")[:MAX_TEXT]
    return content


def view_arg(args: Json, required_type: str | None) -> Json:
    view = args.get("view")
    if view is None or view == "":
        raise missing("view")
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        raise SlackError("invalid_arguments", "view must be an object with type modal or home")
    if required_type is not None and view["type"] != required_type:
        raise SlackError("invalid_arguments", f"view type must be {required_type}")
    if view["type"] == "modal" and not view.get("title") and required_type is not None:
        raise missing("view.title")
    if "blocks" in view:
        check_blocks(view["blocks"], MAX_VIEW_BLOCKS)
    for name, limit in (("private_metadata", MAX_PRIVATE_METADATA), ("callback_id", MAX_CALLBACK_ID)):
        if len(str(view.get(name) or "")) > limit:
            raise SlackError("invalid_arguments",
                             f"must be less than {limit + 1} characters [json-pointer:/view/{name}]")
    if len(json.dumps(view)) > MAX_VIEW_BYTES:
        raise SlackError("view_too_large")
    return view
