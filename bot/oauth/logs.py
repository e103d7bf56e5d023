"""How the oauth function logs: Parley's JSON lines, with no OAuth code, state, client secret or token in any of them.

Bolt's and slack_sdk's lines go through the function's Logger as the worker's do (`bot/worker/logs.py`: never below
INFO, the path of every URL but the Web API's replaced). That is not enough here: at WARNING, Bolt's OAuth flow
writes the code of a refused exchange ("... with code: <code> - error: ..."), and at DEBUG (a local opt-in) it
writes the redirect's query and slack_sdk the form it posts to oauth.v2.access, client secret included. So every
line, ours included, also has what follows a code, state, secret or token name, and anything shaped like a Slack
token, replaced.
"""

from __future__ import annotations

import logging
import re

from aws_lambda_powertools import Logger

from bot.worker.logs import route_slack_library_logs

REDACTED = "(redacted)"
# `code: X`, `code=X`, `'code': 'X'` and `'code': ['X']`, for each name that carries a one-time or secret value
SECRET_NAMES = r"code|state|client_secret|refresh_token|access_token|token"  # noqa: S105 - names, not values
NAMED = re.compile(rf"""(?P<name>\b(?:{SECRET_NAMES})\b['"]?\s*[:=]\s*\[?\s*['"]?)(?P<value>[^\s'",&\]}})]+)""")
# Slack's tokens (bot, user, app, config, refresh, and rotating ones: xoxe.xoxb-...)
TOKEN = re.compile(r"\bxox[a-z](?:\.xox[a-z])?-[A-Za-z0-9-]+")


def redact_secrets(text: str) -> str:
    return TOKEN.sub("xox?-" + REDACTED, NAMED.sub(lambda found: found.group("name") + REDACTED, text))


class RedactOAuthSecrets(logging.Filter):
    """On the function's handlers: every record's message, with the secrets above taken out."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_secrets(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def route_oauth_logs(logger: Logger, stage: str, opt_in: str | None) -> None:
    """The libraries' lines through `logger`'s handlers (as the worker's), and no secret in any line."""
    route_slack_library_logs(logger, stage, opt_in)
    for handler in logger.handlers:
        if not any(isinstance(each, RedactOAuthSecrets) for each in handler.filters):
            handler.addFilter(RedactOAuthSecrets())
