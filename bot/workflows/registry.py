"""Workflows by name: what an intent starts, and what the workflows function runs when the engine calls it.

A workflow is a Python function `(flow, **inputs) -> str` (its outcome, in words the requester is told), declared
with `@workflow` beside the intent that starts it. Its steps are ordinary code between `flow` calls; the engine
replays the function after every wait, so everything with an effect goes through the flow (`flow.step`,
`flow.tell`, `flow.ask`), which runs it once and remembers its result.

    @workflow("reminder", title="A reminder")
    def reminder(flow: Flow, task: str, hours: float) -> str:
        flow.sleep(hours, name="until")
        flow.tell_requester(f"You asked me to remind you to {task}.")
        return "reminded"
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

WorkflowFunction = Callable[..., str]


@dataclass(frozen=True)
class Workflow:
    name: str
    title: str
    function: WorkflowFunction


_WORKFLOWS: dict[str, Workflow] = {}


def workflow(name: str, *, title: str = "") -> Callable[[WorkflowFunction], WorkflowFunction]:
    """Register `function` as the workflow `name` (`title`: how `make workflows` and messages call it).

    Args:
        name: the name intents start it by (`workflows.start(name, ...)`); unique.
        title: a few words for people ("access request"); the name when empty.
    """

    def register(function: WorkflowFunction) -> WorkflowFunction:
        known = _WORKFLOWS.get(name)
        if known is not None and known.function is not function:
            raise ValueError(f"workflow {name!r} is declared twice")
        _WORKFLOWS[name] = Workflow(name, title or name.replace("_", " "), function)
        return function

    return register


def find(name: str) -> Workflow | None:
    return _WORKFLOWS.get(name)


def registered() -> dict[str, Workflow]:
    return dict(_WORKFLOWS)


def run(name: str, flow: Any, inputs: dict[str, Any]) -> str:
    found = find(name)
    if found is None:
        raise LookupError(f"no workflow named {name!r}")
    return found.function(flow, **inputs)
