"""What a verified Slack request asks of the ingress: an answer now, a job for the worker, or nothing.

Only what Slack needs inside its 3 s is answered here (`url_verification`, `ssl_check`, and through
`bot.ingress.interactive` forms, menus and shortcuts); the bot's own messages, edits and deletions are
dropped so the bot never talks to itself, and top-level channel chatter too; everything else is queued.

Each verdict names the request's workspace (`bot.stores.keys.workspace_key`, from the team and enterprise
ids in the body already parsed) and Slack's own id for it (`event_id`, else a message's `client_msg_id`,
or the `trigger_id` of a command or an interactive request): together its dedup key.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from bot.stores.keys import workspace_key
from bot.stores.markers import dedup_key

# Message subtypes that are not a person talking to the bot: its own posts come back as events,
# and an edit or deletion is not a new message.
IGNORED_MESSAGE_SUBTYPES = frozenset({"bot_message", "message_changed", "message_deleted"})

# Interactive requests whose answer Slack needs in the HTTP response itself (bot.ingress.interactive)
ANSWERED_AT_ONCE = frozenset({"view_submission", "block_suggestion", "shortcut", "message_action"})

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


class BadRequest(Exception):
    """The body cannot be a Slack request: answered 400 (or 415 for an unknown content type)."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class Decision:
    """The ingress's verdict on one request."""

    __slots__ = ("body", "correlation_id", "enqueue", "kind", "note", "payload", "slack_id", "workspace")

    def __init__(self, kind: str, *, enqueue: bool, body: str = "", correlation_id: str | None = None,
                 slack_id: str | None = None, workspace: str = "", note: str | None = None,
                 payload: dict | None = None) -> None:
        self.kind = kind  # event_callback:<event type>, command, interactive:<type>, url_verification, ...
        self.enqueue = enqueue
        self.body = body  # the HTTP answer's body (JSON text or empty)
        self.correlation_id = correlation_id
        self.slack_id = slack_id or correlation_id  # Slack's id of the request: the same in every delivery
        self.workspace = workspace or workspace_key("slack")  # slack:<enterprise or ->:<team or ->
        self.note = note  # why a request was dropped, for the log
        self.payload = payload  # an interactive payload, for the kinds answered at once

    @property
    def answer_now(self) -> bool:
        return self.payload is not None and (self.payload.get("type") in ANSWERED_AT_ONCE
                                             or home_form_action(self.payload) is not None)

    @property
    def dedup_key(self) -> str | None:
        """What makes two deliveries the same request (`<workspace key>:<Slack's id>`); None without an id."""
        return dedup_key(self.workspace, self.slack_id) if self.slack_id else None


def home_form_action(payload: dict) -> str | None:
    """The intent a Home tab button opens as a form (its action_id names it), when `payload` is that press: the
    form is opened here, as a shortcut's is, because a trigger_id expires 3 s after the press."""
    if payload.get("type") != "block_actions" or not isinstance(payload.get("actions"), list):
        return None
    # imported here: the ack of events and commands, most requests, never pays for it
    from bot.channels.slack.surface import HOME_FORM_ACTION_PREFIX

    for action in payload["actions"]:
        action_id = action.get("action_id") if isinstance(action, dict) else None
        if isinstance(action_id, str) and action_id.startswith(HOME_FORM_ACTION_PREFIX):
            return action_id[len(HOME_FORM_ACTION_PREFIX):] or None
    return None


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def decide(body: bytes, content_type: str | None) -> Decision:
    kind = media_type(content_type)
    if kind == JSON:
        return _decide_json(_load_object(body, "body"))
    if kind == FORM:
        return _decide_form(body)
    raise BadRequest(f"unsupported content type {kind or '(none)'!r}", status=415)


def _load_object(text: bytes | str, what: str) -> dict:
    try:
        # Slack sends UTF-8; json.loads would also guess UTF-16/32 from bytes, which the job cannot carry
        value = json.loads(text.decode("utf-8") if isinstance(text, bytes) else text)
    except (ValueError, RecursionError) as error:  # also UnicodeDecodeError; RecursionError: nested too deep
        raise BadRequest(f"{what} is not valid JSON") from error
    if not isinstance(value, dict):
        raise BadRequest(f"{what} is not a JSON object")
    return value


def _decide_json(body: dict) -> Decision:
    body_type = body.get("type")
    if body_type == "url_verification":
        challenge = body.get("challenge")
        if not isinstance(challenge, str):
            raise BadRequest("url_verification without a challenge")
        return Decision("url_verification", enqueue=False, body=json.dumps({"challenge": challenge}))
    if body_type == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            raise BadRequest("event_callback without an event")
        event_id = _text_or_none(body.get("event_id"))
        kind = f"event_callback:{event['type']}"
        ignored = _ignored_message(event)
        if ignored:
            return Decision(kind, enqueue=False, correlation_id=event_id, note=ignored)
        return Decision(kind, enqueue=True, correlation_id=event_id, workspace=_workspace(body),
                        slack_id=event_id or _text_or_none(event.get("client_msg_id")))
    if body_type == "app_rate_limited":
        # Slack tells us it is dropping events; nothing to do but record it
        return Decision("app_rate_limited", enqueue=False, note="slack reports app_rate_limited")
    if not isinstance(body_type, str):
        raise BadRequest("JSON body without a type")
    return Decision(body_type, enqueue=True, correlation_id=_text_or_none(body.get("event_id")),
                    workspace=_workspace(body))


def _ignored_message(event: dict) -> str | None:
    if event.get("type") != "message":
        return None
    subtype = event.get("subtype")
    if isinstance(subtype, str) and subtype in IGNORED_MESSAGE_SUBTYPES:  # a list or object is unhashable
        return f"message subtype {subtype}"
    if event.get("bot_id"):
        return "message from a bot"
    if event.get("channel_type") in ("channel", "group") and not event.get("thread_ts"):
        # channel chatter; a mention of the bot arrives as app_mention, and thread replies may continue a dialog
        return "top-level channel message"
    return None


def _decide_form(body: bytes) -> Decision:
    try:
        text = body.decode("utf-8")
        fields = dict(parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict"))
    except ValueError as error:  # also UnicodeDecodeError
        raise BadRequest("form body is malformed") from error
    if fields.get("ssl_check") == "1":
        return Decision("ssl_check", enqueue=False)
    if "payload" in fields:
        payload = _load_object(fields["payload"], "payload")
        payload_type = payload.get("type")
        if not isinstance(payload_type, str):
            raise BadRequest("interactive payload without a type")
        return Decision(f"interactive:{payload_type}", enqueue=True, payload=payload,
                        correlation_id=_text_or_none(payload.get("trigger_id")),
                        workspace=_workspace_of(_id_of(payload.get("team")), _id_of(payload.get("enterprise"))))
    if "command" in fields:
        return Decision("command", enqueue=True, correlation_id=_text_or_none(fields.get("trigger_id")),
                        workspace=_workspace(fields))
    raise BadRequest("form body is neither a command nor an interactive payload")


# Slack's ids are short printable ASCII; anything else could not travel in a response header or a dedup key
MAX_ID_LENGTH = 255


def _workspace(fields: dict[str, Any]) -> str:
    """The workspace of an event envelope or a command: its `team_id` and `enterprise_id`."""
    return _workspace_of(fields.get("team_id"), fields.get("enterprise_id"))


def _id_of(value: object) -> object:
    """An interactive payload's `team` or `enterprise` object's id (either may be null)."""
    return value.get("id") if isinstance(value, dict) else None


def _workspace_of(team_id: object, enterprise_id: object) -> str:
    return workspace_key("slack", _text_or_none(team_id), _text_or_none(enterprise_id))


def _text_or_none(value: object) -> str | None:
    if isinstance(value, str) and value and len(value) <= MAX_ID_LENGTH and value.isascii() and value.isprintable():
        return value
    return None
