"""The interactive requests Slack wants answered inside its 3 s, answered by the ingress itself.

- `view_submission`: a form's values are checked against the intent's slot types; mistakes go back
  as `response_action: errors` (Slack shows them under the fields), a valid form is queued.
- `block_suggestion`: the options of a menu that filters as the person types.
- shortcuts, and the App Home's buttons: open the intent's form with `views.open`; the trigger_id expires 3 s
  after the click, so this cannot wait for the queue. Only shortcuts use the bot token, so only they fetch it, and the
  POST gets what is left of the request's deadline.

Imported only for these request kinds: it loads the intents and the form code, which the ack of
events and commands never needs.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import intents  # noqa: F401 - declares the intents
from bot.channels.slack.forms import form_errors, form_values, form_view, suggestion_options
from bot.channels.slack.surface import form_callback_id, intent_of_callback
from bot.conversation.intent import Intent
from bot.conversation.registry import registry
from bot.conversation.slots import Text
from bot.ingress.slack_request import home_form_action

SYNCHRONOUS = frozenset({"view_submission", "block_suggestion", "shortcut", "message_action"})
VIEWS_OPEN_TIMEOUT_SECONDS = 2.0  # at most; less when the request's deadline is nearer
MIN_VIEWS_OPEN_SECONDS = 0.1  # with less time left, views.open is not tried: the answer would come too late
MAX_PRIVATE_METADATA = 3000  # Slack's limit for a view's private_metadata


class Answer:
    """What the ingress says at once, and whether the request still goes on the queue."""

    __slots__ = ("body", "enqueue", "note")

    def __init__(self, body: str = "", *, enqueue: bool = False, note: str | None = None) -> None:
        self.body = body
        self.enqueue = enqueue
        self.note = note


def answer(payload: dict[str, Any], bot_token: Callable[[], str], slack_api_url: str, deadline: float) -> Answer:
    """The answer for one of the SYNCHRONOUS kinds. `bot_token` is called only when a form is to be opened
    (it may raise, e.g. AwsCallFailed when SSM cannot give the token); `deadline` is the request's
    (a time.monotonic() instant)."""
    kind = payload.get("type")
    if kind == "view_submission":
        return _submitted(payload)
    if kind == "block_suggestion":
        return _suggest(payload)
    if kind == "block_actions":  # a Home tab button: the form of the intent it names, as its shortcut opens it
        payload = {"type": "shortcut", "callback_id": form_callback_id(home_form_action(payload) or ""),
                   "trigger_id": payload.get("trigger_id")}
    return _open_form(payload, bot_token, slack_api_url, deadline)


def _intent(callback_id: object) -> Intent | None:
    if not isinstance(callback_id, str):
        return None
    return registry.get(intent_of_callback(callback_id) or "")


def _object(value: object) -> dict[str, Any]:
    """A payload part that should be a JSON object, or {} when Slack (or anyone) sent something else."""
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _submitted(payload: dict[str, Any]) -> Answer:
    view = _object(payload.get("view"))
    intent = _intent(view.get("callback_id"))
    if intent is None:
        # nothing would answer it (the worker has no listener for it either): close the form, queue nothing
        return Answer(note="form of no intent of ours: closed")
    errors = form_errors(intent, form_values(intent, view))
    if errors:
        return Answer(json.dumps({"response_action": "errors", "errors": errors}), note="form has mistakes")
    return Answer(enqueue=True)  # an empty 200 closes the form; the worker runs the intent


def _suggest(payload: dict[str, Any]) -> Answer:
    view = _object(payload.get("view"))
    intent = _intent(view.get("callback_id"))
    if intent is None:
        return Answer(json.dumps({"options": []}), note="suggestion for an unknown form")
    options = suggestion_options(intent, _text(payload.get("block_id")), _text(payload.get("value")))
    return Answer(json.dumps(options))


def _open_form(payload: dict[str, Any], bot_token: Callable[[], str], slack_api_url: str,
               deadline: float) -> Answer:
    intent = _intent(payload.get("callback_id"))
    if intent is None:
        return Answer(note="shortcut for an unknown intent")
    prefill: dict[str, str] = {}
    origin: dict[str, str] = {}
    message = payload.get("message")
    if payload.get("type") == "message_action" and isinstance(message, dict):
        # a message shortcut: the message fills the first text slot, and the answer goes to its thread
        first_text = next((slot for slot in intent.slots if isinstance(slot.type, Text)), None)
        if first_text and _text(message.get("text")):
            prefill[first_text.name] = _text(message.get("text"))[: first_text.type.max_length]
        channel = _text(_object(payload.get("channel")).get("id"))
        if channel:
            origin = {"channel": channel, "thread_ts": _text(message.get("thread_ts")) or _text(message.get("ts"))}
    metadata = json.dumps(origin)
    if len(metadata) > MAX_PRIVATE_METADATA:  # an absurd origin: answer in the person's DM instead
        metadata = "{}"
    view = form_view(intent, prefill=prefill, private_metadata=metadata)
    result = _views_open(slack_api_url, bot_token(), _text(payload.get("trigger_id")), view, deadline)
    if not result.get("ok"):
        return Answer(note=f"views.open failed: {result.get('error')}")
    return Answer(note="form opened")


def _views_open(slack_api_url: str, bot_token: str, trigger_id: str, view: dict[str, Any],
                deadline: float) -> dict[str, Any]:
    timeout = min(VIEWS_OPEN_TIMEOUT_SECONDS, deadline - time.monotonic())
    if timeout < MIN_VIEWS_OPEN_SECONDS:
        return {"ok": False, "error": "no time left before the request's deadline"}
    request = urllib.request.Request(  # noqa: S310 - the stage's Slack API URL, https in AWS
        slack_api_url.rstrip("/") + "/views.open",
        data=json.dumps({"trigger_id": trigger_id, "view": view}).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {bot_token}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return json.loads(response.read())
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        return {"ok": False, "error": type(error).__name__}
