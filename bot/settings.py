"""Parley's settings: one typed place for every knob, read from the environment.

Environment variables override every default, `make run` included. Locally the defaults describe the
`local` stage (moto server, the Slack stand-in, serverless offline on 127.0.0.1); in AWS the
stage's serverless.yml params set the names and URLs.

Fail closed: the local signing secret and bot token apply on local stages only (`local`, `local-<name>`),
and so do plain-http AWS endpoints. Building the settings of any other stage that lacks a secret (its SSM
parameter's name or an explicit value) or points at a plain-http endpoint raises a SettingsError that
says what to set: the worker and the Lex hook then fail at start instead of serving with a secret anyone
can read in this repository.

Read with `bot.environment` (the standard library), not pydantic-settings, whose import and first model cost the
worker's cold start about a fifth. The ingress does not import this module all the same (its import and the
Slack surface it needs are more than the 3-second Slack ack should carry). It reads the few values it needs through
`bot.ingress.config`, which uses the same variable names and defaults (a unit test keeps them equal).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from bot import defaults
from bot.channels.slack.surface import OAUTH_REDIRECT_PATH
from bot.environment import EnvSettings, Secret, SettingsError, env

SECRET_MAX_AGE_SECONDS = 300


class Settings(EnvSettings):
    """Every knob, read from the environment (`bot.environment`: names, kinds, and errors that never quote a value)."""

    stage: str = env("PARLEY_STAGE", default=defaults.DEFAULT_STAGE)
    # Log what people said that nothing understood, redacted (`make misses`); unset: on for local stages only. The
    # engine reads the variable itself (bot.observability.misses.misses_logged); this field documents and checks it.
    log_misses: bool | None = env("PARLEY_LOG_MISSES", default=None, kind="flag", optional=True)

    # Slack
    # Empty means unset: the local values on a local stage, an error on any other (`_fail_closed`)
    signing_secret: Secret = env("SLACK_SIGNING_SECRET", default="", kind="secret")
    bot_token: Secret = env("SLACK_BOT_TOKEN", default="", kind="secret")
    # In AWS the secrets live in SSM Parameter Store: these name the parameters (never the values)
    signing_secret_param: str | None = env("SLACK_SIGNING_SECRET_PARAM", default=None, optional=True)
    bot_token_param: str | None = env("SLACK_BOT_TOKEN_PARAM", default=None, optional=True)
    slack_api_url: str = env("SLACK_API_URL", default=defaults.SLACK_API_URL)
    # `single`: one workspace, its bot token in SSM; `oauth`: installed through OAuth into any number of workspaces,
    # each installation's token in the installations table (then the app's client id and secret are needed instead)
    slack_mode: str = env("PARLEY_SLACK_MODE", default="single", kind="choice", choices=("single", "oauth"))
    slack_client_id: str = env("SLACK_CLIENT_ID", default="")
    client_secret: Secret = env("SLACK_CLIENT_SECRET", default="", kind="secret")
    client_secret_param: str | None = env("SLACK_CLIENT_SECRET_PARAM", default=None, optional=True)
    # oauth mode, the oauth function: where Slack sends an installer back (the stage's API URL + /slack/oauth_redirect,
    # https); a local stage without one uses serverless offline's. A value that is not an http(s) URL (offline's
    # "[object Object]") counts as unset.
    oauth_redirect_url_setting: str | None = env("PARLEY_OAUTH_REDIRECT_URL", default=None, optional=True)
    # oauth mode: Slack's token rotation (bot tokens expire after 12 hours and are refreshed with a refresh token)
    token_rotation: bool = env("PARLEY_SLACK_TOKEN_ROTATION", default=False, kind="flag")
    # Lex: the key that signs caller assertions (bot.channels.lex.caller), or its SSM parameter's name; neither
    # set means no caller is verified (each is anonymous to their session until linked)
    lex_caller_key_value: Secret | None = env("PARLEY_LEX_CALLER_KEY", default=None, kind="secret", optional=True)
    lex_caller_key_param: str | None = env("PARLEY_LEX_CALLER_KEY_PARAM", default=None, optional=True)
    max_body_bytes: int = env("PARLEY_MAX_BODY_BYTES", default=defaults.DEFAULT_MAX_BODY_BYTES, kind="whole")
    # The jobs queue's maxReceiveCount (serverless.yml): a job failing its last receive is counted as dead-lettered
    max_receive_count: int = env("PARLEY_MAX_RECEIVE_COUNT", default=3, kind="whole")
    # The worker's timeout (serverless.yml sets it): how long a job's claim holds when no Lambda context says
    function_timeout_seconds: float = env("PARLEY_FUNCTION_TIMEOUT", default=60.0, kind="number")

    # AWS
    region: str = env("AWS_REGION", "AWS_DEFAULT_REGION", default=defaults.DEFAULT_REGION)
    aws_endpoint_url: str | None = env("AWS_ENDPOINT_URL", default=None, optional=True)
    account_id: str = env("PARLEY_ACCOUNT_ID", default=defaults.LOCAL_ACCOUNT_ID)
    queue_name: str | None = env("PARLEY_QUEUE_NAME", default=None, optional=True)
    queue_url_setting: str | None = env("PARLEY_QUEUE_URL", default=None, optional=True)
    # DynamoDB tables; empty means the stage's own (`parley-<stage>-<kind>`), as serverless.yml names them
    dedup_table: str = env("PARLEY_DEDUP_TABLE", default="")
    dialogs_table: str = env("PARLEY_DIALOGS_TABLE", default="")
    tickets_table: str = env("PARLEY_TICKETS_TABLE", default="")
    results_table: str = env("PARLEY_RESULTS_TABLE", default="")
    links_table: str = env("PARLEY_LINKS_TABLE", default="")
    limits_table: str = env("PARLEY_LIMITS_TABLE", default="")
    streams_table: str = env("PARLEY_STREAMS_TABLE", default="")
    installations_table: str = env("PARLEY_INSTALLATIONS_TABLE", default="")
    oauth_states_table: str = env("PARLEY_OAUTH_STATES_TABLE", default="")
    workflows_table: str = env("PARLEY_WORKFLOWS_TABLE", default="")
    # Workflows (bot/workflows/): the durable function to start them with (a qualified name or ARN in AWS); locally
    # the durable-execution emulator's URL, which starts them (PARLEY_WORKFLOWS_URL); who approves requests (Slack
    # user ids: the first is asked, the others are escalated to)
    workflows_function: str = env("PARLEY_WORKFLOWS_FUNCTION", default="")
    workflows_url: str = env("PARLEY_WORKFLOWS_URL", default="")
    approvers: str = env("PARLEY_APPROVERS", default="")
    approvers_team: str = env("PARLEY_APPROVERS_TEAM", default="")  # their Slack team (T…)
    # How long a dialog waits for its next turn before it is forgotten
    dialog_ttl_seconds: int = env("PARLEY_DIALOG_TTL_SECONDS", default=60 * 60, kind="whole")

    # The flight recorder (bot/observability/recorder.py): on/off; unset means on in the local stack only. Its file
    # (the local stack names one a run under .parley/recordings/); none means a log line a turn.
    flight_recorder: bool | None = env("PARLEY_FLIGHT_RECORDER", default=None, kind="flag", optional=True)
    recording_file: str = env("PARLEY_RECORDING_FILE", default="")

    # Local stack ports (all on 127.0.0.1)
    http_port: int = env("PARLEY_HTTP_PORT", default=3000, kind="whole")
    lambda_port: int = env("PARLEY_LAMBDA_PORT", default=3002, kind="whole")
    moto_port: int = env("PARLEY_MOTO_PORT", default=5000, kind="whole")
    slack_port: int = env("PARLEY_SLACK_PORT", default=3005, kind="whole")
    workflows_port: int = env("PARLEY_WORKFLOWS_PORT", default=3006, kind="whole")

    def after_read(self) -> None:
        self._fail_closed()
        self._stage_names()

    def _fail_closed(self) -> None:
        oauth = self.slack_mode == "oauth"
        problems = [problem for problem in (
            defaults.secret_problem(self.stage, "SLACK_SIGNING_SECRET", self.signing_secret_param,
                                    self.signing_secret.get_secret_value()),
            # one bot token in single mode; in oauth mode each installation has its own, and the app's secret is used
            None if oauth else defaults.secret_problem(self.stage, "SLACK_BOT_TOKEN", self.bot_token_param,
                                                       self.bot_token.get_secret_value()),
            defaults.secret_problem(self.stage, "SLACK_CLIENT_SECRET", self.client_secret_param,
                                    self.client_secret.get_secret_value()) if oauth else None,
            "oauth mode needs SLACK_CLIENT_ID" if oauth and not self.slack_client_id
            and not defaults.is_local_stage(self.stage) else None,
            defaults.insecure_endpoint(self.stage, self.aws_endpoint_url),
        ) if problem]
        if problems:
            raise SettingsError("refusing to serve: " + "; ".join(problems))
        if defaults.is_local_stage(self.stage):
            if not self.signing_secret.get_secret_value():
                self.signing_secret = Secret(defaults.LOCAL_SIGNING_SECRET)
            if not self.bot_token.get_secret_value():
                self.bot_token = Secret(defaults.LOCAL_BOT_TOKEN)
            if not self.client_secret.get_secret_value():
                self.client_secret = Secret(defaults.LOCAL_CLIENT_SECRET)
            if not self.slack_client_id:
                self.slack_client_id = defaults.LOCAL_CLIENT_ID

    def _stage_names(self) -> None:
        for kind in ("dedup", "dialogs", "tickets", "results", "links", "limits", "installations",
                     "oauth-states", "streams", "workflows"):
            attribute = kind.replace("-", "_") + "_table"
            if not getattr(self, attribute):
                setattr(self, attribute, defaults.table_name(self.stage, kind))

    @property
    def approver_ids(self) -> list[str]:
        return [each.strip() for each in self.approvers.split(",") if each.strip()]

    def slack_bot_token(self) -> str:
        """The bot token: the named SSM parameter's (cached five minutes), else the setting's value."""
        if not self.bot_token_param:
            return self.bot_token.get_secret_value()
        return self._parameter(self.bot_token_param)

    def slack_client_secret(self) -> str:
        """The app's client secret (oauth mode): the named SSM parameter's (cached five minutes), else the setting's."""
        if not self.client_secret_param:
            return self.client_secret.get_secret_value()
        return self._parameter(self.client_secret_param)

    def _parameter(self, name: str) -> str:
        """An SSM parameter's value, decrypted, cached five minutes (`bot.aws.parameters`: no boto3)."""
        from bot.aws.parameters import get_parameter

        return get_parameter(name, max_age=SECRET_MAX_AGE_SECONDS, region=self.region,
                             endpoint_url=self.aws_endpoint_url, stage=self.stage)

    @property
    def oauth_redirect_url(self) -> str:
        """Where Slack sends an installer back (the oauth function): the setting, else on a local stage serverless
        offline's. ValueError when a deployed stage has none, or one that is not https."""
        given = (self.oauth_redirect_url_setting or "").strip()
        local = defaults.is_local_stage(self.stage)
        if given.startswith("https://") or (local and given.startswith("http://")):
            return given
        if local and not given.startswith("http"):
            return f"http://127.0.0.1:{self.http_port}{OAUTH_REDIRECT_PATH}"
        raise ValueError(f"stage {self.stage!r} needs an https PARLEY_OAUTH_REDIRECT_URL (the stage's API URL + "
                         f"{OAUTH_REDIRECT_PATH}) to install the app with OAuth")

    @property
    def slack_authorize_url(self) -> str:
        """Slack's OAuth authorize page, on the Web API's host: slack.com's, or the local stand-in's."""
        parts = urlsplit(self.slack_api_url)
        return f"{parts.scheme}://{parts.netloc}/oauth/v2/authorize"

    def lex_caller_key(self) -> str | None:
        """The caller-assertion key: the named SSM parameter's (cached five minutes), else the setting's; on a
        local stage without either, the local kit's (its Lex emulator signs with it)."""
        if self.lex_caller_key_param:
            return self._parameter(self.lex_caller_key_param)
        if self.lex_caller_key_value is not None:
            return self.lex_caller_key_value.get_secret_value()
        if defaults.is_local_stage(self.stage):
            return defaults.LOCAL_CALLER_KEY
        return None

    @property
    def jobs_queue_name(self) -> str:
        return self.queue_name or defaults.jobs_queue_name(self.stage)

    @property
    def queue_url(self) -> str:
        return defaults.queue_url(self.queue_url_setting, self.aws_endpoint_url, self.account_id, self.jobs_queue_name)

    @property
    def local_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.moto_port}"

    @property
    def local_slack_api_url(self) -> str:
        return f"http://127.0.0.1:{self.slack_port}/api/"

    @property
    def local_ingress_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/slack/events"
