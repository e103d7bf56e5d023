"""Slack requests as Slack sends them, signed, and as API Gateway hands them to the `slack` Lambda.

Used by the chat prompt, the tests and the benchmarks, so they all speak to the ingress the way
Slack and API Gateway do (and read like usage: `post(url, message_event("hello"), secret)`).
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

from bot.ingress.signature import compute_signature
from bot.local.standin.workspaces import APP_ID, BOT_USER_ID, TEAM_ID

LOCAL_TEAM = TEAM_ID
LOCAL_APP = APP_ID
LOCAL_USER = "U0LOCALUSER"
LOCAL_DM = "D0LOCALDM"

_sequence = itertools.count(1)


def new_ts() -> str:
    """A Slack message timestamp: seconds.micro-ish, unique within this process."""
    return f"{time.time():.0f}.{next(_sequence) % 1_000_000:06d}"


def event_callback(event: dict[str, Any], *, team: str = LOCAL_TEAM, event_id: str | None = None,
                   enterprise: str | None = None, app: str = LOCAL_APP, bot_user: str = BOT_USER_ID,
                   org_install: bool = False, event_time: int | None = None) -> dict[str, Any]:
    """The Events API envelope around one event, as the app installed in `team` (of `enterprise` on Enterprise
    Grid) receives it; `org_install`: the app is installed org-wide, so its authorization names no team."""
    envelope: dict[str, Any] = {
        "token": "legacy-verification-token-unused",
        "team_id": team,
        "context_team_id": team,
        "context_enterprise_id": enterprise,
        "api_app_id": app,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or "Ev" + os.urandom(6).hex().upper(),
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": [{"enterprise_id": enterprise, "team_id": None if org_install else team,
                            "user_id": bot_user, "is_bot": True, "is_enterprise_install": org_install}],
        "is_ext_shared_channel": False,
        "event_context": "4-" + os.urandom(8).hex(),
    }
    if enterprise is not None:
        envelope["enterprise_id"] = enterprise
    return envelope


def tokens_revoked_event(*, bot: list[str] | tuple[str, ...] = (), oauth: list[str] | tuple[str, ...] = (),
                         **context: Any) -> dict[str, Any]:
    """Slack's `tokens_revoked`: the user ids whose bot (`bot`) and user (`oauth`) tokens were revoked; `context`
    is event_callback's (team, enterprise, org_install, ...)."""
    tokens: dict[str, list[str]] = {}
    if oauth:
        tokens["oauth"] = list(oauth)
    if bot:
        tokens["bot"] = list(bot)
    return event_callback({"type": "tokens_revoked", "tokens": tokens}, **context)


def app_uninstalled_event(**context: Any) -> dict[str, Any]:
    """Slack's `app_uninstalled`: the app was removed from the workspace (or org) `context` names."""
    return event_callback({"type": "app_uninstalled"}, **context)


def app_home_opened_event(*, user: str = LOCAL_USER, tab: str = "home", channel: str = LOCAL_DM,
                          view: dict[str, Any] | None = None, **context: Any) -> dict[str, Any]:
    """A person opening the app's Home (`tab` "home", or "messages" for the DM tab); `view`: the Home view they
    were shown last, which Slack includes once one was published. `context` is event_callback's."""
    ts = new_ts()
    event: dict[str, Any] = {"type": "app_home_opened", "user": user, "channel": channel, "tab": tab,
                             "event_ts": ts}
    if view is not None:
        event["view"] = view
    return event_callback(event, **context)


def _parameters(definition: dict[str, Any], side: str) -> list[tuple[str, dict[str, Any]]]:
    return list(((definition.get(side) or {}).get("properties") or {}).items())


def function_executed_event(callback_id: str, inputs: dict[str, Any], *, function_execution_id: str,
                            bot_access_token: str, definition: dict[str, Any] | None = None,
                            workflow_execution_id: str | None = None, **context: Any) -> dict[str, Any]:
    """A Workflow Builder step of the app's running: Slack's `function_executed`, with the step's definition as the
    manifest's `functions.<callback_id>` gives it (parameters as `properties` by name there, a list here, as Slack sends
    them), the inputs the workflow gave, the execution's id and its workflow token. `context`: event_callback's."""
    definition = definition or {}
    now = int(time.time())
    function = {
        "id": "Fn" + os.urandom(5).hex().upper(), "callback_id": callback_id,
        "title": definition.get("title", callback_id), "description": definition.get("description", ""),
        "type": "app",
        "input_parameters": [{**p, "name": n} for n, p in _parameters(definition, "input_parameters")],
        "output_parameters": [{**p, "name": n} for n, p in _parameters(definition, "output_parameters")],
        "app_id": context.get("app", LOCAL_APP), "date_created": now, "date_updated": now, "date_deleted": 0,
    }
    event = {"type": "function_executed", "function": function, "inputs": dict(inputs),
             "function_execution_id": function_execution_id,
             "workflow_execution_id": workflow_execution_id or "Wx" + os.urandom(5).hex().upper(),
             "event_ts": f"{time.time():.6f}", "bot_access_token": bot_access_token}
    return event_callback(event, **context)


def _person_event(event_type: str, text: str, *, channel: str, user: str, thread_ts: str | None,
                  team: str = LOCAL_TEAM, **extra: str) -> dict[str, Any]:
    ts = new_ts()
    event: dict[str, Any] = {
        "type": event_type,
        "client_msg_id": os.urandom(16).hex(),
        "text": text,
        "user": user,
        "ts": ts,
        "team": team,
        "channel": channel,
        "event_ts": ts,
        **extra,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def message_event(text: str, *, channel: str = LOCAL_DM, user: str = LOCAL_USER, thread_ts: str | None = None,
                  channel_type: str = "im", event_id: str | None = None, team: str = LOCAL_TEAM,
                  enterprise: str | None = None, bot_user: str = BOT_USER_ID,
                  org_install: bool = False) -> dict[str, Any]:
    """A person's message, by default a direct message to the bot (`message.im`) in the first local workspace;
    `team`, `enterprise`, `bot_user`, `org_install`: as the installation there receives it (see event_callback)."""
    event = _person_event("message", text, channel=channel, user=user, thread_ts=thread_ts, team=team,
                          channel_type=channel_type)
    return event_callback(event, event_id=event_id, team=team, enterprise=enterprise, bot_user=bot_user,
                          org_install=org_install)


def app_mention_event(text: str, *, channel: str = "C0LOCALCHAN", user: str = LOCAL_USER, bot_user: str = BOT_USER_ID,
                      thread_ts: str | None = None, event_id: str | None = None, team: str = LOCAL_TEAM,
                      enterprise: str | None = None, org_install: bool = False) -> dict[str, Any]:
    """A mention of the bot in a channel: `<@bot> text` (the workspace and installation as for message_event)."""
    event = _person_event("app_mention", f"<@{bot_user}> {text}", channel=channel, user=user, thread_ts=thread_ts,
                          team=team)
    return event_callback(event, event_id=event_id, team=team, enterprise=enterprise, bot_user=bot_user,
                          org_install=org_install)


def _assistant_thread_event(event_type: str, *, thread_ts: str, channel: str, user: str, context_channel: str | None,
                            team: str, enterprise: str | None) -> dict[str, Any]:
    context: dict[str, Any] = {"team_id": team, "enterprise_id": enterprise}
    if context_channel:
        context = {"channel_id": context_channel, **context}
    return {"type": event_type,
            "assistant_thread": {"user_id": user, "context": context, "channel_id": channel, "thread_ts": thread_ts},
            "event_ts": new_ts()}


def assistant_thread_started_event(*, thread_ts: str | None = None, channel: str = LOCAL_DM, user: str = LOCAL_USER,
                                   context_channel: str | None = "C0LOCALCHAN", event_id: str | None = None,
                                   team: str = LOCAL_TEAM, enterprise: str | None = None, bot_user: str = BOT_USER_ID,
                                   org_install: bool = False) -> dict[str, Any]:
    """A person opened the app's assistant split view (`assistant_thread_started`): a new thread in their DM with
    the app, `context_channel` the channel they were viewing (None: none, as in a DM)."""
    event = _assistant_thread_event("assistant_thread_started", thread_ts=thread_ts or new_ts(), channel=channel,
                                    user=user, context_channel=context_channel, team=team, enterprise=enterprise)
    return event_callback(event, event_id=event_id, team=team, enterprise=enterprise, bot_user=bot_user,
                          org_install=org_install)


def assistant_thread_context_changed_event(*, thread_ts: str, context_channel: str | None, channel: str = LOCAL_DM,
                                           user: str = LOCAL_USER, event_id: str | None = None,
                                           team: str = LOCAL_TEAM, enterprise: str | None = None,
                                           bot_user: str = BOT_USER_ID, org_install: bool = False) -> dict[str, Any]:
    """With the split view open, the person moved to another channel (`assistant_thread_context_changed`)."""
    event = _assistant_thread_event("assistant_thread_context_changed", thread_ts=thread_ts, channel=channel,
                                    user=user, context_channel=context_channel, team=team, enterprise=enterprise)
    return event_callback(event, event_id=event_id, team=team, enterprise=enterprise, bot_user=bot_user,
                          org_install=org_install)


def assistant_message_event(text: str, *, thread_ts: str, channel: str = LOCAL_DM, user: str = LOCAL_USER,
                            **context: Any) -> dict[str, Any]:
    """A person's message in an assistant thread: a `message.im` in their DM with the app, with the thread's ts
    (`context`: event_callback's team, enterprise, bot_user, org_install, event_id)."""
    return message_event(text, channel=channel, user=user, thread_ts=thread_ts, channel_type="im", **context)


def slash_command(text: str, *, response_url: str, channel: str = "C0LOCALCHAN", user: str = LOCAL_USER,
                  command: str = "/parley", team: str = LOCAL_TEAM, enterprise: str | None = None,
                  org_install: bool = False) -> str:
    """A slash command as Slack posts it (form-encoded); the answer goes to `response_url`."""
    fields = {
        "token": "legacy-verification-token-unused", "team_id": team, "team_domain": team.lower(),
        "channel_id": channel, "channel_name": "local", "user_id": user, "user_name": "you", "command": command,
        "text": text, "api_app_id": LOCAL_APP, "is_enterprise_install": "true" if org_install else "false",
        "response_url": response_url, "trigger_id": _trigger_id(),
    }
    if enterprise:
        fields.update(enterprise_id=enterprise, enterprise_name=enterprise)
    return form(fields)


def _trigger_id() -> str:
    return f"{int(time.time())}.{os.urandom(4).hex()}.{os.urandom(16).hex()}"


def button_names(blocks: list[dict[str, Any]]) -> list[str]:
    """The labels of a message's buttons, in order."""
    return [element["text"]["text"] for block in blocks if block.get("type") == "actions"
            for element in block.get("elements", []) if element.get("type") == "button"]


def block_actions(message: dict[str, Any], label: str, *, channel: str, user: str = LOCAL_USER,
                  response_url: str | None = None, team: str = LOCAL_TEAM, enterprise: str | None = None,
                  org_install: bool = False, ephemeral: bool | None = None) -> str:
    """Pressing the button labelled `label` on a message (`ts`, `text`, `blocks`, maybe `thread_ts`) the
    bot posted; an ephemeral message (a slash command's answer) is reached through its `response_url`. Slack
    gives a press on any message a response_url: `ephemeral` False says the message is not ephemeral all the same
    (unset: ephemeral when it has a response_url)."""
    block, button = next((block, element) for block in message["blocks"] if block.get("type") == "actions"
                         for element in block["elements"] if element["text"]["text"] == label)
    container = {"type": "message", "message_ts": message["ts"], "channel_id": channel,
                 "is_ephemeral": response_url is not None if ephemeral is None else ephemeral}
    if message.get("thread_ts"):
        container["thread_ts"] = message["thread_ts"]
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "username": "you", "name": "you", "team_id": team},
        "api_app_id": LOCAL_APP,
        "token": "legacy-verification-token-unused",
        "container": container,
        "trigger_id": _trigger_id(),
        "team": {"id": team, "domain": team.lower()},
        "enterprise": {"id": enterprise, "name": enterprise} if enterprise else None,
        "is_enterprise_install": org_install,
        "channel": {"id": channel, "name": "local"},
        "message": {"type": "message", "ts": message["ts"], "text": message.get("text", ""),
                    "blocks": message["blocks"], **({"thread_ts": message["thread_ts"]}
                                                    if message.get("thread_ts") else {})},
        "actions": [{**button, "block_id": block.get("block_id", ""), "action_ts": f"{time.time():.6f}"}],
    }
    if response_url:
        payload["response_url"] = response_url
    return form({"payload": json.dumps(payload)})


def feedback_names(blocks: list[dict[str, Any]]) -> list[str]:
    """The labels of a message's feedback buttons (a `feedback_buttons` element of a `context_actions` block)."""
    return [element[side]["text"]["text"] for block in blocks if block.get("type") == "context_actions"
            for element in block.get("elements", []) if element.get("type") == "feedback_buttons"
            for side in ("positive_button", "negative_button")]


def feedback_click(message: dict[str, Any], positive: bool, *, channel: str, user: str = LOCAL_USER,
                   team: str = LOCAL_TEAM, enterprise: str | None = None, org_install: bool = False) -> str:
    """Pressing the thumbs up (`positive`) or down of a message's feedback buttons: `block_actions` with a
    `feedback_buttons` action carrying the pressed button's value, as Slack sends it."""
    block, element = next((block, element) for block in message["blocks"] if block.get("type") == "context_actions"
                          for element in block["elements"] if element.get("type") == "feedback_buttons")
    pressed = element["positive_button" if positive else "negative_button"]
    container = {"type": "message", "message_ts": message["ts"], "channel_id": channel, "is_ephemeral": False}
    if message.get("thread_ts"):
        container["thread_ts"] = message["thread_ts"]
    payload: dict[str, Any] = {
        "type": "block_actions", "user": {"id": user, "username": "you", "name": "you", "team_id": team},
        "api_app_id": LOCAL_APP, "token": "legacy-verification-token-unused", "container": container,
        "trigger_id": _trigger_id(), "team": {"id": team, "domain": team.lower()},
        "enterprise": {"id": enterprise, "name": enterprise} if enterprise else None,
        "is_enterprise_install": org_install, "channel": {"id": channel, "name": "directmessage"},
        "message": {"type": "message", "ts": message["ts"], "text": message.get("text", ""),
                    "blocks": message["blocks"], **({"thread_ts": message["thread_ts"]}
                                                    if message.get("thread_ts") else {})},
        "actions": [{"type": "feedback_buttons", "action_id": element.get("action_id", ""),
                     "block_id": block.get("block_id", ""), "text": pressed["text"], "value": pressed["value"],
                     "action_ts": f"{time.time():.6f}"}],
    }
    return form({"payload": json.dumps(payload)})


def home_button_press(view: dict[str, Any], action_id: str, *, user: str = LOCAL_USER, team: str = LOCAL_TEAM,
                      enterprise: str | None = None, org_install: bool = False) -> str:
    """Pressing a button (by its action_id) on the app's Home tab, showing `view` as views.publish returned it."""
    button = next(block["accessory"] for block in view.get("blocks", [])
                  if (block.get("accessory") or {}).get("action_id") == action_id)
    payload = {
        "type": "block_actions", "user": {"id": user, "username": "you", "name": "you", "team_id": team},
        "api_app_id": LOCAL_APP, "token": "legacy-verification-token-unused",
        "container": {"type": "view", "view_id": view.get("id", "V0LOCALHOME")}, "trigger_id": _trigger_id(),
        "team": {"id": team, "domain": team.lower()},
        "enterprise": {"id": enterprise, "name": enterprise} if enterprise else None,
        "is_enterprise_install": org_install, "view": view,
        "actions": [{**button, "block_id": "home", "action_ts": f"{time.time():.6f}"}],
    }
    return form({"payload": json.dumps(payload)})


def view_submission(view: dict[str, Any], values: dict[str, str], *, user: str = LOCAL_USER) -> str:
    """Submitting a form (a modal `view` as the bot opened it) with a value typed or chosen per input."""
    state: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input" or block["block_id"] not in values:
            continue
        element = block["element"]
        value = values[block["block_id"]]
        if element["type"] in ("static_select", "external_select"):
            entry = {"type": element["type"],
                     "selected_option": {"text": {"type": "plain_text", "text": value}, "value": value}}
        else:
            entry = {"type": element["type"], "value": value}
        state[block["block_id"]] = {element["action_id"]: entry}
    payload = {
        "type": "view_submission",
        "team": {"id": LOCAL_TEAM, "domain": "parley-local"},
        "user": {"id": user, "username": "you", "name": "you", "team_id": LOCAL_TEAM},
        "api_app_id": LOCAL_APP,
        "token": "legacy-verification-token-unused",
        "trigger_id": _trigger_id(),
        "view": {**view, "id": view.get("id", "V0LOCAL"), "team_id": LOCAL_TEAM, "state": {"values": state},
                 "hash": "1.abc"},
        "response_urls": [],
        "is_enterprise_install": False,
    }
    return form({"payload": json.dumps(payload)})


def block_suggestion(view: dict[str, Any], block_id: str, typed: str, *, user: str = LOCAL_USER) -> str:
    """Typing into a menu that asks for its options (an external_select) in an open form."""
    payload = {
        "type": "block_suggestion",
        "user": {"id": user, "username": "you", "name": "you", "team_id": LOCAL_TEAM},
        "container": {"type": "view", "view_id": view.get("id", "V0LOCAL")},
        "api_app_id": LOCAL_APP,
        "token": "legacy-verification-token-unused",
        "action_id": "value",
        "block_id": block_id,
        "value": typed,
        "team": {"id": LOCAL_TEAM, "domain": "parley-local"},
        "view": {**view, "id": view.get("id", "V0LOCAL")},
    }
    return form({"payload": json.dumps(payload)})


def shortcut(callback_id: str, *, user: str = LOCAL_USER) -> str:
    """A global shortcut chosen from Slack's shortcut menu."""
    return form({"payload": json.dumps({
        "type": "shortcut", "token": "legacy-verification-token-unused", "action_ts": f"{time.time():.6f}",
        "team": {"id": LOCAL_TEAM, "domain": "parley-local"},
        "user": {"id": user, "username": "you", "team_id": LOCAL_TEAM},
        "callback_id": callback_id, "trigger_id": _trigger_id(),
    })})


def encode(payload: dict[str, Any] | str) -> tuple[bytes, str]:
    """A body and its content type: JSON for events, the form encoding for a dict under `form:`."""
    if isinstance(payload, str):
        return payload.encode(), "application/x-www-form-urlencoded"
    return json.dumps(payload).encode(), "application/json"


def form(fields: dict[str, str]) -> str:
    return urlencode(fields)


def sign(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's signature headers for a body."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": compute_signature(secret, stamp, body)}


def signed_request(payload: dict[str, Any] | str, secret: str, *, timestamp: int | None = None,
                   retry_num: int | None = None) -> tuple[bytes, dict[str, str]]:
    """Body and headers of a request as Slack sends it."""
    body, content_type = encode(payload)
    headers = {"Content-Type": content_type, **sign(body, secret, timestamp)}
    if retry_num:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = "http_timeout"
    return body, headers


def http_api_event(body: bytes, headers: dict[str, str], *, method: str = "POST", path: str = "/slack/events",
                   base64_body: bool = False) -> dict[str, Any]:
    """The API Gateway HTTP API (payload 2.0) event the `slack` Lambda receives for a request."""
    request_id = os.urandom(8).hex()
    return {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {name.lower(): value for name, value in headers.items()},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": "127.0.0.1",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                     "userAgent": "Slackbot 1.0 (+https://api.slack.com/robots)"},
            "requestId": request_id,
            "routeKey": f"{method} {path}",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
            "timeEpoch": int(time.time() * 1000),
        },
        "body": base64.b64encode(body).decode() if base64_body else body.decode("utf-8", "surrogateescape"),
        "isBase64Encoded": base64_body,
    }


def post(url: str, body: bytes, headers: dict[str, str], *, method: str = "POST",
         timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    """An HTTP request to the ingress: status, headers (lower-case names) and body."""
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()
