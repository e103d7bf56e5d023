"""The ingress in OAuth mode opens a shortcut's form with the token of the workspace it came from (its own install,
or its org's), never another's and never an expired one: against the Slack stand-in, whose views.open checks both."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from bot.ingress.config import IngressConfig
from bot.ingress.handler import SlackIngress
from bot.ingress.installations import InstallationTokens
from bot.ingress.log import JsonLog
from bot.ingress.secrets import Secrets
from bot.local.slack_events import http_api_event, signed_request
from bot.local.standin.server import SlackStandIn
from bot.local.standin.workspaces import CLIENT_ID, CLIENT_SECRET
from bot.stores.installations import MemoryInstallationRecords
from tests.conftest import load_event
from tests.functional.test_installations import installation_from
from tests.unit.test_front_door import FakeMarkers, FakeQueue

SECRET = "oauth-ingress-signing-secret"


@pytest.fixture(scope="module")
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, token_ttl=3600) as standin:
        yield standin


@pytest.fixture
def records(slack: SlackStandIn) -> MemoryInstallationRecords:
    from bot.channels.slack.installations import record_of

    records = MemoryInstallationRecords()
    records.save(record_of(installation_from(slack.install(team="T0BETA"))))
    records.save(record_of(installation_from(slack.install(enterprise="E0GRID"))))
    return records


def ingress(slack: SlackStandIn, records: MemoryInstallationRecords) -> tuple[SlackIngress, io.StringIO]:
    config = IngressConfig(SECRET, "http://127.0.0.1:9/123456789012/q", 100_000, "local-oauth", slack_mode="oauth",
                           slack_api_url=slack.api_url)
    logs = io.StringIO()
    door = SlackIngress(config, FakeQueue(), FakeMarkers(), JsonLog(stream=logs), Secrets(config, None),  # type: ignore[arg-type]
                        installations=InstallationTokens(records))
    return door, logs


def shortcut(team: str, enterprise: str | None = None, org: bool = False) -> dict:
    payload = load_event("interactive_shortcut.json")
    payload.update(team={"id": team, "domain": "x"}, callback_id="intent:open_ticket",
                   trigger_id=f"{int(time.time())}.{time.time_ns()}.abc", is_enterprise_install=org)
    if enterprise:
        payload["enterprise"] = {"id": enterprise, "name": "Gridiron"}
    return payload


def press(door: SlackIngress, payload: dict) -> int:
    body, headers = signed_request(urlencode({"payload": json.dumps(payload)}), SECRET)
    return door(http_api_event(body, headers), None)["statusCode"]


def opened(slack: SlackStandIn, after: int) -> list[dict]:
    return slack.calls("views.open", after=after)


def last(slack: SlackStandIn) -> int:
    calls = slack.calls()
    return calls[-1]["seq"] if calls else 0


def test_a_shortcut_opens_its_form_with_its_own_workspaces_token(slack: SlackStandIn, records) -> None:
    door, _ = ingress(slack, records)
    after = last(slack)
    assert press(door, shortcut("T0BETA")) == 200
    assert press(door, shortcut("T0GRIDA", "E0GRID", org=True)) == 200
    calls = opened(slack, after)
    assert [call["response"]["ok"] for call in calls] == [True, True]
    assert (calls[0]["team"], calls[1]["enterprise"]) == ("T0BETA", "E0GRID")


def test_a_workspace_without_an_installation_gets_no_form_and_no_other_token(slack: SlackStandIn, records) -> None:
    door, logs = ingress(slack, records)
    after = last(slack)
    assert press(door, shortcut("T0LOCAL")) == 200  # acknowledged
    assert opened(slack, after) == []
    assert "no installation for the workspace: dropped" in logs.getvalue()


def test_an_expired_token_is_never_used(slack: SlackStandIn, records) -> None:
    record = records.find(None, "T0BETA")
    records.replace_tokens(record["key"], record["version"], {"bot_token_expires_at": int(time.time()) + 1})
    door, _ = ingress(slack, records)
    after = last(slack)
    assert press(door, shortcut("T0BETA")) == 200
    assert opened(slack, after) == []


def test_a_cached_token_near_its_end_is_read_again_and_a_refreshed_one_used(slack: SlackStandIn, records,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.ingress.installations as ingress_installations

    record = records.find(None, "T0BETA")
    records.replace_tokens(record["key"], record["version"], {"bot_token_expires_at": int(time.time()) + 30})
    door, _ = ingress(slack, records)
    after = last(slack)
    assert press(door, shortcut("T0BETA")) == 200  # read and cached, 30 s left
    # the worker refreshes it; then the cached copy nears its end (a wider margin stands for the time passing)
    fresh = installation_from(slack.install(team="T0BETA"))
    record = records.find(None, "T0BETA")
    records.replace_tokens(record["key"], record["version"], {"bot_token": fresh.bot_token,
                                                              "bot_token_expires_at": int(time.time()) + 3600})
    monkeypatch.setattr(ingress_installations, "EXPIRY_MARGIN_SECONDS", 60.0)
    assert press(door, shortcut("T0BETA")) == 200  # read again at once: the fresh token, not "no form"
    calls = opened(slack, after)
    assert [call["response"]["ok"] for call in calls] == [True, True]
