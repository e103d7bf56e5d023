"""How a reply goes back to Slack: posted in the conversation, or answered through a `response_url`.

Either way a long-running intent's progress is one message updated in place (at most once a second,
as Slack's rate limits ask), which the final answer then replaces.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from slack_sdk import WebClient

from bot.channels.slack.blocks import ephemeral_or_public, render
from bot.channels.slack.feedback import with_feedback
from bot.channels.slack.surface import SLASH_COMMAND
from bot.conversation.reply import Reply
from bot.text import escape_mrkdwn

PROGRESS_INTERVAL_SECONDS = 1.0
# Under a question asked in answer to the slash command: the answer is typed the same way (or a button pressed)
COMMAND_HINT = {"type": "context", "block_id": "command-hint", "elements": [
    {"type": "mrkdwn", "text": f"Answer with `{SLASH_COMMAND} …` (your answer after it), or press a button."}]}


class Replies(Protocol):
    def progress(self, text: str) -> None: ...
    def send(self, reply: Reply, *, public: bool = False, waits: bool = False, feedback: str | None = None) -> None:
        """Post the reply. `public`: its intent's answer is for the channel; `waits`: it asks something;
        `feedback`: the intent whose answer this is carries feedback buttons (where the surface shows them)."""
        ...


class ConversationReplies:
    """Replies with chat.postMessage in a channel or DM, in the turn's thread when it has one."""

    def __init__(self, client: WebClient, channel: str, thread_ts: str | None) -> None:
        self.client = client
        self.channel = channel
        self.thread_ts = thread_ts
        self.progress_ts: str | None = None
        self.last_progress = 0.0

    def _where(self) -> dict[str, Any]:
        return {"channel": self.channel, **({"thread_ts": self.thread_ts} if self.thread_ts else {})}

    def progress(self, text: str) -> None:
        text = escape_mrkdwn(text)
        if self.progress_ts is None:
            self.progress_ts = self.client.chat_postMessage(**self._where(), text=text)["ts"]
        elif time.monotonic() - self.last_progress >= PROGRESS_INTERVAL_SECONDS:
            self.client.chat_update(channel=self.channel, ts=self.progress_ts, text=text)
        else:
            return
        self.last_progress = time.monotonic()

    def send(self, reply: Reply, *, public: bool = False, waits: bool = False, feedback: str | None = None) -> None:
        messages = render(reply)
        if feedback:
            messages = with_feedback(messages, feedback)
        for index, message in enumerate(messages):
            if index == 0 and self.progress_ts:
                self.client.chat_update(channel=self.channel, ts=self.progress_ts, **message)
            else:
                self.client.chat_postMessage(**self._where(), **message)


class ResponseUrlReplies:
    """Replies to a slash command through its response_url, which takes five posts at most."""

    MAX_PROGRESS_POSTS = 2  # leaves three of Slack's five for the answer

    def __init__(self, respond: Any) -> None:
        self.respond = respond
        self.progress_posts = 0
        self.last_progress = 0.0

    def progress(self, text: str) -> None:
        if self.progress_posts >= self.MAX_PROGRESS_POSTS:
            return
        if self.progress_posts and time.monotonic() - self.last_progress < PROGRESS_INTERVAL_SECONDS:
            return
        self.respond(text=escape_mrkdwn(text), response_type="ephemeral", replace_original=bool(self.progress_posts))
        self.progress_posts += 1
        self.last_progress = time.monotonic()

    def send(self, reply: Reply, *, public: bool = False, waits: bool = False, feedback: str | None = None) -> None:
        # no feedback buttons: an answer through response_url is mostly ephemeral, and gone on reload
        replace_progress = self.progress_posts > 0
        if replace_progress and public:
            # an ephemeral progress note cannot become a message the channel sees: remove it, then post
            self.respond(delete_original=True)
            replace_progress = False
        messages = render(reply)
        if waits and messages:  # a question asked through the command: its answer must come the same way
            messages[-1]["blocks"] = [*messages[-1]["blocks"], COMMAND_HINT]
        for index, message in enumerate(messages):
            self.respond(**message, response_type=ephemeral_or_public(public),
                         replace_original=index == 0 and replace_progress)
