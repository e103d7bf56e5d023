"""Slack assistant threads: the context each one was opened or last moved in (the channel the person views), and
whether it has its title yet. One record per thread, keyed by workspace, then the DM channel and the thread's ts.

Bolt's default context store keeps the context in message metadata: it reads `conversations.replies` and rewrites
the bot's first reply with `chat.update` on every context change, and reads the thread again on every message. That is
two Web API calls on the hot path, a race with the greeting (no bot reply yet when the first change arrives), and a
key without the workspace. This store is a record beside the dialogs instead (the dialogs table, its TTL: a thread's
context matters as long as its dialogs do); its keys never collide with a dialog's, whose second part is a channel id
and never `assistant`.
"""

from __future__ import annotations

from typing import Any

from bot.stores.dialogs import DialogStore
from bot.stores.keys import record_key

KIND = "assistant"
CONTEXT_FIELDS = ("channel_id", "team_id", "enterprise_id")  # what Slack's context holds; nothing else is kept


class AssistantThreads:
    def __init__(self, records: DialogStore) -> None:
        self.records = records

    @staticmethod
    def key(workspace: str, channel: str, thread_ts: str) -> str:
        return record_key(workspace, KIND, channel, thread_ts)

    def load(self, workspace: str, channel: str, thread_ts: str) -> dict[str, Any]:
        """The thread's record (`context`, `titled`); empty for a thread never seen (or forgotten by the TTL)."""
        return self.records.load(self.key(workspace, channel, thread_ts)) or {}

    def save_context(self, workspace: str, channel: str, thread_ts: str, context: object) -> dict[str, str]:
        """Keep the thread's new context (only Slack's own fields, as text); returns what was kept."""
        kept = {name: value for name in CONTEXT_FIELDS
                if isinstance(context, dict) and isinstance(value := context.get(name), str) and value}
        record = self.load(workspace, channel, thread_ts)
        self.records.save(self.key(workspace, channel, thread_ts), {**record, "context": kept})
        return kept

    def mark_titled(self, workspace: str, channel: str, thread_ts: str) -> None:
        record = self.load(workspace, channel, thread_ts)
        self.records.save(self.key(workspace, channel, thread_ts), {**record, "titled": True})
