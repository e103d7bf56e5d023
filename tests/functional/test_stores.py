"""Every store, both versions (memory and DynamoDB in moto), held to the same contract; keys keep workspaces apart."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from bot.conversation.identity import Person
from bot.settings import Settings
from bot.stores.bundle import Stores, dynamodb_stores, memory_stores
from tests.conftest import stage_in_moto

STAGE = "local-stores"
ALICE = Person("slack", "U1", team_id="T1")
ALICE_ELSEWHERE = Person("slack", "U1", team_id="T2")  # the same user id in another workspace
ALICE_IN_GRID = Person("slack", "U1", team_id="T1", enterprise_id="E1")


@pytest.fixture(scope="module")
def settings(moto_endpoint: str) -> Iterator[Settings]:
    with stage_in_moto(moto_endpoint, STAGE) as staged:
        yield staged


@pytest.fixture(params=["memory", "dynamodb"])
def stores(request: pytest.FixtureRequest, settings: Settings) -> Stores:
    return memory_stores() if request.param == "memory" else dynamodb_stores(settings)


def test_dialogs_are_saved_loaded_and_cleared(stores: Stores) -> None:
    key = f"slack:-:T1#C1#-#U1#{time.time_ns()}"
    assert stores.dialogs.load(key) is None
    stores.dialogs.save(key, {"intent": "roll", "awaiting": "sides", "slots": {"n": 1}})
    assert stores.dialogs.load(key) == {"intent": "roll", "awaiting": "sides", "slots": {"n": 1}}
    stores.dialogs.clear(key)
    assert stores.dialogs.load(key) is None


def test_tickets_are_listed_for_their_owner_only_newest_first(stores: Stores) -> None:
    suffix = str(time.time_ns())
    alice = Person("slack", "U1" + suffix, team_id="T1")
    elsewhere = Person("slack", "U1" + suffix, team_id="T2")
    first = stores.tickets.open(alice.key, "first", "low", None)
    time.sleep(1.01)  # opened_at has a resolution of a second
    second = stores.tickets.open(alice.key, "second", "high", "billing")
    stores.tickets.open(elsewhere.key, "someone else's", "normal", None)
    assert [ticket.id for ticket in stores.tickets.mine(alice.key)] == [second.id, first.id]
    assert stores.tickets.mine(alice.key)[0].component == "billing"
    assert [ticket.topic for ticket in stores.tickets.mine(elsewhere.key)] == ["someone else's"]


def test_jobs_run_end_and_are_told_once(stores: Stores) -> None:
    owner = Person("lex", f"session:{time.time_ns()}", team_id="BOT").key
    stores.jobs.start(owner, "job-1", via="lex", intent="primes")
    assert stores.jobs.latest(owner).status == "running"
    assert stores.jobs.untold(owner, "lex") == []
    stores.jobs.finish(owner, "job-1", "done", "168 primes")
    [ended] = stores.jobs.untold(owner, "lex")
    assert (ended.job_id, ended.text, ended.intent) == ("job-1", "168 primes", "primes")
    stores.jobs.mark_told(owner, "job-1")
    assert stores.jobs.untold(owner, "lex") == []
    assert stores.jobs.latest(owner).text == "168 primes"
    assert stores.jobs.latest(ALICE_ELSEWHERE.key + str(time.time_ns())) is None


def test_a_link_code_is_redeemed_once(stores: Stores) -> None:
    code = stores.links.issue_code(ALICE.to_dict())
    assert len(code) == 6 and code.isdigit()
    assert stores.links.redeem(code) == ALICE.to_dict()
    assert stores.links.redeem(code) is None


def test_an_expired_code_is_refused(stores: Stores) -> None:
    code = stores.links.issue_code(ALICE.to_dict(), ttl_seconds=-1)
    assert stores.links.redeem(code) is None


def test_links_are_kept_per_caller_and_expire(stores: Stores) -> None:
    caller = f"lex:-:BOT#session#{time.time_ns()}"
    assert stores.links.linked(caller) is None
    stores.links.link(caller, ALICE_IN_GRID.to_dict(), ttl_seconds=60)
    assert Person.from_dict(stores.links.linked(caller)) == ALICE_IN_GRID
    stores.links.unlink(caller)
    assert stores.links.linked(caller) is None
    stores.links.link(caller, ALICE.to_dict(), ttl_seconds=-1)
    assert stores.links.linked(caller) is None


def test_rate_limits_count_within_a_window(stores: Stores) -> None:
    key = f"slack:-:T1#U1#slow#{time.time_ns()}"
    assert [stores.limits.allow(key, 3, 3600) for _ in range(5)] == [True, True, True, False, False]
    assert stores.limits.allow(key + "-other", 3, 3600)


def test_the_same_user_id_in_two_workspaces_never_shares_a_record() -> None:
    assert len({ALICE.key, ALICE_ELSEWHERE.key, ALICE_IN_GRID.key}) == 3
    assert Person("lex", "U1", team_id="T1").key != ALICE.key  # a Lex caller and a Slack user neither
