"""The worker's Bolt listeners, a module per Slack surface, each with `register(app, engine)`.

`register_listeners` is the one place that lists them, so the manifest test can check that every event the code
handles is subscribed and every subscribed event handled.
"""

from __future__ import annotations

from slack_bolt import App

from bot.conversation.engine import Engine
from bot.worker.listeners import assistant, conversation, feedback, home, steps, workflows


def register_listeners(app: App, engine: Engine) -> None:
    assistant.register(app, engine)  # before the DM listener: Bolt's Assistant takes assistant-thread messages
    conversation.register(app, engine)
    feedback.register(app, engine)
    home.register(app, engine)
    steps.register(app, engine)
    workflows.register(app, engine)
