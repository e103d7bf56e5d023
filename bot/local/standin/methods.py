"""The table of Web API methods the stand-in answers, and the state they keep (messages, views, DMs, reactions).

Each method answers with Slack's documented response shape and errors, so the real slack_sdk client, Bolt and the
ingress's stdlib client cannot tell the difference: a `ts` that never repeats and doubles as the message id,
chat.update only on a message that exists, a trigger_id that opens one view only, a user id as channel meaning the
DM with that person. A method not in the table answers `unknown_method`, as Slack does.

Not thread-safe on its own: the stand-in calls a method under its lock.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
import time
from collections.abc import Callable

from bot.local.standin.checks import MAX_MESSAGE_BLOCKS, message_content, text_arg, truthy, view_arg
from bot.local.standin.errors import Json, SlackError, missing
from bot.local.standin.workspaces import APP_ID, BOT_ID, BOT_USER_ID, BOT_USER_NAME, TEAM_ID, TEAM_NAME, TEAM_URL

Method = Callable[[Json], Json]
OnPost = Callable[[str, Json, str], None]  # (channel, message, channel type): a message was posted


class WebApi:
    """The methods, by name (`table`), over one workspace's messages, views and conversations."""

    def __init__(self, on_post: OnPost | None = None) -> None:
        self._on_post = on_post
        self._last_ts_us = 0
        self._messages: dict[tuple[str, str], Json] = {}  # (channel, ts) -> message, for chat.update/delete
        self._views: dict[str, Json] = {}
        self._opened: set[str] = set()
        self._mpims: set[str] = set()
        self._reactions: set[tuple[str, str, str]] = set()
        self._used_triggers: set[str] = set()
        self.table: dict[str, Method] = {
            "auth.test": self.auth_test,
            "chat.postMessage": self.chat_post_message,
            "chat.update": self.chat_update,
            "chat.postEphemeral": self.chat_post_ephemeral,
            "chat.delete": self.chat_delete,
            "conversations.open": self.conversations_open,
            "views.open": self.views_open,
            "views.push": self.views_push,
            "views.update": self.views_update,
            "views.publish": self.views_publish,
            "reactions.add": self.reactions_add,
        }

    # -- ids -----------------------------------------------------------------------------------------------------

    def _next_ts(self) -> str:
        # Slack's ts is "seconds.micro" and doubles as the message id: it must never repeat
        self._last_ts_us = max(time.time_ns() // 1000, self._last_ts_us + 1)
        seconds, micros = divmod(self._last_ts_us, 1_000_000)
        return f"{seconds}.{micros:06d}"

    def _channel(self, args: Json, name: str = "channel") -> str:
        channel = text_arg(args, name)
        if channel is None:
            raise SlackError("channel_not_found")
        # Slack accepts a user id as channel and posts into the DM with that user
        if channel[0] in "UW":
            return self._im_for(channel)
        return channel

    def _im_for(self, user: str) -> str:
        return "D" + hashlib.sha256(user.encode()).hexdigest()[:10].upper()

    def channel_type(self, channel: str) -> str:
        if channel.startswith("D"):
            return "im"
        if channel in self._mpims:
            return "mpim"
        return "channel"

    # -- auth ----------------------------------------------------------------------------------------------------

    def auth_test(self, args: Json) -> Json:
        return {"ok": True, "url": TEAM_URL, "team": TEAM_NAME, "user": BOT_USER_NAME, "team_id": TEAM_ID,
                "user_id": BOT_USER_ID, "bot_id": BOT_ID, "is_enterprise_install": False}

    # -- chat ----------------------------------------------------------------------------------------------------

    def _bot_message(self, ts: str, content: Json) -> Json:
        message: Json = {"type": "message", "text": content["text"], "user": BOT_USER_ID, "bot_id": BOT_ID,
                         "app_id": APP_ID, "ts": ts, "team": TEAM_ID, "bot_profile": _bot_profile()}
        for key in ("blocks", "attachments"):
            if key in content:
                message[key] = content[key]
        return message

    def chat_post_message(self, args: Json) -> Json:
        channel = self._channel(args)
        content = message_content(args)
        ts = self._next_ts()
        message = self._bot_message(ts, content)
        thread_ts = text_arg(args, "thread_ts")
        if thread_ts:
            message["thread_ts"] = thread_ts
            parent = self._messages.get((channel, thread_ts))
            if parent is not None:
                message["parent_user_id"] = parent["user"]
        if isinstance(args.get("metadata"), dict):
            message["metadata"] = args["metadata"]
        self._messages[(channel, ts)] = message
        if self._on_post is not None:
            self._on_post(channel, copy.deepcopy(message), self.channel_type(channel))
        return {"ok": True, "channel": channel, "ts": ts, "message": copy.deepcopy(message)}

    def chat_update(self, args: Json) -> Json:
        channel = self._channel(args)
        ts = text_arg(args, "ts")
        if ts is None:
            raise SlackError("message_not_found")
        message = self._messages.get((channel, ts))
        if message is None:
            raise SlackError("message_not_found")
        content = message_content(args)
        message["text"] = content["text"]
        for key in ("blocks", "attachments"):
            if key in content:
                message[key] = content[key]
        message["edited"] = {"user": BOT_USER_ID, "ts": self._next_ts()}
        return {"ok": True, "channel": channel, "ts": ts, "text": message["text"], "message": copy.deepcopy(message)}

    def chat_post_ephemeral(self, args: Json) -> Json:
        self._channel(args)
        if text_arg(args, "user") is None:
            raise missing("user")
        message_content(args, MAX_MESSAGE_BLOCKS)
        # ephemeral messages cannot be updated or deleted later: nothing is stored
        return {"ok": True, "message_ts": self._next_ts()}

    def chat_delete(self, args: Json) -> Json:
        channel = self._channel(args)
        ts = text_arg(args, "ts")
        if ts is None or self._messages.pop((channel, ts), None) is None:
            raise SlackError("message_not_found")
        return {"ok": True, "channel": channel, "ts": ts}

    # -- conversations -------------------------------------------------------------------------------------------

    def conversations_open(self, args: Json) -> Json:
        raw_users = args.get("users")
        if isinstance(raw_users, list):
            users = [str(u) for u in raw_users if u]
        else:
            users = [u.strip() for u in str(raw_users or "").split(",") if u.strip()]
        if not users:
            existing = text_arg(args, "channel")
            if existing is None:
                raise SlackError("users_list_not_supplied")
            return {"ok": True, "no_op": True, "already_open": True, "channel": {"id": existing}}
        if any(u[0] not in "UW" for u in users):
            raise SlackError("user_not_found")
        if len(users) == 1:
            channel_id = self._im_for(users[0])
        else:
            # several users make a multi-person DM
            channel_id = "G" + hashlib.sha256(",".join(sorted(set(users))).encode()).hexdigest()[:10].upper()
            self._mpims.add(channel_id)
        channel: Json = {"id": channel_id}
        if truthy(args.get("return_im")) and len(users) == 1:
            channel.update({"created": int(time.time()), "is_im": True, "is_org_shared": False, "user": users[0],
                            "is_user_deleted": False, "priority": 0})
        answer: Json = {"ok": True, "channel": channel}
        if channel_id in self._opened:
            answer.update({"no_op": True, "already_open": True})
        self._opened.add(channel_id)
        return answer

    # -- views ---------------------------------------------------------------------------------------------------

    def _take_trigger(self, args: Json) -> None:
        trigger = text_arg(args, "trigger_id") or text_arg(args, "interactivity_pointer")
        if trigger is None:
            raise missing("trigger_id")
        # Slack lets a trigger open one view only
        if trigger in self._used_triggers:
            raise SlackError("exchanged_trigger_id")
        self._used_triggers.add(trigger)

    def _new_view(self, view: Json, root_view_id: str | None = None, previous_view_id: str | None = None) -> Json:
        view_id = "V" + secrets.token_hex(5).upper()
        stored = {
            "id": view_id, "team_id": TEAM_ID, "type": view["type"], "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""), "callback_id": view.get("callback_id", ""),
            "state": {"values": {}}, "hash": self._view_hash(), "title": view.get("title"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)), "close": view.get("close"),
            "submit": view.get("submit"), "previous_view_id": previous_view_id, "root_view_id": root_view_id or view_id,
            "app_id": APP_ID, "external_id": view.get("external_id", ""), "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        }
        self._views[view_id] = stored
        return stored

    def _view_hash(self) -> str:
        return f"{self._next_ts()}.{secrets.token_hex(4)}"

    def views_open(self, args: Json) -> Json:
        view = view_arg(args, "modal")
        self._take_trigger(args)
        return {"ok": True, "view": copy.deepcopy(self._new_view(view))}

    def views_push(self, args: Json) -> Json:
        view = view_arg(args, "modal")
        self._take_trigger(args)
        return {"ok": True, "view": copy.deepcopy(self._new_view(view))}

    def views_update(self, args: Json) -> Json:
        view = view_arg(args, None)
        view_id = text_arg(args, "view_id")
        external_id = text_arg(args, "external_id")
        if view_id is None and external_id is None:
            raise missing("view_id")
        if view_id is not None:
            stored = self._views.get(view_id)
        else:
            stored = next((v for v in self._views.values() if v["external_id"] == external_id), None)
        if stored is None:
            raise SlackError("not_found")
        wanted_hash = text_arg(args, "hash")
        if wanted_hash is not None and wanted_hash != stored["hash"]:
            raise SlackError("hash_conflict")
        for key in ("blocks", "private_metadata", "callback_id", "title", "close", "submit", "external_id"):
            if key in view:
                stored[key] = view[key]
        stored["hash"] = self._view_hash()
        return {"ok": True, "view": copy.deepcopy(stored)}

    def views_publish(self, args: Json) -> Json:
        view = view_arg(args, "home")
        if text_arg(args, "user_id") is None:
            raise missing("user_id")
        return {"ok": True, "view": copy.deepcopy(self._new_view(view))}

    # -- reactions -----------------------------------------------------------------------------------------------

    def reactions_add(self, args: Json) -> Json:
        channel = self._channel(args)
        ts = text_arg(args, "timestamp")
        if ts is None:
            raise SlackError("no_item_specified")
        name = text_arg(args, "name")
        if name is None:
            raise SlackError("invalid_name")
        key = (channel, ts, name.strip(":"))
        if key in self._reactions:
            raise SlackError("already_reacted")
        self._reactions.add(key)
        return {"ok": True}


def _bot_profile() -> Json:
    return {"id": BOT_ID, "deleted": False, "name": BOT_USER_NAME, "updated": 1700000000, "app_id": APP_ID,
            "icons": {"image_36": "", "image_48": "", "image_72": ""}, "team_id": TEAM_ID}
