"""Who is talking: a person as a verified source says, never as the client claims.

A Slack person comes from Slack's signed request (user, team, enterprise). A Lex caller is anonymous, scoped to
their own Lex session, unless a server-side link (`bot.stores.links`) says which Slack person they are. Everything
stored for someone is keyed by `Person.key`, which carries the channel and workspace the person belongs to.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from bot.stores.keys import record_key, workspace_key

SESSION_PREFIX = "session:"  # the user id of an anonymous Lex caller: their session, nothing more
CALLER_PREFIX = "caller:"  # the user id of a Lex caller whose caller id is verified, but who is not linked
# How long a voice caller stays linked to a Slack person: a verified caller id (a phone number Amazon Connect vouches
# for, a web identity a trusted backend signs) for weeks; a bare Lex session only while such a session lives.
VERIFIED_LINK_SECONDS = 90 * 24 * 60 * 60
SESSION_LINK_SECONDS = 12 * 60 * 60


@dataclass(frozen=True)
class Person:
    via: str  # where this identity is vouched for: "slack", "lex" (anonymous caller), "console"
    user_id: str
    team_id: str = ""  # the Slack team; for an anonymous Lex caller, the Lex bot's id
    enterprise_id: str = ""

    @property
    def workspace(self) -> str:
        return workspace_key(self.via, self.team_id, self.enterprise_id)

    @property
    def key(self) -> str:
        """What this person's records are keyed by: channel, workspace, user."""
        return record_key(self.workspace, self.user_id)

    @property
    def slack_user_id(self) -> str | None:
        """The Slack user to message directly, when this is a Slack person."""
        return self.user_id if self.via == "slack" else None

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Person:
        return cls(via=str(data["via"]), user_id=str(data["user_id"]), team_id=str(data.get("team_id", "")),
                   enterprise_id=str(data.get("enterprise_id", "")))


def anonymous_caller(bot_id: str, session_id: str, *, verified: str | None = None) -> Person:
    """A Lex caller not linked to a Slack person: their records are their verified caller id's (a phone number
    a trusted signer vouched for), else only their own session's."""
    if verified:
        return Person("lex", CALLER_PREFIX + verified, team_id=bot_id)
    return Person("lex", SESSION_PREFIX + session_id, team_id=bot_id)


def caller_key(lex_workspace: str, *, verified: str | None, session_id: str) -> str:
    """The key a Lex caller's link is kept under: their verified caller id when there is one, else their session."""
    if verified:
        return record_key(lex_workspace, "caller", verified)
    return record_key(lex_workspace, "session", session_id)


def link_seconds(caller: str) -> int:
    """How long a link made for this caller key lasts."""
    return VERIFIED_LINK_SECONDS if "#caller#" in caller else SESSION_LINK_SECONDS
