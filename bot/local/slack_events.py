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
from bot.local.slack_standin import BOT_USER_ID, TEAM_ID

LOCAL_TEAM = TEAM_ID
LOCAL_APP = "A0PARLEY"
LOCAL_USER = "U0LOCALUSER"
LOCAL_DM = "D0LOCALDM"

_sequence = itertools.count(1)


def new_ts() -> str:
    """A Slack message timestamp: seconds.micro-ish, unique within this process."""
    return f"{time.time():.0f}.{next(_sequence) % 1_000_000:06d}"


def event_callback(event: dict[str, Any], *, team: str = LOCAL_TEAM, event_id: str | None = None) -> dict[str, Any]:
    """The Events API envelope around one event."""
    return {
        "token": "legacy-verification-token-unused",
        "team_id": team,
        "api_app_id": LOCAL_APP,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or "Ev" + os.urandom(6).hex().upper(),
        "event_time": int(time.time()),
        "authorizations": [{"team_id": team, "user_id": BOT_USER_ID, "is_bot": True, "is_enterprise_install": False}],
        "is_ext_shared_channel": False,
        "event_context": "4-" + os.urandom(8).hex(),
    }


def _person_event(event_type: str, text: str, *, channel: str, user: str, thread_ts: str | None,
                  **extra: str) -> dict[str, Any]:
    ts = new_ts()
    event: dict[str, Any] = {
        "type": event_type,
        "client_msg_id": os.urandom(16).hex(),
        "text": text,
        "user": user,
        "ts": ts,
        "team": LOCAL_TEAM,
        "channel": channel,
        "event_ts": ts,
        **extra,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def message_event(text: str, *, channel: str = LOCAL_DM, user: str = LOCAL_USER, thread_ts: str | None = None,
                  channel_type: str = "im", event_id: str | None = None) -> dict[str, Any]:
    """A person's message, by default a direct message to the bot (`message.im`)."""
    event = _person_event("message", text, channel=channel, user=user, thread_ts=thread_ts,
                          channel_type=channel_type)
    return event_callback(event, event_id=event_id)


def app_mention_event(text: str, *, channel: str = "C0LOCALCHAN", user: str = LOCAL_USER, bot_user: str = BOT_USER_ID,
                      thread_ts: str | None = None, event_id: str | None = None) -> dict[str, Any]:
    """A mention of the bot in a channel: `<@bot> text`."""
    event = _person_event("app_mention", f"<@{bot_user}> {text}", channel=channel, user=user, thread_ts=thread_ts)
    return event_callback(event, event_id=event_id)


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
