"""No OAuth code, state, client secret or token in a log line of the oauth function, whoever writes it."""

from __future__ import annotations

import logging

import pytest

from bot.oauth.logs import RedactOAuthSecrets, redact_secrets


@pytest.mark.parametrize(("line", "kept", "gone"), [
    # Bolt's warning when oauth.v2.access refuses a code
    ("Failed to fetch oauth.v2.access result with code: 123.456.abcdef - error: invalid_code", "invalid_code",
     "123.456.abcdef"),
    # Bolt's debug lines name the redirect's query
    ("OAuth callback failure (reason: invalid_state, request: {'code': ['1.2.x'], 'state': ['st4te']})",
     "invalid_state", "st4te"),
    # slack_sdk's debug line names the form it posts
    ("body_params: {'client_id': '1.2', 'client_secret': 's3cr3t', 'code': 'c0de'}", "'client_id': '1.2'", "s3cr3t"),
    ("GET /slack/oauth_redirect?code=abc123&state=def456", "/slack/oauth_redirect", "def456"),
    ("token xoxb-123-456-abc", "token", "xoxb-123"),
    ("rotating xoxe.xoxb-1-abcdef and refresh xoxe-1-zyx", "rotating", "xoxe-1-zyx"),
    ("{'refresh_token': 'xoxe-1-r', 'access_token': 'xoxb-1'}", "refresh_token", "xoxe-1-r"),
])
def test_secrets_are_taken_out_and_the_rest_kept(line: str, kept: str, gone: str) -> None:
    cleaned = redact_secrets(line)
    assert kept in cleaned and gone not in cleaned and "(redacted)" in cleaned


@pytest.mark.parametrize("line", ["the state of affairs is fine", "reason: invalid_state", "install started",
                                  "Slack's tokens and the stage's token rotation setting disagree"])
def test_ordinary_words_are_left_alone(line: str) -> None:
    assert redact_secrets(line) == line


def test_the_filter_rewrites_a_record_with_its_arguments() -> None:
    record = logging.LogRecord("slack_bolt.oauth.oauth_flow", logging.WARNING, __file__, 1,
                               "Failed with code: %s - error: %s", ("9.9.secret", "invalid_code"), None)
    assert RedactOAuthSecrets().filter(record) is True
    assert record.getMessage() == "Failed with code: (redacted) - error: invalid_code"
