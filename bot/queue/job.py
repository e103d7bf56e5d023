"""The worker's reading of the job envelope (see `bot.queue.envelope` for the writer).

Read with the standard library and checked field by field: pydantic (with the zoneinfo and schema machinery its first
model loads) was about a fifth of the worker's cold start for three small shapes. A job that does not read is a
`JobError` (a ValueError): the worker fails it, SQS delivers it again, and at last dead-letters it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

VERSION = 1
SOURCES = ("slack", "lex")


class JobError(ValueError):
    """The text is not a job this worker reads; the message names the field, never its value."""


@dataclass(frozen=True)
class SlackRequest:
    """A Slack HTTP request as the ingress verified it."""

    body: str
    headers: Mapping[str, str]

    @classmethod
    def from_dict(cls, data: object) -> SlackRequest:
        fields = _mapping(data, "slack")
        return cls(body=_text(fields, "body", "slack"), headers=_texts(fields, "headers", "slack"))

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


@dataclass(frozen=True)
class LexRequest:
    """A slow intent a Lex caller asked for; its result is stored for their next turn.

    Written by the Lex hook, which resolved who the caller is server-side (`owner`: a Person's fields, a linked
    Slack person or the anonymous caller of one session); only the stage's functions may send to the queue.
    """

    intent: str
    slots: Mapping[str, str]
    session_id: str
    owner: Mapping[str, str]  # `Person.to_dict()`: whose outcome it is, and, for a Slack person, who gets a DM
    workspace: str  # the Lex workspace key the caller talks in

    @classmethod
    def from_dict(cls, data: object) -> LexRequest:
        fields = _mapping(data, "lex")
        return cls(intent=_text(fields, "intent", "lex"), slots=_texts(fields, "slots", "lex"),
                   session_id=_text(fields, "session_id", "lex"), owner=_texts(fields, "owner", "lex"),
                   workspace=_text(fields, "workspace", "lex"))


@dataclass(frozen=True)
class Job:
    """One queued request. Later versions may add fields; an older worker still reads what it knows."""

    id: str  # the correlation id every log line of this job carries
    source: str  # "slack" or "lex"
    received_at: float
    slack: SlackRequest | None = None
    lex: LexRequest | None = None
    # What makes two deliveries the same request (absent: the id). For Slack `<workspace key>:<event_id or
    # trigger_id>` (slack:E1:T1:Ev123): the claim's key, so two workspaces never share a record.
    dedup_key: str | None = None
    version: int = VERSION

    @classmethod
    def from_json(cls, text: str | bytes) -> Job:
        try:
            data = json.loads(text)
        except (ValueError, UnicodeDecodeError) as error:
            raise JobError(f"a job is JSON: {type(error).__name__}") from None
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: object) -> Job:
        fields = _mapping(data, "job")
        if fields.get("version") != VERSION or isinstance(fields.get("version"), bool):
            raise JobError(f"job.version: this worker reads version {VERSION}")
        source = fields.get("source")
        if source not in SOURCES:
            raise JobError(f"job.source: one of {', '.join(SOURCES)}")
        received_at = fields.get("received_at")
        if isinstance(received_at, bool) or not isinstance(received_at, int | float):
            raise JobError("job.received_at: a number (epoch seconds)")
        dedup_key = fields.get("dedup_key")
        if dedup_key is not None and not isinstance(dedup_key, str):
            raise JobError("job.dedup_key: text")
        slack = SlackRequest.from_dict(fields["slack"]) if fields.get("slack") is not None else None
        lex = LexRequest.from_dict(fields["lex"]) if fields.get("lex") is not None else None
        if (slack if source == "slack" else lex) is None:
            raise JobError(f"a {source} job without its {source} payload")
        return cls(id=_text(fields, "id", "job"), source=str(source), received_at=float(received_at),
                   slack=slack, lex=lex, dedup_key=dedup_key)

    @property
    def key(self) -> str:
        return self.dedup_key or self.id


def _mapping(data: object, where: str) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise JobError(f"{where}: an object")
    return data


def _text(fields: Mapping[str, Any], name: str, where: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str):
        raise JobError(f"{where}.{name}: text")
    return value


def _texts(fields: Mapping[str, Any], name: str, where: str) -> dict[str, str]:
    value = fields.get(name)
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise JobError(f"{where}.{name}: an object of text values")
    return dict(value)
