"""The `lex` Lambda: Amazon Lex V2 invokes it as the bot alias's code hook (no API Gateway)."""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

import intents  # noqa: F401 - declares the intents into the registry
from bot.aws.sqs import SqsClient
from bot.conversation.registry import registry
from bot.lex.hook import LexHook
from bot.observability.emit import Emitter, collected
from bot.observability.metrics import LEX
from bot.observability.tracing import traced
from bot.queue.envelope import lex_job
from bot.settings import Settings
from bot.stores.bundle import dynamodb_stores

logger = Logger()


def build_hook(settings: Settings) -> LexHook:
    queue = SqsClient(endpoint_url=settings.aws_endpoint_url, region=settings.region)

    def enqueue(job_id: str, intent: str, slots: dict[str, str], session_id: str, owner: dict[str, str],
                workspace: str) -> None:
        queue.send_message(settings.queue_url, lex_job(job_id, intent, slots, session_id=session_id, owner=owner,
                                                       workspace=workspace))

    return LexHook(registry, dynamodb_stores(settings), enqueue, settings.lex_caller_key,
                   metrics=Emitter(settings.stage, LEX))


_hook: LexHook | None = None


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    global _hook
    if os.environ.get("IS_OFFLINE") == "true":
        from bot.local.reload import intents_changed  # the local kit: never imported in AWS

        if intents_changed():
            _hook = None  # make run: an edited intent is served from the next turn on
    if _hook is None:
        _hook = build_hook(Settings())
    with traced("lex turn"), collected():  # the turn's metrics in one EMF line
        return _hook(event)
