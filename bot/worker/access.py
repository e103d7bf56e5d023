"""How the worker reaches Slack, by the stage's mode: one workspace's token, or each installation's.

- `single`: the bot token of the settings (SSM, re-read every five minutes), through Bolt's `authorize`
  (`bot.worker.authorize`).
- `oauth`: Bolt's own `InstallationStoreAuthorize` over Parley's installations table
  (`bot.channels.slack.installations`), which hands out only fresh tokens of the workspace (or org) a request came
  from, and never another's: a workspace with no installation gets Bolt's "please reinstall" and nothing else.
  `app_uninstalled` and `tokens_revoked` remove the installation (Bolt's built-in listeners), and then the
  workspace's tickets go too; the rest of its data (dialogs, job outcomes, dedup markers, rate counters) expires
  by its TTL within a day, link codes within minutes (README: Distributing the app).

It also gives a token for messages the worker sends outside a Slack request (a slow Lex job's DM).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from slack_bolt import App
from slack_sdk import WebClient

from bot.channels.slack.installations import RecordsInstallationStore, TokenRefresher
from bot.conversation.identity import Person
from bot.settings import Settings
from bot.stores.bundle import Stores, dynamodb_table
from bot.stores.installations import DynamoInstallationRecords, InstallationRecords
from bot.stores.keys import workspace_key
from bot.worker.authorize import current_token_authorize

log = Logger(child=True)


class SlackAccess:
    def __init__(self, settings: Settings, client: WebClient, stores: Stores,
                 records: InstallationRecords | None = None) -> None:
        self.settings = settings
        self.client = client
        self.stores = stores
        self.store: RecordsInstallationStore | None = None
        if settings.slack_mode == "oauth":
            records = records or DynamoInstallationRecords(dynamodb_table(settings, settings.installations_table))
            refresher = TokenRefresher(records, settings.slack_client_id, settings.slack_client_secret, client)
            self.store = RecordsInstallationStore(records, refresher=refresher, on_removed=self._forget_workspace)

    def app_arguments(self) -> dict[str, Any]:
        """What `App(...)` needs to authorize each request."""
        if self.store is None:
            return {"authorize": current_token_authorize(self.settings.slack_bot_token, self.client)}
        return {"installation_store": self.store}

    def configure(self, app: App) -> None:
        """What the app needs besides (oauth: the listeners that remove an uninstalled workspace's installation)."""
        if self.store is not None:
            app.enable_token_revocation_listeners()

    def token_for(self, person: Person) -> str | None:
        """A bot token for messaging this Slack person outside a request; None when their workspace has none."""
        if self.store is None:
            return self.settings.slack_bot_token()
        bot = self.store.find_bot(enterprise_id=person.enterprise_id or None, team_id=person.team_id or None)
        return bot.bot_token if bot is not None else None

    def _forget_workspace(self, enterprise_id: str | None, team_id: str | None, org_wide: bool) -> None:
        """The documented policy for an uninstalled workspace's data: its tickets are deleted now."""
        if org_wide:
            prefix = workspace_key("slack", None, enterprise_id).removesuffix("-")  # the org's every workspace
        else:
            prefix = workspace_key("slack", team_id, enterprise_id) + "#"  # this workspace's people
        deleted = self.stores.tickets.forget(prefix)
        log.info("workspace forgotten", extra={"workspace": prefix, "tickets_deleted": deleted})
