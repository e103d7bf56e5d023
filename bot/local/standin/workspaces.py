"""The workspace the stand-in pretends to be, and the app installed in it.

Other local tools import these ids to build requests from this workspace and to recognise the bot's own posts
(bot/local/slack_events.py, the benchmarks). Nothing here imports the rest of the stand-in.
"""

from __future__ import annotations

TEAM_ID = "T0LOCAL"
TEAM_NAME = "Parley Local"
TEAM_URL = "https://parley-local.slack.com/"
BOT_USER_ID = "U0PARLEYBOT"
BOT_USER_NAME = "parley"
BOT_ID = "B0PARLEYBOT"
APP_ID = "A0PARLEYAPP"
