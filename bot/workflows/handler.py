"""The workflows Lambda: runs each workflow as a Lambda durable execution (aws-durable-execution-sdk-python).

The engine invokes this function to start a workflow and again after each wait ends (a time, a decision, a
timeout), replaying the workflow from the top with the results of the steps already done (bot/workflows/flow.py).
The execution's input names the workflow and its record: `{"workflow": ..., "workspace": ..., "workflow_id": ...,
"inputs": {...}}`, written by whoever started it (bot/workflows/engine.py) after the record was created.

Failure policy: a step that still fails after its retries ends the workflow as failed: the requester is told (DM,
or their next voice turn), the record says failed, and the `WorkflowsFailed` metric (EMF) is counted, which the
stage's alarm watches (serverless.yml). The execution itself then succeeds with `{"status": "failed"}`: the
failure is reported once, by us, not retried by the engine. A workflow that was stopped (cancelled by its
requester) runs no further code.

Runs on python3.13 (durable functions need it) from the same zip as the other functions: it imports only pure
Python (slack_sdk, the durable SDK, Powertools Logger, our lean AWS clients), never pydantic or the recogniser's
C extensions, which the zip carries built for the others' python3.12 (tests/unit/test_workflow_imports.py).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from typing import Any

from aws_durable_execution_sdk_python.context import DurableContext
from aws_durable_execution_sdk_python.exceptions import DurableOperationError
from aws_durable_execution_sdk_python.execution import durable_execution
from aws_lambda_powertools import Logger

import intents  # noqa: F401  (declares every intent and the workflows they start)
from bot.observability.metrics import emf_document, workflow_failed_values
from bot.stores.workflows import WorkflowRecord
from bot.workflows import registry
from bot.workflows.flow import Flow, Services
from bot.workflows.wiring import build_services

log = Logger(service=os.environ.get("POWERTOOLS_SERVICE_NAME", "parley"))
_services: Services | None = None


def services() -> Services:
    global _services
    if _services is None:
        _services = build_services()
    return _services


def run(event: dict[str, Any], context: DurableContext, given: Services | None = None) -> dict[str, str]:
    """One workflow, from its input to its outcome (replayed by the engine after every wait)."""
    deps = given or services()
    name, workspace, workflow_id = str(event["workflow"]), str(event["workspace"]), str(event["workflow_id"])
    inputs = dict(event.get("inputs") or {})

    def load() -> dict[str, Any]:
        record = deps.store.get(workspace, workflow_id)
        if record is None:
            raise LookupError(f"no record for workflow {workflow_id}")
        return asdict(record)

    record = WorkflowRecord(**context.step(lambda _: load(), name="load"))
    flow = Flow(context, record, deps)
    try:
        outcome = registry.run(name, flow, inputs)
    except DurableOperationError as error:
        return failed(flow, name, error)
    flow.finish("expired" if outcome == "expired" else "done", outcome)
    return {"status": "done", "outcome": outcome}


def failed(flow: Flow, name: str, error: Exception) -> dict[str, str]:
    found = registry.find(name)
    title = found.title if found else name
    reason = type(error).__name__

    def report() -> None:
        log.error("workflow failed", workflow=name, workflow_id=flow.record.workflow_id, error=reason,
                  detail=str(error)[:300])
        values, dimensions = workflow_failed_values(name)
        print(json.dumps(emf_document(values, dimensions)), flush=True)  # EMF: the alarm's metric

    flow.context.step(lambda _: report(), name="failed:report")
    flow.tell_requester(f"Sorry, your {title} failed: a step kept failing after 3 tries. The team has been "
                        "alerted; you can ask again later.", name="failed:tell")
    flow.finish("failed", f"failed: {reason}")
    return {"status": "failed", "error": reason}


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> dict[str, str]:
    log.append_keys(workflow_id=event.get("workflow_id"), correlation_id=event.get("correlation_id"))
    return run(event, context)


__all__ = ["handler", "run"]
