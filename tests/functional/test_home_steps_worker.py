"""The App Home and Workflow Builder steps through the worker in process: SQS batches in, real Bolt listeners, the
Web API calls answered and recorded by the Slack stand-in, tickets in moto's DynamoDB."""

from __future__ import annotations

from typing import Any

import pytest

from bot.channels.slack.steps import function_definition
from bot.channels.slack.surface import HOME_FORM_ACTION_PREFIX, STEP_TEXT_OUTPUT
from bot.channels.slack.turns import slack_person
from bot.conversation import Registry, Reply, Slot, Text, registry
from bot.local.slack_events import LOCAL_TEAM, LOCAL_USER, app_home_opened_event
from bot.local.standin.server import SlackStandIn
from bot.settings import Settings
from bot.worker.handler import Worker
from tests.functional.test_worker import CONTEXT, make_worker, sqs_event

STAGE = "local-homesteps"
TOKEN = "xoxb-homesteps-test-token"


class Broken(RuntimeError):
    """The step intent's own failure."""


@pytest.fixture(scope="module")
def declared() -> Registry:
    """The real intents, and a step whose intent always fails (as intents/faults.py's `explode` does)."""
    local = Registry()
    for each in registry:
        local.add(each)

    @local.intent("break_things", description="Fail on purpose.", examples=["break {what}"],
                  slots=[Slot("what", Text(), prompt="What?")], hidden=True, workflow_step=True)
    def break_things(what: str) -> Reply:
        raise Broken(f"broke {what}")

    return local


@pytest.fixture(scope="module")
def worker(settings: Settings, declared: Registry) -> Worker:
    return make_worker(settings, declared)


def run_step(worker: Worker, slack: SlackStandIn, callback_id: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """A step run as Slack runs it: the stand-in starts the execution, the worker takes its function_executed."""
    intent = worker.engine.registry.get(callback_id)
    definition = function_definition(intent) if intent else None
    started = slack.start_step(callback_id, inputs, definition=definition, deliveries=0)
    assert worker.process_batch(sqs_event(started["event"]), CONTEXT) == {"batchItemFailures": []}
    return execution(slack, started["function_execution_id"])


def execution(slack: SlackStandIn, execution_id: str) -> dict[str, Any]:
    return next(each for each in slack.step_executions() if each["function_execution_id"] == execution_id)


def published(slack: SlackStandIn, after: int) -> list[dict[str, Any]]:
    return [call for call in slack.calls("views.publish", after=after) if call["response"]["ok"]]


def last_seq(slack: SlackStandIn) -> int:
    calls = slack.calls()
    return calls[-1]["seq"] if calls else 0


def test_opening_the_home_tab_publishes_what_the_bot_can_do_and_the_persons_tickets(
        worker: Worker, slack: SlackStandIn) -> None:
    person = slack_person(LOCAL_USER, LOCAL_TEAM)
    worker.engine.work.stores.tickets.open(person.key, "<!channel> the printer", "high", None)
    after = last_seq(slack)
    assert worker.process_batch(sqs_event(app_home_opened_event()), CONTEXT) == {"batchItemFailures": []}
    [call] = published(slack, after)
    assert call["args"]["user_id"] == LOCAL_USER
    view = call["args"]["view"]
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    texts = [block.get("text", {}).get("text", "") for block in view["blocks"]]
    assert "List my tickets" in texts
    assert any("&lt;!channel&gt; the printer" in text for text in texts)  # people's words stay text
    assert not any("<!channel>" in text for text in texts)
    buttons = [block["accessory"] for block in view["blocks"] if "accessory" in block]
    shown = [each.name for each in worker.engine.registry if not each.hidden]
    assert [button["value"] for button in buttons] == shown
    assert all(button["action_id"] == HOME_FORM_ACTION_PREFIX + button["value"] for button in buttons)


def test_the_messages_tab_publishes_nothing(worker: Worker, slack: SlackStandIn) -> None:
    after = last_seq(slack)
    worker.process_batch(sqs_event(app_home_opened_event(tab="messages")), CONTEXT)
    assert published(slack, after) == []


def test_a_step_completes_with_its_intents_answer(worker: Worker, slack: SlackStandIn) -> None:
    done = run_step(worker, slack, "roll", {"sides": 20})
    assert done["state"] == "completed"
    assert done["outputs"][STEP_TEXT_OUTPUT].startswith("You rolled a ") and "(d20)" in done["outputs"]["text"]
    assert done["completions"] == [{"method": "functions.completeSuccess", "ok": True}]


def test_inputs_the_slots_refuse_end_the_step_with_an_error(worker: Worker, slack: SlackStandIn) -> None:
    done = run_step(worker, slack, "roll", {"sides": 1})
    assert done["state"] == "failed"
    assert "sides" in done["error"] and "less than 2" in done["error"]
    assert run_step(worker, slack, "echo", {})["error"] == "Say something back needs text."


def test_an_intent_that_fails_ends_its_step_with_an_error_and_no_traceback(worker: Worker,
                                                                          slack: SlackStandIn) -> None:
    done = run_step(worker, slack, "break_things", {"what": "everything"})
    assert done["state"] == "failed"
    assert done["error"].startswith("Break things failed.")
    assert "Traceback" not in done["error"] and "Broken" not in done["error"]


def test_a_step_we_do_not_have_ends_with_an_error(worker: Worker, slack: SlackStandIn) -> None:
    done = run_step(worker, slack, "no_such_step", {})
    assert done["state"] == "failed" and "no_such_step" in done["error"]


def test_a_step_run_again_completes_once(worker: Worker, slack: SlackStandIn) -> None:
    """The same execution's event in a second job (a run again after a killed worker, which the idempotency record
    cannot stop): Slack refuses the second completion, and the worker takes that as done, not as a failure."""
    intent = worker.engine.registry.get("echo")
    assert intent is not None
    started = slack.start_step("echo", {"text": "once"}, definition=function_definition(intent), deliveries=0)
    first, again = dict(started["event"]), dict(started["event"])
    again["event_id"] = first["event_id"] + "X"  # another job key: the idempotency record does not apply
    assert worker.process_batch(sqs_event(first), CONTEXT) == {"batchItemFailures": []}
    assert worker.process_batch(sqs_event(again), CONTEXT) == {"batchItemFailures": []}
    done = execution(slack, started["function_execution_id"])
    assert done["state"] == "completed" and done["outputs"] == {"text": "once"}
    assert done["completions"] == [{"method": "functions.completeSuccess", "ok": True},
                                   {"method": "functions.completeSuccess", "ok": False,
                                    "error": "execution_not_in_running_state"}]
