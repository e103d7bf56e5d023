"""Defaults shared by the full settings (`bot.settings`) and the lean ingress config.

Standard library only, so the ingress can import it at no cost. The local values sign and accept
requests on 127.0.0.1 and nowhere else: they apply only on local stages (`local`, `local-<name>`), and
so do plain-http AWS endpoints. Any other stage must name its secrets, or it refuses to serve
(`secret_problem`, `insecure_endpoint`): a deployed stage that forgot a parameter must not quietly
accept requests signed with a secret published in this repository.
"""

DEFAULT_STAGE = "local"
LOCAL_STAGE = "local"
DEFAULT_REGION = "us-east-1"
SLACK_API_URL = "https://slack.com/api/"
LOCAL_SIGNING_SECRET = "parley-local-signing-secret"  # noqa: S105 - local only
LOCAL_BOT_TOKEN = "xoxb-parley-local-token"  # noqa: S105 - local only
# The local Slack stand-in's app (bot/local/standin/workspaces.py): what OAuth mode uses on a local stage
LOCAL_CLIENT_ID = "1000000000001.2000000000002"
LOCAL_CLIENT_SECRET = "parley-local-client-secret"  # noqa: S105 - local only
LOCAL_CALLER_KEY = "parley-local-caller-key"  # local only: the Lex emulator signs callers with it
LOCAL_ACCOUNT_ID = "123456789012"
# Slack bodies are small; the job envelope must also fit SQS's 256 KiB message limit.
DEFAULT_MAX_BODY_BYTES = 128 * 1024
SQS_MAX_MESSAGE_BYTES = 256 * 1024


def is_local_stage(stage: str) -> bool:
    """`local` and `local-<name>` (tests use `local-<name>`): the stages that run on 127.0.0.1 only."""
    return stage == LOCAL_STAGE or stage.startswith(LOCAL_STAGE + "-")


def secret_problem(stage: str, variable: str, parameter: str | None, value: str | None) -> str | None:
    """Why `stage` cannot serve without this secret, or None: a non-local stage needs its SSM parameter's name
    (`<variable>_PARAM`) or an explicit value (`<variable>`); a local stage falls back to the local value."""
    if parameter or value or is_local_stage(stage):
        return None
    return f"stage {stage!r} has no {variable}: set {variable}_PARAM (an SSM parameter name) or {variable}"


def insecure_endpoint(stage: str, endpoint: str | None) -> str | None:
    """Why `endpoint` may not be used on `stage` (plain http outside a local stage), or None."""
    if endpoint and endpoint.lower().startswith("http://") and not is_local_stage(stage):
        return f"the AWS endpoint {endpoint} is plain http, which only local stages may use (stage {stage!r})"
    return None


def jobs_queue_name(stage: str) -> str:
    return f"parley-{stage}-jobs"


def table_name(stage: str, kind: str) -> str:
    """DynamoDB tables are named per stage (`parley-dev-dedup`); serverless.yml uses the same pattern."""
    return f"parley-{stage}-{kind}"


def secret_parameter(stage: str, name: str) -> str:
    """Where a stage's Slack secret lives in SSM Parameter Store (`/parley/dev/slack/bot-token`)."""
    return f"/parley/{stage}/slack/{name}"


# How long a dedup marker says a request is on the queue: longer than Slack retries (~5 min) or a replay is signed for
DEDUP_TTL_SECONDS = 60 * 60


def queue_url(setting: str | None, endpoint: str | None, account_id: str, queue_name: str) -> str:
    """The job queue's URL: the stage's setting when it is a URL, else built from the endpoint.

    serverless offline hands a CloudFormation `Ref` to the handler as "[object Object]", so a value
    that is not a URL counts as unset and the local endpoint locates the queue by name.
    """
    if setting and setting.startswith(("http://", "https://")):
        return setting
    if not endpoint:
        raise ValueError("PARLEY_QUEUE_URL is not a URL and AWS_ENDPOINT_URL is unset: cannot locate the job queue")
    return f"{endpoint.rstrip('/')}/{account_id}/{queue_name}"
