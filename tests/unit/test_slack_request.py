import json
from urllib.parse import urlencode

import pytest

from bot.ingress.slack_request import BadRequest, decide
from tests.conftest import load_event

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def decide_json(name: str):
    return decide(json.dumps(load_event(name)).encode(), JSON)


def decide_form(name: str):
    return decide(urlencode(load_event(name)).encode(), FORM)


def test_url_verification_echoes_the_challenge() -> None:
    decision = decide_json("url_verification.json")
    assert not decision.enqueue
    assert json.loads(decision.body) == {"challenge": load_event("url_verification.json")["challenge"]}


def test_ssl_check_gets_an_empty_answer() -> None:
    decision = decide_form("ssl_check.json")
    assert (decision.kind, decision.enqueue, decision.body) == ("ssl_check", False, "")


@pytest.mark.parametrize(
    ("name", "kind", "correlation_id"),
    [
        ("event_message_im.json", "event_callback:message", "Ev0PV52K21"),
        ("event_message_thread.json", "event_callback:message", "Ev0PV52K22"),
        ("event_app_mention.json", "event_callback:app_mention", "Ev0LAN670R"),
    ],
)
def test_people_talking_are_queued_under_the_event_id(name: str, kind: str, correlation_id: str) -> None:
    decision = decide_json(name)
    assert (decision.kind, decision.enqueue, decision.correlation_id, decision.body) == (kind, True, correlation_id, "")


@pytest.mark.parametrize(
    "name",
    ["event_message_bot.json", "event_message_from_bot_token.json", "event_message_changed.json",
     "event_message_deleted.json"],
)
def test_the_bots_own_posts_and_edits_are_dropped(name: str) -> None:
    decision = decide_json(name)
    assert not decision.enqueue
    assert decision.note


def test_app_rate_limited_is_acknowledged_not_queued() -> None:
    decision = decide_json("app_rate_limited.json")
    assert (decision.kind, decision.enqueue) == ("app_rate_limited", False)


def test_slash_command_is_queued_under_its_trigger_id() -> None:
    decision = decide_form("command_slash.json")
    assert (decision.kind, decision.enqueue) == ("command", True)
    assert decision.correlation_id == load_event("command_slash.json")["trigger_id"]


def test_interactive_payload_is_queued() -> None:
    payload = load_event("interactive_block_actions.json")
    decision = decide(urlencode({"payload": json.dumps(payload)}).encode(), FORM)
    assert (decision.kind, decision.enqueue, decision.correlation_id) == (
        "interactive:block_actions", True, payload["trigger_id"])


def test_content_type_parameters_are_ignored() -> None:
    body = json.dumps(load_event("event_message_im.json")).encode()
    assert decide(body, "Application/JSON; charset=utf-8").enqueue


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", JSON, 400),
        (b"[1, 2]", JSON, 400),
        (b'"text"', JSON, 400),
        (b"{}", JSON, 400),
        (b'{"type": "event_callback"}', JSON, 400),
        (b'{"type": "event_callback", "event": "hello"}', JSON, 400),
        (b'{"type": "url_verification"}', JSON, 400),
        ('{"type": "event_callback"}'.encode("utf-16"), JSON, 400),
        (b"\xff\xfe", JSON, 400),
        (b"payload=%7Bbad", FORM, 400),
        (b"payload=%5B%5D", FORM, 400),
        (b"payload=%7B%7D", FORM, 400),
        (b"text=hello", FORM, 400),
        (b"a=1&&&b", FORM, 400),
        (b"command=%2Fparley&text=%FF", FORM, 400),
        (b"hello", "text/plain", 415),
        (b"hello", None, 415),
    ],
)
def test_malformed_bodies_are_refused(body: bytes, content_type: str | None, status: int) -> None:
    with pytest.raises(BadRequest) as refused:
        decide(body, content_type)
    assert refused.value.status == status
