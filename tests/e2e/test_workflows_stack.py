"""Workflows through the whole local stack: the ingress and the worker start them, the durable-execution emulator runs
the workflows function through serverless offline, people decide with signed clicks, everyone is told in Slack (or,
a voice caller, on their next Lex turn).

One stack for the module, its hours shortened (HOUR seconds each: the reminder after 1 s, escalation after 4 s,
expiry after 11 s), with the fault intents on, so "request access to explode" has a grant that always fails.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from bot.local.chat import SlackChat
from bot.local.lex_emulator import LexEmulator, load_bot
from bot.local.slack_events import message_event, post, signed_request
from bot.local.stack import LocalStack
from bot.local.standin.client import StandInClient
from tests.e2e.conftest import log_records, stack_settings
from tests.support.lex_rules import response_problems
from tests.support.workflow_stack import ANA, BO, Slack, someone

pytestmark = pytest.mark.e2e
HOUR = 0.15  # seconds a modelled hour lasts in this stack


@pytest.fixture(scope="module")
def slack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Slack]:
    with LocalStack(stack_settings(), tmp_path_factory.mktemp("workflows-stack-logs"), workflow_seconds_per_hour=HOUR,
                    extra_env={"PARLEY_FAULT_INTENTS": "1"}) as stack:
        stack.wait_until_polling()
        chat = SlackChat(stack.ingress_url, stack.settings.signing_secret.get_secret_value(),
                         StandInClient(stack.slack_url), stack.slack_url, worker_log=stack.log_dir / "offline.log")
        yield Slack(stack, chat)


def asked(slack: Slack, user: str, system: str) -> tuple[int, dict]:
    """`user` asks for access to `system`: where the calls stood, and the question in ana's DM."""
    after = slack.seq()
    [reply] = slack.say(user, f"request access to {system}")
    assert reply.text.startswith(f"I've asked an approver about your access to *{system}*")
    assert reply.buttons == ["Cancel request"]
    return after, slack.dm(ANA, f"access to *{system}*", after=after)


def test_an_approval_is_granted_and_the_requester_told(slack: Slack) -> None:
    user = someone()
    after, question = asked(slack, user, "grafana")
    assert question["args"]["text"] == f"<@{user}> asks for access to *grafana*."
    answer = slack.press(ANA, question, "Approve")
    assert answer["replace_original"] and answer["text"].endswith("Thanks: you chose *approve*.")  # buttons gone
    slack.dm(user, "approved", after=after)
    assert slack.dms(user, after=after)[-1] == f"<@{ANA}> approved your request: you have access to *grafana* now."
    assert slack.ended(user).status == "done"


def test_a_denial_says_who_denied(slack: Slack) -> None:
    user = someone()
    after, question = asked(slack, user, "prod-db")
    slack.press(ANA, question, "Deny")
    assert slack.dm(user, "denied", after=after)["args"]["text"] == f"<@{ANA}> denied your request for access to " \
                                                                     "*prod-db*."
    assert slack.ended(user).outcome == "denied"


def test_an_approval_clicked_twice_counts_once(slack: Slack) -> None:
    user = someone()
    after, question = asked(slack, user, "kibana")
    assert "Thanks" in slack.press(ANA, question, "Approve")["text"]
    again = slack.press(ANA, question, "Approve")
    assert (again["text"], again["response_type"]) == (f"Already decided: <@{ANA}> chose *approve*.", "ephemeral")
    slack.dm(user, "approved", after=after)
    time.sleep(1)  # room for a second outcome, which must not come
    assert [text for text in slack.dms(user, after=after) if "approved" in text] == [
        f"<@{ANA}> approved your request: you have access to *kibana* now."]


def test_unanswered_requests_remind_ana_then_ask_bo_who_may_decide_or_they_expire_and_late_clicks_say_so(
        slack: Slack) -> None:
    user, other = someone(), someone()
    after, question = asked(slack, user, "vault")
    asked(slack, other, "jenkins")
    reminder = slack.dm(ANA, "Reminder: ", after=after)
    assert reminder["args"]["text"] == f"Reminder: <@{user}> asks for access to *vault*. It has waited 4 hours."
    escalated = slack.dm(BO, "access to *vault*", after=after)
    assert escalated["args"]["text"] == (f"Escalated to you: <@{user}> asks for access to *vault*. <@{ANA}> has not "
                                         "answered in 24 hours.")
    assert slack.dm(user, "has not answered", after=after)["args"]["text"] == (
        f"<@{ANA}> has not answered in 24 hours: I've asked <@{BO}> too.")
    assert "Thanks" in slack.press(BO, slack.dm(BO, "access to *jenkins*", after=after), "Approve")["text"]
    assert slack.dm(other, "approved", after=after)["args"]["text"] == (
        f"<@{BO}> approved your request: you have access to *jenkins* now.")
    expired = slack.dm(user, "expired", after=after)["args"]["text"]
    assert expired.startswith("Your request for access to *vault* expired: nobody decided within 72 hours.")
    assert slack.ended(user).status == "expired"
    for approver, message in ((BO, escalated), (ANA, question)):  # the escalation's buttons, and the first ones
        late = slack.press(approver, message, "Approve")
        assert late["text"] == "This request has expired: it waited too long for a decision."
    assert not [text for text in slack.dms(user, after=after) if "approved" in text]


def test_a_reminder_fires_once_even_when_slack_delivers_its_request_twice(slack: Slack) -> None:
    user = someone()
    after = slack.seq()
    event = message_event("remind me in 10 minutes to stretch", channel=f"D{user[1:]}", user=user)
    body, headers = signed_request(event, slack.stack.settings.signing_secret.get_secret_value())
    for _ in range(2):  # Slack's retry of the same event
        assert post(slack.stack.ingress_url, body, headers)[0] == 200
    slack.dm(user, "Reminder:", after=after)
    time.sleep(2)  # a second reminder would come within this
    assert [text for text in slack.dms(user, after=after) if text.startswith("Reminder")] == [
        "Reminder: you asked me to remind you to stretch."]
    assert len([record for record in slack.all_records() if record.requester.get("user_id") == user]) == 1


def test_a_step_that_keeps_failing_is_reported_to_the_requester_and_the_alarm(slack: Slack) -> None:
    user = someone()
    after, question = asked(slack, user, "explode")
    slack.press(ANA, question, "Approve")
    told = slack.dm(user, "failed", after=after)["args"]["text"]
    assert told.startswith("Sorry, your access request failed: a step kept failing after 3 tries.")
    record = slack.ended(user)
    assert record.status == "failed"
    lines = log_records(slack.stack.log_dir)
    assert any(line.get("WorkflowsFailed") == 1 and line.get("workflow") == "access_request"
               and "CloudWatchMetrics" in json.dumps(line.get("_aws")) for line in lines)
    assert any(line.get("message") == "workflow failed" and line.get("workflow_id") == record.workflow_id
               for line in lines)


def test_the_requester_cancels_from_slack_and_the_approvers_later_click_says_so(slack: Slack) -> None:
    user = someone()
    started = time.monotonic()
    after = slack.seq()
    [reply] = slack.say(user, "request access to billing")
    question = slack.dm(ANA, "access to *billing*", after=after)
    assert slack.choose(user, reply, "Cancel request") == "Cancelled your access to billing."
    stopped = slack.seq()
    assert slack.press(ANA, question, "Approve")["text"] == "This request was cancelled by the person who asked."
    assert slack.record(user).status == "cancelled"
    status = slack.stack.workflow_watch().lambda_client.get_durable_execution(
        DurableExecutionArn=slack.record(user).execution)["Status"]
    assert status == "STOPPED"  # the engine stopped it: no more reminders, no escalation
    time.sleep(max(0.0, started + 24 * HOUR + 1 - time.monotonic()))  # past the escalation's time
    assert [slack.dms(person, after=stopped) for person in (ANA, BO, user)] == [[], [], []]


def test_a_voice_callers_request_is_approved_in_slack_and_heard_on_their_next_turn(slack: Slack) -> None:
    invoke = slack.stack.invoker("lex")

    def checked(event: dict) -> dict:
        response = invoke(event)
        assert response_problems(response) == [], response
        return response

    caller = LexEmulator(invoke=checked, intents=load_bot())
    after = slack.seq()
    reply, *_ = caller.say("request access to the wiki")  # and a card with its Cancel button
    assert reply.text.startswith("I've asked an approver about your access to the wiki.")
    assert reply.text.endswith("here, on your next turn; a reminder and an escalation follow if nobody answers.")
    question = slack.dm(ANA, "asks for access to *the wiki*", after=after)
    assert question["args"]["text"] == "A voice caller asks for access to *the wiki*."
    slack.press(ANA, question, "Approve")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        said = caller.say("hello")
        if said[0].text.startswith("Your earlier request is done."):
            break
        time.sleep(0.5)
    assert said[0].text == "Your earlier request is done. An approver approved your request: you have access to the " \
                           "wiki now."
    assert said[1].text.startswith("Hello!")
    assert caller.say("hello")[0].text.startswith("Hello!")  # told once
