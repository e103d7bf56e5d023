"""The demo workflows on the durable SDK's own engine (in-process, modelled hours shortened): approve, deny,
reminder and escalation, double and late clicks, a failing step, a reminder, a voice caller told later."""

from __future__ import annotations

import pytest

from bot.conversation.identity import Person
from tests.support.workflows import APPROVERS, REQUESTER, TEAM, harness

ANA, BO = APPROVERS


def test_an_approved_request_is_granted_and_the_requester_told(monkeypatch: pytest.MonkeyPatch) -> None:
    with harness(2.0, monkeypatch) as h:
        record = h.start("access_request", {"system": "grafana"})
        waiting = h.until(record, lambda r: r.status == "waiting")
        assert waiting.approvers == [ANA] and "grafana" in h.messenger.to(ANA)[0]
        answer = h.workflows.decide(record.workspace, record.workflow_id, "approve", ANA, TEAM)
        assert answer.changed
        again = h.workflows.decide(record.workspace, record.workflow_id, "approve", ANA, TEAM)
        assert not again.changed and "Already decided" in again.text
        assert h.result(record).result == '{"status": "done", "outcome": "approved"}'
        assert h.messenger.to(REQUESTER.user_id) == [f"<@{ANA}> approved your request: you have access to "
                                                     "*grafana* now."]
        late = h.workflows.decide(record.workspace, record.workflow_id, "deny", ANA, TEAM)
        assert not late.changed
        assert h.store.get(record.workspace, record.workflow_id).status == "done"


def test_a_denied_request_says_who_denied(monkeypatch: pytest.MonkeyPatch) -> None:
    with harness(2.0, monkeypatch) as h:
        record = h.start("access_request", {"system": "prod db"})
        h.until(record, lambda r: r.status == "waiting")
        assert "Only the approvers" in h.workflows.decide(record.workspace, record.workflow_id, "approve",
                                                          REQUESTER.user_id, TEAM).text
        assert h.workflows.decide(record.workspace, record.workflow_id, "deny", ANA, TEAM).changed
        h.result(record)
        assert h.messenger.to(REQUESTER.user_id) == [f"<@{ANA}> denied your request for access to *prod db*."]


def test_no_answer_reminds_then_escalates_then_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    with harness(0.1, monkeypatch) as h:  # remind after 1 s, escalate after 2 s, expire after ~5 s
        record = h.start("access_request", {"system": "vault"})
        escalated = h.until(record, lambda r: r.round == "escalate")
        assert escalated.approvers == [ANA, BO]
        assert h.messenger.to(ANA)[1].startswith("Reminder:") and h.messenger.to(BO)[0].startswith("Escalated")
        result = h.result(record)
        assert result.result == '{"status": "done", "outcome": "expired"}'
        told = h.messenger.to(REQUESTER.user_id)
        assert "has not answered" in told[0] and "expired" in told[-1]
        late = h.workflows.decide(record.workspace, record.workflow_id, "approve", BO, TEAM)
        assert "expired" in late.text and not late.changed


def test_the_escalated_approver_can_decide(monkeypatch: pytest.MonkeyPatch) -> None:
    with harness(0.1, monkeypatch) as h:
        record = h.start("access_request", {"system": "vault"})
        h.until(record, lambda r: r.round == "escalate" and r.status == "waiting")
        assert h.workflows.decide(record.workspace, record.workflow_id, "approve", BO, TEAM).changed
        assert h.result(record).result == '{"status": "done", "outcome": "approved"}'


def test_a_step_that_keeps_failing_is_reported_to_the_requester(monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PARLEY_FAULT_INTENTS", "1")
    with harness(0.02, monkeypatch) as h:
        record = h.start("access_request", {"system": "explode"})
        h.until(record, lambda r: r.status == "waiting")
        h.workflows.decide(record.workspace, record.workflow_id, "approve", ANA, TEAM)
        assert h.result(record).result == '{"status": "failed", "error": "StepError"}'
        assert "failed" in h.messenger.to(REQUESTER.user_id)[-1]
        assert h.store.get(record.workspace, record.workflow_id).status == "failed"
    assert '"WorkflowsFailed":1' in capsys.readouterr().out.replace(" ", "")


def test_a_reminder_fires_once(monkeypatch: pytest.MonkeyPatch) -> None:
    with harness(0.01, monkeypatch) as h:
        record = h.start("reminder", {"task": "stretch <now>", "hours": 0.5})
        again = h.start("reminder", {"task": "stretch <now>", "hours": 0.5})  # the same job run twice
        assert again.workflow_id == record.workflow_id
        assert h.result(record).result == '{"status": "done", "outcome": "reminded"}'
        assert h.messenger.to(REQUESTER.user_id) == ["Reminder: you asked me to remind you to stretch &lt;now&gt;."]


def test_the_requester_cancels_and_nobody_else_can(monkeypatch: pytest.MonkeyPatch) -> None:
    with harness(2.0, monkeypatch) as h:
        record = h.start("access_request", {"system": "grafana"})
        h.until(record, lambda r: r.status == "waiting")
        assert "Only the person who asked" in h.workflows.cancel(record.workspace, record.workflow_id,
                                                                 Person("slack", ANA, "T0LOCAL")).text
        assert h.workflows.cancel(record.workspace, record.workflow_id, REQUESTER).changed
        assert "cancelled" in h.workflows.decide(record.workspace, record.workflow_id, "approve", ANA, TEAM).text


def test_a_voice_callers_request_is_told_on_their_next_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    caller = Person("lex", "session-1", "LEXBOT1")
    with harness(2.0, monkeypatch) as h:
        record = h.start("access_request", {"system": "grafana"}, person=caller, via="lex")
        waiting = h.until(record, lambda r: r.status == "waiting")
        assert waiting.approvers_team == TEAM and "A voice caller asks" in h.messenger.to(ANA)[0]
        assert h.workflows.decide(record.workspace, record.workflow_id, "approve", ANA, TEAM).changed
        h.result(record)
        [told] = h.jobs.untold(caller.key, "lex")
        assert told.text == "An approver approved your request: you have access to grafana now."


def conversation(h: object) -> object:
    from dataclasses import replace

    from bot.stores.bundle import memory_stores
    from bot.testing import Conversation

    stores = replace(memory_stores(), jobs=h.jobs, workflows=h.workflows)  # type: ignore[attr-defined]
    return Conversation(stores=stores, user=REQUESTER.user_id)


def test_asked_in_words_started_listed_and_cancelled_by_its_button(monkeypatch: pytest.MonkeyPatch) -> None:
    with harness(2.0, monkeypatch) as h:
        chat = conversation(h)
        chat.say("I need access to the billing dashboard")
        assert "*the billing dashboard*" in chat.text and chat.buttons == ["Cancel request"]
        [record] = h.store.open_workflows()
        h.until(record, lambda r: r.status == "waiting")
        chat.press("Cancel request")
        assert chat.text == "Cancelled your access to the billing dashboard."
        chat.say("I need access to grafana")
        h.until(h.store.open_workflows()[0], lambda r: r.status == "waiting")
        chat.say("what am I waiting for")
        assert "access to grafana" in chat.text and "a decision from an approver" in chat.text
        assert "billing" not in chat.text
        chat.say("cancel my request")
        assert chat.text == "Cancelled your access to grafana."
        chat.say("cancel my request")
        assert chat.text == "You have nothing open to cancel."


@pytest.mark.parametrize(("said", "task", "reply"), [
    ("remind me in 10 minutes to water the plants", "water the plants", "in 10 minutes"),
    ("remind me to call mom in 2 hours", "call mom", "in 2 hours"),
    ("in 3 days remind me to renew the certificate", "renew the certificate", "in 3 days"),
])
def test_reminders_in_words(monkeypatch: pytest.MonkeyPatch, said: str, task: str, reply: str) -> None:
    with harness(0.001, monkeypatch) as h:
        chat = conversation(h)
        chat.say(said)
        assert chat.text == f"OK: {reply} I'll remind you to {task}."
        [record] = h.store.open_workflows() or [None]
        if record is not None:
            h.result(record)
        assert h.messenger.to(REQUESTER.user_id) == [f"Reminder: you asked me to remind you to {task}."]
