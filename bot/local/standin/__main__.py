"""`python -m bot.local.standin`: the Slack stand-in in its own process, as `make run` and the e2e stack start it.

    python -m bot.local.standin --port 3005 [--token xoxb-...] [--echo-url URL --signing-secret S]
        [--client-id ID --client-secret S] [--redirect-url URL ...] [--token-ttl SECONDS]

With `--token` the app is installed in the first workspace with that bot token, as an internal app is (what `single`
mode uses); without it, nowhere until an OAuth install. It runs in the foreground until SIGTERM or SIGINT, logging one
line per call to stdout (never a token or a secret), and exits 0.
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
                        help="a bot token of the first workspace, never expiring (default: $SLACK_BOT_TOKEN; "
                             "none: the app is installed nowhere until an OAuth install)")
    parser.add_argument("--echo-url", help="deliver each posted message (and uninstall events) back here, signed")
    parser.add_argument("--signing-secret", default=None,
                        help="signs the echoed events (default with --echo-url: $SLACK_SIGNING_SECRET)")
    parser.add_argument("--client-id", default=os.environ.get("SLACK_CLIENT_ID"),
                        help="the app's OAuth client id (default: $SLACK_CLIENT_ID, else the built-in local one)")
    parser.add_argument("--client-secret", default=os.environ.get("SLACK_CLIENT_SECRET"),
                        help="the app's OAuth client secret (default: $SLACK_CLIENT_SECRET, else the built-in one)")
    parser.add_argument("--redirect-url", action="append", default=[],
                        help="an OAuth redirect URL of the app (repeatable; none: any 127.0.0.1 URL)")
    parser.add_argument("--token-ttl", type=int, default=None,
                        help="token rotation: issued tokens expire after this many seconds (Slack: 43200)")
    options = parser.parse_args(argv)
    secret = options.signing_secret or (os.environ.get("SLACK_SIGNING_SECRET") if options.echo_url else None)
    if options.echo_url and not secret:
        parser.error("--echo-url needs --signing-secret (or $SLACK_SIGNING_SECRET)")
    if secret and not options.echo_url:
        parser.error("--signing-secret is only used with --echo-url")

    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(asctime)s %(message)s", force=True)
    try:
        standin = SlackStandIn(options.token or None, options.port, options.echo_url, secret,
                               client_id=options.client_id, client_secret=options.client_secret,
                               redirect_urls=options.redirect_url, token_ttl=options.token_ttl).start()
    except (OSError, ValueError) as exc:
        log.error("slack stand-in cannot start: %s", exc)
        return 1
    stopping = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    log.info("slack stand-in on %s (echo: %s; installed: %s; token rotation: %s)", standin.api_url,
             options.echo_url or "off", "the first workspace" if options.token else "nowhere yet",
             f"every {options.token_ttl} s" if options.token_ttl else "off")
    # a timed wait keeps the main thread responsive to signals
    while not stopping.wait(0.5):
        pass
    standin.stop()
    log.info("slack stand-in stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
