"""Workflow Builder steps in the local Slack: executions the stand-in starts, and `functions.completeSuccess` /
`functions.completeError`, which end them.

Slack starts a step by sending the app `function_executed` with a `function_execution_id` and a workflow token
(`bot_access_token`, `xwfp-`) for that execution; the app ends it with one of the two methods. As Slack documents
them: both need `function_execution_id` (`invalid_arguments` without it), completeSuccess needs `outputs` (a JSON
object; an output the step's definition requires and the call leaves out is `parameter_validation_failed`),
completeError needs `error`; an id Slack never issued is `function_execution_not_found`, an execution of another
installation `access_denied`, and an execution already completed `execution_not_in_running_state`: an execution
completes once. Every call, the refused ones too, is counted on its execution, so a test can prove the app
completed it exactly once.

Not thread-safe on its own: the stand-in calls it under its lock.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.local.standin.checks import text_arg
from bot.local.standin.errors import Json, SlackError, missing

if TYPE_CHECKING:
    from bot.local.standin.installations import Installation, Installations
    from bot.local.standin.methods import Caller

RUNNING, COMPLETED, FAILED = "running", "completed", "failed"
WORKFLOW_TOKEN_TTL = 15 * 60  # seconds a step's workflow token stays valid (ours; Slack's lasts the execution)


@dataclass
class Execution:
    """One run of a step: what started it, and how (and how many times) the app tried to end it."""

    id: str
    workflow_execution_id: str
    callback_id: str
    inputs: Json
    installation: Installation
    team: str | None
    required_outputs: tuple[str, ...] = ()
    state: str = RUNNING
    outputs: Json | None = None
    error: str | None = None
    completions: list[Json] = field(default_factory=list)  # every completion call: method, ok, error

    def describe(self) -> Json:
        return {"function_execution_id": self.id, "workflow_execution_id": self.workflow_execution_id,
                "callback_id": self.callback_id, "inputs": self.inputs, "team": self.team, "state": self.state,
                "outputs": self.outputs, "error": self.error, "completions": list(self.completions)}


class Functions:
    """The step executions of every installation, by id, and the two methods that complete them."""

    def __init__(self, installations: Installations) -> None:
        self._installations = installations
        self._executions: dict[str, Execution] = {}

    def start(self, callback_id: str, inputs: Json, installation: Installation, team: str | None,
              required_outputs: tuple[str, ...] = ()) -> tuple[Execution, str]:
        """A new running execution of the step `callback_id`, and the workflow token its event carries."""
        execution = Execution("Fx" + secrets.token_hex(5).upper(), "Wx" + secrets.token_hex(5).upper(),
                              callback_id, dict(inputs), installation, team, tuple(required_outputs))
        self._executions[execution.id] = execution
        return execution, self._installations.workflow_token(installation, WORKFLOW_TOKEN_TTL)

    def describe(self) -> list[Json]:
        return [execution.describe() for execution in self._executions.values()]

    def complete_success(self, args: Json, caller: Caller) -> Json:
        return self._complete("functions.completeSuccess", args, caller, self._succeed)

    def complete_error(self, args: Json, caller: Caller) -> Json:
        return self._complete("functions.completeError", args, caller, self._fail)

    def _complete(self, method: str, args: Json, caller: Caller, end: Callable[[Execution, Json], None]) -> Json:
        execution = self._execution(args, caller)
        try:
            end(execution, args)
        except SlackError as refused:
            execution.completions.append({"method": method, "ok": False, "error": refused.error})
            raise
        execution.completions.append({"method": method, "ok": True})
        return {"ok": True}

    def _execution(self, args: Json, caller: Caller) -> Execution:
        execution_id = text_arg(args, "function_execution_id")
        if execution_id is None:
            raise missing("function_execution_id")
        execution = self._executions.get(execution_id)
        if execution is None:
            raise SlackError("function_execution_not_found")
        if execution.installation is not caller.installation:
            raise SlackError("access_denied")
        return execution

    def _succeed(self, execution: Execution, args: Json) -> None:
        outputs = _json_object(args.get("outputs"), "outputs")
        _running(execution)
        absent = [name for name in execution.required_outputs if outputs.get(name) in (None, "")]
        if absent:
            raise SlackError("parameter_validation_failed", f"missing required output: {', '.join(absent)}")
        execution.state, execution.outputs = COMPLETED, outputs

    def _fail(self, execution: Execution, args: Json) -> None:
        error = text_arg(args, "error")
        if error is None:
            raise missing("error")
        _running(execution)
        execution.state, execution.error = FAILED, error


def _running(execution: Execution) -> None:
    if execution.state != RUNNING:
        raise SlackError("execution_not_in_running_state")


def _json_object(value: Any, name: str) -> Json:
    """An argument that is a JSON object, sent as one (a JSON body) or as its text (a form field)."""
    if value is None or value == "":
        raise missing(name)
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise SlackError("invalid_arguments", f"{name} must be a JSON object") from None
    if not isinstance(value, dict):
        raise SlackError("invalid_arguments", f"{name} must be a JSON object")
    return value
