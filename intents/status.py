"""How is the long job I asked for going? (Voice callers hang up before slow work ends.)"""

from __future__ import annotations

import time

from bot.conversation import Reply, Turn, intent
from bot.stores.jobs import JobStore


@intent(
    "status",
    title="Check on a long job",
    description="Tell how the long job you asked for is going.",
    examples=["status", "what is the status", "is it done", "how is it going", "is my job done",
              "how is my job going", "any news on my job", "how far along is it", "what is happening with my job",
              "how long will it take", "are you done", "are you still working on it", "is it ready",
              "is it still running"],
    synonyms={"status": ("progress", "update", "news"), "job": ("request", "count", "result"),
              "going": ("coming along", "coming", "progressing", "getting on", "running")},
)
def status(turn: Turn, jobs: JobStore) -> Reply:
    latest = jobs.latest(turn.person.key)
    if latest is None:
        return Reply("Nothing of yours is running right now.")
    if latest.status == "running":
        took = max(0, int(time.time()) - latest.started_at)
        return Reply(f"I'm still working on it ({took} s so far). Ask me again in a moment.")
    if not latest.told:
        jobs.mark_told(turn.person.key, latest.job_id)
    if latest.status == "failed":
        return Reply("Your last request could not be finished, sorry.")
    return Reply(f"It's done. {latest.text}")
