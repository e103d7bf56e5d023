"""The local Slack the stand-in pretends to be: an app, workspaces with their people and channels, and an Enterprise
Grid org with two of its workspaces.

Why a directory: a Web API call is made with a token of one installation, and what it may reach (a person's DM, a
channel) belongs to one workspace. Knowing who lives where lets the stand-in refuse, as Slack does, a token of one
workspace used on another's conversation (`channel_not_found`), so a bot that mixes up its tenants fails a test.

The first workspace is the one the stand-in has always been (`TEAM_ID`, `BOT_USER_ID`, ...): a single bot token given
at start belongs to it. Other local tools import these ids to build requests and recognise the bot's own posts
(bot/local/slack_events.py, the benchmarks), so nothing here imports the rest of the stand-in.

Ids follow Slack's prefixes: T (workspace), E (enterprise), U (person or bot user in a workspace), W (a person or the
org-wide bot user on Enterprise Grid), B (bot), D (DM), C (channel), A (app).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import defaults

Json = dict[str, Any]


@dataclass(frozen=True)
class User:
    id: str
    name: str
    dm: str  # the bot's direct message with this person


@dataclass(frozen=True)
class Workspace:
    id: str
    name: str
    domain: str
    bot_user_id: str  # the app's bot user when installed in this workspace alone
    bot_id: str
    users: tuple[User, ...]
    channels: tuple[str, ...]
    enterprise_id: str | None = None

    @property
    def url(self) -> str:
        return f"https://{self.domain}.slack.com/"

    def ref(self) -> Json:
        """`{"id", "name"}`, as oauth.v2.access names a team."""
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class Enterprise:
    id: str
    name: str
    domain: str
    bot_user_id: str  # the app's bot user when installed org-wide
    bot_id: str

    @property
    def url(self) -> str:
        return f"https://{self.domain}.enterprise.slack.com/"

    def ref(self) -> Json:
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class App:
    app_id: str
    client_id: str
    client_secret: str
    bot_name: str = "parley"


@dataclass(frozen=True)
class Directory:
    app: App
    workspaces: tuple[Workspace, ...]
    enterprises: tuple[Enterprise, ...] = ()

    def __post_init__(self) -> None:
        if not self.workspaces:
            raise ValueError("a directory needs at least one workspace")
        known = {e.id for e in self.enterprises}
        for workspace in self.workspaces:
            if workspace.enterprise_id is not None and workspace.enterprise_id not in known:
                raise ValueError(f"{workspace.id} names an unknown enterprise {workspace.enterprise_id}")

    @property
    def first(self) -> Workspace:
        return self.workspaces[0]

    def workspace(self, team_id: str | None) -> Workspace | None:
        return next((w for w in self.workspaces if w.id == team_id), None)

    def enterprise(self, enterprise_id: str | None) -> Enterprise | None:
        return next((e for e in self.enterprises if e.id == enterprise_id), None)

    def enterprise_of(self, workspace: Workspace) -> Enterprise | None:
        return self.enterprise(workspace.enterprise_id)

    def workspaces_of(self, enterprise: Enterprise) -> tuple[Workspace, ...]:
        return tuple(w for w in self.workspaces if w.enterprise_id == enterprise.id)

    def person(self, user_id: str) -> tuple[Workspace, User] | None:
        """The workspace a person lives in, and the person."""
        for workspace in self.workspaces:
            for user in workspace.users:
                if user.id == user_id:
                    return workspace, user
        return None

    def owner_of_channel(self, channel: str) -> Workspace | None:
        """The workspace a conversation belongs to, when the directory knows it (a person's DM, a channel)."""
        for workspace in self.workspaces:
            if channel in workspace.channels or any(user.dm == channel for user in workspace.users):
                return workspace
        return None

    def describe(self) -> Json:
        """What `GET /_workspaces` shows: everything but the app's client secret."""
        return {
            "app": {"app_id": self.app.app_id, "client_id": self.app.client_id, "bot_name": self.app.bot_name},
            "enterprises": [{**e.ref(), "domain": e.domain, "url": e.url, "bot_user_id": e.bot_user_id,
                             "bot_id": e.bot_id, "workspaces": [w.id for w in self.workspaces_of(e)]}
                            for e in self.enterprises],
            "workspaces": [{**w.ref(), "domain": w.domain, "url": w.url, "enterprise_id": w.enterprise_id,
                            "bot_user_id": w.bot_user_id, "bot_id": w.bot_id, "channels": list(w.channels),
                            "users": [{"id": u.id, "name": u.name, "dm": u.dm} for u in w.users]}
                           for w in self.workspaces],
        }


# The first workspace: what the stand-in has always been, and what a single bot token belongs to
TEAM_ID = "T0LOCAL"
TEAM_NAME = "Parley Local"
TEAM_DOMAIN = "parley-local"
TEAM_URL = f"https://{TEAM_DOMAIN}.slack.com/"
BOT_USER_ID = "U0PARLEYBOT"
BOT_USER_NAME = "parley"
BOT_ID = "B0PARLEYBOT"
APP_ID = "A0PARLEYAPP"
# The app's OAuth credentials, well known because they are local; a stack may pass its own
CLIENT_ID = defaults.LOCAL_CLIENT_ID  # what a local stage's settings expect
CLIENT_SECRET = defaults.LOCAL_CLIENT_SECRET

LOCAL = Workspace(
    TEAM_ID, TEAM_NAME, TEAM_DOMAIN, BOT_USER_ID, BOT_ID,
    users=(User("U0LOCALUSER", "you", "D0LOCALDM"), User("U0LOCALANA", "ana", "D0LOCALANA"),
           User("U0LOCALBO", "bo", "D0LOCALBO")),  # ana, then bo: the local approvers (bot/local/stack.py)
    channels=("C0LOCALCHAN",),
)
BETA = Workspace(
    "T0BETA", "Beta Works", "beta-works", "U0BETABOT", "B0BETABOT",
    users=(User("U0BETAUSER", "bea", "D0BETADM"), User("U0BETABEN", "ben", "D0BETABEN")),
    channels=("C0BETACHAN",),
)
GRID = Enterprise("E0GRID", "Gridiron", "gridiron", "W0GRIDBOT", "B0GRIDBOT")
GRID_ALPHA = Workspace(
    "T0GRIDA", "Grid Alpha", "grid-alpha", "U0ALPHABOT", "B0ALPHABOT",
    users=(User("W0ALPHAUSER", "alma", "D0ALPHADM"), User("W0ALPHADAN", "dan", "D0ALPHADAN")),
    channels=("C0ALPHACHAN",), enterprise_id=GRID.id,
)
GRID_BRAVO = Workspace(
    "T0GRIDB", "Grid Bravo", "grid-bravo", "U0BRAVOBOT", "B0BRAVOBOT",
    users=(User("W0BRAVOUSER", "bruno", "D0BRAVODM"), User("W0BRAVOBEA", "beatriz", "D0BRAVOBEA")),
    channels=("C0BRAVOCHAN",), enterprise_id=GRID.id,
)

DEFAULT_DIRECTORY = Directory(
    app=App(APP_ID, CLIENT_ID, CLIENT_SECRET, BOT_USER_NAME),
    workspaces=(LOCAL, BETA, GRID_ALPHA, GRID_BRAVO),
    enterprises=(GRID,),
)
