"""Our intent and slot names as Lex names, and back: what the running Lex hook needs of the bot generator.

Lex names must match `^([0-9a-zA-Z][_-]?)+$` (at most 100 characters). Our lower_snake names already do, except
for an underscore at the start or after another one; such an underscore is written `U` (our names have no
capitals, so the mapping reverses). `bot.tools.lex_bot` generates the bot with these names.
"""

from __future__ import annotations

import re

from bot.conversation.intent import INTENT_NAME

FALLBACK_INTENT = "FallbackIntent"
LEX_NAME = re.compile(r"(?:[0-9a-zA-Z][_-]?)+")
LEX_NAME_MAX = 100
# an underscore Lex refuses: at the start, or right after another underscore
_ESCAPED = re.compile(r"(?:^|(?<=_))_")
SLOT_NAME = re.compile(r"[a-z_][a-z0-9_]*")  # what a `{slot}` placeholder can name


def _to_lex(name: str, pattern: re.Pattern[str], kind: str) -> str:
    if not pattern.fullmatch(name):
        raise ValueError(f"{kind} name {name!r} is not lower_snake_case; it has no reversible Lex name")
    # an underscore Lex refuses (leading, or after another underscore) becomes U, which our names never hold
    lex = _ESCAPED.sub("U", name)
    if len(lex) > LEX_NAME_MAX or not LEX_NAME.fullmatch(lex):
        raise ValueError(f"{kind} name {name!r} makes {lex!r}, not a Lex name (at most {LEX_NAME_MAX} characters)")
    return lex


def _from_lex(lex_name: str, pattern: re.Pattern[str]) -> str | None:
    name = lex_name.replace("U", "_")
    if not pattern.fullmatch(name):
        return None
    # only the one spelling we generate maps back: "FallbackIntent" and other Lex names are not ours
    return name if _ESCAPED.sub("U", name) == lex_name else None


def lex_intent_name(name: str) -> str:
    """The Lex name of one of our intents (the same name wherever Lex allows it)."""
    return _to_lex(name, INTENT_NAME, "intent")


def intent_from_lex(lex_name: str) -> str | None:
    """Our intent name for a Lex intent name; None for Lex's own intents (FallbackIntent) and unknown spellings.

    It does not look the name up: the caller checks the registry.
    """
    return _from_lex(lex_name, INTENT_NAME)


def lex_slot_name(name: str) -> str:
    """The Lex name of one of our slots."""
    return _to_lex(name, SLOT_NAME, "slot")


def slot_from_lex(lex_name: str) -> str | None:
    """Our slot name for a Lex slot name, or None when it is not one we generate."""
    return _from_lex(lex_name, SLOT_NAME)


def slot_type_lex_name(name: str) -> str:
    """The Lex name of a slot type we generate (`<intent>_<slot>`)."""
    return _to_lex(name, SLOT_NAME, "slot type")
