"""Workflows through the real local stack, as people meet them in Slack: one person asks, an approver finds the
question in their DM and presses its buttons, each is told what came of it.

Every request and click is a signed Slack request to the ingress; what the bot said is read from the stand-in's
record of its Web API calls; the workflows run in the durable-execution emulator (bot/local/durable.py).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

from bot.local.chat import Said, SlackChat
from bot.local.slack_events import block_actions
from bot.local.stack import LocalStack
from bot.local.standin.client import StandInClient
from bot.stores.workflows import WorkflowRecord

ANA, BO = "U0LOCALANA", "U0LOCALBO"  # the local stack's approvers
DMS = {ANA: "D0LOCALANA", BO: "D0LOCALBO"}


def someone() -> str:
    """A requester of their own, so a test reads only its own DMs."""
    return "U0WF" + os.urandom(4).hex().upper()


def posted_to(call: dict[str, Any], user: str) -> bool:
    """A chat.postMessage into `user`'s DM (the workflow names the user; the stand-in answers with the DM)."""
    args, response = call.get("args") or {}, call.get("response") or {}
    return (call.get("method") == "chat.postMessage" and bool(response.get("ok"))
            and (args.get("channel") == user or response.get("channel") == DMS.get(user, "-")))


@dataclass
class Slack:
    """People of the local Slack's first workspace, talking to the bot through the stack."""

    stack: LocalStack
    chat: SlackChat

    @property
    def standin(self) -> StandInClient:
        return self.chat.slack

    def seq(self) -> int:
        calls = self.standin.calls()
        return calls[-1]["seq"] if calls else 0

    def say(self, user: str, text: str) -> list[Said]:
        """`user` DMs the bot; its answer."""
        return self.chat.say_as(user, text)

    def dm(self, user: str, containing: str, *, after: int = 0, timeout: float = 60.0) -> dict[str, Any]:
        """The first message into `user`'s DM, after seq `after`, whose text has `containing`."""
        [call, *_] = self.standin.wait_for(lambda call: posted_to(call, user) and containing in call["args"]["text"],
                                           timeout=timeout, after=after)
        return call

    def dms(self, user: str, *, after: int = 0) -> list[str]:
        """The texts of every message into `user`'s DM after seq `after`."""
        return [call["args"]["text"] for call in self.standin.calls("chat.postMessage", after=after)
                if posted_to(call, user)]

    def press(self, user: str, call: dict[str, Any], label: str, *, timeout: float = 60.0) -> dict[str, Any]:
        """`user` presses the button `label` of a message the bot posted into their DM: what the bot answered
        through the press's response_url (`text`, `replace_original`, `response_type`)."""
        message = {"ts": call["response"]["ts"], "text": call["args"]["text"], "blocks": call["args"]["blocks"]}
        path = f"/response/wf-{os.urandom(6).hex()}"
        body = block_actions(message, label, channel=call["response"]["channel"], user=user,
                             response_url=self.stack.slack_url + path, ephemeral=False)
        status, _, answer = self.chat.send(body)
        assert status == 200, answer
        [answered, *_] = self.standin.wait_for(lambda each: each.get("path") == path, timeout=timeout)
        return dict(answered["args"])

    def choose(self, user: str, said: Said, label: str, *, timeout: float = 60.0) -> str:
        """`user` presses the button `label` of the bot's answer `said` (a choice in the conversation): the text
        of the bot's next post in that DM."""
        after = self.seq()
        body = block_actions(said.message, label, channel=said.channel, user=user,
                             response_url=f"{self.stack.slack_url}/response/wf-{os.urandom(6).hex()}", ephemeral=False)
        status, _, answer = self.chat.send(body)
        assert status == 200, answer
        [posted, *_] = self.standin.wait_for(lambda call: call.get("method") == "chat.postMessage"
                                             and call["args"].get("channel") == said.channel, timeout=timeout,
                                             after=after)
        return str(posted["args"]["text"])

    def record(self, user: str, name: str = "access_request") -> WorkflowRecord:
        """The workflow `user` started last (the workflows table, in moto)."""
        mine = [record for record in self.all_records() if record.requester.get("user_id") == user
                and record.name == name]
        assert mine, f"no {name} workflow of {user}"
        return max(mine, key=lambda record: record.started_at)

    def ended(self, user: str, name: str = "access_request", timeout: float = 30.0) -> WorkflowRecord:
        """`user`'s last workflow once it has ended (its last step records how, just after telling them)."""
        deadline = time.monotonic() + timeout
        while (record := self.record(user, name)).open and time.monotonic() < deadline:
            time.sleep(0.1)
        return record

    def all_records(self) -> list[WorkflowRecord]:
        store = self.stack.workflow_store()
        items = store.table.scan_prefix("workflow_id", "")
        return [record for item in items if (record := store.get(item["workspace"], item["workflow_id"]))]
