"""The bot's own posts, delivered back to the ingress as signed `message` events, as Slack delivers them.

Real Slack sends a bot every message in the conversations it is subscribed to, its own included; a bot that does not
drop them talks to itself. The stand-in does the same to the ingress at the echo URL, one delivery per thread
(Slack delivers concurrently and in no promised order), and only logs a delivery that fails or takes over 3 s
(Slack would retry it): the echo never fails the Web API call that caused it.

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

from bot.local.slack_events import event_callback, signed_request
from bot.local.standin.errors import Json
from bot.local.standin.loopback import OPENER, check_loopback
from bot.local.standin.workspaces import APP_ID, BOT_USER_ID, TEAM_ID

log = logging.getLogger("bot.local.standin")


class Echo:
    def __init__(self, url: str, signing_secret: str) -> None:
        self._url = check_loopback(url)
        self._signing_secret = signing_secret

    def message_posted(self, channel: str, message: Json, channel_type: str) -> None:
        event = {k: copy.deepcopy(v) for k, v in message.items() if k not in ("edited",)}
        event.update({"channel": channel, "event_ts": message["ts"], "channel_type": channel_type})
        payload = event_callback(event, team=TEAM_ID, app=APP_ID, bot_user=BOT_USER_ID,
                                 event_time=int(float(message["ts"])))
        # one thread per delivery, as Slack delivers concurrently and in no promised order
        threading.Thread(target=self._deliver, args=(payload,), name="slack-standin-echo", daemon=True).start()

    def _deliver(self, payload: Json) -> None:
        body, headers = signed_request(payload, self._signing_secret)
        headers["User-Agent"] = "Slackbot 1.0 (+https://api.slack.com/robots)"
        request = urllib.request.Request(self._url, data=body, method="POST", headers=headers)
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
            log.log(level, "echo %s -> HTTP %s in %.0f ms%s", payload["event_id"], status, elapsed * 1000,
                    " (Slack would retry: over 3 s)" if elapsed >= 3 else "")
        except (OSError, ValueError, http.client.HTTPException) as exc:  # best effort: logged, never raised
            log.warning("echo %s to %s failed: %r", payload["event_id"], self._url, exc)
