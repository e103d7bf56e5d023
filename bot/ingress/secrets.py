"""The Slack secrets on the ack path: from SSM Parameter Store in AWS, from the environment locally.

Read when first needed, then kept for five minutes, as Powertools parameters caches them in the
worker (`max_age`), so a rotated secret is picked up without a deploy. Powertools itself is not used
here: it brings boto3, ~200 ms of cold start the 3 s Slack ack cannot afford.
"""

from __future__ import annotations

import time

from bot.aws.ssm import SsmClient
from bot.ingress.config import IngressConfig

MAX_AGE_SECONDS = 300.0


class Secrets:
    def __init__(self, config: IngressConfig, ssm: SsmClient, max_age: float = MAX_AGE_SECONDS) -> None:
        self.config = config
        self.ssm = ssm
        self.max_age = max_age
        self._cache: dict[str, tuple[float, str]] = {}

    def __repr__(self) -> str:  # never the values
        return f"Secrets(signing_secret_param={self.config.signing_secret_param!r})"

    def signing_secret(self) -> str:
        return self._get(self.config.signing_secret_param, self.config.signing_secret)

    def bot_token(self) -> str:
        return self._get(self.config.bot_token_param, self.config.bot_token)

    def _get(self, parameter: str | None, value: str) -> str:
        """The parameter's value when one is named (AwsCallFailed when SSM cannot give it), else `value`."""
        if not parameter:
            return value
        cached = self._cache.get(parameter)
        if cached and time.monotonic() - cached[0] < self.max_age:
            return cached[1]
        fresh = self.ssm.get_parameter(parameter)
        self._cache[parameter] = (time.monotonic(), fresh)
        return fresh
