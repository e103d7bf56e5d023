"""What a workflow's code is given: steps that run once, waits that cost nothing, questions people answer.

`Flow` is Parley's face on a Lambda durable execution (aws-durable-execution-sdk-python's `DurableContext`). The
engine runs the workflow function again from the top after every wait ("replay"), handing back the remembered
result of each step already done, so:
- everything with an effect (a message, a grant, a record) goes through `step`, `tell_*` or `ask`, which run it
  once and remember its result; plain code between them must be deterministic (no clock, no random);
- `sleep` and `ask` suspend the function: nothing is billed while a workflow waits, for hours or weeks;
- a step that raises is retried by its policy (`STEP_RETRY`: 3 attempts, backoff); when the last attempt fails the
  step raises `StepError` into the workflow, and the workflows handler reports the failure (bot/workflows/handler.py).

`ask` puts a question with buttons to one or more Slack users and waits for the first decision, or for its time
to run out (None). Who may answer, and the one decision it takes, are kept in the workflow's record
(bot/stores/workflows.py); the worker's click listener claims the decision there, then completes the engine's
callback (bot/worker/listeners/workflows.py).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from aws_durable_execution_sdk_python.config import Duration, StepConfig, WaitForCallbackConfig
from aws_durable_execution_sdk_python.context import DurableContext
from aws_durable_execution_sdk_python.exceptions import CallbackTimeoutError
from aws_durable_execution_sdk_python.retries import RetryStrategyConfig, create_retry_strategy

from bot.channels.slack.surface import WORKFLOW_CANCEL_ACTION, WORKFLOW_DECIDE_ACTION
from bot.conversation.identity import Person
from bot.stores.jobs import JobStore
from bot.stores.workflows import Status, WorkflowRecord, WorkflowStore
from bot.workflows.clock import engine_seconds

T = TypeVar("T")
DECIDE_ACTION, CANCEL_ACTION = WORKFLOW_DECIDE_ACTION, WORKFLOW_CANCEL_ACTION  # the worker's listeners


_MENTION = re.compile(r"<@[A-Z0-9]+>")


def spoken(text: str) -> str:
    """Slack text as a voice says it: a mention is "an approver", bold is plain, entities are characters."""
    plain = _MENTION.sub("an approver", text).replace("*", "")
    plain = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return plain[:1].upper() + plain[1:]


def step_retry() -> Any:
    """A failing step: 3 attempts, 1 then 2 modelled minutes apart (at least a second each)."""
    return create_retry_strategy(RetryStrategyConfig(
        max_attempts=3, initial_delay=Duration.from_seconds(engine_seconds(1 / 60)),
        max_delay=Duration.from_seconds(engine_seconds(1)), backoff_rate=2.0))


@dataclass(frozen=True)
class Decision:
    choice: str  # the chosen button's value ("approve", "deny")
    by: str  # the Slack user who chose


class Messenger(Protocol):
    """How a workflow reaches people (bot/workflows/messages.py in a Lambda; a recorder in unit tests)."""

    def to_user(self, team: str, user: str, text: str, buttons: Sequence[tuple[str, str, str]] = ()) -> None: ...


@dataclass
class Services:
    store: WorkflowStore
    jobs: JobStore
    messenger: Messenger
    approvers: list[str]  # the stage's approvers (Slack user ids): the first decides, the rest are escalated to


class Flow:
    def __init__(self, context: DurableContext, record: WorkflowRecord, services: Services) -> None:
        self.context = context
        self.record = record
        self.services = services
        self.requester = Person.from_dict(record.requester)

    # -- what a workflow reads -----------------------------------------------------------------------------------

    @property
    def approvers(self) -> list[str]:
        return list(self.services.approvers)

    @property
    def requester_mention(self) -> str:
        """How messages name the requester: a Slack mention, or "a caller" for an unlinked voice caller."""
        user = self.requester.slack_user_id
        return f"<@{user}>" if user else "a voice caller"

    # -- steps ---------------------------------------------------------------------------------------------------

    def step(self, name: str, function: Callable[..., T], *args: Any) -> T:
        """Run `function(*args)` once (its result remembered; retried by `step_retry` when it raises)."""
        return self.context.step(lambda _: function(*args), name=name,
                                 config=StepConfig(retry_strategy=step_retry()))

    def sleep(self, hours: float, *, name: str, waiting_for: str = "") -> None:
        """Wait `hours` of modelled time (bot/workflows/clock.py) at no cost."""
        seconds = engine_seconds(hours)
        until = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(time.time() + seconds))
        self.note(f"{name}:waiting", waiting_for or f"the time: {until}")
        self.context.wait(Duration.from_seconds(seconds), name=name)
        self.note(f"{name}:woke", "")

    def ask(self, name: str, approvers: Sequence[str], text: str, choices: Sequence[tuple[str, str]], *,
            hours: float) -> Decision | None:
        """Put `text` with one button per (label, value) of `choices` to each of `approvers` (Slack users of the
        stage's workspace) and wait up to `hours` for the first decision; None when nobody decided in time."""
        seconds = engine_seconds(hours)
        record = self.record
        team = record.approvers_team
        mentions = ", ".join(f"<@{each}>" for each in approvers)

        def submit(callback_id: str, _: Any) -> None:
            self.services.store.wait(record.workspace, record.workflow_id, round=name,
                                     waiting_for=f"a decision from {mentions}", approvers=list(approvers),
                                     approvers_team=team, callback_id=callback_id,
                                     deadline=int(time.time()) + seconds)
            value = json.dumps({"w": record.workspace, "id": record.workflow_id})
            buttons = [(label, DECIDE_ACTION, json.dumps({**json.loads(value), "choice": choice}))
                       for label, choice in choices]
            for approver in approvers:
                self.services.messenger.to_user(team, approver, text, buttons)

        config = WaitForCallbackConfig(timeout=Duration.from_seconds(seconds), retry_strategy=step_retry())
        try:
            result = self.context.wait_for_callback(submit, name=name, config=config)
        except CallbackTimeoutError:
            return None
        data = json.loads(result) if isinstance(result, str | bytes) else result
        return Decision(choice=str(data["choice"]), by=str(data["by"]))

    def tell_requester(self, text: str, *, name: str, cancel_button: bool = False) -> None:
        """Tell the requester `text`: a DM in Slack; for a voice caller, their next turn (the job store)."""
        person, record = self.requester, self.record

        def tell() -> None:
            if record.reply_via == "slack" and person.slack_user_id:
                buttons = [("Cancel request", CANCEL_ACTION,
                            json.dumps({"w": record.workspace, "id": record.workflow_id}))] if cancel_button else []
                self.services.messenger.to_user(person.workspace, person.user_id, text, buttons)
            else:  # said on the caller's next turn: no Slack markup in speech
                self.services.jobs.finish(person.key, record.workflow_id, "done", spoken(text), told=False)

        self.context.step(lambda _: tell(), name=name, config=StepConfig(retry_strategy=step_retry()))

    def tell_user(self, user: str, text: str, *, name: str) -> None:
        """DM a Slack user of the approvers' workspace."""
        team = self.record.approvers_team
        self.context.step(lambda _: self.services.messenger.to_user(team, user, text), name=name,
                          config=StepConfig(retry_strategy=step_retry()))

    def note(self, name: str, waiting_for: str) -> None:
        """Say in the workflow's record what it waits for now (`make workflows` shows it)."""
        record = self.record
        self.context.step(lambda _: self.services.store.resume(record.workspace, record.workflow_id, waiting_for),
                          name=name)

    def finish(self, status: Status, outcome: str) -> None:
        record = self.record
        self.context.step(lambda _: self.services.store.finish(record.workspace, record.workflow_id, status, outcome),
                          name="finish")
