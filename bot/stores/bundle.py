"""All of a stage's stores at once: DynamoDB in a Lambda, memory for the console and unit tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.stores.dialogs import DialogStore, DynamoDialogStore, MemoryDialogStore
from bot.stores.jobs import DynamoJobStore, JobStore, MemoryJobStore
from bot.stores.limits import DynamoRateLimits, MemoryRateLimits, RateLimits
from bot.stores.links import DynamoLinkStore, LinkStore, MemoryLinkStore
from bot.stores.streams import DynamoStreamStore, MemoryStreamStore, StreamStore
from bot.stores.table import DynamoTable
from bot.stores.tickets import DynamoTicketStore, MemoryTicketStore, TicketStore
from bot.stores.workflows import DynamoWorkflowStore, MemoryWorkflowStore
from bot.workflows.engine import DurableEngine, Engine
from bot.workflows.service import Workflows

if TYPE_CHECKING:
    from bot.settings import Settings


@dataclass(frozen=True)
class Stores:
    dialogs: DialogStore
    tickets: TicketStore
    jobs: JobStore
    links: LinkStore
    limits: RateLimits
    streams: StreamStore = field(default_factory=MemoryStreamStore)  # Slack's streamed answers in flight
    # Workflows (bot/workflows/): their records and the engine that runs them; none on a stage without an engine
    workflows: Workflows = field(default_factory=lambda: Workflows(MemoryWorkflowStore(), MemoryJobStore(), None, []))


def memory_stores() -> Stores:
    return Stores(MemoryDialogStore(), MemoryTicketStore(), MemoryJobStore(), MemoryLinkStore(), MemoryRateLimits())


_clients: dict[tuple[str, str | None, str], object] = {}
# Seconds per attempt of the functions' store calls: the lean client's 1 s default is the ingress's, inside Slack's
# 3 s; the worker, the Lex hook and the workflows can wait out a slow answer rather than retry a write it took
STORE_ATTEMPT_SECONDS = 5.0


def dynamodb_table(settings: Settings, name: str) -> DynamoTable:
    """One of the stage's tables, through the lean DynamoDB client this process shares for the stage."""
    from bot.aws.dynamodb import DynamoClient

    place = (settings.region, settings.aws_endpoint_url, settings.stage)
    if place not in _clients:
        _clients[place] = DynamoClient(region=settings.region, endpoint_url=settings.aws_endpoint_url,
                                       stage=settings.stage, timeout=STORE_ATTEMPT_SECONDS)
    return DynamoTable(_clients[place], name)  # type: ignore[arg-type]


def dynamodb_stores(settings: Settings) -> Stores:
    """The stage's tables (named by `settings`), through one lean DynamoDB client: no network until first used."""

    def table(name: str) -> DynamoTable:
        return dynamodb_table(settings, name)

    jobs = DynamoJobStore(table(settings.results_table))
    return Stores(
        dialogs=DynamoDialogStore(table(settings.dialogs_table), settings.dialog_ttl_seconds),
        tickets=DynamoTicketStore(table(settings.tickets_table)),
        jobs=jobs,
        links=DynamoLinkStore(table(settings.links_table)),
        limits=DynamoRateLimits(table(settings.limits_table)),
        streams=DynamoStreamStore(table(settings.streams_table)),
        workflows=Workflows(DynamoWorkflowStore(table(settings.workflows_table)), jobs, workflow_engine(settings),
                            settings.approver_ids, settings.approvers_team),
    )


def workflow_engine(settings: Settings) -> Engine | None:
    """The stage's workflow engine, when it has a workflows function (and, locally, the emulator's URL)."""
    if not settings.workflows_function:
        return None
    return DurableEngine(settings.workflows_function, settings.region, settings.workflows_url)
