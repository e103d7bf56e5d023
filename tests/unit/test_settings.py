import pytest

from bot import defaults
from bot.ingress.config import IngressConfig
from bot.settings import Settings

LOCAL = {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}


def settings(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in ("PARLEY_STAGE", "PARLEY_QUEUE_URL", "PARLEY_QUEUE_NAME", "SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN",
                 "SLACK_API_URL", "PARLEY_MAX_BODY_BYTES", "AWS_ENDPOINT_URL", "PARLEY_ACCOUNT_ID",
                 "PARLEY_DEDUP_TABLE", "SLACK_SIGNING_SECRET_PARAM", "SLACK_BOT_TOKEN_PARAM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()


@pytest.mark.parametrize(
    "env",
    [
        LOCAL,
        {**LOCAL, "PARLEY_STAGE": "ci", "SLACK_SIGNING_SECRET": "s3cret", "PARLEY_MAX_BODY_BYTES": "1000",
         "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_API_URL": "http://127.0.0.1:1/api/", "PARLEY_DEDUP_TABLE": "t"},
        {**LOCAL, "PARLEY_QUEUE_NAME": "other-queue", "PARLEY_ACCOUNT_ID": "000000000000"},
        {"PARLEY_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/210987654321/parley-prod-jobs",
         "SLACK_SIGNING_SECRET_PARAM": "/parley/prod/slack/signing-secret",
         "SLACK_BOT_TOKEN_PARAM": "/parley/prod/slack/bot-token"},
        # serverless offline's rendering of a CloudFormation Ref
        {**LOCAL, "PARLEY_QUEUE_URL": "[object Object]"},
    ],
)
def test_the_ingress_reads_what_the_settings_read(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    full = settings(env, monkeypatch)
    lean = IngressConfig.from_env(env)
    assert lean.signing_secret == full.signing_secret.get_secret_value()
    assert lean.queue_url == full.queue_url
    assert lean.max_body_bytes == full.max_body_bytes
    assert lean.stage == full.stage
    assert lean.dedup_table == full.dedup_table
    assert lean.bot_token == full.bot_token.get_secret_value()
    assert lean.slack_api_url == full.slack_api_url
    assert lean.signing_secret_param == full.signing_secret_param
    assert lean.bot_token_param == full.bot_token_param


def test_local_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    local = settings(LOCAL, monkeypatch)
    assert local.queue_url == "http://127.0.0.1:5000/123456789012/parley-local-jobs"
    assert (local.http_port, local.lambda_port, local.moto_port, local.slack_port) == (3000, 3002, 5000, 3005)
    assert local.local_ingress_url == "http://127.0.0.1:3000/slack/events"


def test_a_ref_without_an_endpoint_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="cannot locate the job queue"):
        defaults.queue_url("[object Object]", None, "1", "q")


def test_secrets_stay_out_of_reprs(monkeypatch: pytest.MonkeyPatch) -> None:
    full = settings({**LOCAL, "SLACK_SIGNING_SECRET": "very-secret-value"}, monkeypatch)
    lean = IngressConfig.from_env({**LOCAL, "SLACK_SIGNING_SECRET": "very-secret-value"})
    assert "very-secret-value" not in repr(full) + str(full) + repr(lean)
