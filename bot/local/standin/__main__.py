"""`python -m bot.local.standin`: the Slack stand-in in its own process, as `make run` and the e2e stack start it.

    python -m bot.local.standin --port 3005 --token xoxb-... [--echo-url URL --signing-secret S]

It runs in the foreground until SIGTERM or SIGINT, logging one line per call to stdout (never a token), and exits 0.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

from bot.local.standin.server import SlackStandIn

log = logging.getLogger("bot.local.standin")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.local.standin",
                                     description="Local Slack Web API stand-in on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=3005)
    parser.add_argument("--token", default=os.environ.get("SLACK_BOT_TOKEN"),
                        help="the valid bot token (default: $SLACK_BOT_TOKEN)")
    parser.add_argument("--echo-url", help="deliver each posted message back here as a signed message event")
    parser.add_argument("--signing-secret", default=None,
                        help="signs the echoed events (default with --echo-url: $SLACK_SIGNING_SECRET)")
    options = parser.parse_args(argv)
    if not options.token:
        parser.error("--token (or $SLACK_BOT_TOKEN) is required")
    secret = options.signing_secret or (os.environ.get("SLACK_SIGNING_SECRET") if options.echo_url else None)
    if options.echo_url and not secret:
        parser.error("--echo-url needs --signing-secret (or $SLACK_SIGNING_SECRET)")
    if secret and not options.echo_url:
        parser.error("--signing-secret is only used with --echo-url")

    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(asctime)s %(message)s", force=True)
    try:
        standin = SlackStandIn(options.token, options.port, options.echo_url, secret).start()
    except (OSError, ValueError) as exc:
        log.error("slack stand-in cannot start: %s", exc)
        return 1
    stopping = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    log.info("slack stand-in on %s (echo: %s)", standin.api_url, options.echo_url or "off")
    # a timed wait keeps the main thread responsive to signals
    while not stopping.wait(0.5):
        pass
    standin.stop()
    log.info("slack stand-in stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
