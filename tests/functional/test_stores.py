"""Every store, both versions (memory and DynamoDB in moto), held to the same contract; keys keep workspaces apart."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from bot.conversation.identity import Person
from bot.settings import Settings
from bot.stores.bundle import Stores, dynamodb_stores, dynamodb_table, memory_stores
from bot.stores.installations import DynamoInstallationRecords, MemoryInstallationRecords
from bot.stores.oauth_states import DynamoOAuthStates, MemoryOAuthStates
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


# --- installations and OAuth states (issue 12) --------------------------------------------------------------------



def oauth_tables(settings: Settings) -> None:
    """The OAuth mode's tables, which a single-mode stage does not deploy."""
    import boto3

    dynamodb = boto3.client("dynamodb", endpoint_url=settings.aws_endpoint_url, region_name="us-east-1")
    existing = dynamodb.list_tables()["TableNames"]
    for name in (settings.installations_table, settings.oauth_states_table):
        if name not in existing:
            dynamodb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                                  AttributeDefinitions=[{"AttributeName": "key", "AttributeType": "S"}],
                                  KeySchema=[{"AttributeName": "key", "KeyType": "HASH"}])


@pytest.fixture(params=["memory", "dynamodb"])
def installations(request: pytest.FixtureRequest, settings: Settings) -> object:
    oauth_tables(settings)
    if request.param == "memory":
        return MemoryInstallationRecords()
    return DynamoInstallationRecords(dynamodb_table(settings, settings.installations_table))


def record(team: str | None, enterprise: str | None = None, org: bool = False, token: str = "xoxb-1") -> dict:
    return {"team_id": team, "enterprise_id": enterprise, "is_enterprise_install": org, "bot_token": token,
            "bot_id": "B1", "bot_user_id": "U0BOT", "bot_scopes": "chat:write", "installed_at": 1}


def test_an_installation_is_found_by_its_workspace_and_an_org_install_serves_its_teams(installations) -> None:
    suffix = str(time.time_ns())
    installations.save(record("T1" + suffix))
    installations.save(record(None, "E1" + suffix, org=True, token="xoxb-org"))
    assert installations.find(None, "T1" + suffix)["bot_token"] == "xoxb-1"
    assert installations.find("E1" + suffix, "TA" + suffix)["bot_token"] == "xoxb-org"  # a team of the org
    assert installations.find("E1" + suffix, None, True)["bot_token"] == "xoxb-org"
    assert installations.find(None, "T2" + suffix) is None  # never another workspace's token
    installations.delete(None, "T1" + suffix)
    assert installations.find(None, "T1" + suffix) is None


def test_a_token_refresh_is_claimed_by_one_and_lands_once(installations) -> None:
    team = "T3" + str(time.time_ns())
    installations.save(record(team))
    found = installations.find(None, team)
    key, version = found["key"], found["version"]
    assert installations.claim_refresh(key, version, 10)
    assert not installations.claim_refresh(key, version, 10)  # someone is at it
    new = installations.replace_tokens(key, version, {"bot_token": "xoxb-2", "bot_token_expires_at": 99})
    assert new["bot_token"] == "xoxb-2" and new["version"] == version + 1 and new["bot_id"] == "B1"
    assert installations.replace_tokens(key, version, {"bot_token": "xoxb-stale"}) is None  # an old version: refused
    assert installations.find(None, team)["bot_token"] == "xoxb-2"


@pytest.fixture(params=["memory", "dynamodb"])
def states(request: pytest.FixtureRequest, settings: Settings) -> object:
    oauth_tables(settings)
    if request.param == "memory":
        return MemoryOAuthStates("client-secret")
    return DynamoOAuthStates(dynamodb_table(settings, settings.oauth_states_table), "client-secret")


def test_an_oauth_state_is_good_once_and_a_forged_or_expired_one_never(states) -> None:
    state = states.issue()
    assert states.consume(state)
    assert not states.consume(state)  # replayed
    nonce, expires, mac = states.issue().split(".")
    assert not states.consume(f"{nonce}.{int(expires) + 3600}.{mac}")  # a longer life, forged
    assert not states.consume("made-up.1.abc")
    assert not states.consume(states.issue(ttl_seconds=-1))  # expired
    other = MemoryOAuthStates("another-app-secret")
    assert not states.consume(other.issue())  # signed by someone else
