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
        {**LOCAL, "PARLEY_STAGE": "local-ci", "SLACK_SIGNING_SECRET": "s3cret", "PARLEY_MAX_BODY_BYTES": "1000",
         "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_API_URL": "http://127.0.0.1:1/api/", "PARLEY_DEDUP_TABLE": "t"},
        {**LOCAL, "PARLEY_QUEUE_NAME": "other-queue", "PARLEY_ACCOUNT_ID": "000000000000"},
        {"PARLEY_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/210987654321/parley-prod-jobs",
         "SLACK_SIGNING_SECRET_PARAM": "/parley/prod/slack/signing-secret",
         "SLACK_BOT_TOKEN_PARAM": "/parley/prod/slack/bot-token"},
        {"PARLEY_STAGE": "prod", "PARLEY_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/210987654321/parley-prod-jobs",
         "SLACK_SIGNING_SECRET_PARAM": "/parley/prod/slack/signing-secret",
         "SLACK_BOT_TOKEN_PARAM": "/parley/prod/slack/bot-token"},
        {"PARLEY_STAGE": "staging", "PARLEY_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/1/q",
         "SLACK_SIGNING_SECRET": "explicit-secret", "SLACK_BOT_TOKEN": "xoxb-explicit"},
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


# --- fail closed: the local secrets and plain-http endpoints on local stages only --------------------

DEPLOYED = {"PARLEY_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/210987654321/parley-dev-jobs"}


@pytest.mark.parametrize("stage", ["local", "local-worker", "local-e2e-1"])
def test_local_stages_get_the_local_secrets(stage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert defaults.is_local_stage(stage)
    full = settings({**LOCAL, "PARLEY_STAGE": stage}, monkeypatch)
    lean = IngressConfig.from_env({**LOCAL, "PARLEY_STAGE": stage})
    assert full.signing_secret.get_secret_value() == lean.signing_secret == defaults.LOCAL_SIGNING_SECRET
    assert full.bot_token.get_secret_value() == lean.bot_token == defaults.LOCAL_BOT_TOKEN
    assert lean.problems == ()


@pytest.mark.parametrize("stage", ["dev", "prod", "ci", "localhost", "local_x", "Local", "xlocal-1", ""])
def test_no_other_stage_is_local(stage: str) -> None:
    assert not defaults.is_local_stage(stage)


@pytest.mark.parametrize("stage", ["dev", "prod", "localhost"])
def test_a_deployed_stage_without_its_secrets_refuses_to_serve(stage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {**DEPLOYED, "PARLEY_STAGE": stage}
    with pytest.raises(ValueError, match="refusing to serve") as refused:
        settings(env, monkeypatch)
    text = str(refused.value)
    assert "SLACK_SIGNING_SECRET_PARAM (an SSM parameter name) or SLACK_SIGNING_SECRET" in text
    assert "SLACK_BOT_TOKEN_PARAM (an SSM parameter name) or SLACK_BOT_TOKEN" in text
    lean = IngressConfig.from_env(env)
    assert lean.signing_secret == lean.bot_token == ""  # never the local values
    assert [problem.split(":")[0] for problem in lean.problems] == [
        f"stage {stage!r} has no SLACK_SIGNING_SECRET", f"stage {stage!r} has no SLACK_BOT_TOKEN"]


@pytest.mark.parametrize("missing", ["SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN"])
def test_either_secret_missing_is_enough_to_refuse(missing: str, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {**DEPLOYED, "PARLEY_STAGE": "dev", "SLACK_SIGNING_SECRET_PARAM": "/p/s", "SLACK_BOT_TOKEN_PARAM": "/p/t"}
    env.pop(f"{missing}_PARAM")
    with pytest.raises(ValueError, match=f"has no {missing}:"):
        settings(env, monkeypatch)
    assert len(IngressConfig.from_env(env).problems) == 1


def test_an_empty_secret_is_no_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {**DEPLOYED, "PARLEY_STAGE": "dev", "SLACK_SIGNING_SECRET": "", "SLACK_BOT_TOKEN_PARAM": "/p/t"}
    with pytest.raises(ValueError, match="has no SLACK_SIGNING_SECRET"):
        settings(env, monkeypatch)
    assert IngressConfig.from_env(env).problems


def test_plain_http_endpoints_only_on_local_stages(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {**LOCAL, "PARLEY_STAGE": "dev", "SLACK_SIGNING_SECRET_PARAM": "/p/s", "SLACK_BOT_TOKEN_PARAM": "/p/t"}
    with pytest.raises(ValueError, match="plain http, which only local stages may use"):
        settings(env, monkeypatch)
    [problem] = IngressConfig.from_env(env).problems
    assert "http://127.0.0.1:5000 is plain http" in problem
    https = {**env, "AWS_ENDPOINT_URL": "https://vpce-1.sqs.us-east-1.vpce.amazonaws.com"}
    assert settings(https, monkeypatch).aws_endpoint_url == https["AWS_ENDPOINT_URL"]
    assert IngressConfig.from_env(https).problems == ()


def test_a_refusal_never_quotes_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {**LOCAL, "PARLEY_STAGE": "dev", "SLACK_SIGNING_SECRET": "very-secret-value", "SLACK_BOT_TOKEN": "xoxb-s3"}
    with pytest.raises(ValueError) as refused:
        settings(env, monkeypatch)
    assert "very-secret-value" not in str(refused.value) and "xoxb-s3" not in str(refused.value)
