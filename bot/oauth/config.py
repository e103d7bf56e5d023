"""What the install flow needs from the settings: the app's credentials, its scopes, and where Slack lives.

A frozen value built once per sandbox, so the flow and its tests never read the environment or SSM themselves. The
client secret is read when the flow is built (SSM, cached by the settings) and kept out of every repr.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.channels.slack.surface import BOT_SCOPES
from bot.settings import Settings

# How long an install link (its `state`) may wait for the installer to come back: Slack's codes live ten minutes
STATE_TTL_SECONDS = 600


@dataclass(frozen=True)
class InstallConfig:
    client_id: str
    client_secret: str = field(repr=False)
    redirect_url: str  # Slack sends the installer back here; it must be one of the app's redirect URLs
    authorize_url: str  # Slack's authorize page (the local stand-in's on a local stage)
    slack_api_url: str  # oauth.v2.access and auth.test
    token_rotation: bool  # whether this stage expects expiring tokens with refresh tokens
    scopes: tuple[str, ...] = BOT_SCOPES  # what the code serves (bot/channels/slack/surface.py), as the manifest asks
    state_ttl_seconds: int = STATE_TTL_SECONDS

    @classmethod
    def from_settings(cls, settings: Settings) -> InstallConfig:
        return cls(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret(),
            redirect_url=settings.oauth_redirect_url,
            authorize_url=settings.slack_authorize_url,
            slack_api_url=settings.slack_api_url,
            token_rotation=settings.token_rotation,
        )
