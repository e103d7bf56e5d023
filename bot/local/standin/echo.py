"""Events the stand-in delivers to the ingress, signed, as Slack delivers them: the bot's own posts, and the
`tokens_revoked` / `app_uninstalled` events of an uninstall or a revoked token.

Real Slack sends a bot every message in the conversations it is subscribed to, its own included; a bot that does not
drop them talks to itself. And it tells an app when a workspace removed it, so the app can forget that workspace's
tokens and data. The stand-in does both to the ingress at the echo URL, as the installation concerned receives them
(its team, enterprise, bot user, org-wide or not). Deliveries run on their own threads (Slack delivers concurrently
and in no promised order); a delivery that fails or takes over 3 s (Slack would retry it) is only logged: an event
never fails the Web API call that caused it.

The envelope and the signature come from bot/local/slack_events.py, the builders the tests and the chat use for the
people's requests: the ingress meets one shape of Slack request, whoever sent it.
"""

from __future__ import annotations

import copy
import http.client
import logging
import threading
import time
import urllib.error
import urllib.request
from typing import Any

from bot.local.slack_events import app_uninstalled_event, event_callback, signed_request, tokens_revoked_event
from bot.local.standin.errors import Json
from bot.local.standin.installations import Grant, Installation
from bot.local.standin.loopback import OPENER, check_loopback
from bot.local.standin.workspaces import Workspace

log = logging.getLogger("bot.local.standin")


class Echo:
    def __init__(self, url: str, signing_secret: str, app_id: str) -> None:
        self._url = check_loopback(url)
        self._signing_secret = signing_secret
        self._app_id = app_id

    def message_posted(self, channel: str, message: Json, channel_type: str, installation: Installation,
                       team: Workspace | None) -> None:
        """A message was posted with a token of `installation`, in `team`'s workspace (when known)."""
        event = {k: copy.deepcopy(v) for k, v in message.items() if k not in ("edited",)}
        event.update({"channel": channel, "event_ts": message["ts"], "channel_type": channel_type})
        payload = event_callback(event, **self._context(installation, team), event_time=int(float(message["ts"])))
        self._send([payload])

    def revoked(self, installation: Installation, grants: list[Grant], uninstalled: bool) -> None:
        """Tokens of `installation` were revoked (and, when `uninstalled`, the app removed): `tokens_revoked`, then
        `app_uninstalled`. Slack promises no order between the two; one thread keeps this one."""
        context = self._context(installation, installation.team)
        payloads = [tokens_revoked_event(bot=[g.user_id for g in grants if g.kind == "bot"],
                                         oauth=[g.user_id for g in grants if g.kind == "user"], **context)]
        if uninstalled:
            payloads.append(app_uninstalled_event(**context))
        self._send(payloads)

    def event(self, payload: Json, deliveries: int = 1) -> None:
        """Deliver one event built elsewhere (a step's `function_executed`), `deliveries` times in a row: the later
        ones as Slack's retries of it (same event_id, `X-Slack-Retry-Num`)."""
        threading.Thread(target=self._deliver_times, args=(payload, deliveries), name="slack-standin-event",
                         daemon=True).start()

    def _context(self, installation: Installation, team: Workspace | None) -> dict[str, Any]:
        return event_context(installation, team, self._app_id)

    def _send(self, payloads: list[Json]) -> None:
        threading.Thread(target=self._deliver_all, args=(payloads,), name="slack-standin-echo", daemon=True).start()

    def _deliver_all(self, payloads: list[Json]) -> None:
        for payload in payloads:
            self._deliver(payload)

    def _deliver_times(self, payload: Json, deliveries: int) -> None:
        for attempt in range(deliveries):
            self._deliver(payload, retry_num=attempt or None)

    def _deliver(self, payload: Json, retry_num: int | None = None) -> None:
        body, headers = signed_request(payload, self._signing_secret, retry_num=retry_num)
        headers["User-Agent"] = "Slackbot 1.0 (+https://api.slack.com/robots)"
        request = urllib.request.Request(self._url, data=body, method="POST", headers=headers)
        what = f"{payload['event']['type']} {payload['event_id']}"
        started = time.monotonic()
        try:
            try:
                with OPENER.open(request, timeout=10) as answer:
                    status = answer.status
                    answer.read()
            except urllib.error.HTTPError as exc:
                status = exc.code
            elapsed = time.monotonic() - started
            level = logging.INFO if 200 <= status < 300 and elapsed < 3 else logging.WARNING
            # Slack counts an answer later than 3 s as a failure and retries it
            log.log(level, "echo %s -> HTTP %s in %.0f ms%s", what, status, elapsed * 1000,
                    " (Slack would retry: over 3 s)" if elapsed >= 3 else "")
        except (OSError, ValueError, http.client.HTTPException) as exc:  # best effort: logged, never raised
            log.warning("echo %s to %s failed: %r", what, self._url, exc)


def event_context(installation: Installation, team: Workspace | None, app_id: str) -> dict[str, Any]:
    """The envelope fields (event_callback's) of an event the app installed as `installation` receives in `team`."""
    enterprise = installation.enterprise.id if installation.enterprise else None
    # an event of no workspace (an org-wide install's uninstall, a post in an unknown channel) names the org
    team_id = team.id if team else (enterprise or "")
    return {"team": team_id, "enterprise": enterprise, "app": app_id, "bot_user": installation.bot_user_id,
            "org_install": installation.is_enterprise_install}
