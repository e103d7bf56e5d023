"""Bolt's `authorize` for a single-workspace app: the bot token as the settings hold it now, not as it was.

Bolt's default for a token given at start keeps that token for the sandbox's life, so a token rotated in SSM was
never picked up by a warm worker, though the README promised five minutes. This reads the token through the
settings on every request (Powertools parameters caches it five minutes), and asks Slack who the bot is
(`auth.test`) once per token value, as Bolt does once per sandbox. OAuth installs (issue 12) replace it with an
installation store's authorize.
"""

from __future__ import annotations

from collections.abc import Callable
from threading import Lock

from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient


def current_token_authorize(token: Callable[[], str], client: WebClient) -> Callable[[], AuthorizeResult]:
    """Bolt's `authorize=`: `token` gives the bot token now; `client` makes the `auth.test` call (its base URL and
    retries; its own token is not used). A plain function, as Bolt reads a callable's parameter names."""
    known: dict[str, AuthorizeResult] = {}  # at most one entry: the token in use
    lock = Lock()

    def authorize() -> AuthorizeResult:
        current = token()
        with lock:
            if current not in known:
                answer = client.auth_test(token=current)
                known.clear()
                known[current] = AuthorizeResult.from_auth_test_response(bot_token=current, auth_test_response=answer)
            return known[current]

    return authorize
