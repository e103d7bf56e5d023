"""The worker in OAuth mode: each workspace answered with its own installation's token, an org-wide install serving
its workspaces, never another workspace's token (under concurrency too), an uninstalled workspace not answered and
its tickets gone (the Slack stand-in's real OAuth: installs, team-scoped tokens, rotation)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from slack_sdk import WebClient

from bot.channels.slack.installations import RecordsInstallationStore, TokenRefresher
from bot.conversation.identity import Person
from bot.local.slack_events import app_uninstalled_event, message_event
from bot.local.standin.server import SlackStandIn
from bot.local.standin.workspaces import CLIENT_ID, CLIENT_SECRET
from bot.settings import Settings
from bot.stores.bundle import dynamodb_table
from bot.stores.installations import DynamoInstallationRecords
from bot.worker.handler import Worker, build_engine
from tests.conftest import FakeLambdaContext, stage_in_moto
from tests.functional.test_installations import installation_from
from tests.functional.test_stores import oauth_tables
from tests.functional.test_worker import sqs_event

STAGE = "local-oauth-worker"
SECRET = "oauth-worker-signing-secret"
# (team, enterprise, a person there, their DM, the bot user there, installed org-wide)
BETA = ("T0BETA", None, "U0BETAUSER", "D0BETADM", "U0BETABOT", False)
LOCAL = ("T0LOCAL", None, "U0LOCALUSER", "D0LOCALDM", "U0PARLEYBOT", False)
GRID_A = ("T0GRIDA", "E0GRID", "W0ALPHAUSER", "D0ALPHADM", "W0GRIDBOT", True)
GRID_B = ("T0GRIDB", "E0GRID", "W0BRAVOUSER", "D0BRAVODM", "W0GRIDBOT", True)


@pytest.fixture(scope="module")
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, token_ttl=3600) as standin:
        yield standin


@pytest.fixture(scope="module")
def settings(moto_endpoint: str, slack: SlackStandIn) -> Iterator[Settings]:
    with stage_in_moto(moto_endpoint, STAGE, slack_api_url=slack.api_url, signing_secret=SECRET,
                       slack_mode="oauth") as staged:
        oauth_tables(staged)
        yield staged


@pytest.fixture(scope="module")
def worker(settings: Settings, slack: SlackStandIn) -> Worker:
    records = DynamoInstallationRecords(dynamodb_table(settings, settings.installations_table))
    installer = RecordsInstallationStore(records, refresher=TokenRefresher(
        records, CLIENT_ID, lambda: CLIENT_SECRET, WebClient(base_url=slack.api_url)))
    for team in ("T0BETA", "T0LOCAL"):
        installer.save(installation_from(slack.install(team=team)))
    installer.save(installation_from(slack.install(enterprise="E0GRID")))
    return Worker(settings, build_engine(settings))


def dm(where: tuple, text: str) -> dict:
    team, enterprise, user, channel, bot, org = where
    return message_event(text, channel=channel, user=user, team=team, enterprise=enterprise, bot_user=bot,
                         org_install=org)


def posts(slack: SlackStandIn, channel: str, after: int) -> list[dict]:
    return [call for call in slack.calls("chat.postMessage", after=after) if call["args"].get("channel") == channel]


def last(slack: SlackStandIn) -> int:
    calls = slack.calls()
    return calls[-1]["seq"] if calls else 0


def test_each_workspace_is_answered_with_its_own_installation(worker: Worker, slack: SlackStandIn) -> None:
    after = last(slack)
    for where in (BETA, LOCAL, GRID_A, GRID_B):
        assert worker.process_batch(sqs_event(dm(where, "hello")), FakeLambdaContext()) == {"batchItemFailures": []}
        [post] = posts(slack, where[3], after)
        assert (post["response"]["ok"] and post["team"] == where[0]) or post["enterprise"] == "E0GRID"
        assert post["args"]["text"].startswith("Hello!")


def test_no_workspace_is_ever_answered_with_anothers_token_under_concurrency(worker: Worker,
                                                                           slack: SlackStandIn) -> None:
    after = last(slack)
    events = [dm(where, f"echo {where[0]} {n}") for n in range(10) for where in (BETA, LOCAL, GRID_A, GRID_B)]
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda event: worker.process_batch(sqs_event(event), FakeLambdaContext()), events))
    assert all(answer == {"batchItemFailures": []} for answer in answers)
    sent = slack.calls("chat.postMessage", after=after)
    assert len(sent) == len(events) and all(call["response"]["ok"] for call in sent)
    for call in sent:  # the echo names the workspace it was asked in: the token that answered must be that one's
        asked_in = call["args"]["text"].split()[0]
        assert call["team"] == asked_in or (call["enterprise"] == "E0GRID" and asked_in in ("T0GRIDA", "T0GRIDB"))


def test_a_workspace_without_an_installation_is_acknowledged_and_not_answered(worker: Worker,
                                                                            slack: SlackStandIn) -> None:
    after = last(slack)
    stranger = ("T0NOWHERE", None, "U0STRANGER", "D0STRANGER", "U0BOT", False)
    assert worker.process_batch(sqs_event(dm(stranger, "hello")), FakeLambdaContext()) == {"batchItemFailures": []}
    assert slack.calls("chat.postMessage", after=after) == []


def test_an_uninstalled_workspace_is_not_answered_and_its_tickets_are_gone(worker: Worker, settings: Settings,
                                                                         slack: SlackStandIn) -> None:
    tickets = worker.engine.work.stores.tickets
    beta_person = Person("slack", "U0BETAUSER", team_id="T0BETA")
    local_person = Person("slack", "U0LOCALUSER", team_id="T0LOCAL")
    tickets.open(beta_person.key, "beta's ticket " + os.urandom(3).hex(), "low", None)
    tickets.open(local_person.key, "local's ticket", "low", None)
    slack.uninstall(team="T0BETA", notify=False)  # Slack revokes the tokens, then sends the event
    uninstalled = app_uninstalled_event(team="T0BETA")
    assert worker.process_batch(sqs_event(uninstalled), FakeLambdaContext()) == {"batchItemFailures": []}
    assert tickets.mine(beta_person.key) == []
    assert tickets.mine(local_person.key) != []  # another workspace untouched
    after = last(slack)
    assert worker.process_batch(sqs_event(dm(BETA, "hello")), FakeLambdaContext()) == {"batchItemFailures": []}
    assert posts(slack, "D0BETADM", after) == []
    assert worker.process_batch(sqs_event(dm(LOCAL, "hello")), FakeLambdaContext()) == {"batchItemFailures": []}
    assert len(posts(slack, "D0LOCALDM", after)) == 1
