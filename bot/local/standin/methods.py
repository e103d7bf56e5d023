"""The table of Web API methods the stand-in answers, and the state they keep (messages, views, DMs, reactions).

Each method answers with Slack's documented response shape and errors, so the real slack_sdk client, Bolt and the
ingress's stdlib client cannot tell the difference: a `ts` that never repeats and doubles as the message id,
chat.update only on a message that exists, a trigger_id that opens one view only, a user id as channel meaning the
DM with that person. A method not in the table answers `unknown_method`, as Slack does.

Every call is made by a `Caller`: the token's installation and the workspace the call acts in. The bot's identity in
what it posts (bot user, bot id, team) is that installation's; a conversation the directory knows to be another
workspace's is `channel_not_found`, a person of another workspace `user_not_found`, as Slack answers a token used
outside its installation. An installation made through OAuth has the scopes it was granted: a method needing another
answers `missing_scope` with `needed` and `provided`. A token given at start has every scope, as before.

Not thread-safe on its own: the stand-in calls a method under its lock.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.local.standin.assistant import AssistantThreads
from bot.local.standin.checks import message_content, text_arg, truthy, view_arg
from bot.local.standin.errors import Json, SlackError, missing
from bot.local.standin.functions import Functions
from bot.local.standin.installations import Grant, Installation, Installations, Token
from bot.local.standin.streams import Streams
from bot.local.standin.workspaces import Directory, Workspace


@dataclass
class Caller:
    """Who makes a Web API call: the token, its installation, and the workspace the call acts in (when known: an
    org-wide install acts in the workspace of the conversation, or of the `team_id` argument)."""

    token: Token
    team: Workspace | None

    @property
    def grant(self) -> Grant:
        return self.token.grant

    @property
    def installation(self) -> Installation:
        return self.token.grant.installation


@dataclass(frozen=True)
class Method:
    run: Callable[[Json, Caller], Json]
    scopes: tuple[str, ...] = ()  # the call needs any one of these; () needs none


OnPost = Callable[[str, Json, str, Caller], None]  # (channel, message, channel type, caller): a message was posted
OnRevoke = Callable[[Installation, list[Grant], bool], None]  # (installation, grants revoked, app uninstalled)


class WebApi:
    """The methods, by name (`table`), over the messages, views and conversations of every workspace."""

    def __init__(self, directory: Directory, installations: Installations, on_post: OnPost | None = None,
                 on_revoke: OnRevoke | None = None) -> None:
        self._directory = directory
        self._installations = installations
        self._on_post = on_post
        self._on_revoke = on_revoke
        self._last_ts_us = 0
        self._messages: dict[tuple[str, str], Json] = {}  # (channel, ts) -> message, for chat.update/delete
        self._views: dict[str, Json] = {}
        self._opened: set[str] = set()
        self._mpims: set[str] = set()
        self._reactions: set[tuple[str, str, str]] = set()
        self._used_triggers: set[str] = set()
        self._homes: dict[tuple[str | None, str], Json] = {}  # (team, user) -> the Home view published for them
        self.functions = Functions(installations)  # Workflow Builder steps: bot/local/standin/functions.py
        self.table: dict[str, Method] = {
            "auth.test": Method(self.auth_test),
            "auth.revoke": Method(self.auth_revoke),
            "chat.postMessage": Method(self.chat_post_message, ("chat:write",)),
            "chat.update": Method(self.chat_update, ("chat:write",)),
            "chat.postEphemeral": Method(self.chat_post_ephemeral, ("chat:write",)),
            "chat.delete": Method(self.chat_delete, ("chat:write",)),
            "conversations.open": Method(self.conversations_open, ("im:write", "mpim:write")),
            "views.open": Method(self.views_open),
            "views.push": Method(self.views_push),
            "views.update": Method(self.views_update),
            "views.publish": Method(self.views_publish),
            "reactions.add": Method(self.reactions_add, ("reactions:write",)),
            "functions.completeSuccess": Method(self.functions.complete_success),
            "functions.completeError": Method(self.functions.complete_error),
        }
        self.assistant = AssistantThreads(self._channel, self.channel_type)  # assistant.threads.*
        self.table.update(self.assistant.methods())
        self.streams = Streams(self)
        self.table.update(self.streams.methods())

    def call(self, name: str, args: Json, token: Token) -> tuple[Json, Caller]:
        """Answer one call made with a valid token: (response, caller). Raises SlackError for Slack's refusals."""
        method = self.table.get(name)
        if method is None:
            raise SlackError("unknown_method")
        caller = Caller(token, token.grant.installation.team)
        if method.scopes and not any(token.grant.allows(scope) for scope in method.scopes):
            raise SlackError("missing_scope", needed=method.scopes[0], provided=token.grant.scope)
        self._enter_team_arg(args, caller)
        return method.run(args, caller), caller

    # -- where a call acts ---------------------------------------------------------------------------------------

    def _enter_team_arg(self, args: Json, caller: Caller) -> None:
        """An org-wide token names the workspace to act in with `team_id`; a workspace token's is ignored."""
        team_id = text_arg(args, "team_id")
        if team_id is None or not caller.installation.is_enterprise_install:
            return
        workspace = self._directory.workspace(team_id)
        if workspace is None or not caller.installation.reaches(workspace):
            raise SlackError("team_access_not_granted")
        caller.team = workspace

    def _enter(self, caller: Caller, owner: Workspace | None, error: str = "channel_not_found") -> None:
        """The call reaches into `owner`'s workspace: refused outside the installation, as Slack does."""
        if owner is None:
            return  # a conversation the directory does not know: any installation may use it, as before
        if not caller.installation.reaches(owner) or (caller.team is not None and caller.team.id != owner.id):
            raise SlackError(error)
        caller.team = owner

    # -- ids -----------------------------------------------------------------------------------------------------

    def _next_ts(self) -> str:
        # Slack's ts is "seconds.micro" and doubles as the message id: it must never repeat
        self._last_ts_us = max(time.time_ns() // 1000, self._last_ts_us + 1)
        seconds, micros = divmod(self._last_ts_us, 1_000_000)
        return f"{seconds}.{micros:06d}"

    def _channel(self, args: Json, caller: Caller, name: str = "channel") -> str:
        channel = text_arg(args, name)
        if channel is None:
            raise SlackError("channel_not_found")
        # Slack accepts a user id as channel and posts into the DM with that user
        if channel[0] in "UW":
            channel = self._im_for(channel)
        self._enter(caller, self._directory.owner_of_channel(channel))
        return channel

    def _im_for(self, user: str) -> str:
        person = self._directory.person(user)
        if person is not None:
            return person[1].dm
        return "D" + hashlib.sha256(user.encode()).hexdigest()[:10].upper()

    def channel_type(self, channel: str) -> str:
        if channel.startswith("D"):
            return "im"
        if channel in self._mpims:
            return "mpim"
        return "channel"

    # -- for the methods of other modules (streams.py) --------------------------------------------------------------

    def resolve_channel(self, args: Json, caller: Caller) -> str:
        return self._channel(args, caller)

    def next_ts(self) -> str:
        return self._next_ts()

    def posted_message(self, ts: str, content: Json, caller: Caller) -> Json:
        return self._posted_message(ts, content, caller)

    def store_message(self, channel: str, message: Json, caller: Caller) -> None:
        """Keep a new message (chat.update and chat.delete find it) and echo it to the ingress, as Slack does."""
        self._messages[(channel, message["ts"])] = message
        if self._on_post is not None:
            self._on_post(channel, copy.deepcopy(message), self.channel_type(channel), caller)

    def find_message(self, channel: str, ts: str) -> Json | None:
        return self._messages.get((channel, ts))

    # -- auth ----------------------------------------------------------------------------------------------------

    def auth_test(self, args: Json, caller: Caller) -> Json:
        installation = caller.installation
        answer: Json = {"ok": True}
        if installation.team is not None:
            answer.update(url=installation.team.url, team=installation.team.name, team_id=installation.team.id)
        elif installation.enterprise is not None:
            # an org-wide token speaks for the org: its url, name and id
            answer.update(url=installation.enterprise.url, team=installation.enterprise.name,
                          team_id=installation.enterprise.id)
        if caller.grant.kind == "bot":
            answer.update(user=self._directory.app.bot_name, user_id=installation.bot_user_id,
                          bot_id=installation.bot_id)
        else:
            person = self._directory.person(caller.grant.user_id)
            answer.update(user=person[1].name if person else caller.grant.user_id, user_id=caller.grant.user_id)
        if installation.enterprise is not None:
            answer["enterprise_id"] = installation.enterprise.id
        answer["is_enterprise_install"] = installation.is_enterprise_install
        return answer

    def auth_revoke(self, args: Json, caller: Caller) -> Json:
        """Revoke the calling token (`test=true`: only say it would be). Revoking the last live grant of an
        installation uninstalls the app, as Slack does."""
        if truthy(args.get("test")):
            return {"ok": True, "revoked": False}
        installation = caller.installation
        self._installations.revoke(caller.grant)
        uninstalled = all(grant.revoked for grant in installation.grants())
        if uninstalled:
            self._installations.uninstall(installation)
        if self._on_revoke is not None:
            self._on_revoke(installation, [caller.grant], uninstalled)
        return {"ok": True, "revoked": True}

    # -- chat ----------------------------------------------------------------------------------------------------

    def _posted_message(self, ts: str, content: Json, caller: Caller) -> Json:
        """A message as Slack stores it: the bot's (a bot token), or the person's (a user token)."""
        team = caller.team.id if caller.team else None
        if caller.grant.kind == "bot":
            installation = caller.installation
            message: Json = {"type": "message", "text": content["text"], "user": installation.bot_user_id,
                             "bot_id": installation.bot_id, "app_id": self._directory.app.app_id, "ts": ts,
                             "team": team, "bot_profile": self._bot_profile(caller)}
        else:
            message = {"type": "message", "text": content["text"], "user": caller.grant.user_id, "ts": ts,
                       "team": team}
        for key in ("blocks", "attachments"):
            if key in content:
                message[key] = content[key]
        return message

    def _bot_profile(self, caller: Caller) -> Json:
        app = self._directory.app
        return {"id": caller.installation.bot_id, "deleted": False, "name": app.bot_name, "updated": 1700000000,
                "app_id": app.app_id, "icons": {"image_36": "", "image_48": "", "image_72": ""},
                "team_id": caller.team.id if caller.team else None}

    def chat_post_message(self, args: Json, caller: Caller) -> Json:
        channel = self._channel(args, caller)
        content = message_content(args)
        ts = self._next_ts()
        message = self._posted_message(ts, content, caller)
        thread_ts = text_arg(args, "thread_ts")
        if thread_ts:
            message["thread_ts"] = thread_ts
            parent = self._messages.get((channel, thread_ts))
            if parent is not None:
                message["parent_user_id"] = parent["user"]
        if isinstance(args.get("metadata"), dict):
            message["metadata"] = args["metadata"]
        self._messages[(channel, ts)] = message
        self.assistant.posted(channel, thread_ts)  # a reply clears the thread's status, as Slack does
        if self._on_post is not None:
            self._on_post(channel, copy.deepcopy(message), self.channel_type(channel), caller)
        return {"ok": True, "channel": channel, "ts": ts, "message": copy.deepcopy(message)}

    def chat_update(self, args: Json, caller: Caller) -> Json:
        channel = self._channel(args, caller)
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
        message["edited"] = {"user": message["user"], "ts": self._next_ts()}
        return {"ok": True, "channel": channel, "ts": ts, "text": message["text"], "message": copy.deepcopy(message)}

    def chat_post_ephemeral(self, args: Json, caller: Caller) -> Json:
        self._channel(args, caller)
        if text_arg(args, "user") is None:
            raise missing("user")
        message_content(args)
        # ephemeral messages cannot be updated or deleted later: nothing is stored
        return {"ok": True, "message_ts": self._next_ts()}

    def chat_delete(self, args: Json, caller: Caller) -> Json:
        channel = self._channel(args, caller)
        ts = text_arg(args, "ts")
        if ts is None or self._messages.pop((channel, ts), None) is None:
            raise SlackError("message_not_found")
        return {"ok": True, "channel": channel, "ts": ts}

    # -- conversations -------------------------------------------------------------------------------------------

    def conversations_open(self, args: Json, caller: Caller) -> Json:
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
        for user in users:
            person = self._directory.person(user)
            self._enter(caller, person[0] if person else None, "user_not_found")
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

    def _new_view(self, view: Json, caller: Caller, root_view_id: str | None = None,
                  previous_view_id: str | None = None) -> Json:
        view_id = "V" + secrets.token_hex(5).upper()
        team = caller.team.id if caller.team else None
        stored = {
            "id": view_id, "team_id": team, "type": view["type"], "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""), "callback_id": view.get("callback_id", ""),
            "state": {"values": {}}, "hash": self._view_hash(), "title": view.get("title"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)), "close": view.get("close"),
            "submit": view.get("submit"), "previous_view_id": previous_view_id, "root_view_id": root_view_id or view_id,
            "app_id": self._directory.app.app_id, "external_id": view.get("external_id", ""),
            "app_installed_team_id": team, "bot_id": caller.installation.bot_id,
        }
        self._views[view_id] = stored
        return stored

    def _view_hash(self) -> str:
        return f"{self._next_ts()}.{secrets.token_hex(4)}"

    def views_open(self, args: Json, caller: Caller) -> Json:
        view = view_arg(args, "modal")
        self._take_trigger(args)
        return {"ok": True, "view": copy.deepcopy(self._new_view(view, caller))}

    def views_push(self, args: Json, caller: Caller) -> Json:
        view = view_arg(args, "modal")
        self._take_trigger(args)
        return {"ok": True, "view": copy.deepcopy(self._new_view(view, caller))}

    def views_update(self, args: Json, caller: Caller) -> Json:
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
        self._enter(caller, self._directory.workspace(stored["team_id"]), "not_found")
        wanted_hash = text_arg(args, "hash")
        if wanted_hash is not None and wanted_hash != stored["hash"]:
            raise SlackError("hash_conflict")
        for key in ("blocks", "private_metadata", "callback_id", "title", "close", "submit", "external_id"):
            if key in view:
                stored[key] = view[key]
        stored["hash"] = self._view_hash()
        return {"ok": True, "view": copy.deepcopy(stored)}

    def views_publish(self, args: Json, caller: Caller) -> Json:
        view = view_arg(args, "home")
        user = text_arg(args, "user_id")
        if user is None:
            raise missing("user_id")
        person = self._directory.person(user)
        self._enter(caller, person[0] if person else None, "user_not_found")
        # one Home view per person: a publish replaces it (same id, a new hash); `hash` guards against a race
        key = (caller.team.id if caller.team else None, user)
        stored = self._homes.get(key)
        wanted_hash = text_arg(args, "hash")
        if stored is not None and wanted_hash is not None and wanted_hash != stored["hash"]:
            raise SlackError("hash_conflict")
        fresh = self._new_view(view, caller)
        if stored is not None:
            del self._views[fresh["id"]]
            fresh.update(id=stored["id"], root_view_id=stored["id"])
            self._views[stored["id"]] = fresh
        self._homes[key] = fresh
        return {"ok": True, "view": copy.deepcopy(fresh)}

    # -- reactions -----------------------------------------------------------------------------------------------

    def reactions_add(self, args: Json, caller: Caller) -> Json:
        channel = self._channel(args, caller)
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

