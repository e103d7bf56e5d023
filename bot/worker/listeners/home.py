"""The App Home tab: when someone opens it, publish a Home view built from the intents, for them.

The intents that offer a view of someone's own things (`home=True`) are run for the person opening the tab, as if
they had asked; one that fails shows a polite line in its place, never a traceback, and the rest of the view is
still published. Publishing is idempotent (views.publish replaces the person's Home view), so a job run again
after a killed worker only publishes the same view again. The Home's buttons open forms at the ingress
(`bot.ingress.interactive`), not here: a trigger_id lives 3 s, longer than a queued job may wait.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.channels.slack.home import Panel, home_view
from bot.channels.slack.surface import HOME_OPENED_EVENT
from bot.channels.slack.turns import slack_person
from bot.conversation.engine import Engine
from bot.conversation.help import shown, title
from bot.conversation.intent import Intent
from bot.conversation.turn import Turn

log = Logger(child=True)

HOME_TAB = "home"
PANEL_FAILED = "Sorry, I couldn't load this just now. Open the Home tab again in a moment."


def register(app: App, engine: Engine) -> None:
    """`app_home_opened` on the Home tab (the Messages tab opens a DM, which needs nothing from us)."""

    @app.event(HOME_OPENED_EVENT)
    def on_home_opened(event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if event.get("tab") != HOME_TAB or not event.get("user"):
            return
        turn = home_turn(event, body, context.get("correlation_id"))
        view = home_view(shown(engine.registry), panels(engine, turn))
        client.views_publish(user_id=turn.user_id, view=view)
        log.info("home published", extra={"blocks": len(view["blocks"])})


def home_turn(event: dict[str, Any], body: dict[str, Any], correlation_id: str | None) -> Turn:
    """The person opening the Home tab, as a turn with nothing said: what `home=True` intents run for."""
    person = slack_person(event.get("user"), body.get("team_id") or (event.get("view") or {}).get("team_id"),
                          body.get("enterprise_id"))
    return Turn(text="", via="slack", person=person, conversation_id=event.get("channel") or "",
                correlation_id=correlation_id)


def panels(engine: Engine, turn: Turn) -> list[Panel]:
    return [_panel(engine, intent, turn) for intent in engine.registry if intent.home]


def _panel(engine: Engine, intent: Intent, turn: Turn) -> Panel:
    try:
        reply = engine.work.run(intent, turn)
    except Exception:  # one panel failing must not cost the person the whole Home tab
        log.exception("home panel failed", extra={"intent": intent.name})
        return Panel(title(intent), PANEL_FAILED)
    return Panel(title(intent), reply.text)
