"""slack_sdk's retry handlers, counted: every Web API retry and every 429 becomes a metric.

slack_sdk retries a connection error and a 429 (after its Retry-After) inside the call, so neither reaches Parley's
code; these subclasses of its own handlers keep its behaviour and count what they saw (`WebApiRetries` by cause,
`WebApiRateLimited`). slack_sdk asks each handler in turn whether it retries a failed call, so a 429 is counted by
the rate-limit handler alone.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.observability.emit import Emitter
from bot.observability.metrics import WEB_API_RATE_LIMITED, WEB_API_RETRIES


class CountedConnectionRetries(ConnectionErrorRetryHandler):
    def __init__(self, metrics: Emitter, max_retry_count: int) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.metrics = metrics

    def can_retry(self, **kwargs: Any) -> bool:
        retrying = super().can_retry(**kwargs)
        if retrying:
            self.metrics.put({WEB_API_RETRIES: 1}, cause="connection")
        return retrying


class CountedRateLimitRetries(RateLimitErrorRetryHandler):
    def __init__(self, metrics: Emitter, max_retry_count: int) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.metrics = metrics

    def can_retry(self, **kwargs: Any) -> bool:
        retrying = super().can_retry(**kwargs)
        response = kwargs.get("response")
        if response is not None and response.status_code == 429:
            self.metrics.put({WEB_API_RATE_LIMITED: 1})
            if retrying:
                self.metrics.put({WEB_API_RETRIES: 1}, cause="rate_limited")
        return retrying
