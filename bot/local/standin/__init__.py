"""The local Slack: a stand-in for the Slack Web API and OAuth on 127.0.0.1, for `make run`, the e2e stack and tests.

The real `slack_sdk.WebClient` (`base_url=standin.api_url`) and Bolt's OAuth flow work against it: it answers the Web
API methods the bot uses with Slack's own response shapes and errors, knows several workspaces (and an Enterprise Grid
org) and the app's installations in them, runs OAuth v2 with token rotation, records every call with the team it was
made for so tests and the chat can read what the bot said, injects faults, and delivers the bot's own posts (and
uninstall events) back to the ingress as Slack does. One module per concern:

- `server.py`         SlackStandIn: starts and stops, routes a request to the Web API, OAuth or the control endpoints
- `httpd.py`          the HTTP plumbing (threads, keep-alive, dropped connections, pages and redirects)
- `arguments.py`      a request's arguments and credentials (token, client id and secret), however they were encoded
- `workspaces.py`     the local Slack: the app, workspaces with their people and channels, an Enterprise Grid org
- `installations.py`  installations, grants and tokens: expiry, rotation, refresh tokens, revocation
- `oauth.py`          the authorize redirect and oauth.v2.access (code grant, refresh grant)
- `methods.py`        the table of Web API methods and the state they keep (messages, views, DMs)
- `checks.py`         Slack's argument rules and limits (blocks, views, text)
- `errors.py`         Slack's `{"ok": false, "error": ...}`
- `faults.py`         injected failures: 429 with Retry-After, 5xx, dropped connections, Slack errors, delays
- `recorder.py`       the record of calls (secrets redacted), and waiting for one
- `echo.py`           the bot's posts and uninstall events delivered to the ingress as signed events
- `control.py`        the control endpoints (`/_calls`, `/_faults`, `/_installations`, ...), which are not Slack's
- `client.py`         StandInClient: the control endpoints of a stand-in running in another process
- `loopback.py`       nothing here may leave 127.0.0.1
- `__main__.py`       `python -m bot.local.standin`: the stand-in in its own process

Standard library only (and Parley's stdlib signature code): it runs in any venv, starts in milliseconds, and is never
shipped to Lambda. This file imports nothing, so `bot/local/slack_events.py` can read the workspace ids while the echo
builds its events with slack_events: import what you need from the modules above.
"""
