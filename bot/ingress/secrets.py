"""The Slack secrets on the ack path: from SSM Parameter Store in AWS, from the environment locally.

Read when first needed, then kept for five minutes, as Powertools parameters caches them in the
worker (`max_age`), so a rotated secret is picked up without a deploy. Powertools itself is not used
here: it brings boto3, ~200 ms of cold start the 3 s Slack ack cannot afford.

Failure policy: SSM failing is remembered for a few seconds (`FAILURE_TTL_SECONDS`), and requests meanwhile
get the same failure (the ingress answers 503, so Slack retries) without another call: a burst of requests
while SSM is down or throttling costs one call, not one each. One fetch at a time per sandbox: a request
that finds a fetch under way waits for it (within its deadline) and shares its outcome.
"""

from __future__ import annotations

import time
from _thread import allocate_lock

from bot.aws.errors import AwsCallFailed
from bot.aws.ssm import SsmClient
from bot.ingress.config import IngressConfig

MAX_AGE_SECONDS = 300.0
FAILURE_TTL_SECONDS = 5.0


class Secrets:
    def __init__(self, config: IngressConfig, ssm: SsmClient, max_age: float = MAX_AGE_SECONDS,
                 failure_ttl: float = FAILURE_TTL_SECONDS) -> None:
        self.config = config
        self.ssm = ssm
        self.max_age = max_age
        self.failure_ttl = failure_ttl
        self._cache: dict[str, tuple[float, str]] = {}  # parameter -> (fetched at, value)
        self._failures: dict[str, tuple[float, AwsCallFailed]] = {}  # parameter -> (failed at, why)
        self._fetching = allocate_lock()

    def __repr__(self) -> str:  # never the values
        return f"Secrets(signing_secret_param={self.config.signing_secret_param!r})"

    def signing_secret(self, deadline: float | None = None) -> str:
        return self._get(self.config.signing_secret_param, self.config.signing_secret, deadline)

    def bot_token(self, deadline: float | None = None) -> str:
        return self._get(self.config.bot_token_param, self.config.bot_token, deadline)

    def _get(self, parameter: str | None, value: str, deadline: float | None) -> str:
        """The parameter's value when one is named (AwsCallFailed when SSM cannot give it), else `value`."""
        if not parameter:
            return value
        known = self._known(parameter)
        if known is not None:
            return known
        wait = -1 if deadline is None else max(deadline - time.monotonic(), 0.0)
        if not self._fetching.acquire(timeout=wait):
            raise AwsCallFailed("DeadlineExceeded", "another request's fetch of the secret outlasted this one's "
                                "deadline", operation="SSM GetParameter")
        try:
            known = self._known(parameter)  # what the fetch this request waited for found
            if known is not None:
                return known
            try:
                fresh = self.ssm.get_parameter(parameter, deadline=deadline)
            except AwsCallFailed as error:
                self._failures[parameter] = (time.monotonic(), error)
                raise
            self._failures.pop(parameter, None)
            self._cache[parameter] = (time.monotonic(), fresh)
            return fresh
        finally:
            self._fetching.release()

    def _known(self, parameter: str) -> str | None:
        """The cached value while it is fresh; raises the cached failure while that is; else None."""
        now = time.monotonic()
        cached = self._cache.get(parameter)
        if cached and now - cached[0] < self.max_age:
            return cached[1]
        failed = self._failures.get(parameter)
        if failed and now - failed[0] < self.failure_ttl:
            raise failed[1].with_traceback(None)  # a fresh traceback each time, not a growing one
        return None
