"""The Slack libraries' log lines in the worker: no URL path but the Web API's, never below INFO but by opt-in."""

from __future__ import annotations

import io
import json
import logging

from aws_lambda_powertools import Logger

from bot.worker.logs import library_level, redact_urls, route_slack_library_logs


def test_capability_paths_are_redacted_and_the_web_api_is_kept() -> None:
    assert redact_urls("POST https://hooks.slack.com/commands/T1/2/abc - boom") == (
        "POST https://hooks.slack.com/(redacted) - boom")
    assert redact_urls("url: https://hooks.slack.com/actions/T1/2/abc, body: {}") == (
        "url: https://hooks.slack.com/(redacted), body: {}")
    assert redact_urls("'https://hooks.slack.com/services/T/B/x'") == "'https://hooks.slack.com/(redacted)'"
    assert redact_urls("http://127.0.0.1:3005/response/chat-1") == "http://127.0.0.1:3005/(redacted)"
    assert redact_urls("POST https://slack.com/api/chat.postMessage") == "POST https://slack.com/api/chat.postMessage"
    assert redact_urls("https://slack.com/api/chat.postMessage?x=1") == "https://slack.com/(redacted)"
    assert redact_urls("https://slack.com") == "https://slack.com"
    assert redact_urls("no url here") == "no url here"


def test_the_libraries_stay_at_info_unless_a_local_stage_opts_in() -> None:
    assert library_level(logging.DEBUG, "dev", None) == logging.INFO
    assert library_level(logging.DEBUG, "dev", "1") == logging.INFO  # a deployed stage cannot opt in
    assert library_level(logging.DEBUG, "prod", "1") == logging.INFO
    assert library_level(logging.DEBUG, "local", "1") == logging.DEBUG
    assert library_level(logging.DEBUG, "local-e2e", "1") == logging.DEBUG
    assert library_level(logging.DEBUG, "localish", "1") == logging.INFO
    assert library_level(logging.DEBUG, "local", "yes") == logging.INFO  # only the documented value
    assert library_level(logging.WARNING, "local", "1") == logging.WARNING
    assert library_level(logging.WARNING, "dev", None) == logging.WARNING


def test_only_the_libraries_lines_are_rewritten_and_they_keep_parleys_format() -> None:
    stream = io.StringIO()
    ours = Logger(service="logs-test", level="DEBUG", logger_handler=logging.StreamHandler(stream))
    route_slack_library_logs(ours, "dev", None)
    route_slack_library_logs(ours, "dev", None)  # twice (a second import): one filter, not two
    assert len(ours.handlers[0].filters) == 1
    logging.getLogger("slack_sdk.webhook.client").debug("Sending a request - url: https://hooks.slack.com/x, body: hi")
    logging.getLogger("slack_sdk.webhook.client").info("Going to retry the same request: POST https://hooks.slack.com/x")
    ours.debug("our own line keeps https://example.com/its/path")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(line["level"], line["message"]) for line in lines] == [
        ("INFO", "Going to retry the same request: POST https://hooks.slack.com/(redacted)"),
        ("DEBUG", "our own line keeps https://example.com/its/path"),
    ]
    assert lines[0]["name"] == "slack_sdk.webhook.client"
