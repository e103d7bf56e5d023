"""Where a queued job's conversation is: the dialog key of a direct message, so its claim can read the dialog.

A direct message is the one job where a dialog may be waiting and nothing else says whether one is: the worker
claims it on the conversation's dialog item (`bot.stores.claims`), whose one write returns the dialog too. The key
comes from the same function the DM listener builds its turn with (`turn_from_event`), so the two agree; should they
ever not, the engine sees that the dialog it was given is another key's and reads its own (`Turn.known_dialog`).
"""

from __future__ import annotations

from bot.channels.slack.turns import turn_from_event
from bot.queue.job import Job


def dm_dialog_key(job: Job) -> str | None:
    """The dialog key a person's direct message is answered under; None for every other job."""
    if job.slack is None or not job.slack.content_type.lower().startswith("application/json"):
        return None
    body = job.slack.parsed_body()
    event = body.get("event")
    if body.get("type") != "event_callback" or not isinstance(event, dict):
        return None
    if (event.get("type") != "message" or event.get("channel_type") != "im" or event.get("subtype")
            or event.get("bot_id") or not event.get("user") or not event.get("channel")):
        return None
    return turn_from_event(event, None, body).dialog_key
