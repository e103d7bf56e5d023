"""Modelled time: workflows say "remind after 4 hours"; a local stage may let an hour pass in a second.

A workflow waits in hours and days, as people do. In AWS an hour is an hour. On a local stage
(`PARLEY_WORKFLOW_SECONDS_PER_HOUR`, set by the local stack: 1 for `make run`, less in tests) it is shortened, so
an approval's reminder, escalation and expiry can be watched in a minute, and tested without sleeping for days.
The engine never waits less than a second (Lambda durable functions' minimum wait).
"""

from __future__ import annotations

import os

SECONDS_PER_HOUR = 3600.0
MINIMUM_SECONDS = 1


def seconds_per_hour() -> float:
    value = os.environ.get("PARLEY_WORKFLOW_SECONDS_PER_HOUR")
    try:
        return float(value) if value else SECONDS_PER_HOUR
    except ValueError:
        return SECONDS_PER_HOUR


def engine_seconds(hours: float) -> int:
    """How many seconds the engine waits for `hours` of modelled time."""
    return max(MINIMUM_SECONDS, round(hours * seconds_per_hour()))
