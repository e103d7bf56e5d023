"""The stand-in's Workflow Builder steps and Home views, called with the real slack_sdk client: Slack's documented
shapes and errors (functions.completeSuccess / completeError, views.publish)."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.local.slack_events import LOCAL_USER
from bot.local.standin.server import SlackStandIn

TEXT = {"type": "string", "is_required": True}
DEFINITION = {"title": "Echo", "input_parameters": {"properties": {"text": TEXT}, "required": ["text"]},
              "output_parameters": {"properties": {"text": TEXT}, "required": ["text"]}}


def started(standin: SlackStandIn) -> tuple[str, WebClient]:
    """A running step execution, and a client holding the workflow token its event carries."""
    run = standin.start_step("echo", {"text": "hi"}, definition=DEFINITION, deliveries=0)
    event = run["event"]["event"]
    assert event["type"] == "function_executed" and event["function"]["callback_id"] == "echo"
    assert event["function"]["input_parameters"] == [{"type": "string", "is_required": True, "name": "text"}]
    assert event["bot_access_token"].startswith("xwfp-")
    return run["function_execution_id"], WebClient(token=event["bot_access_token"], base_url=standin.api_url)


def error_of(call: Any) -> str:
    with pytest.raises(SlackApiError) as refused:
        call()
    return str(refused.value.response["error"])


def test_a_step_completes_once(standin: SlackStandIn) -> None:
    execution_id, workflow = started(standin)
    assert workflow.functions_completeSuccess(function_execution_id=execution_id, outputs={"text": "hi"})["ok"]
    again = error_of(lambda: workflow.functions_completeSuccess(function_execution_id=execution_id,
                                                                outputs={"text": "hi"}))
    assert again == "execution_not_in_running_state"
    assert error_of(lambda: workflow.functions_completeError(function_execution_id=execution_id,
                                                             error="no")) == "execution_not_in_running_state"
    [done] = standin.step_executions()
    assert (done["state"], done["outputs"], len(done["completions"])) == ("completed", {"text": "hi"}, 3)


def test_an_error_completion_keeps_the_error(standin: SlackStandIn, client: WebClient) -> None:
    execution_id, _ = started(standin)
    assert client.functions_completeError(function_execution_id=execution_id, error="It broke.")["ok"]
    [done] = standin.step_executions()
    assert (done["state"], done["error"]) == ("failed", "It broke.")


def test_the_documented_errors(standin: SlackStandIn, client: WebClient) -> None:
    execution_id, workflow = started(standin)
    assert error_of(lambda: client.functions_completeSuccess(function_execution_id="Fx0NOSUCH", outputs={})) == \
        "function_execution_not_found"
    assert error_of(lambda: workflow.functions_completeSuccess(function_execution_id=execution_id,
                                                               outputs={})) == "parameter_validation_failed"
    assert error_of(lambda: client.api_call("functions.completeSuccess",
                                            params={"function_execution_id": execution_id})) == "invalid_arguments"
    assert error_of(lambda: client.api_call("functions.completeError",
                                            params={"function_execution_id": execution_id})) == "invalid_arguments"
    assert error_of(lambda: client.api_call("functions.completeError", params={"error": "x"})) == "invalid_arguments"
    assert standin.step_executions()[0]["state"] == "running"  # refusals end nothing


def test_calls_are_recorded_without_the_token(standin: SlackStandIn) -> None:
    execution_id, workflow = started(standin)
    workflow.functions_completeSuccess(function_execution_id=execution_id, outputs={"text": "hi"})
    [call] = standin.calls("functions.completeSuccess")
    assert call["args"]["function_execution_id"] == execution_id and "token" not in call["args"]


def home(blocks: int = 1, **extra: Any) -> dict[str, Any]:
    return {"type": "home", "blocks": [{"type": "divider"}] * blocks, **extra}


def test_views_publish_keeps_one_home_view_per_person(client: WebClient) -> None:
    first = client.views_publish(user_id=LOCAL_USER, view=home())["view"]
    second = client.views_publish(user_id=LOCAL_USER, view=home(2), hash=first["hash"])["view"]
    assert second["id"] == first["id"] and second["hash"] != first["hash"] and len(second["blocks"]) == 2
    assert error_of(lambda: client.views_publish(user_id=LOCAL_USER, view=home(), hash=first["hash"])) == \
        "hash_conflict"


def test_views_publish_keeps_slacks_limits(client: WebClient) -> None:
    assert client.views_publish(user_id=LOCAL_USER, view=home(100))["ok"]
    assert error_of(lambda: client.views_publish(user_id=LOCAL_USER, view=home(101))) == "invalid_blocks"
    assert error_of(lambda: client.views_publish(user_id=LOCAL_USER,
                                                 view=home(private_metadata="x" * 3001))) == "invalid_arguments"
    assert error_of(lambda: client.views_publish(user_id=LOCAL_USER,
                                                 view=home(callback_id="x" * 256))) == "invalid_arguments"
    assert error_of(lambda: client.views_publish(user_id=LOCAL_USER, view={"type": "modal", "blocks": []})) == \
        "invalid_arguments"
