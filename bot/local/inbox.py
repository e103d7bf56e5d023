"""The bot's later DMs in `make run`'s terminal: what a workflow writes to you, to ana, to bo, when it is ready.

A workflow answers no line you type: it asks ana to approve a second after you asked, reminds her hours later (seconds
locally), tells you the outcome when she decides. So `make run` shows each DM as the person it is written to would
see it in Slack:
- a message into the DM of whoever you are now is shown as it arrives (`parley> ...`), its buttons numbered: a number
  presses them, as it presses a reply's;
- a message into someone else's DM waits there, unread, and a note says whose it is and how to read it; `/as` that
  person shows their unread messages first, numbered across them, so `1` presses the first message's first button;
  with none unread, the numbers press what they pressed when you left that DM (a note says which message).
- `/wait` waits until every workflow waits for a person or for a time (none is between two steps or about to take
  the next: bot/local/workflow_watch.py), at most a minute, so piped input goes on once ana has been asked or you
  have been reminded; `/wait <seconds>` first lets that many seconds pass (an hour of a workflow is a second in
  `make run`: `/wait 5` passes the 4-hour reminder).
Mentions are shown as Slack shows them, `@ana`.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.local.chat import Said, SlackChat
from bot.local.direct_messages import Person
from bot.stores.workflows import WorkflowRecord

WAIT_LIMIT_SECONDS = 60.0
SETTLE_SECONDS = 0.5  # after the workflows settle: their last post recorded and followed
_MENTION = re.compile(r"<@([A-Z0-9]+)>")
Busy = Callable[[], list[WorkflowRecord]]  # the workflows with a step running or about to (WorkflowWatch.busy)


def mentions(text: str, names: dict[str, str]) -> str:
    """`<@U0LOCALANA>` as Slack shows it: `@ana` (an id it does not know stays as it is)."""
    return _MENTION.sub(lambda found: f"@{names[found.group(1)]}" if found.group(1) in names else found.group(0),
                        text)


@dataclass
class Inbox:
    chat: SlackChat
    names: dict[str, str]  # Slack user id -> name, for mentions
    busy: Busy
    flush: Callable[[], int]  # deliver what the bot posted since the last look (DirectMessages.poll_once)
    print_line: Callable[[str], None] = print  # a line of the conversation, from whichever thread
    speaker: str = "parley"  # "parley (slack)" in `make run CHANNEL=lex`, where Slack is the second channel
    command_prefix: str = ""  # "/slack " in `make run CHANNEL=lex`, where the Slack commands start so
    unread: dict[str, list[Said]] = field(default_factory=dict)  # DM -> posts its person has not seen
    pressable: dict[str, list[Said]] = field(default_factory=dict)  # DM -> what its numbers pressed when left
    lock: threading.RLock = field(default_factory=threading.RLock)
    arrivals: int = 0  # posts delivered so far

    def arrived(self, person: Person, said: Said) -> None:
        """DirectMessages delivers one post: shown in your own DM, kept unread in anyone else's."""
        with self.lock:
            self.arrivals += 1
            if person.dm == self.chat.who.dm:
                self.show([said])
                return
            self.unread.setdefault(person.dm, []).append(said)
            self.print_line(f"(parley wrote to {person.name} ({person.user} of {person.team}): "
                            f"`{self.command_prefix}/as {person.team} {person.name}` shows it)")

    def show(self, posts: list[Said]) -> None:
        """Posts as the chat shows them, each with its buttons numbered across them all; they are what a number
        presses next."""
        with self.lock:
            number = 0
            for said in posts:
                self.print_line(f"{self.speaker}> {mentions(said.shown, self.names)}")
                if said.buttons:
                    labels = "  ".join(f"[{number + index}] {label}" for index, label in enumerate(said.buttons, 1))
                    self.print_line(f"        {labels}")
                    number += len(said.buttons)
            if number:
                self.chat.last = list(posts)
                self.chat.pressed_ts = None

    def leaving(self) -> None:
        """Before `/as`: what the numbers press in this DM, for when you come back."""
        with self.lock:
            if any(said.buttons for said in self.chat.last):
                self.pressable[self.chat.who.dm] = list(self.chat.last)

    def became(self) -> None:
        """After `/as`: the person's unread posts; with none, what the numbers pressed when you left their DM (never
        the last person's buttons)."""
        with self.lock:
            dm = self.chat.who.dm
            earlier = self.chat.last = self.pressable.pop(dm, [])
            self.show(self.unread.pop(dm, []))
            if earlier and self.chat.last is earlier:  # nothing new to press: say what the numbers press
                said = next(said for said in reversed(earlier) if said.buttons)
                numbered = "  ".join(f"[{number}] {label}" for number, label in
                                     enumerate((label for each in earlier for label in each.buttons), 1))
                first = mentions(said.shown, self.names).splitlines()[0]
                self.print_line(f"(earlier here: “{first[:80]}” {numbered})")

    def take(self, line: str) -> bool:
        """`/wait [seconds]`: True when `line` was it."""
        command, _, rest = line.strip().partition(" ")
        if command != "/wait":
            return False
        try:
            seconds = float(rest) if rest.strip() else 0.0
        except ValueError:
            self.print_line("(usage: /wait [seconds])")
            return True
        self.wait(seconds)
        return True

    def wait(self, seconds: float) -> None:
        before = self.arrivals
        until = time.monotonic() + max(0.0, min(seconds, 3600.0))
        while time.monotonic() < until:
            time.sleep(min(0.2, max(0.0, until - time.monotonic())))
            self.flush()
        deadline = time.monotonic() + WAIT_LIMIT_SECONDS
        busy = self.busy()
        while busy and time.monotonic() < deadline:
            time.sleep(0.2)
            self.flush()
            busy = self.busy()
        time.sleep(SETTLE_SECONDS)
        self.flush()
        delivered = self.arrivals - before
        if busy:
            self.print_line(f"(still running after {WAIT_LIMIT_SECONDS:.0f} s: "
                            f"{', '.join(record.workflow_id for record in busy)}; see .parley/logs/workflows.log "
                            "and offline.log)")
        elif not delivered:
            self.print_line("(nothing new: every workflow waits for a person or a time, or is done)")
