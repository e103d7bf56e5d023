"""A person in Slack, played from the terminal: signed requests to the ingress, the bot's posts read back.

What you type becomes what Slack would send:
- a line: a direct message to the bot (or, after an @mention, a reply in that channel thread);
- `@parley <text>`: a mention in a channel, which the bot answers in a thread;
- `/parley <text>`: the slash command, answered through its response_url;
- a number: pressing that button of the bot's last message;
- `/top`: back to the direct message, out of any thread;
- `/assistant`: open an assistant thread (Slack's AI split view): the lines after it go into that thread, and the
  thread's status, title and suggested prompts show as notes (a number picks a prompt, or presses 👍 / 👎).
The bot's replies are read from the Slack stand-in's record of its Web API calls. When it knows the stack's log
(`worker_log`), the chat follows each request to its end there: it waits as long as the job runs (a long count's
final answer included) and stops waiting as soon as the job is done, even when the bot rightly said nothing.
What the bot posts later, answering no line (a workflow's messages), is followed by bot/local/direct_messages.py,
which the chat tells (`dms`) which posts each line's answer read.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bot.local.slack_events import (
    BOT_USER_ID,
    LOCAL_DM,
    LOCAL_TEAM,
    LOCAL_USER,
    app_mention_event,
    assistant_thread_started_event,
    block_actions,
    button_names,
    feedback_click,
    feedback_names,
    message_event,
    new_ts,
    post,
    signed_request,
    slash_command,
)
from bot.local.standin.client import StandInClient
from bot.text import unescape_mrkdwn

FIRST_REPLY_TIMEOUT = 60.0  # a cold worker imports Bolt and the intents first
# After a reply, how long to wait for more: a long intent updates its progress every second
QUIET_PERIOD = 1.3
# How the worker's log says a job ended (bot/worker/handler.py), whatever its outcome
JOB_ENDED = ('"message":"job done"', '"message":"job failed"', '"message":"job handed back"')
SETTLE = 0.2  # after the job's end, for the stand-in to record the last call
LOCAL_CHANNEL = "C0LOCALCHAN"
_responses = itertools.count(1)


@dataclass
class Said:
    """One thing the bot said: a message (or an answer to a response_url), maybe with buttons."""

    text: str
    buttons: list[str]
    message: dict[str, Any]  # ts, text, blocks, thread_ts: enough to press its buttons
    channel: str
    response_url: str | None = None
    edited: bool = False
    after: str = ""  # a note shown under it (the assistant thread's status cleared by this post)
    streaming: bool = False  # a piece of a streamed message (chat.startStream / appendStream), as it arrives

    @property
    def fields(self) -> list[str]:
        """The message's fields as `Label: value` (Slack shows them in two columns under the text)."""
        found = []
        for block in self.message.get("blocks") or []:
            for field_text in block.get("fields") or []:
                label, _, value = unescape_mrkdwn(field_text.get("text", "")).partition("\n")
                found.append(f"{label.strip('*')}: {value}")
        return found

    @property
    def shown(self) -> str:
        """The text as Slack shows it: its entities decoded, its fields after it."""
        text = unescape_mrkdwn(self.text)
        text = f"{text}\n{' · '.join(self.fields)}" if self.fields and not text.startswith(self.fields[0]) else text
        return f"{text}\n{self.after}" if self.after else text


@dataclass
class Place:
    """Where the next plain line goes: a DM, or a channel thread the bot answered in."""

    channel: str = LOCAL_DM
    channel_type: str = "im"
    thread_ts: str | None = None


@dataclass(frozen=True)
class Someone:
    """Who is typing: a person of one of the local Slack's workspaces, as the app installed there sees them."""

    team: str = LOCAL_TEAM
    user: str = LOCAL_USER
    dm: str = LOCAL_DM
    channel: str = LOCAL_CHANNEL
    bot_user: str = BOT_USER_ID
    enterprise: str | None = None
    org_install: bool = False  # the app is installed org-wide (its events name the org, not the team)

    def where(self) -> dict[str, Any]:
        """The workspace part of every request this person sends."""
        return {"team": self.team, "enterprise": self.enterprise, "org_install": self.org_install}


class Followed(Protocol):
    """Who else reads the bot's DMs (bot/local/direct_messages.py): told which posts are a line's answer."""

    def answering(self, channel: str) -> None: ...
    def answered(self, channel: str, after: int, upto: int) -> None: ...


@dataclass
class SlackChat:
    ingress_url: str
    signing_secret: str
    slack: StandInClient
    slack_url: str = ""
    place: Place = field(default_factory=Place)
    last: list[Said] = field(default_factory=list)
    pressed_ts: str | None = None  # the bot takes a pressed message's buttons away: not a reply
    worker_log: Path | None = None  # serverless offline's log, where the worker says when a job ended
    on_said: Callable[[Said], None] | None = None  # told of each thing the bot says as it says it (make run)
    who: Someone = field(default_factory=Someone)
    status_shown: bool = False  # an assistant thread's status is showing (the bot's next post there clears it)
    thumb: str | None = None  # the feedback button the last line pressed: Slack shows no reply to it
    last_correlation_id: str | None = None  # the ingress's x-parley-correlation-id of the last request (/trace)
    dms: Followed | None = None  # make run: the bot's later DMs, read by bot/local/direct_messages.py
    _upto: int = 0  # the last recorded call a line's answer read

    def become(self, team: str, user: str | None = None) -> Someone:
        """Type as a person of another local workspace (the first one of it, unless `user` names one), in their DM
        with the bot; how the app is installed there (its own install, or its org's) comes from the stand-in."""
        directory = self.slack.workspaces()
        workspace = next((each for each in directory["workspaces"] if each["id"] == team), None)
        if workspace is None:
            raise RuntimeError(f"no workspace {team}: " + ", ".join(each["id"] for each in directory["workspaces"]))
        person = next((each for each in workspace["users"] if user in (None, each["id"], each["name"])), None)
        if person is None:
            raise RuntimeError(f"no person {user} in {team}")
        enterprise = workspace.get("enterprise_id")
        org = next((each for each in directory.get("enterprises", []) if each["id"] == enterprise), None)
        org_wide = bool(enterprise) and any(
            (each.get("enterprise") or {}).get("id") == enterprise and each.get("is_enterprise_install")
            for each in self.slack.installations())
        channels = workspace.get("channels") or [LOCAL_CHANNEL]
        bot_user = org["bot_user_id"] if org_wide and org else workspace["bot_user_id"]
        self.who = Someone(team=team, user=person["id"], dm=person["dm"], channel=channels[0], bot_user=bot_user,
                           enterprise=enterprise, org_install=org_wide)
        self.place = Place(self.who.dm)
        return self.who

    @property
    def where(self) -> str:
        return "thread" if self.place.thread_ts else ("dm" if self.place.channel_type == "im" else "channel")

    def send(self, payload: dict | str) -> tuple[int, str | None, str]:
        """Post one signed request; returns the status, the correlation id and the answer's body."""
        body, headers = signed_request(payload, self.signing_secret)
        status, answer_headers, answer = post(self.ingress_url, body, headers)
        self.last_correlation_id = answer_headers.get("x-parley-correlation-id") or self.last_correlation_id
        return status, answer_headers.get("x-parley-correlation-id"), answer.decode(errors="replace")

    def say(self, line: str, timeout: float = FIRST_REPLY_TIMEOUT) -> list[Said]:
        """Act out one typed line and return what the bot said back."""
        line = line.strip()
        response_url = None
        self.thumb = None
        if line == "/top":
            self.place = Place(self.who.dm)
            return []
        if line == "/assistant":
            channel = self.who.dm
            self.place = Place(channel, "im", new_ts())  # a new thread in the DM: what Slack opens
            payload = assistant_thread_started_event(thread_ts=self.place.thread_ts, channel=channel,
                                                     user=self.who.user, bot_user=self.who.bot_user,
                                                     **self.who.where())
        elif line.isdigit() and self.last and any(said.buttons for said in self.last):
            payload, channel, response_url = self._press(int(line))
        elif line.startswith("/parley"):
            response_url = f"{self.slack_url}/response/chat-{next(_responses)}"
            channel = self.who.channel
            payload = slash_command(line.removeprefix("/parley").strip(), response_url=response_url, channel=channel,
                                    user=self.who.user, **self.who.where())
        elif line.startswith("@parley"):
            channel = self.who.channel
            event = app_mention_event(line.removeprefix("@parley").strip(), channel=channel, user=self.who.user,
                                      bot_user=self.who.bot_user, **self.who.where())
            # the bot answers a mention in a thread; the next lines continue there
            self.place = Place(channel, "channel", event["event"]["ts"])
            payload = event
        else:
            payload = message_event(line, channel=self.place.channel, channel_type=self.place.channel_type,
                                    thread_ts=self.place.thread_ts, user=self.who.user, bot_user=self.who.bot_user,
                                    **self.who.where())
            channel = self.place.channel
        if self.dms is not None:
            self.dms.answering(channel)  # before the first post this line's answer reads
        after = self._upto = self._last_seq()
        try:
            self.last = self._answer(payload, after, channel, response_url, timeout)
        finally:
            if self.dms is not None:
                self.dms.answered(channel, after, self._upto)
        if self.thumb and not self.last:  # the click is only counted: say so, as Slack marks the pressed thumb
            note = Said(f"(feedback sent: {self.thumb})", [], {"ts": "", "blocks": []}, channel)
            self.last = [note]
            if self.on_said:
                self.on_said(note)
        return self.last

    def _answer(self, payload: dict | str, after: int, channel: str, response_url: str | None,
                timeout: float) -> list[Said]:
        offset = self._log_size()
        status, correlation_id, answer = self.send(payload)
        if status != 200:
            raise RuntimeError(f"the ingress answered {status}: {answer}")
        if self.worker_log is not None and correlation_id:
            return self._follow(correlation_id, offset, after, channel, response_url, timeout)
        return [] if self.thumb else self._collect(after, channel, response_url, timeout)  # a thumb: no reply

    def say_as(self, user: str, line: str, timeout: float = FIRST_REPLY_TIMEOUT) -> list[Said]:
        """Another person's direct message to the bot (their own DM), and what the bot said back to them."""
        after = self._last_seq()
        channel = f"D{user.removeprefix('U')}"
        offset = self._log_size()
        status, correlation_id, answer = self.send(message_event(line.strip(), channel=channel, user=user))
        if status != 200:
            raise RuntimeError(f"the ingress answered {status}: {answer}")
        if self.worker_log is not None and correlation_id:
            return self._follow(correlation_id, offset, after, channel, None, timeout)
        return self._collect(after, channel, None, timeout)

    def _log_size(self) -> int:
        try:
            return self.worker_log.stat().st_size if self.worker_log else 0
        except OSError:
            return 0

    def _follow(self, correlation_id: str, offset: int, after: int, channel: str, response_url: str | None,
                timeout: float) -> list[Said]:
        """What the bot said in answer to one request, read once the worker's log says its job ended.

        No time limit while the job runs (a long count may take a minute); `timeout` bounds the wait for the job
        to begin, as a cold worker imports first. A job that ended without a word (a thread reply the bot rightly
        ignores) gives an empty list at once, instead of a wait and a "no reply".
        """
        started = time.monotonic()
        marker = f'"correlation_id":"{correlation_id}"'
        said: list[Said] = []
        while True:
            heard, after = self._new_calls(after, channel, response_url)
            said.extend(heard)
            text = self._read_log(offset)
            if any(line for line in text.splitlines() if marker in line and any(end in line for end in JOB_ENDED)):
                time.sleep(SETTLE)
                said.extend(self._new_calls(after, channel, response_url)[0])
                return said
            if marker not in text and time.monotonic() - started > timeout:
                raise TimeoutError(f"the worker did not take the request within {timeout:.0f} s")
            time.sleep(0.05)

    def _read_log(self, offset: int) -> str:
        assert self.worker_log is not None
        try:
            with self.worker_log.open("rb") as log:
                log.seek(offset)
                return log.read().decode(errors="replace")
        except OSError:
            return ""

    def _new_calls(self, after: int, channel: str, response_url: str | None) -> tuple[list[Said], int]:
        """What the bot said since call `after`, and the last call seen."""
        said: list[Said] = []
        for call in self.slack.calls(after=after):
            after = self._upto = max(after, call["seq"])
            heard = self._heard(call, channel, response_url)
            if heard:
                said.append(heard)
                if self.on_said:
                    self.on_said(heard)
        return said, after

    def _press(self, number: int) -> tuple[dict | str, str, str | None]:
        buttons = [(said, label) for said in self.last for label in said.buttons]
        if not 1 <= number <= len(buttons):
            raise RuntimeError(f"there is no button {number}")
        said, label = buttons[number - 1]
        prompts = said.message.get("prompts")
        if prompts:  # a suggested prompt: Slack sends its message as the person's, in the thread
            text = next(prompt["message"] for prompt in prompts if prompt["title"] == label)
            return (message_event(text, channel=said.channel, thread_ts=said.message.get("thread_ts"),
                                  user=self.who.user, bot_user=self.who.bot_user, **self.who.where()),
                    said.channel, None)
        feedback = feedback_names(said.message.get("blocks") or [])
        if label in feedback:  # a thumb: block_actions with the feedback_buttons action, nothing posted back
            self.thumb = label
            return (feedback_click(said.message, label == feedback[0], channel=said.channel, user=self.who.user,
                                   **self.who.where()), said.channel, None)
        self.pressed_ts = said.message["ts"]
        # Slack gives every press a response_url; only an ephemeral message (a slash command's answer) has no other way
        response_url = said.response_url or f"{self.slack_url}/response/press-{next(_responses)}"
        return (block_actions(said.message, label, channel=said.channel, response_url=response_url,
                              ephemeral=said.response_url is not None, user=self.who.user, **self.who.where()),
                said.channel, response_url)

    def _last_seq(self) -> int:
        calls = self.slack.calls()
        return calls[-1]["seq"] if calls else 0

    def _collect(self, after: int, channel: str, response_url: str | None, timeout: float) -> list[Said]:
        said: list[Said] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for call in self.slack.calls(after=after):
                after = self._upto = max(after, call["seq"])
                heard = self._heard(call, channel, response_url)
                if heard:
                    said.append(heard)
                    deadline = time.monotonic() + QUIET_PERIOD
            time.sleep(0.05)
        if not said:
            raise TimeoutError(f"no reply within {timeout:.0f} s")
        return said

    def _heard(self, call: dict[str, Any], channel: str, response_url: str | None) -> Said | None:
        args = call.get("args") or {}
        if str(call.get("method")).startswith("assistant.threads.") and args.get("channel_id") == channel:
            return self._assistant_note(call, channel)
        if call.get("method") in STREAM_METHODS and args.get("channel") == channel:
            return _streamed(call, channel)
        # a user id as the channel posts into the DM with that person: Slack's answer names the DM
        posted_in = args.get("channel") == channel or (call.get("response") or {}).get("channel") == channel
        if call.get("method") in ("chat.postMessage", "chat.update") and posted_in:
            if not (call.get("response") or {}).get("ok") or (self.pressed_ts and args.get("ts") == self.pressed_ts):
                return None
            ts = (call.get("response") or {}).get("ts") or args.get("ts")
            message = {"ts": ts, "text": args.get("text", ""), "blocks": args.get("blocks") or [],
                       "thread_ts": args.get("thread_ts")}
            cleared = self.status_shown and call["method"] == "chat.postMessage"
            self.status_shown = self.status_shown and not cleared
            return Said(args.get("text", ""), button_names(message["blocks"]) + feedback_names(message["blocks"]),
                        message, channel, edited=call["method"] == "chat.update",
                        after="(status cleared: the answer is posted)" if cleared else "")
        if (response_url and call.get("path") == response_url.removeprefix(self.slack_url) and args.get("text")
                and not (self.pressed_ts and args.get("replace_original") and "chose" in str(args.get("blocks")))):
            message = {"ts": f"{time.time():.6f}", "text": args["text"], "blocks": args.get("blocks") or []}
            return Said(args["text"], button_names(message["blocks"]), message, channel, response_url,
                        edited=bool(args.get("replace_original")))
        return None

    def _assistant_note(self, call: dict[str, Any], channel: str) -> Said | None:
        """An assistant thread's status, title or suggested prompts, as a note (prompts can be picked by number)."""
        args = call.get("args") or {}
        if not (call.get("response") or {}).get("ok"):
            return None
        method = call["method"].removeprefix("assistant.threads.")
        message: dict[str, Any] = {"ts": args.get("thread_ts"), "thread_ts": args.get("thread_ts"), "blocks": []}
        if method == "setStatus":
            self.status_shown = bool(args.get("status"))
            text = f"(status: {args['status']})" if args.get("status") else "(status cleared)"
            return Said(text, [], message, channel)
        if method == "setTitle":
            return Said(f"(thread title: {args.get('title', '')})", [], message, channel)
        if method == "setSuggestedPrompts":
            prompts = [prompt for prompt in args.get("prompts") or [] if isinstance(prompt, dict)]
            message["prompts"] = prompts
            titles = [prompt.get("title", "") for prompt in prompts]
            return Said(f"({args.get('title') or 'suggested prompts'})", titles, message, channel)
        return None

    def texts(self, line: str) -> list[str]:
        """Just the texts of the replies to a line (tests)."""
        return [said.text for said in self.say(line)]


STREAM_METHODS = ("chat.startStream", "chat.appendStream", "chat.stopStream")
_MARKDOWN_ESCAPE = re.compile(r"\\(.)")


def _streamed(call: dict[str, Any], channel: str) -> Said | None:
    """A streamed message's piece as it arrives: the start and each append (their markdown, its escapes taken
    out), then the stop with the answer's blocks."""
    args, response = call.get("args") or {}, call.get("response") or {}
    if not response.get("ok"):
        return None
    blocks = args.get("blocks") or []
    text = _MARKDOWN_ESCAPE.sub(r"\1", str(args.get("markdown_text") or ""))
    if call["method"] == "chat.stopStream":
        text = "\n".join(b["text"]["text"] for b in blocks if b.get("type") == "section" and b.get("text")) or text
    message = {"ts": response.get("ts") or args.get("ts"), "text": text, "blocks": blocks,
               "thread_ts": args.get("thread_ts")}
    if not text and not blocks:
        return None
    return Said(text, button_names(blocks), message, channel, edited=call["method"] == "chat.stopStream",
                streaming=call["method"] != "chat.stopStream")

