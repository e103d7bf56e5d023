"""A person in Slack, played from the terminal: signed events to the ingress, the bot's posts read back.

Each line typed becomes a signed `message` event in a direct message, posted over HTTP to the local
ingress exactly as Slack would; the bot's replies are read from the Slack stand-in's record of
`chat.postMessage` calls.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.local.slack_events import LOCAL_DM, message_event, post, signed_request
from bot.local.slack_standin import StandInClient

FIRST_REPLY_TIMEOUT = 60.0  # a cold worker imports Bolt and the intents first
QUIET_PERIOD = 0.5  # after a reply, how long to wait for more parts of the same answer


@dataclass
class Sent:
    status: int
    correlation_id: str | None
    error: str | None = None


class SlackChat:
    def __init__(self, ingress_url: str, signing_secret: str, slack: StandInClient, channel: str = LOCAL_DM) -> None:
        self.ingress_url = ingress_url
        self.signing_secret = signing_secret
        self.slack = slack
        self.channel = channel

    def send(self, text: str) -> Sent:
        body, headers = signed_request(message_event(text, channel=self.channel), self.signing_secret)
        status, answer_headers, answer = post(self.ingress_url, body, headers)
        error = None if status == 200 else answer.decode(errors="replace")
        return Sent(status, answer_headers.get("x-parley-correlation-id"), error)

    def say(self, text: str, timeout: float = FIRST_REPLY_TIMEOUT) -> list[str]:
        """Send a message and return the texts the bot posted back in this conversation."""
        calls = self.slack.calls()
        after = calls[-1]["seq"] if calls else 0
        sent = self.send(text)
        if sent.status != 200:
            raise RuntimeError(f"the ingress answered {sent.status}: {sent.error}")
        replies: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for call in self.slack.calls(method="chat.postMessage", after=after):
                after = max(after, call["seq"])
                if call["args"].get("channel") == self.channel and call.get("response", {}).get("ok"):
                    replies.append(call["args"].get("text", ""))
                    # more parts of one answer arrive close together; stop once it goes quiet
                    deadline = time.monotonic() + QUIET_PERIOD
            time.sleep(0.05)
        if not replies:
            raise TimeoutError(f"no reply within {timeout:.0f} s")
        return replies
