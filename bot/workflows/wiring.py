"""What the workflows function is given, from its environment: the stores, the Slack messenger, the approvers.

Read from plain environment variables and SSM Parameter Store through the lean clients: this function imports no
pydantic (bot/settings.py), because it runs on python3.13 from a zip whose compiled extensions are built for the
others' python3.12 (bot/workflows/handler.py). Tables are named as serverless.yml names them.
"""

from __future__ import annotations

import os

from bot import defaults
from bot.aws.dynamodb import DynamoClient
from bot.aws.ssm import SsmClient
from bot.stores.jobs import DynamoJobStore
from bot.stores.keys import parse_workspace_key
from bot.stores.table import DynamoTable
from bot.stores.workflows import DynamoWorkflowStore
from bot.workflows.flow import Services
from bot.workflows.messages import SlackMessenger


def build_services() -> Services:
    env = os.environ
    stage = env.get("PARLEY_STAGE", defaults.DEFAULT_STAGE)
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or defaults.DEFAULT_REGION
    endpoint = env.get("AWS_ENDPOINT_URL") or None
    dynamodb = DynamoClient(region=region, endpoint_url=endpoint, stage=stage)

    def table(kind: str) -> DynamoTable:
        name = env.get(f"PARLEY_{kind.upper()}_TABLE") or defaults.table_name(stage, kind)
        return DynamoTable(dynamodb, name)

    store = DynamoWorkflowStore(table("workflows"))
    jobs = DynamoJobStore(table("results"))
    tokens = BotTokens(stage, region, endpoint, dynamodb)
    approvers = [each.strip() for each in env.get("PARLEY_APPROVERS", "").split(",") if each.strip()]
    return Services(store=store, jobs=jobs, messenger=SlackMessenger(tokens), approvers=approvers)


class BotTokens:
    """The bot token for a Slack workspace key: the stage's (single mode, SSM) or the installation's (oauth)."""

    def __init__(self, stage: str, region: str, endpoint: str | None, dynamodb: DynamoClient) -> None:
        self.stage = stage
        self.region = region
        self.endpoint = endpoint
        self.dynamodb = dynamodb
        self._single: str | None = None
        self._installations = None

    def __call__(self, workspace: str) -> str:
        if os.environ.get("PARLEY_SLACK_MODE", "single") == "oauth":
            return self._installation_token(workspace)
        if self._single is None:
            parameter = os.environ.get("SLACK_BOT_TOKEN_PARAM")
            if parameter:
                with SsmClient(region=self.region, endpoint_url=self.endpoint, stage=self.stage) as ssm:
                    self._single = ssm.get_parameter(parameter)
            else:
                self._single = os.environ.get("SLACK_BOT_TOKEN") or (
                    defaults.LOCAL_BOT_TOKEN if defaults.is_local_stage(self.stage) else "")
        return self._single

    def _installation_token(self, workspace: str) -> str:
        from bot.ingress.installations import InstallationTokens
        from bot.stores.installations import DynamoInstallationRecords

        if self._installations is None:
            name = os.environ.get("PARLEY_INSTALLATIONS_TABLE") or defaults.table_name(self.stage, "installations")
            self._installations = InstallationTokens(DynamoInstallationRecords(DynamoTable(self.dynamodb, name)))
        _, enterprise, team = parse_workspace_key(workspace)
        return self._installations.bot_token(enterprise, team, is_enterprise_install=bool(enterprise and not team))
