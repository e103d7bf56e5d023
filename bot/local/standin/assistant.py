"""Slack's assistant thread methods (the "Agents & AI apps" split view), as the stand-in answers them.

`assistant.threads.setStatus`, `setSuggestedPrompts` and `setTitle` take a DM channel and the thread's ts, and answer
with Slack's documented errors: a channel that is not a DM with the bot (`channel_not_found`), a ts that is not one
(`invalid_thread_ts`), arguments missing or over Slack's limits (`invalid_arguments`). The state they set is kept per
thread, so a test can see it: a status lasts until the app posts in the thread (Slack clears it then, as it does after
two minutes without a post) or sets an empty one; the prompts and the title replace the last ones.

setStatus takes `chat:write` or `assistant:write` (Slack accepts either for now); the other two `assistant:write`.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.local.standin.checks import text_arg
from bot.local.standin.errors import Json, SlackError, missing

if TYPE_CHECKING:
    from bot.local.standin.methods import Caller, Method

MAX_PROMPTS = 4  # "up to four suggested prompts" (assistant.threads.setSuggestedPrompts)
MAX_LOADING_MESSAGES = 10  # setStatus's loading_messages
STATUS_TIMEOUT_SECONDS = 120.0  # a status without a post is removed after two minutes
TS = re.compile(r"\d+\.\d+")


@dataclass
class AssistantThread:
    """What the app set on one assistant thread."""

    status: str = ""
    status_set_at: float = 0.0
    loading_messages: list[str] = field(default_factory=list)
    prompts: list[dict[str, str]] = field(default_factory=list)
    prompts_title: str | None = None
    title: str | None = None


class AssistantThreads:
    """The three methods over the threads' state; `channel_of(args, caller)` checks and resolves a channel."""

    def __init__(self, channel_of: Callable[[Json, Caller, str], str], channel_type: Callable[[str], str]) -> None:
        self._channel_of = channel_of
        self._channel_type = channel_type
        self._threads: dict[tuple[str, str], AssistantThread] = {}

    def methods(self) -> dict[str, Method]:
        from bot.local.standin.methods import Method

        return {
            "assistant.threads.setStatus": Method(self.set_status, ("chat:write", "assistant:write")),
            "assistant.threads.setSuggestedPrompts": Method(self.set_suggested_prompts, ("assistant:write",)),
            "assistant.threads.setTitle": Method(self.set_title, ("assistant:write",)),
        }

    def thread(self, channel: str, thread_ts: str) -> AssistantThread | None:
        """The thread's state, a status past its two minutes already cleared (tests read this)."""
        found = self._threads.get((channel, thread_ts))
        if found is not None and found.status and time.time() - found.status_set_at > STATUS_TIMEOUT_SECONDS:
            found.status = ""
        return found

    def posted(self, channel: str, thread_ts: str | None) -> None:
        """The app posted in a thread: Slack clears the thread's status."""
        found = self._threads.get((channel, thread_ts or ""))
        if found is not None:
            found.status, found.loading_messages = "", []

    # -- the methods ---------------------------------------------------------------------------------------------

    def set_status(self, args: Json, caller: Caller) -> Json:
        where = self._where(args, caller)
        if "status" not in args or args["status"] is None:
            raise missing("status")
        status = str(args["status"])
        loading = _strings(args.get("loading_messages"), "loading_messages", MAX_LOADING_MESSAGES)
        thread = self._threads.setdefault(where, AssistantThread())
        thread.status, thread.loading_messages, thread.status_set_at = status, loading, time.time()
        return {"ok": True}

    def set_suggested_prompts(self, args: Json, caller: Caller) -> Json:
        where = self._where(args, caller)
        prompts = _prompts(args.get("prompts"))
        thread = self._threads.setdefault(where, AssistantThread())
        thread.prompts, thread.prompts_title = prompts, text_arg(args, "title")
        return {"ok": True}

    def set_title(self, args: Json, caller: Caller) -> Json:
        where = self._where(args, caller)
        title = text_arg(args, "title")
        if title is None:
            raise missing("title")
        self._threads.setdefault(where, AssistantThread()).title = title
        return {"ok": True}

    def _where(self, args: Json, caller: Caller) -> tuple[str, str]:
        if text_arg(args, "channel_id") is None:
            raise missing("channel_id")
        channel = self._channel_of(args, caller, "channel_id")
        if self._channel_type(channel) != "im":  # assistant threads live in the DM with the app
            raise SlackError("channel_not_found")
        thread_ts = text_arg(args, "thread_ts")
        if thread_ts is None:
            raise missing("thread_ts")
        if not TS.fullmatch(thread_ts):
            raise SlackError("invalid_thread_ts")
        return channel, thread_ts


def _decoded(value: Any) -> Any:
    """A list argument, sent as JSON (slack_sdk's way) or as JSON text in a form field."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise SlackError("invalid_arguments", "must be a JSON array") from None
    return value


def _strings(value: Any, name: str, limit: int) -> list[str]:
    value = _decoded(value)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SlackError("invalid_arguments", f"{name} must be an array of strings")
    if len(value) > limit:
        raise SlackError("invalid_arguments", f"must be less than {limit + 1} items [json-pointer:/{name}]")
    return value


def _prompts(value: Any) -> list[dict[str, str]]:
    value = _decoded(value)
    if value is None or value == []:
        raise missing("prompts")
    if not isinstance(value, list):
        raise SlackError("invalid_arguments", "prompts must be an array")
    if len(value) > MAX_PROMPTS:
        raise SlackError("invalid_arguments", f"must be less than {MAX_PROMPTS + 1} items [json-pointer:/prompts]")
    for index, prompt in enumerate(value):
        if not isinstance(prompt, dict) or not all(isinstance(prompt.get(key), str) and prompt[key].strip()
                                                   for key in ("title", "message")):
            raise SlackError("invalid_arguments",
                             f"a prompt needs a title and a message [json-pointer:/prompts/{index}]")
    return [{"title": prompt["title"], "message": prompt["message"]} for prompt in value]
