"""The bot's direct messages that answer no typed line: what a workflow writes when it is ready, for `make run`.

The chat (bot/local/chat.py) shows what answers each line you type. A workflow writes later, and to other people:
ana's request to approve, her reminder, bo's escalation, the requester's outcome. `DirectMessages` follows the
stand-in's recorded `chat.postMessage` calls into the DMs of the local Slack's people and hands each one, once, to
`deliver` (bot/local/run.py shows it in the DM of whoever you are as it arrives, and keeps the others' until you
`/as` that person).

One reader per post: while a line is being answered in a DM (`answering` .. `answered`, from SlackChat.say), that
DM's new posts are the line's; the ones that came after the line's answer was read, and every other DM's, are
delivered here. Thread replies (assistant threads) belong to the lines typed in them, and are not followed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.local.chat import Said
from bot.local.slack_events import button_names
from bot.local.standin.client import StandInClient

POLL_SECONDS = 0.25


@dataclass(frozen=True)
class Person:
    """A person of the local Slack, as a DM with the bot names them."""

    team: str
    user: str
    name: str
    dm: str


Deliver = Callable[[Person, Said], None]


def people(slack: StandInClient) -> dict[str, Person]:
    """Every person of the local Slack by their DM with the bot."""
    found = {}
    for workspace in slack.workspaces()["workspaces"]:
        for user in workspace["users"]:
            found[user["dm"]] = Person(workspace["id"], user["id"], user["name"], user["dm"])
    return found


def dm_post(call: dict[str, Any], known: dict[str, Person]) -> tuple[Person, Said] | None:
    """A top-level message the bot posted into a person's DM (the DM from Slack's answer: a user id as the channel
    posts into the DM with that person), as the chat shows it; None for anything else."""
    if call.get("method") != "chat.postMessage":
        return None
    args, response = call.get("args") or {}, call.get("response") or {}
    person = known.get(str(response.get("channel") or args.get("channel") or ""))
    if person is None or not response.get("ok") or args.get("thread_ts"):
        return None
    message = {"ts": response.get("ts"), "text": args.get("text", ""), "blocks": args.get("blocks") or []}
    return person, Said(args.get("text", ""), button_names(message["blocks"]), message, person.dm)


class DirectMessages:
    def __init__(self, slack: StandInClient, deliver: Deliver, *, interval: float = POLL_SECONDS) -> None:
        self.slack = slack
        self.deliver = deliver
        self.interval = interval
        self.known = people(slack)
        calls = slack.calls()
        self._cursor = calls[-1]["seq"] if calls else 0  # what was said before the chat began is not news
        self._state = threading.Lock()  # the cursor, the lines in flight, the deferred posts
        self._polling = threading.Lock()  # one delivery at a time, in order
        self._answering: dict[str, int] = {}  # DM -> how many lines are being answered there
        self._answered: list[tuple[str, int, int]] = []  # (DM, after, upto): posts a line's answer read
        self._deferred: list[dict[str, Any]] = []  # posts into a DM while a line was being answered there
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- SlackChat.say tells which posts are its own -------------------------------------------------------------

    def answering(self, channel: str) -> None:
        """A line is about to be sent in `channel`: its posts there are the line's, from the next seq read on."""
        with self._state:
            self._answering[channel] = self._answering.get(channel, 0) + 1

    def answered(self, channel: str, after: int, upto: int) -> None:
        """The line's answer read the posts in `channel` with after < seq <= upto."""
        with self._state:
            left = self._answering.get(channel, 1) - 1
            if left:
                self._answering[channel] = left
            else:
                self._answering.pop(channel, None)
            self._answered.append((channel, after, upto))

    # -- following -----------------------------------------------------------------------------------------------

    def poll_once(self) -> int:
        """Deliver what is new; how many posts were delivered."""
        with self._polling:
            news = self._news()
            for person, said in news:
                self.deliver(person, said)
            return len(news)

    def _news(self) -> list[tuple[Person, Said]]:
        calls = self.slack.calls(after=self._cursor)
        with self._state:
            if calls:
                self._cursor = calls[-1]["seq"]
            pending, self._deferred = self._deferred + calls, []
            news = []
            for call in pending:
                post = dm_post(call, self.known)
                if post is None:
                    continue
                channel = post[0].dm
                if channel in self._answering:
                    self._deferred.append(call)
                elif not any(dm == channel and after < call["seq"] <= upto for dm, after, upto in self._answered):
                    news.append(post)
            if not self._deferred:  # what the lines' answers read behind the cursor can come up no more
                self._answered = [each for each in self._answered if each[2] > self._cursor]
            return news

    def start(self) -> DirectMessages:
        def follow() -> None:
            while not self._stop.wait(self.interval):
                try:
                    self.poll_once()
                except (OSError, RuntimeError):  # the stand-in stopping with the stack: nothing left to follow
                    continue

        self._thread = threading.Thread(target=follow, name="direct-messages", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
