"""Streamed messages: chat.startStream, chat.appendStream and chat.stopStream, as Slack answers them.

A stream is a message (its `ts` is the message's) in the "in_progress" streaming state from startStream until
stopStream, growing with each append; stopping it makes it an ordinary message ("completed"), after which an append
or a second stop is refused with `message_not_in_streaming_state`. Slack also ends a stream by itself a few minutes
after it started (about five, observed; not documented), which the stand-in does after `lifetime` seconds, so a bot
that holds a stream too long meets the same refusal. Tests read the streams (open or not) through `describe`, the
`GET /_streams` control endpoint: "no stream left open, no second stream" is checked there.

The arguments and errors follow Slack's method pages (docs.slack.dev/reference/methods/chat.startStream, ...):
`channel` always; `thread_ts` for startStream (streamed messages answer a person, in a thread; slack_sdk requires it
too); outside a DM `recipient_user_id` and `recipient_team_id`; `markdown_text` at most 12,000 characters a call;
`ts` and some text (`markdown_text` or `chunks`) for an append; at most 50 `blocks` on the stop.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.local.standin.checks import MAX_MESSAGE_BLOCKS, check_blocks, text_arg
from bot.local.standin.errors import Json, SlackError, missing

if TYPE_CHECKING:
    from bot.local.standin.methods import Caller, Method, WebApi

MAX_MARKDOWN_TEXT = 12_000
STREAM_LIFETIME_SECONDS = 300.0
IN_PROGRESS = "in_progress"
COMPLETED = "completed"


@dataclass
class Stream:
    channel: str
    ts: str
    thread_ts: str
    team: str | None
    recipient: str | None
    started: float
    text: str = ""
    appends: int = 0
    state: str = IN_PROGRESS
    stopped_by: str | None = None  # "bot", or "slack" when the stream outlived its lifetime
    blocks: list[Json] = field(default_factory=list)

    def describe(self) -> Json:
        return {"channel": self.channel, "ts": self.ts, "thread_ts": self.thread_ts, "team": self.team,
                "recipient_user_id": self.recipient, "state": self.state, "text": self.text,
                "appends": self.appends, "stopped_by": self.stopped_by, "blocks": copy.deepcopy(self.blocks)}


class Streams:
    """The three methods over the Web API's messages; `lifetime`: seconds before Slack ends a stream itself."""

    def __init__(self, api: WebApi, lifetime: float = STREAM_LIFETIME_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._api = api
        self.lifetime = lifetime
        self._clock = clock
        self._streams: dict[tuple[str, str], Stream] = {}

    def methods(self) -> dict[str, Method]:
        from bot.local.standin.methods import Method

        return {"chat.startStream": Method(self.start, ("chat:write",)),
                "chat.appendStream": Method(self.append, ("chat:write",)),
                "chat.stopStream": Method(self.stop, ("chat:write",))}

    def describe(self, state: str | None = None) -> list[Json]:
        """Every stream, oldest first (`state`: only those "in_progress" or "completed")."""
        for stream in self._streams.values():
            self._expire(stream)
        return [s.describe() for s in self._streams.values() if state is None or s.state == state]

    # -- the methods -------------------------------------------------------------------------------------------------

    def start(self, args: Json, caller: Caller) -> Json:
        channel = self._api.resolve_channel(args, caller)
        thread_ts = text_arg(args, "thread_ts")
        if thread_ts is None:
            raise missing("thread_ts")
        recipient = self._recipient(args, channel)
        text = _markdown(args, required=False)
        ts = self._api.next_ts()
        message = self._api.posted_message(ts, {"text": text}, caller)
        message.update(thread_ts=thread_ts, streaming_state=IN_PROGRESS)
        self._api.store_message(channel, message, caller)
        self._api.assistant.posted(channel, thread_ts)  # a reply, streamed too, clears an assistant thread's status
        team = caller.team.id if caller.team else None
        self._streams[(channel, ts)] = Stream(channel, ts, thread_ts, team, recipient, self._clock(), text)
        return {"ok": True, "channel": channel, "ts": ts}

    def append(self, args: Json, caller: Caller) -> Json:
        stream = self._open_stream(args, caller)
        text = _markdown(args, required=True)
        stream.text += text
        stream.appends += 1
        self._message(stream)["text"] = stream.text
        return {"ok": True, "channel": stream.channel, "ts": stream.ts}

    def stop(self, args: Json, caller: Caller) -> Json:
        stream = self._open_stream(args, caller)
        blocks = args.get("blocks")
        if blocks not in (None, "", []):
            check_blocks(blocks, MAX_MESSAGE_BLOCKS)
            stream.blocks = list(blocks)
        stream.text += _markdown(args, required=False)
        stream.state, stream.stopped_by = COMPLETED, "bot"
        message = self._message(stream)
        message.update(text=stream.text, streaming_state=COMPLETED)
        if stream.blocks:
            message["blocks"] = copy.deepcopy(stream.blocks)
        return {"ok": True, "channel": stream.channel, "ts": stream.ts, "message": copy.deepcopy(message)}

    # -- rules -------------------------------------------------------------------------------------------------------

    def _recipient(self, args: Json, channel: str) -> str | None:
        """Outside a DM Slack must be told whom the stream is for: the person and their team."""
        user, team = text_arg(args, "recipient_user_id"), text_arg(args, "recipient_team_id")
        if self._api.channel_type(channel) != "im":
            if user is None:
                raise missing("recipient_user_id")
            if team is None:
                raise missing("recipient_team_id")
        return user

    def _open_stream(self, args: Json, caller: Caller) -> Stream:
        channel = self._api.resolve_channel(args, caller)
        ts = text_arg(args, "ts")
        if ts is None:
            raise missing("ts")
        stream = self._streams.get((channel, ts))
        if stream is None or self._api.find_message(channel, ts) is None:  # never started, or deleted
            raise SlackError("message_not_found")
        self._expire(stream)
        if stream.state != IN_PROGRESS:
            raise SlackError("message_not_in_streaming_state")
        return stream

    def _expire(self, stream: Stream) -> None:
        if stream.state == IN_PROGRESS and self._clock() - stream.started > self.lifetime:
            stream.state, stream.stopped_by = COMPLETED, "slack"
            self._message(stream)["streaming_state"] = COMPLETED


    def _message(self, stream: Stream) -> Json:
        """The stream's message (a deleted one: a copy nobody reads)."""
        return self._api.find_message(stream.channel, stream.ts) or {}


def _markdown(args: Json, *, required: bool) -> str:
    """The text a call adds: `markdown_text`, or the markdown_text chunks among `chunks` (task and plan updates
    are accepted and shown nowhere here)."""
    text = args.get("markdown_text")
    chunks = args.get("chunks")
    if chunks not in (None, "", []):
        if not isinstance(chunks, list) or not all(isinstance(c, dict) and isinstance(c.get("type"), str)
                                                   for c in chunks):
            raise SlackError("invalid_chunks")
        text = (text or "") + "".join(str(c.get("text", "")) for c in chunks if c["type"] == "markdown_text")
    if text in (None, ""):
        if required:
            raise missing("markdown_text")
        return ""
    if not isinstance(text, str):
        raise SlackError("invalid_arguments", "markdown_text must be a string")
    if len(text) > MAX_MARKDOWN_TEXT:
        raise SlackError("msg_too_long")
    return text
