"""OAuth mode through the whole local stack: installs through the real `/slack/install` and `/slack/oauth_redirect`
(serverless offline's routes) and the Slack stand-in's authorize page; each workspace answered with its own token; an
org-wide install serving two of its workspaces; token rotation with tokens that live a few seconds under 200 messages;
an uninstalled workspace no longer answered while the other one is (issue 12's acceptance)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from bot.local.chat import SlackChat, Someone
from bot.local.install import Installer
from bot.local.slack_events import message_event
from bot.local.stack import LocalStack
from bot.local.standin.client import StandInClient
from tests.e2e.conftest import log_records, stack_settings

TOKEN_TTL = 8  # seconds: every token the stand-in issues expires this soon, so 200 messages outlive several
AUTH_ERRORS = {"token_expired", "invalid_auth", "token_revoked", "not_authed", "account_inactive"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    settings = stack_settings()
    settings.slack_mode = "oauth"
    # Lambda's SQS feed (several workers at once, as Lambda scales out): refreshes race, and must happen once
    with LocalStack(settings, tmp_path_factory.mktemp("oauth-stack-logs"), worker_feed="lambda-api", feeders=4,
                    token_ttl=TOKEN_TTL) as running:
        yield running


@pytest.fixture(scope="module")
def standin(stack: LocalStack) -> StandInClient:
    return StandInClient(stack.slack_url)


@pytest.fixture(scope="module")
def installer(stack: LocalStack, standin: StandInClient) -> Installer:
    return Installer(f"http://127.0.0.1:{stack.settings.http_port}", standin)


@pytest.fixture(scope="module")
def installed(installer: Installer) -> list[str]:
    """T0LOCAL and T0BETA installed through the routes, as two admins would."""
    pages = [installer.install(team) for team in ("T0LOCAL", "T0BETA")]
    assert all(page.ok for page in pages), pages
    return ["T0LOCAL", "T0BETA"]


def chat_as(stack: LocalStack, standin: StandInClient, team: str, user: str | None = None) -> SlackChat:
    chat = SlackChat(stack.ingress_url, stack.settings.signing_secret.get_secret_value(), standin, stack.slack_url)
    chat.become(team, user)
    return chat


def replies_to(standin: StandInClient, who: Someone, after: int = 0) -> list[dict[str, Any]]:
    return [call for call in standin.calls("chat.postMessage", after=after)
            if (call.get("args") or {}).get("channel") == who.dm]


def auth_failures(standin: StandInClient) -> list[dict[str, Any]]:
    return [call for call in standin.calls() if (call.get("response") or {}).get("error") in AUTH_ERRORS]


def test_two_workspaces_install_through_the_routes_and_each_is_answered_with_its_own_token(
        stack: LocalStack, standin: StandInClient, installed: list[str]) -> None:
    teams = {(each.get("team") or {}).get("id") for each in standin.installations()}
    assert teams >= {"T0LOCAL", "T0BETA"}
    for team in installed:
        chat = chat_as(stack, standin, team)
        assert any("Hello" in text for text in _texts(chat, "hello")), team
        replies = replies_to(standin, chat.who)
        assert replies and all(call["team"] == team for call in replies), replies
    assert not auth_failures(standin)


def test_an_org_wide_install_serves_two_of_its_workspaces(stack: LocalStack, standin: StandInClient,
                                                           installer: Installer) -> None:
    result = installer.install(enterprise="E0GRID")
    assert result.ok, result
    for team in ("T0GRIDA", "T0GRIDB"):
        chat = chat_as(stack, standin, team)
        assert chat.who.org_install and chat.who.enterprise == "E0GRID"
        assert any("Hello" in text for text in _texts(chat, "hello")), team
        replies = replies_to(standin, chat.who)
        # the org's token, used in the workspace the DM is in
        assert replies and all(call.get("enterprise") == "E0GRID" for call in replies), replies


def test_with_rotation_200_messages_are_answered_once_each_with_no_expired_token(
        stack: LocalStack, standin: StandInClient, installed: list[str]) -> None:
    people = [chat_as(stack, standin, team).who for team in installed]
    refreshes_before = len(_refreshes(standin))
    after = standin.calls()[-1]["seq"]
    lines = [(people[number % 2], f"echo rotation check {number} done") for number in range(200)]

    def send(item: tuple[Someone, str]) -> int:
        who, line = item
        chat = SlackChat(stack.ingress_url, stack.settings.signing_secret.get_secret_value(), standin, stack.slack_url)
        status, _, _ = chat.send(message_event(line, channel=who.dm, user=who.user, team=who.team,
                                               bot_user=who.bot_user))
        time.sleep(0.05)  # spread over several token lifetimes, as steady traffic is
        return status

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert set(pool.map(send, lines)) == {200}
    try:
        standin.wait_for(lambda call: call.get("method") == "chat.postMessage" and "rotation check" in
                         str((call.get("args") or {}).get("text")), timeout=300, count=200, after=after)
    except TimeoutError:  # say what went wrong: which jobs failed, and why
        failed = [(record.get("message"), record.get("error"), record.get("receive_count"))
                  for record in log_records(stack.log_dir) if record.get("level") in ("WARNING", "ERROR")]
        raise AssertionError(f"not every message was answered; auth failures {auth_failures(standin)[:3]}; "
                             f"warnings and errors: {failed[-15:]}") from None
    time.sleep(2)  # a duplicate would come late: give it time to show
    answered: dict[str, list[dict[str, Any]]] = {}
    for call in standin.calls("chat.postMessage", after=after):
        text = str((call.get("args") or {}).get("text"))
        if "rotation check" in text:
            answered.setdefault(text, []).append(call)
    assert len(answered) == 200, sorted(answered)[:5]
    assert all(len(calls) == 1 for calls in answered.values()), [t for t, c in answered.items() if len(c) > 1]
    for who in people:  # each workspace's replies with its own token, in its own DM
        for calls in answered.values():
            call = calls[0]
            if call["args"]["channel"] == who.dm:
                assert call["team"] == who.team
    assert not auth_failures(standin)
    refreshed = _refreshes(standin)[refreshes_before:]
    assert refreshed, "the tokens should have been refreshed during the run"
    failed = [(call["seq"], call.get("status"), call.get("response")) for call in refreshed
              if not (call.get("response") or {}).get("ok")]
    assert not failed, failed


def test_app_uninstalled_stops_one_workspace_and_leaves_the_other(stack: LocalStack, standin: StandInClient,
                                                                   installed: list[str]) -> None:
    beta, local = chat_as(stack, standin, "T0BETA"), chat_as(stack, standin, "T0LOCAL")
    standin.uninstall("T0BETA")  # tokens revoked; app_uninstalled and tokens_revoked delivered to the ingress
    _wait_for_log(stack.log_dir, lambda record: record.get("message") == "workspace forgotten"
                  and "T0BETA" in str(record.get("workspace")))
    after = standin.calls()[-1]["seq"]
    status, correlation_id, _ = beta.send(message_event("hello", channel=beta.who.dm, user=beta.who.user,
                                                        team="T0BETA", bot_user=beta.who.bot_user))
    assert status == 200
    assert any("Hello" in text for text in _texts(local, "hello"))
    _wait_for_log(stack.log_dir, lambda record: record.get("correlation_id") == correlation_id
                  and record.get("message") in ("job done", "job failed", "job handed back"))
    assert not replies_to(standin, beta.who, after)
    assert not [call for call in standin.calls(after=after) if call.get("team") == "T0BETA"]
    assert not auth_failures(standin)


def test_forged_state_and_missing_code_get_a_clear_page_and_store_nothing(stack: LocalStack,
                                                                           standin: StandInClient) -> None:
    from bot.local.install import get

    before = _installed(standin)
    base = f"http://127.0.0.1:{stack.settings.http_port}/slack/oauth_redirect"
    for query in ("code=abc&state=forged.123.abc", "state=whatever", ""):
        page = get(f"{base}?{query}" if query else base)
        assert 400 <= page.status < 500, (query, page.status)
        assert "Add to Slack" in page.body and "Traceback" not in page.body
    assert _installed(standin) == before


def _installed(standin: StandInClient) -> list[tuple[str, str]]:
    """Where the app is installed (tokens age and rotate meanwhile: not compared)."""
    return sorted(((each.get("team") or {}).get("id") or "-", (each.get("enterprise") or {}).get("id") or "-")
                  for each in standin.installations())


def _texts(chat: SlackChat, line: str) -> list[str]:
    return [said.text for said in chat.say(line)]


def _refreshes(standin: StandInClient) -> list[dict[str, Any]]:
    return [call for call in standin.calls("oauth.v2.access")
            if (call.get("args") or {}).get("grant_type") == "refresh_token"]


def _wait_for_log(log_dir: Path, predicate: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(predicate(record) for record in log_records(log_dir)):
            return
        time.sleep(0.2)
    raise TimeoutError("the log line did not come")
