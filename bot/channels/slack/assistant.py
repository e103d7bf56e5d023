"""Slack's assistant threads (the "Agents & AI apps" split view), made from the intents.

A thread opens with a greeting and suggested prompts: the intents help names (none hidden), each as its title and
its first example, as a person would type it. Slack shows up to four, and the ones people use most come first (the
intents their authors gave the most examples, as the fallback offers them). While a job works, the thread shows a
status; the answer, posted in the thread, clears it (Slack does that), and carries the feedback buttons.
"""

from __future__ import annotations

from bot.channels.slack.replies import Replies
from bot.conversation.help import example_text, shown, title
from bot.conversation.registry import Registry
from bot.conversation.reply import Reply
from bot.text import truncate

MAX_PROMPTS = 4  # assistant.threads.setSuggestedPrompts: "up to four suggested prompts"
# Our limits (Slack documents none): a prompt's title fits the split view's chip, its message one line
MAX_PROMPT_TITLE = 75
MAX_PROMPT_MESSAGE = 300
MAX_THREAD_TITLE = 255
PROMPTS_TITLE = "Try one of these"
THINKING = "is thinking…"
GREETING = Reply("Hi, I'm Parley. Ask me anything I can do here, or pick a suggestion below. "
                 "Say `help` to see everything.")


def suggested_prompts(registry: Registry) -> list[dict[str, str]]:
    """Up to four prompts (`title`, `message`), from the intents people are shown, the most exemplified first."""
    offered = sorted(shown(registry), key=lambda intent: -len(intent.examples))[:MAX_PROMPTS]
    return [{"title": truncate(title(intent), MAX_PROMPT_TITLE),
             "message": truncate(example_text(intent, intent.examples[0]), MAX_PROMPT_MESSAGE)}
            for intent in offered]


def thread_title(text: str) -> str:
    """A thread's title (the first intent it ran), within what Slack's list of threads can show."""
    return truncate(" ".join(text.split()), MAX_THREAD_TITLE)


class AssistantReplies:
    """Replies in an assistant thread: the thread's own replies (streamed when the answer has progress), answers with
    feedback buttons, and whether anything was posted (a post clears the thread's status; without one the status must
    be cleared by hand)."""

    asks_feedback = True

    def __init__(self, inner: Replies) -> None:
        self.inner = inner
        self.posted = False

    def progress(self, text: str) -> None:
        self.inner.progress(text)
        self.posted = True  # the first progress always posts (a message, or a stream's start)

    def send(self, reply: Reply, *, public: bool = False, waits: bool = False, feedback: str | None = None) -> None:
        self.inner.send(reply, public=public, waits=waits, feedback=feedback)
        self.posted = True
