"""One deadline per request, carried into every remote call the request makes.

Slack gives a request 3 s, the Lambda its timeout. A budget per call (SSM, DynamoDB, SQS, credentials, a
Slack Web API call) adds up past both; one instant by which the whole request must be done does not. A
deadline is a `time.monotonic()` instant (a float: the ack path can afford nothing more).
Standard library only, and not even `typing`: the lean clients import it.
"""

from __future__ import annotations

# A remote call's attempt is not started with less time than this left: it could not finish, and a write whose
# answer nobody waits for only makes a duplicate later
MIN_ATTEMPT_TIME = 0.1
