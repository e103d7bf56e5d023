"""The few settings the ack path needs, read from the environment with the standard library.

Same variable names, defaults and refusals as `bot.settings.Settings` (a unit test keeps them equal);
that module is not imported here because pydantic-settings alone costs ~200 ms of cold start.

Fail closed: the local signing secret and token apply on local stages only, and so do plain-http AWS
endpoints (`bot.defaults`). Where a stage lacks what it needs, `problems` says so, and the ingress
answers every request 503 "misconfigured" with a log line that names what to set, rather than serving
with a secret anyone can read in this repository.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from bot import defaults


class IngressConfig:
    __slots__ = ("bot_token", "bot_token_param", "dedup_table", "installations_table", "max_body_bytes", "problems",
                 "queue_url", "signing_secret", "signing_secret_param", "slack_api_url", "slack_mode", "stage")

    def __init__(self, signing_secret: str, queue_url: str, max_body_bytes: int, stage: str, *,
                 dedup_table: str = "", bot_token: str = "", slack_api_url: str = defaults.SLACK_API_URL,
                 signing_secret_param: str | None = None, bot_token_param: str | None = None,
                 problems: tuple[str, ...] = (), slack_mode: str = "single", installations_table: str = "") -> None:
        # A secret's SSM parameter name, when set, wins over its value (bot.ingress.secrets reads it)
        self.signing_secret = signing_secret
        self.signing_secret_param = signing_secret_param
        self.bot_token_param = bot_token_param
        self.queue_url = queue_url
        self.max_body_bytes = max_body_bytes
        self.stage = stage
        self.dedup_table = dedup_table or defaults.table_name(stage, "dedup")
        # for the forms that shortcuts open at once (views.open); events and commands never use them
        self.bot_token = bot_token
        self.slack_api_url = slack_api_url
        self.problems = problems  # why this configuration cannot serve (empty when it can)
        # oauth: each workspace's bot token is its installation's (bot.ingress.installations), not the one above
        self.slack_mode = slack_mode
        self.installations_table = installations_table or defaults.table_name(stage, "installations")

    def __repr__(self) -> str:  # the secrets stay out of any log line or traceback
        return (f"IngressConfig(stage={self.stage!r}, queue_url={self.queue_url!r}, "
                f"max_body_bytes={self.max_body_bytes}, dedup_table={self.dedup_table!r})")

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> IngressConfig:
        """The stage's configuration; a stage without its secrets, or with a plain-http AWS endpoint outside a
        local stage, gets `problems` (and never the local secrets). No queue: ValueError."""
        stage = env.get("PARLEY_STAGE", defaults.DEFAULT_STAGE)
        local = defaults.is_local_stage(stage)
        queue_name = env.get("PARLEY_QUEUE_NAME") or defaults.jobs_queue_name(stage)
        signing_secret_param = env.get("SLACK_SIGNING_SECRET_PARAM") or None
        bot_token_param = env.get("SLACK_BOT_TOKEN_PARAM") or None
        signing_secret = env.get("SLACK_SIGNING_SECRET") or (defaults.LOCAL_SIGNING_SECRET if local else "")
        bot_token = env.get("SLACK_BOT_TOKEN") or (defaults.LOCAL_BOT_TOKEN if local else "")
        slack_mode = env.get("PARLEY_SLACK_MODE") or "single"
        problems = [problem for problem in (
            defaults.secret_problem(stage, "SLACK_SIGNING_SECRET", signing_secret_param, signing_secret),
            None if slack_mode == "oauth" else defaults.secret_problem(stage, "SLACK_BOT_TOKEN", bot_token_param,
                                                                        bot_token),
            None if slack_mode in ("single", "oauth") else f"PARLEY_SLACK_MODE is {slack_mode!r}: single or oauth",
            defaults.insecure_endpoint(stage, env.get("AWS_ENDPOINT_URL")),
        ) if problem]
        return cls(
            signing_secret=signing_secret,
            queue_url=defaults.queue_url(
                env.get("PARLEY_QUEUE_URL"),
                env.get("AWS_ENDPOINT_URL"),
                env.get("PARLEY_ACCOUNT_ID", defaults.LOCAL_ACCOUNT_ID),
                queue_name,
            ),
            max_body_bytes=int(env.get("PARLEY_MAX_BODY_BYTES", defaults.DEFAULT_MAX_BODY_BYTES)),
            stage=stage,
            dedup_table=env.get("PARLEY_DEDUP_TABLE", ""),
            bot_token=bot_token,
            slack_api_url=env.get("SLACK_API_URL", defaults.SLACK_API_URL),
            signing_secret_param=signing_secret_param,
            bot_token_param=bot_token_param,
            problems=tuple(problems),
            slack_mode=slack_mode,
            installations_table=env.get("PARLEY_INSTALLATIONS_TABLE", ""),
        )
