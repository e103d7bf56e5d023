"""The worker's reading of the job envelope (see `bot.queue.envelope` for the writer)."""

from __future__ import annotations

import json
from typing import Any, Literal
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict, model_validator


class SlackRequest(BaseModel):
    """A Slack HTTP request as the ingress verified it."""

    model_config = ConfigDict(frozen=True)

    body: str
    headers: dict[str, str]

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def parsed_body(self) -> dict[str, Any]:
        """The body as Bolt's listeners read it, parsed by its content type and nothing else.

        Bolt's own parsing looks for the text "payload" anywhere in a form body to tell an interaction from a
        command, so a slash command whose text, channel or user name holds that word parsed as empty. Here a form
        is an interaction only when it has a `payload` field. The ingress already refused bodies that are neither.
        """
        if self.content_type.split(";", 1)[0].strip().lower() == "application/json":
            body = json.loads(self.body)
            return body if isinstance(body, dict) else {}
        fields = dict(parse_qsl(self.body, keep_blank_values=True))
        if "payload" in fields:
            payload = json.loads(fields["payload"])
            return payload if isinstance(payload, dict) else {}
        return fields

    @property
    def retry_num(self) -> int:
        """Slack's retry count of this request (0: the original); a header that is not a count reads as 0."""
        value = self.headers.get("x-slack-retry-num", "")
        return int(value) if value.isascii() and value.isdigit() else 0


class LexRequest(BaseModel):
    """A slow intent a Lex caller asked for; its result is stored for their next turn.

    Written by the Lex hook, which resolved who the caller is server-side (`owner`: a Person's fields, a linked
    Slack person or the anonymous caller of one session); only the stage's functions may send to the queue.
    """

    model_config = ConfigDict(frozen=True)

    intent: str
    slots: dict[str, str]
    session_id: str
    owner: dict[str, str]  # `Person.to_dict()`: whose outcome it is, and, for a Slack person, who gets a DM
    workspace: str  # the Lex workspace key the caller talks in


class Job(BaseModel):
    # Later versions may add fields; an older worker still reads what it knows.
    model_config = ConfigDict(frozen=True, extra="ignore")

    version: Literal[1]
    id: str  # the correlation id every log line of this job carries
    source: Literal["slack", "lex"]
    received_at: float
    slack: SlackRequest | None = None
    lex: LexRequest | None = None
    # What makes two deliveries the same request (absent: the id). For Slack `<workspace key>:<event_id or
    # trigger_id>` (slack:E1:T1:Ev123): the idempotency key, so two workspaces never share a record.
    dedup_key: str | None = None

    @model_validator(mode="after")
    def _payload_matches_source(self) -> Job:
        if getattr(self, self.source) is None:
            raise ValueError(f"a {self.source} job without its {self.source} payload")
        return self

    @property
    def key(self) -> str:
        return self.dedup_key or self.id
