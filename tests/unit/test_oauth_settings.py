"""oauth mode's settings for the install function: the stand-in's app and serverless offline's redirect URL on local
stages; on a deployed stage, an https redirect URL (the stage's API URL) or no install flow at all."""

from __future__ import annotations

import pytest

from bot import defaults
from bot.local.standin.workspaces import CLIENT_ID, CLIENT_SECRET
from bot.settings import Settings

DEPLOYED = {"stage": "dev", "signing_secret_param": "/p/s", "bot_token_param": "/p/t", "aws_endpoint_url": None}
REDIRECT = "https://x.execute-api.us-east-1.amazonaws.com/slack/oauth_redirect"


def test_local_stages_use_the_slack_stand_ins_app_and_serverless_offlines_url() -> None:
    assert (defaults.LOCAL_CLIENT_ID, defaults.LOCAL_CLIENT_SECRET) == (CLIENT_ID, CLIENT_SECRET)
    local = Settings(stage="local-oauth", slack_mode="oauth", http_port=3100, slack_api_url="http://127.0.0.1:3105/api/")
    assert local.slack_client_id == CLIENT_ID and local.slack_client_secret() == CLIENT_SECRET
    assert local.oauth_redirect_url == "http://127.0.0.1:3100/slack/oauth_redirect"
    assert local.slack_authorize_url == "http://127.0.0.1:3105/oauth/v2/authorize"
    assert local.token_rotation is False


def test_serverless_offlines_rendering_of_a_ref_counts_as_no_url() -> None:
    local = Settings(stage="local", oauth_redirect_url_setting="[object Object]")
    assert local.oauth_redirect_url == "http://127.0.0.1:3000/slack/oauth_redirect"
    assert Settings(stage="local", oauth_redirect_url_setting="http://127.0.0.1:4000/x").oauth_redirect_url == (
        "http://127.0.0.1:4000/x")


def test_slack_itself_by_default() -> None:
    assert Settings().slack_authorize_url == "https://slack.com/oauth/v2/authorize"
    assert Settings().slack_mode == "single"


def test_a_deployed_stage_installs_only_with_an_https_redirect_url() -> None:
    oauth = {**DEPLOYED, "slack_mode": "oauth", "slack_client_id": "1.2", "client_secret_param": "/parley/dev/c"}
    assert Settings(**oauth, oauth_redirect_url_setting=REDIRECT).oauth_redirect_url == REDIRECT
    for given in (None, "", "[object Object]", "http://x.example/slack/oauth_redirect"):
        settings = Settings(**oauth, oauth_redirect_url_setting=given)  # the worker and the ingress need none
        with pytest.raises(ValueError, match="https PARLEY_OAUTH_REDIRECT_URL"):
            _ = settings.oauth_redirect_url


def test_token_rotation_is_read_as_the_stage_writes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_SLACK_TOKEN_ROTATION", "true")
    assert Settings().token_rotation is True
    monkeypatch.setenv("PARLEY_SLACK_TOKEN_ROTATION", "false")
    assert Settings().token_rotation is False
