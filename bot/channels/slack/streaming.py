"""Answers that take time, streamed: one message that grows with the intent's progress and ends as the answer.

Where a reply goes in a thread (a mention's thread, a thread reply, an assistant thread), Slack can stream it:
`chat.startStream` with the first progress line, `chat.appendStream` as the work goes on (at most once a second), and
`chat.stopStream` with the answer's blocks under the streamed text. Elsewhere (a top-level DM, a slash command),
replies go as today's `chat.update` progress (`ConversationReplies`). A reply with no progress is posted as before.

Exactly once. The worker runs a job once (its claim, `bot.stores.claims`), but a run cut short (the worker killed,
a timeout) is run again when SQS redelivers the job. So each step with Slack is written down first, in the job's
stream record (`bot.stores.streams`, keyed by workspace, channel and the job's dedup key), and a re-run reads it
before doing anything:

- no record: the first run. Claim it, start the stream, record its ts.
- `open`: an earlier run streamed and died. The re-run appends to that stream (its progress on a new line) and stops
  it with the answer: never a second stream.
- `stopping`: the earlier run was stopping the stream with the answer. The re-run stops it again; Slack's
  `message_not_in_streaming_state` then means the answer was already there, and nothing more is sent.
- `closed`: the stream ended without the answer (Slack ends a stream after a few minutes, or refused to start one):
  the answer is posted as a message.
- `done`: the answer was delivered; a re-run sends nothing at all.
- `claimed` with no ts: the earlier run died while Slack was starting the stream, so its ts is unknown. The answer is
  posted as a message. If that start did reach Slack, its stream is left for Slack to end (after a few minutes):
  the one window this cannot close, the width of one Web API call.

Failure policy: progress is a nicety, so a progress append Slack refuses (a 5xx, rate limits past slack_sdk's
retries) is logged and skipped; the stop carrying the answer is not: its failure fails the job, which SQS redelivers,
and the re-run stops the same stream. A record write that fails fails the job the same way, before Slack is called.
"""

from __future__ import annotations

import time
from typing import Any

from aws_lambda_powertools import Logger
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels.slack.blocks import render
from bot.channels.slack.feedback import with_feedback
from bot.channels.slack.replies import PROGRESS_INTERVAL_SECONDS, ConversationReplies, Replies
from bot.conversation.reply import Reply
from bot.conversation.turn import Turn
from bot.stores.keys import record_key
from bot.stores.streams import StreamRecord, StreamStore
from bot.text import escape_markdown

log = Logger(child=True)

# Slack's answers that say a stream is over (stopped, or ended by Slack), or never was
STREAM_GONE = frozenset({"message_not_in_streaming_state", "message_not_found"})
PROGRESS_SEPARATOR = " · "


class StreamingReplies:
    """Replies in a thread as one streamed message; `key` names the job's stream record."""

    def __init__(self, client: WebClient, turn: Turn, store: StreamStore, key: str, *, first_run: bool = False) -> None:
        if not turn.thread_id:
            raise ValueError("Slack streams replies in a thread only")
        self.client = client
        self.turn = turn
        self.thread_ts: str = turn.thread_id
        self.store = store
        self.key = key
        self.plain = ConversationReplies(client, turn.conversation_id, turn.thread_id)
        self.earlier: StreamRecord | None = None  # what an earlier run of the job left, read once
        self.read = first_run  # the job's first run: no earlier one left a record, so none is read
        self.ts: str | None = None
        self.mode = "new"  # new, streaming, plain (no stream: today's replies), silent (the answer is out already)
        self.recorded = False  # this job has a stream record (this run's or an earlier one's): keep it current
        self.stopping = False  # an earlier run was stopping the stream: append nothing, stop it again
        self.line = ""  # the last progress text, to append only what changed
        self.last_progress = 0.0

    # -- Replies -----------------------------------------------------------------------------------------------------

    def progress(self, text: str) -> None:
        self._resume()
        if self.mode == "plain":
            self.plain.progress(text)
        elif self.mode == "new":
            self._start(text)
        elif (self.mode == "streaming" and not self.stopping
              and time.monotonic() - self.last_progress >= PROGRESS_INTERVAL_SECONDS):
            self._append(self._growth(text))
            self.line = text

    def send(self, reply: Reply, *, public: bool = False, waits: bool = False, feedback: str | None = None) -> None:
        self._resume()
        if self.mode == "silent":
            log.info("answer already delivered by an earlier run: not sent again", extra={"stream_ts": self.ts})
        elif self.mode == "streaming":
            self._stop(reply, feedback)
        else:
            self.plain.send(reply, public=public, waits=waits, feedback=feedback)
            if self.recorded:  # a stream was tried for this job: a re-run must not post the answer again
                self.store.save(self.key, "done", self.ts)

    # -- what an earlier run left ------------------------------------------------------------------------------------

    def _resume(self) -> None:
        if self.read:
            return
        self.read = True
        self.earlier = self.store.get(self.key)
        if self.earlier is None:
            return
        self.recorded = True
        state, self.ts = self.earlier.state, self.earlier.ts
        self.stopping = state == "stopping"
        if state == "done":
            self.mode = "silent"
        elif state in ("open", "stopping") and self.ts:
            self.mode = "streaming"
            self.line = ""  # the re-run's progress starts on a new line of the same stream
        else:  # closed, or claimed with the ts unknown
            self.mode = "plain"
        log.info("stream of an earlier run found", extra={"stream_state": state, "stream_ts": self.ts})

    # -- the stream ----------------------------------------------------------------------------------------------------

    def _start(self, text: str) -> None:
        if not self.store.claim(self.key):  # an earlier run's record appeared meanwhile: follow it
            self.read = False
            self._resume()
            if self.mode == "new":  # it vanished again (expired): no stream, rather than a race
                self.mode = "plain"
            self.progress(text)
            return
        self.recorded = True
        person = self.turn.person
        try:
            answer = self.client.chat_startStream(channel=self.turn.conversation_id, thread_ts=self.thread_ts,
                                                  markdown_text=escape_markdown(text),
                                                  recipient_user_id=person.user_id,
                                                  recipient_team_id=person.team_id or None)
        except SlackApiError as refused:  # Slack said no: there is no stream, so progress goes as today's
            log.warning("stream not started", extra={"error": refused.response.get("error")})
            self.store.save(self.key, "closed")
            self.mode = "plain"
            self.plain.progress(text)
            return
        self.ts = str(answer["ts"])
        self.store.save(self.key, "open", self.ts)
        self.mode, self.line, self.last_progress = "streaming", text, time.monotonic()

    def _append(self, growth: str) -> None:
        if not growth:
            return
        try:
            self.client.chat_appendStream(channel=self.turn.conversation_id, ts=self.ts or "",
                                          markdown_text=escape_markdown(growth))
        except SlackApiError as refused:
            error = refused.response.get("error")
            if error in STREAM_GONE:  # Slack ended the stream: the answer will go as a message
                self.store.save(self.key, "closed", self.ts)
                self.mode = "plain"
            log.warning("progress not streamed", extra={"error": error})
        self.last_progress = time.monotonic()

    def _stop(self, reply: Reply, feedback: str | None = None) -> None:
        messages = render(reply)
        first, *rest = (with_feedback(messages, feedback) if feedback else messages) or [{"blocks": []}]
        self.store.save(self.key, "stopping", self.ts)
        try:
            self.client.chat_stopStream(channel=self.turn.conversation_id, ts=self.ts or "",
                                        **({"blocks": first["blocks"]} if first["blocks"] else {}))
        except SlackApiError as refused:
            if refused.response.get("error") not in STREAM_GONE:
                raise  # the job fails; its re-run stops the same stream
            if not self.stopping:  # Slack ended the stream before the answer: it goes as a message
                self.plain.send(reply, feedback=feedback)
                rest = []
        for message in rest:
            self.client.chat_postMessage(**self._where(), **message)
        self.store.save(self.key, "done", self.ts)

    def _where(self) -> dict[str, Any]:
        return {"channel": self.turn.conversation_id, "thread_ts": self.thread_ts}

    def _growth(self, text: str) -> str:
        """What to append so the stream shows `text` after the last line: its new end, else it after a separator."""
        if not self.line:
            return ("\n" if self.ts else "") + text
        if text.startswith(self.line):
            return text[len(self.line):]
        common = _common_words(self.line, text)
        return PROGRESS_SEPARATOR + text[len(common):] if common else "\n" + text


def _common_words(a: str, b: str) -> str:
    """The longest common start of `a` and `b` that ends at a space (so "12%" and "15%" share no digit)."""
    length = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        length += 1
    common = a[:length]
    return common if length == len(a) else common[:common.rfind(" ") + 1]


def conversation_replies(client: WebClient, turn: Turn, context: Any, store: StreamStore | None) -> Replies:
    """The replies for a turn answered in its conversation: streamed where the turn is in a thread and the job is
    known (its stream record needs the job's key), else today's."""
    job_key = context.get("job_key") or context.get("correlation_id")
    if store is None or not turn.thread_id or not job_key:
        return ConversationReplies(client, turn.conversation_id, turn.thread_id)
    return StreamingReplies(client, turn, store, record_key(turn.where, turn.conversation_id, job_key),
                            first_run=bool(context.get("first_run")))
