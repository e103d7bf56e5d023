"""The `worker` Lambda: SQS batches of jobs, each dispatched to the Bolt app.

A job that fails is reported as a batch item failure (ReportBatchItemFailures): SQS redelivers just
that one, and after the queue's maxReceiveCount moves it to the dead-letter queue. The others in
the batch are answered and deleted.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from slack_bolt import App

import intents  # noqa: F401 - declares the intents into the registry
from bot.dialog.registry import registry
from bot.queue.job import Job
from bot.settings import Settings
from bot.worker.app import build_app, dispatch

logger = Logger()
# Bolt's and slack_sdk's log lines get the same JSON and correlation id as ours, from the app's first line on.
for library in ("slack_bolt", "slack_sdk"):
    logging.getLogger(library)  # registers the parent loggers before Bolt creates its children
copy_config_to_registered_loggers(source_logger=logger, include={"slack_bolt", "slack_sdk"})
app = build_app(Settings(), registry)


def handle_record(app: App, record: SQSRecord) -> None:
    logger.set_correlation_id(None)
    try:
        job = Job.model_validate_json(record.body)
        logger.set_correlation_id(job.id)
        logger.info("job received", extra={"message_id": record.message_id,
                                          "receive_count": record.attributes.approximate_receive_count})
        status = dispatch(app, job)
        logger.info("job done", extra={"bolt_status": status})
    except Exception:
        logger.exception("job failed", extra={"message_id": record.message_id})
        raise


def process_batch(event: dict[str, Any], context: LambdaContext, app: App) -> dict[str, Any]:
    # An all-failed batch is reported item by item rather than raised: raising kills serverless offline's
    # runner, and in AWS both mean the same redelivery.
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(event=event, record_handler=partial(handle_record, app), processor=processor,
                                    context=context)


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_batch(event, context, app)
