"""How a workflow reaches people in Slack: a DM with optional buttons, through the Web API (slack_sdk).

The workflows function has no Bolt app and no request to answer: it posts with the bot token of the workspace the
person is in (the stage's token in single mode, from SSM Parameter Store; the workspace's installation in oauth
mode, which the worker keeps refreshed). A failing call raises: the flow's step retries it by its policy. Text is
rendered as the conversation renders it: what people typed (a system's name, a task) arrives escaped by the
workflow (bot.text.escape), mentions and bold are ours.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

from slack_sdk import WebClient

from bot.stores.keys import parse_workspace_key

TokenSource = Callable[[str], str]  # workspace key -> bot token


def blocks_for(text: str, buttons: Sequence[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """A section with the text and, when there are buttons, an actions block (label, action id, value)."""
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}]
    if buttons:
        elements = []
        for index, (label, action, value) in enumerate(buttons):
            button: dict[str, Any] = {"type": "button", "text": {"type": "plain_text", "text": label[:75]},
                                      "action_id": f"{action}:{index}", "value": value[:2000]}
            if index == 0 and label.lower().startswith(("approve", "yes")):
                button["style"] = "primary"
            elif label.lower().startswith(("deny", "cancel")):
                button["style"] = "danger"
            elements.append(button)
        blocks.append({"type": "actions", "elements": elements})
    return blocks


class SlackMessenger:
    def __init__(self, tokens: TokenSource, base_url: str | None = None) -> None:
        self.tokens = tokens
        self.base_url = base_url or os.environ.get("SLACK_API_URL") or "https://slack.com/api/"
        self._clients: dict[str, WebClient] = {}

    def to_user(self, team: str, user: str, text: str, buttons: Sequence[tuple[str, str, str]] = ()) -> None:
        client = self._client(self.tokens(team))
        # Slack takes a user id as the channel and posts into the app's DM with that person
        client.chat_postMessage(channel=user, text=text[:3000], blocks=blocks_for(text, buttons))

    def _client(self, token: str) -> WebClient:
        client = self._clients.get(token)
        if client is None:
            base = self.base_url if self.base_url.endswith("/") else self.base_url + "/"
            client = self._clients[token] = WebClient(token=token, base_url=base)
        return client


def team_of(workspace: str) -> tuple[str | None, str | None]:
    """(enterprise id, team id) of a Slack workspace key."""
    _, enterprise, team = parse_workspace_key(workspace)
    return enterprise, team
