"""One deadline per request, carried into every remote call the request makes.

Slack gives a request 3 s, the Lambda its timeout. A budget per call (SSM, DynamoDB, SQS, credentials, a
Slack Web API call) adds up past both; one instant by which the whole request must be done does not. A
deadline is a `time.monotonic()` instant (a float: the ack path can afford nothing more), set when the
request arrives and brought forward when the Lambda invocation has less time left than the budget.
Standard library only, and not even `typing`: the lean clients import it.
"""

from __future__ import annotations

import time

# Kept back from the invocation's remaining time, so the handler can still answer (and log) before Lambda ends it
LAMBDA_MARGIN_SECONDS = 0.2
# A remote call's attempt is not started with less time than this left: it could not finish, and a write whose
# answer nobody waits for only makes a duplicate later
MIN_ATTEMPT_TIME = 0.1


def deadline_after(seconds: float, context: object = None) -> float:
    """The instant `seconds` from now, or sooner when the Lambda `context` says the invocation ends before it."""
    now = time.monotonic()
    budget = seconds
    remaining_ms = getattr(context, "get_remaining_time_in_millis", None)  # tests may pass None, or no Lambda's
    if callable(remaining_ms):
        budget = min(budget, remaining_ms() / 1000 - LAMBDA_MARGIN_SECONDS)
    return now + max(budget, 0.0)


def time_left(deadline: float) -> float:
    """Seconds until `deadline` (negative once it has passed)."""
    return deadline - time.monotonic()
