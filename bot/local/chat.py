"""A person in Slack, played from the terminal: signed requests to the ingress, the bot's posts read back.

What you type becomes what Slack would send:
- a line: a direct message to the bot (or, after an @mention, a reply in that channel thread);
- `@parley <text>`: a mention in a channel, which the bot answers in a thread;
- `/parley <text>`: the slash command, answered through its response_url;
- a number: pressing that button of the bot's last message;
- `/top`: back to the direct message, out of any thread.
The bot's replies are read from the Slack stand-in's record of its Web API calls.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from bot.local.slack_events import (
    LOCAL_DM,
    app_mention_event,
    block_actions,
    button_names,
    message_event,
    post,
    signed_request,
    slash_command,
)
from bot.local.slack_standin import StandInClient

FIRST_REPLY_TIMEOUT = 60.0  # a cold worker imports Bolt and the intents first
# After a reply, how long to wait for more: a long intent updates its progress every second
QUIET_PERIOD = 1.3
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


@dataclass
class Place:
    """Where the next plain line goes: a DM, or a channel thread the bot answered in."""

    channel: str = LOCAL_DM
    channel_type: str = "im"
    thread_ts: str | None = None


@dataclass
class SlackChat:
    ingress_url: str
    signing_secret: str
    slack: StandInClient
    slack_url: str = ""
    place: Place = field(default_factory=Place)
    last: list[Said] = field(default_factory=list)
    pressed_ts: str | None = None  # the bot takes a pressed message's buttons away: not a reply

    @property
    def where(self) -> str:
        return "thread" if self.place.thread_ts else ("dm" if self.place.channel_type == "im" else "channel")

    def send(self, payload: dict | str) -> tuple[int, str | None, str]:
        """Post one signed request; returns the status, the correlation id and the answer's body."""
        body, headers = signed_request(payload, self.signing_secret)
        status, answer_headers, answer = post(self.ingress_url, body, headers)
        return status, answer_headers.get("x-parley-correlation-id"), answer.decode(errors="replace")

    def say(self, line: str, timeout: float = FIRST_REPLY_TIMEOUT) -> list[Said]:
        """Act out one typed line and return what the bot said back."""
        line = line.strip()
        after = self._last_seq()
        response_url = None
        if line == "/top":
            self.place = Place()
            return []
        if line.isdigit() and self.last and any(said.buttons for said in self.last):
            payload, channel, response_url = self._press(int(line))
        elif line.startswith("/parley"):
            response_url = f"{self.slack_url}/response/chat-{next(_responses)}"
            channel = LOCAL_CHANNEL
            payload = slash_command(line.removeprefix("/parley").strip(), response_url=response_url, channel=channel)
        elif line.startswith("@parley"):
            event = app_mention_event(line.removeprefix("@parley").strip(), channel=LOCAL_CHANNEL)
            # the bot answers a mention in a thread; the next lines continue there
            self.place = Place(LOCAL_CHANNEL, "channel", event["event"]["ts"])
            payload, channel = event, LOCAL_CHANNEL
        else:
            payload = message_event(line, channel=self.place.channel, channel_type=self.place.channel_type,
                                    thread_ts=self.place.thread_ts)
            channel = self.place.channel
        status, _, answer = self.send(payload)
        if status != 200:
            raise RuntimeError(f"the ingress answered {status}: {answer}")
        self.last = self._collect(after, channel, response_url, timeout)
        return self.last

    def say_as(self, user: str, line: str, timeout: float = FIRST_REPLY_TIMEOUT) -> list[Said]:
        """Another person's direct message to the bot (their own DM), and what the bot said back to them."""
        after = self._last_seq()
        channel = f"D{user.removeprefix('U')}"
        status, _, answer = self.send(message_event(line.strip(), channel=channel, user=user))
        if status != 200:
            raise RuntimeError(f"the ingress answered {status}: {answer}")
        return self._collect(after, channel, None, timeout)

    def _press(self, number: int) -> tuple[str, str, str | None]:
        buttons = [(said, label) for said in self.last for label in said.buttons]
        if not 1 <= number <= len(buttons):
            raise RuntimeError(f"there is no button {number}")
        said, label = buttons[number - 1]
        self.pressed_ts = said.message["ts"]
        return (block_actions(said.message, label, channel=said.channel, response_url=said.response_url),
                said.channel, said.response_url)

    def _last_seq(self) -> int:
        calls = self.slack.calls()
        return calls[-1]["seq"] if calls else 0

    def _collect(self, after: int, channel: str, response_url: str | None, timeout: float) -> list[Said]:
        said: list[Said] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for call in self.slack.calls(after=after):
                after = max(after, call["seq"])
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
        if call.get("method") in ("chat.postMessage", "chat.update") and args.get("channel") == channel:
            if not (call.get("response") or {}).get("ok") or (self.pressed_ts and args.get("ts") == self.pressed_ts):
                return None
            ts = (call.get("response") or {}).get("ts") or args.get("ts")
            message = {"ts": ts, "text": args.get("text", ""), "blocks": args.get("blocks") or [],
                       "thread_ts": args.get("thread_ts")}
            return Said(args.get("text", ""), button_names(message["blocks"]), message, channel,
                        edited=call["method"] == "chat.update")
        if (response_url and call.get("path") == response_url.removeprefix(self.slack_url) and args.get("text")
                and not (self.pressed_ts and args.get("replace_original") and "chose" in str(args.get("blocks")))):
            message = {"ts": f"{time.time():.6f}", "text": args["text"], "blocks": args.get("blocks") or []}
            return Said(args["text"], button_names(message["blocks"]), message, channel, response_url,
                        edited=bool(args.get("replace_original")))
        return None

    def texts(self, line: str) -> list[str]:
        """Just the texts of the replies to a line (tests)."""
        return [said.text for said in self.say(line)]
