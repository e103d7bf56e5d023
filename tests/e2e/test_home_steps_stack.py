"""App Home and Workflow Builder steps through the real local stack: Slack's requests signed and posted over HTTP to
the ingress, queued, run by the worker under serverless offline, its Web API calls answered by the Slack stand-in.

The stack here declares the fault intents too (PARLEY_FAULT_INTENTS=1): `explode` is the step whose intent fails.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from bot.local.chat import SlackChat
from bot.local.home_chat import HomeChat, step_definitions
from bot.local.slack_events import LOCAL_USER
from bot.local.stack import LocalStack
from bot.local.standin.client import StandInClient
from tests.e2e.conftest import stack_settings

WAIT = 60.0  # a cold worker imports Bolt and the intents first
SETTLE = 3.0  # after a step completed: time for a second delivery to be dropped, or (wrongly) completed again


@pytest.fixture(scope="module")
def faulty_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    with LocalStack(stack_settings(), tmp_path_factory.mktemp("home-steps-logs"),
                    extra_env={"PARLEY_FAULT_INTENTS": "1"}) as running:
        running.wait_until_polling()
        yield running


@pytest.fixture(scope="module")
def slack(faulty_stack: LocalStack) -> StandInClient:
    return StandInClient(faulty_stack.slack_url)


@pytest.fixture(scope="module")
def chat(faulty_stack: LocalStack, slack: StandInClient) -> SlackChat:
    return SlackChat(faulty_stack.ingress_url, faulty_stack.settings.signing_secret.get_secret_value(), slack,
                     faulty_stack.slack_url, worker_log=faulty_stack.log_dir / "offline.log")


def finished(slack: StandInClient, execution_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        execution = next(each for each in slack.step_executions() if each["function_execution_id"] == execution_id)
        if execution["state"] != "running":
            return execution
        time.sleep(0.1)
    raise AssertionError(f"step {execution_id} was not completed within {WAIT:.0f} s")


def run_step(slack: StandInClient, name: str, inputs: dict[str, Any], deliveries: int = 1) -> dict[str, Any]:
    definition = step_definitions().get(name)
    return finished(slack, slack.start_step(name, inputs, definition=definition,
                                            deliveries=deliveries)["function_execution_id"])


def test_the_home_tab_is_published_on_open_and_its_buttons_open_forms(chat: SlackChat, slack: StandInClient) -> None:
    shown: list[str] = []
    home = HomeChat(chat, say=shown.append)
    home.open_home()
    assert home.home is not None and home.home["type"] == "home"
    [call] = [each for each in slack.calls("views.publish") if each["args"]["user_id"] == LOCAL_USER][-1:]
    assert call["response"]["ok"] and len(call["args"]["view"]["blocks"]) <= 100
    assert "  == List my tickets ==" in shown and "  == What I can do ==" in shown
    roll = next(line for line in shown if "Roll a die" in line)
    number = int(roll.strip().split("]")[0].lstrip("["))
    assert home.take(str(number))  # pressing it: the ingress opens the form at once
    assert home.form is not None and home.form["callback_id"] == "intent:roll"
    [opened] = slack.calls("views.open")[-1:]
    assert opened["response"]["ok"]


def test_a_workflow_step_completes_with_its_outputs(slack: StandInClient) -> None:
    done = run_step(slack, "roll", {"sides": 20})
    assert done["state"] == "completed", done
    assert done["outputs"]["text"].startswith("You rolled a ") and done["outputs"]["text"].endswith("(d20).")
    assert done["completions"] == [{"method": "functions.completeSuccess", "ok": True}]


def test_a_step_whose_intent_fails_completes_with_an_error(slack: StandInClient) -> None:
    done = run_step(slack, "explode", {"reason": "on purpose"})
    assert done["state"] == "failed", done
    assert done["error"].startswith("Explode failed.") and "InjectedFault" not in done["error"]
    assert done["completions"] == [{"method": "functions.completeError", "ok": True}]


def test_a_step_event_delivered_twice_completes_once(slack: StandInClient) -> None:
    done = run_step(slack, "echo", {"text": "only once"}, deliveries=2)
    time.sleep(SETTLE)
    execution = next(each for each in slack.step_executions()
                     if each["function_execution_id"] == done["function_execution_id"])
    assert execution["outputs"] == {"text": "only once"}
    assert execution["completions"] == [{"method": "functions.completeSuccess", "ok": True}]
