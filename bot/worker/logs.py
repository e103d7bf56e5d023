"""How Bolt and slack_sdk log in the worker: Parley's JSON lines, without capability URLs or what people wrote.

slack_sdk logs every request and response whole at DEBUG: the message text people typed, the views they filled in,
and any token an API answers with. It also logs the URL it posts to at INFO when it retries a post, in every stage,
and for a slash command or a button that URL is a `response_url`: a capability that lets whoever holds it post in
the channel for 30 minutes. CloudWatch Logs are read by more people than may post as the bot, so:

- the two libraries never log below INFO, whatever the stage's level (`dev` logs Parley's own lines at DEBUG).
  Bodies cannot be redacted reliably (any field may hold text), so they are not written at all. The explicit opt-in
  `PARLEY_SLACK_LIBRARY_DEBUG=1` lifts this, on a local stage only, where the log stays on the developer's machine;
- every line the two libraries write, at any level, has the path of each URL replaced, except the Web API's own
  `/api/<method>` (no capability in it): that is the retry line above, and any other that names a URL.

Lines with a traceback keep it as is: slack_sdk's errors name the Web API method, not a response_url.
"""

from __future__ import annotations

import logging
import re

from aws_lambda_powertools import Logger

from bot.defaults import is_local_stage

LIBRARIES = ("slack_bolt", "slack_sdk")
OPT_IN = "PARLEY_SLACK_LIBRARY_DEBUG"
URL = re.compile(r"(?P<origin>https?://[^/\s'\",<>]+)(?P<path>/[^\s'\",<>]*)?")
WEB_API_PATH = re.compile(r"/api/[A-Za-z][A-Za-z0-9.]*")
REDACTED = "/(redacted)"


def redact_urls(text: str) -> str:
    """`text` with the path of every URL but the Web API's replaced: an origin says where, never what for."""

    def one(found: re.Match[str]) -> str:
        path = found.group("path") or ""
        return found.group("origin") + (path if not path or WEB_API_PATH.fullmatch(path) else REDACTED)

    return URL.sub(one, text)


class RedactLibraryUrls(logging.Filter):
    """On a handler shared with Parley's own logger: rewrites the records of the Slack libraries only."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.split(".", 1)[0] in LIBRARIES:
            record.msg, record.args = redact_urls(record.getMessage()), ()
        return True


def library_level(stage_level: int, stage: str, opt_in: str | None) -> int:
    """INFO at the lowest, unless a local stage opts in to the libraries' DEBUG lines."""
    if opt_in == "1" and is_local_stage(stage):
        return stage_level
    return max(stage_level, logging.INFO)


def route_slack_library_logs(logger: Logger, stage: str, opt_in: str | None) -> None:
    """Bolt's and slack_sdk's lines through `logger`'s handlers (same JSON, same correlation id), made safe."""
    from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers

    for library in LIBRARIES:
        logging.getLogger(library)  # registers the parent loggers before Bolt creates its children
    level = library_level(logger.log_level, stage, opt_in)
    copy_config_to_registered_loggers(source_logger=logger, log_level=level, include=set(LIBRARIES))
    for handler in logger.handlers:
        if not any(isinstance(each, RedactLibraryUrls) for each in handler.filters):
            handler.addFilter(RedactLibraryUrls())
