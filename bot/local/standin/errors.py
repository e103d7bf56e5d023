"""A Slack error: Slack answers a refused call with HTTP 200 and `{"ok": false, "error": "<code>"}`.

Raised anywhere a call is refused (an argument, a token, an OAuth grant) and turned into that body in one place, so
every refusal has Slack's shape.
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]


class SlackError(Exception):
    """`{"ok": false, "error": ...}`, with Slack's `[ERROR] ...` message and any extra fields (`needed`, ...)."""

    def __init__(self, error: str, detail: str | None = None, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.detail = detail
        self.extra = extra

    def body(self) -> Json:
        body: Json = {"ok": False, "error": self.error, **self.extra}
        if self.detail:
            body["response_metadata"] = {"messages": [f"[ERROR] {self.detail}"]}
        return body


def missing(name: str) -> SlackError:
    return SlackError("invalid_arguments", f"missing required field: {name}")
