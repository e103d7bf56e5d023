"""The job envelope the ingress puts on SQS, written with the standard library.

Version 1 carries either a Slack request as the ingress received it (raw body, content type and the
headers Bolt and retries care about), so the worker can hand Slack's own bytes to Bolt, or a slow
intent asked for through Lex (the intent and its slot values, and who to tell). The worker
reads it with `bot.queue.job`; a round-trip test keeps the two in step.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping

ENVELOPE_VERSION = 1

# The headers worth carrying: Bolt reads the content type and Slack's retry headers tell a retry apart.
SLACK_HEADERS = (
    "content-type",
    "x-slack-request-timestamp",
    "x-slack-signature",
    "x-slack-retry-num",
    "x-slack-retry-reason",
)


def slack_job(correlation_id: str, body: bytes, headers: Mapping[str, str], received_at: float | None = None,
              dedup_key: str | None = None) -> str:
    """The JSON text of a job for one Slack request; `headers` must have lower-case names.

    `dedup_key` is what makes two deliveries the same request, `<workspace key>:<event_id or trigger_id>`
    (`bot.stores.markers.dedup_key`): the job's claim, which is also the ingress's dedup marker, uses it, so they are
    scoped to the workspace. Absent, the correlation id stands in."""
    return json.dumps(
        {
            "version": ENVELOPE_VERSION,
            "id": correlation_id,
            "dedup_key": dedup_key or correlation_id,
            "source": "slack",
            "received_at": time.time() if received_at is None else received_at,
            "slack": {
                "body": body.decode("utf-8"),
                "headers": {name: headers[name] for name in SLACK_HEADERS if name in headers},
            },
        },
        ensure_ascii=False,  # keeps non-English text at its UTF-8 size against SQS's limit
        separators=(",", ":"),
    )


def lex_job(job_id: str, intent: str, slots: Mapping[str, str], *, session_id: str, owner: Mapping[str, str],
            workspace: str, received_at: float | None = None) -> str:
    """The JSON text of a job for a slow intent asked for through Lex: the caller hears the result later."""
    return json.dumps(
        {
            "version": ENVELOPE_VERSION,
            "id": job_id,
            "dedup_key": job_id,
            "source": "lex",
            "received_at": time.time() if received_at is None else received_at,
            "lex": {"intent": intent, "slots": dict(slots), "session_id": session_id, "owner": dict(owner),
                    "workspace": workspace},
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
