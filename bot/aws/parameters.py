"""SSM parameters the worker, the Lex hook and the OAuth function read (the Slack bot token, the client secret, the
caller key), decrypted and cached in the process for a few minutes.

Powertools' `parameters` did this through boto3, whose import alone cost the worker's cold start ~250 ms for one
GetParameter; this reads them with Parley's own SSM client (`bot.aws.ssm`). A rotated secret is seen within
`max_age` seconds. Failures raise AwsCallFailed (the caller's job fails and is retried); nothing is cached then.
"""

from __future__ import annotations

import threading
import time

from bot.aws.ssm import SsmClient

_lock = threading.Lock()
_cache: dict[tuple[str | None, str | None, str], tuple[str, float]] = {}
_clients: dict[tuple[str | None, str | None, str | None], SsmClient] = {}


def get_parameter(name: str, *, max_age: float, region: str | None = None, endpoint_url: str | None = None,
                  stage: str | None = None) -> str:
    """The SecureString (or String) parameter `name`, fetched at most once per `max_age` seconds per process."""
    key = (region, endpoint_url, name)
    now = time.monotonic()
    with _lock:
        cached = _cache.get(key)
    if cached is not None and now - cached[1] < max_age:
        return cached[0]
    value = _client(region, endpoint_url, stage).get_parameter(name)
    with _lock:
        _cache[key] = (value, now)
    return value


def forget() -> None:
    """Drop every cached value (tests; a secret known to be rotated)."""
    with _lock:
        _cache.clear()


def _client(region: str | None, endpoint_url: str | None, stage: str | None) -> SsmClient:
    place = (region, endpoint_url, stage)
    with _lock:
        if place not in _clients:
            _clients[place] = SsmClient(region=region, endpoint_url=endpoint_url, stage=stage)
        return _clients[place]
