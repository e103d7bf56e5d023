"""A Lex caller is who the server knows them to be: never what the session attributes or session id claim.

Regression tests for issue 10's identity findings: a caller that set `slack_user_id`, or picked a Slack user's id as
its session id, listed that user's tickets and had slow jobs DMed to them; caller-supplied result attributes were
read as results. Now callers are anonymous to their session until linked with a one-time code from Slack.
"""

from __future__ import annotations

import pytest

import intents  # noqa: F401 - declares the intents
from bot.channels.lex.caller import ATTRIBUTE, sign_caller
from bot.conversation import Person, registry
from bot.conversation.engine import Engine
from bot.lex.hook import LexHook
from bot.stores.bundle import Stores, memory_stores
from bot.testing import person, turn
from tests.unit.test_lex_hook import event, texts, valid

KEY = "caller-signing-key-for-tests"
ALICE = person("U0ALICE", team="T0ACME")


@pytest.fixture
def stores() -> Stores:
    stores = memory_stores()
    stores.tickets.open(ALICE.key, "Alice's secret project", "high", None)
    return stores


@pytest.fixture
def queued() -> list[tuple]:
    return []


@pytest.fixture
def hook(stores: Stores, queued: list[tuple]) -> LexHook:
    return LexHook(registry, stores, lambda *job: queued.append(job), lambda: KEY)


def lex(intent: str, slots: dict | None = None, *, session: str = "session-1", attributes: dict | None = None,
        requests: dict | None = None, transcript: str = "") -> dict:
    built = event(intent, slots or {}, source="FulfillmentCodeHook", attributes=attributes, transcript=transcript)
    built["sessionId"] = session
    built["requestAttributes"] = requests or {}
    return built


def slack_code(stores: Stores, who: Person = ALICE) -> str:
    reply = Engine(registry, stores).answer(turn("link voice", who=who))
    return "".join(ch for ch in reply.text.split("*")[1] if ch.isdigit())


def test_a_caller_claiming_a_slack_user_in_the_session_sees_nothing_of_theirs(hook: LexHook,
                                                                             queued: list[tuple]) -> None:
    claims = {"slack_user_id": "U0ALICE", "parley_job": "job-x", "parley_job_result": "You won the lottery"}
    listed = valid(hook(lex("my_tickets", attributes=claims)))
    assert "secret project" not in " ".join(texts(listed))
    assert texts(listed) == ["You have no tickets. Say open a ticket to open one."]
    valid(hook(lex("primes", {"limit": "100"}, attributes=claims)))
    [(_, _, _, _, owner, _)] = queued
    assert owner["via"] == "lex" and owner["user_id"] == "session:session-1"  # no Slack user to DM
    status = valid(hook(lex("status", attributes=claims)))
    assert "lottery" not in " ".join(texts(status))


def test_a_caller_using_a_slack_user_id_as_session_id_is_still_anonymous(hook: LexHook) -> None:
    listed = valid(hook(lex("my_tickets", session="U0ALICE")))
    assert "secret project" not in " ".join(texts(listed))


def test_a_caller_linked_with_a_code_from_slack_sees_their_own_tickets(hook: LexHook, stores: Stores,
                                                                      queued: list[tuple]) -> None:
    code = slack_code(stores)
    linked = valid(hook(lex("link", {"code": f"{code[:3]} {code[3:]}"})))
    assert texts(linked)[0].startswith("Done: you're linked")
    listed = valid(hook(lex("my_tickets")))
    assert "Alice's secret project" in texts(listed)[0]
    valid(hook(lex("primes", {"limit": "100"})))
    assert Person.from_dict(queued[-1][4]) == ALICE  # the worker DMs Alice
    # another session is not linked by this one's code
    assert "secret project" not in " ".join(texts(valid(hook(lex("my_tickets", session="session-2")))))


def test_a_code_works_once_and_only_for_a_while(hook: LexHook, stores: Stores) -> None:
    code = slack_code(stores)
    valid(hook(lex("link", {"code": code})))
    again = valid(hook(lex("link", {"code": code}, session="session-2")))
    assert texts(again)[0].startswith("That code is not one I gave out")


def test_guessing_codes_is_cut_short(hook: LexHook, stores: Stores) -> None:
    code = slack_code(stores)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert texts(valid(hook(lex("link", {"code": wrong}))))[0].startswith("That code is not one")
    assert texts(valid(hook(lex("link", {"code": code}))))[0].startswith("That's too many tries")


def test_a_verified_caller_stays_linked_across_sessions_and_a_forged_one_is_anonymous(hook: LexHook,
                                                                                     stores: Stores) -> None:
    assertion = sign_caller("tel:+15550100", KEY)
    valid(hook(lex("link", {"code": slack_code(stores)}, requests={ATTRIBUTE: assertion})))
    later = valid(hook(lex("my_tickets", session="next-week", requests={ATTRIBUTE: assertion})))
    assert "Alice's secret project" in texts(later)[0]
    forged = sign_caller("tel:+15550100", "not-the-key")
    stranger = valid(hook(lex("my_tickets", session="next-week", requests={ATTRIBUTE: forged})))
    assert "secret project" not in " ".join(texts(stranger))


def test_link_codes_come_from_slack_only(stores: Stores) -> None:
    anonymous = Person("lex", "session:s", team_id="BOT")
    reply = Engine(registry, stores).answer(turn("link voice", via="lex", who=anonymous))
    assert reply.text.startswith("Ask me for a code in Slack")
