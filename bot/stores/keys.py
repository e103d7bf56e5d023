"""How stored records are keyed: by channel and workspace first, then by what the table is about.

A workspace key is `<via>:<enterprise id or ->:<team id or ->`: `slack:E123:T456` (an Enterprise Grid workspace),
`slack:-:T456`, `lex:-:<Lex bot id>`, `console:-:local`. A record's key is the workspace key followed by its own
parts, each after a `#` (`slack:-:T456#C789#1700000000.000100#U123`). Slack and Lex ids never hold `#`; a part that
does (text from elsewhere) has it percent-encoded, so two different sets of parts never make the same key.

Standard library only: the ingress builds dedup-marker keys with it on the ack path.
"""

from __future__ import annotations

NONE = "-"
SEPARATOR = "#"


def workspace_key(via: str, team_id: str | None = None, enterprise_id: str | None = None) -> str:
    """The workspace a record belongs to: the channel (`slack`, `lex`, `console`), then enterprise and team."""
    if not via or ":" in via or SEPARATOR in via:
        raise ValueError(f"not a channel name: {via!r}")
    return f"{via}:{_part(enterprise_id or NONE)}:{_part(team_id or NONE)}"


def record_key(workspace: str, *parts: str | None) -> str:
    """A record's key: its workspace key, then each part (an empty or missing part is written `-`)."""
    return SEPARATOR.join((workspace, *(_part(part or NONE) for part in parts)))


def parse_workspace_key(workspace: str) -> tuple[str, str | None, str | None]:
    """(via, enterprise id or None, team id or None) of a workspace key."""
    via, enterprise, team = workspace.split(":", 2)
    return via, _unpart(enterprise), _unpart(team)


def _unpart(text: str) -> str | None:
    if text == NONE:
        return None
    return text.replace("%3A", ":").replace("%23", SEPARATOR).replace("%25", "%")


def _part(text: str) -> str:
    # '%' first, so that an encoded '#' and a typed "%23" stay different
    return text.replace("%", "%25").replace(SEPARATOR, "%23").replace(":", "%3A") if _needs(text) else text


def _needs(text: str) -> bool:
    return "%" in text or SEPARATOR in text or ":" in text
