"""Running an intent: its services given to it, heavy work counted and recorded.

Every intent run goes through `Work.run`, whichever channel the turn came by:
- the handler gets the services it asked for by name (the stores, the registry);
- a `slow` intent (seconds of CPU) is admitted only within a rate per person (a polite refusal beyond it: a Slack
  user must not be able to queue minutes of work), and recorded in the job store while it runs and when it ends,
  so `status` can say what is running and a voice caller can hear the outcome on their next turn.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping

from aws_lambda_powertools import Logger

from bot.conversation.intent import Intent
from bot.conversation.registry import Registry
from bot.conversation.reply import Reply
from bot.conversation.turn import Turn
from bot.stores.bundle import Stores
from bot.stores.keys import record_key

# Heavy work a person may ask for per minute, across every channel and sandbox
SLOW_PER_MINUTE = int(os.environ.get("PARLEY_SLOW_PER_MINUTE", "5"))
log = Logger(child=True)
TOO_MUCH = ("You've asked me for a lot of heavy work in the last minute. Please wait a moment, then ask again.")


class MissingServices(ValueError):
    """Some intent asks for a service the engine was not given: found at start, not on a user's turn."""


def services_of(registry: Registry, stores: Stores) -> dict[str, object]:
    return {"tickets": stores.tickets, "jobs": stores.jobs, "links": stores.links, "limits": stores.limits,
            "workflows": stores.workflows, "registry": registry}


class Work:
    def __init__(self, registry: Registry, stores: Stores, services: Mapping[str, object] | None = None) -> None:
        self.stores = stores
        self.services = dict(services) if services is not None else services_of(registry, stores)
        missing = {need: names for need, names in registry.needs().items() if need not in self.services}
        if missing:
            said = "; ".join(f"{need} (asked for by {', '.join(names)})" for need, names in sorted(missing.items()))
            raise MissingServices(f"no such service for the intents: {said}")

    def admit(self, intent: Intent, turn: Turn) -> Reply | None:
        """None when the intent may run now; else the polite refusal to say instead."""
        if not intent.slow:
            return None
        if self.stores.limits.allow(record_key(turn.person.key, "slow"), SLOW_PER_MINUTE, 60):
            return None
        return Reply(TOO_MUCH)

    def run(self, intent: Intent, turn: Turn, *, job_id: str | None = None, tell_later: bool = False) -> Reply:
        """The intent's reply to the turn (its slots already parsed into `turn.slots`).

        `job_id` names slow work that was admitted and queued earlier (the Lex path): it is not counted again.
        `tell_later`: nobody waits for this reply on the line, so the job store keeps it until it is told.
        """
        if job_id is None:
            refusal = self.admit(intent, turn)
            if refusal is not None:
                return refusal
        if not intent.slow:
            return self._timed(intent, turn)
        job_id = job_id or turn.correlation_id or "job-" + os.urandom(8).hex()
        owner = turn.person.key
        self.stores.jobs.start(owner, job_id, via=turn.via, intent=intent.name)
        try:
            reply = self._timed(intent, turn)
        except Exception:
            self.stores.jobs.finish(owner, job_id, "failed", "", told=not tell_later)
            raise
        self.stores.jobs.finish(owner, job_id, "done", reply.text, told=not tell_later)
        return reply

    def _timed(self, intent: Intent, turn: Turn) -> Reply:
        """The intent's run, logged as one step of the message's trace ("intent ran": which, how long, whether it
        raised; never its slot values or reply, which hold what people typed)."""
        started, ok = time.perf_counter(), False
        try:
            reply = intent.run(turn, self.services)
            ok = True
            return reply
        finally:
            log.info("intent ran", extra={"intent": intent.name, "via": turn.via, "ok": ok,
                                          "elapsed_ms": round((time.perf_counter() - started) * 1000, 2)})
