"""The install flow's decisions, with Slack faked in memory and slack_sdk's own file state store.

What is installed, when, and what is refused: every failure shows its page and stores nothing; the install link
sends the installer to Slack with what Slack needs, and nothing a query string could add. Against the real Slack
stand-in and HTTP API events: tests/functional/test_oauth_install.py.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest
from slack_sdk.oauth.state_store import FileOAuthStateStore

from bot.channels.slack.surface import BOT_SCOPES
from bot.oauth.config import InstallConfig
from bot.oauth.handler import OAuthHandler
from tests.support.oauth import Browser, FailingStateStore, FakeSlack, MemoryInstallationStore, query_of

REDIRECT = "https://abc123.execute-api.us-east-1.amazonaws.com/slack/oauth_redirect"
AUTHORIZE = "https://slack.com/oauth/v2/authorize"
CONFIG = InstallConfig(client_id="1111.2222", client_secret="client-secret-for-tests", redirect_url=REDIRECT,
                       authorize_url=AUTHORIZE, slack_api_url="https://slack.com/api/", token_rotation=False)
COOKIE = "slack-app-oauth-state"


@pytest.fixture
def slack() -> FakeSlack:
    return FakeSlack(team="T0ACME", team_name="Acme <Corp> & \"Friends\"")


@pytest.fixture
def browser(slack: FakeSlack, store: MemoryInstallationStore, states: FileOAuthStateStore) -> Browser:
    return Browser(OAuthHandler(CONFIG, store, states, client=slack))  # type: ignore[arg-type]


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every record the test logged, message and fields, as the function's handlers left them (redacted)."""
    return "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)


def started(browser: Browser, **query: str) -> tuple[str, dict[str, str]]:
    """GET /slack/install: the state Slack is sent, and the authorize URL's parameters."""
    answer = browser.get("/slack/install", query)
    assert answer.status == 302, answer.body
    params = query_of(answer.location or "")
    assert browser.cookies[COOKIE] == params["state"]
    return params["state"], params


# --- GET /slack/install ---------------------------------------------------------------------------------------------


def test_the_install_link_sends_the_installer_to_slack_with_what_slack_needs(browser: Browser) -> None:
    answer = browser.get("/slack/install")
    assert answer.status == 302
    location = answer.location or ""
    assert location.startswith(AUTHORIZE + "?")
    params = query_of(location)
    assert params["client_id"] == CONFIG.client_id
    assert params["scope"].split(",") == list(BOT_SCOPES)
    assert params["redirect_uri"] == REDIRECT
    assert params.get("user_scope", "") == ""  # Parley asks for no person's token
    assert "team" not in params
    [cookie] = answer.set_cookies
    assert cookie.startswith(f"{COOKIE}={params['state']};") and "HttpOnly" in cookie and "Secure" in cookie
    assert "Max-Age=600" in cookie  # as long as the state lives
    # a client that does not follow the redirect gets the same link on a page
    assert "Add to Slack" in answer.body and urllib.parse.quote(CONFIG.client_id) in answer.body
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["cache-control"] == "no-store"


def test_each_install_link_has_a_state_of_its_own(browser: Browser) -> None:
    first, _ = started(browser)
    second, _ = started(browser)
    assert first != second


def test_a_team_hint_is_passed_on_only_when_it_is_a_team_id(browser: Browser) -> None:
    _, params = started(browser, team="T0BETA")
    assert params["team"] == "T0BETA"
    for forged in ("T0BETA&scope=admin", "T0BETA&redirect_uri=https://evil.example", "<script>", "E0GRID", "t0beta"):
        answer = browser.get("/slack/install", {"team": forged})
        location = answer.location or ""
        assert "team=" not in location and "evil" not in location and "admin" not in location, forged
        assert query_of(location)["scope"].split(",") == list(BOT_SCOPES)


def test_no_state_can_be_issued_when_its_store_is_down(store: MemoryInstallationStore, slack: FakeSlack) -> None:
    browser = Browser(OAuthHandler(CONFIG, store, FailingStateStore(), client=slack))  # type: ignore[arg-type]
    answer = browser.get("/slack/install")
    assert answer.status == 503
    assert "could not be saved" in answer.body and "Traceback" not in answer.body
    assert not answer.location and COOKIE not in browser.cookies


# --- GET /slack/oauth_redirect: success ------------------------------------------------------------------------------


def test_a_good_redirect_stores_the_installation_once_and_says_where(browser: Browser, store: MemoryInstallationStore,
                                                                     slack: FakeSlack) -> None:
    state, _ = started(browser)
    answer = browser.get("/slack/oauth_redirect", {"code": "1234.5678.abcdef", "state": state})
    assert answer.status == 200, answer.body
    assert store.saves == 1
    installation = store.records["slack:-:T0ACME"]
    assert (installation.bot_token, installation.bot_user_id, installation.bot_id) == (
        "xoxb-fake-bot-token", "U0FAKEBOT", "B0FAKE")
    assert installation.user_id == "U0INSTALLER" and installation.user_token is None
    # the exchange names the code, the app's credentials and the same redirect_uri as the authorize link
    [exchange] = slack.exchanges
    assert exchange == {"code": "1234.5678.abcdef", "client_id": CONFIG.client_id,
                        "client_secret": CONFIG.client_secret, "redirect_uri": REDIRECT}
    # the team's name is Slack's to choose, and shown escaped
    assert "Acme &lt;Corp&gt; &amp; &quot;Friends&quot;" in answer.body and "<Corp>" not in answer.body
    assert "slack://app?team=T0ACME&amp;id=A0FAKE" in answer.body
    assert COOKIE not in browser.cookies  # spent: the cookie is cleared


def test_an_org_wide_install_is_stored_for_the_org(store: MemoryInstallationStore, tmp_path: Path) -> None:
    slack = FakeSlack(enterprise="E0ORG", org_wide=True)
    browser = Browser(OAuthHandler(CONFIG, store, FileOAuthStateStore(expiration_seconds=600, base_dir=str(tmp_path)),
                                   client=slack))  # type: ignore[arg-type]
    state, _ = started(browser)
    answer = browser.get("/slack/oauth_redirect", {"code": "c", "state": state})
    assert answer.status == 200, answer.body
    installation = store.records["slack:E0ORG:-"]
    assert installation.is_enterprise_install is True and installation.team_id is None
    assert "Fake Org" in answer.body
    assert "https://fake-org.enterprise.slack.com/manage/organization/apps/profile/A0FAKE/workspaces/add" in answer.body


def test_rotating_tokens_are_stored_with_their_refresh_token_and_expiry(store: MemoryInstallationStore,
                                                                        tmp_path: Path,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    config = InstallConfig(**{**CONFIG.__dict__, "token_rotation": True})
    slack = FakeSlack(rotating=True)
    browser = Browser(OAuthHandler(config, store, FileOAuthStateStore(expiration_seconds=600, base_dir=str(tmp_path)),
                                   client=slack))  # type: ignore[arg-type]
    state, _ = started(browser)
    assert browser.get("/slack/oauth_redirect", {"code": "c", "state": state}).status == 200
    installation = store.records["slack:-:T0FAKE"]
    assert installation.bot_refresh_token == "xoxe-1-fake-refresh"
    assert installation.bot_token_expires_at is not None
    assert "disagree" not in logged(caplog)


def test_tokens_that_disagree_with_the_stages_rotation_setting_are_kept_and_flagged(
        store: MemoryInstallationStore, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    slack = FakeSlack(rotating=True)  # Slack rotates, the stage says it does not
    browser = Browser(OAuthHandler(CONFIG, store, FileOAuthStateStore(expiration_seconds=600, base_dir=str(tmp_path)),
                                   client=slack))  # type: ignore[arg-type]
    state, _ = started(browser)
    assert browser.get("/slack/oauth_redirect", {"code": "c", "state": state}).status == 200
    assert store.saves == 1
    assert "token rotation setting disagree" in logged(caplog)


# --- GET /slack/oauth_redirect: every failure has its page and stores nothing ----------------------------------------


def test_cancel_on_slacks_page_installs_nothing(browser: Browser, store: MemoryInstallationStore,
                                                slack: FakeSlack) -> None:
    state, _ = started(browser)
    answer = browser.get("/slack/oauth_redirect", {"error": "access_denied", "state": state})
    assert answer.status == 200
    assert "Parley was not installed" in answer.body and "cancelled" in answer.body
    assert store.saves == 0 and slack.exchanges == []


def test_a_forged_state_is_refused_without_a_cookie_of_its_own(browser: Browser, store: MemoryInstallationStore,
                                                               slack: FakeSlack) -> None:
    # an attacker's link: a state this browser never got (login CSRF), or one made up
    answer = browser.get("/slack/oauth_redirect", {"code": "c", "state": "forged-state"})
    assert answer.status == 400
    assert "started somewhere else" in answer.body
    assert store.saves == 0 and slack.exchanges == []


def test_a_state_the_store_never_issued_is_refused_even_with_a_matching_cookie(
        browser: Browser, store: MemoryInstallationStore, slack: FakeSlack) -> None:
    browser.cookies[COOKIE] = "made-up-state"
    answer = browser.get("/slack/oauth_redirect", {"code": "c", "state": "made-up-state"})
    assert answer.status == 400 and "expired or was already used" in answer.body
    assert store.saves == 0 and slack.exchanges == []


def test_a_replayed_state_is_refused(browser: Browser, store: MemoryInstallationStore, slack: FakeSlack) -> None:
    state, _ = started(browser)
    assert browser.get("/slack/oauth_redirect", {"code": "c", "state": state}).status == 200
    # the same redirect again, cookie and all (an attacker with the URL and the cookie, or a reload)
    browser.cookies[COOKIE] = state
    answer = browser.get("/slack/oauth_redirect", {"code": "c", "state": state})
    assert answer.status == 400 and "expired or was already used" in answer.body
    assert store.saves == 1 and len(slack.exchanges) == 1


def test_an_expired_state_is_refused(store: MemoryInstallationStore, slack: FakeSlack, tmp_path: Path) -> None:
    expiring = FileOAuthStateStore(expiration_seconds=0, base_dir=str(tmp_path))  # expired as soon as issued
    browser = Browser(OAuthHandler(CONFIG, store, expiring, client=slack))  # type: ignore[arg-type]
    state, _ = started(browser)
    answer = browser.get("/slack/oauth_redirect", {"code": "c", "state": state})
    assert answer.status == 400 and "expired" in answer.body
    assert store.saves == 0 and slack.exchanges == []


def test_a_redirect_without_a_code_is_refused(browser: Browser, store: MemoryInstallationStore,
                                              slack: FakeSlack) -> None:
    state, _ = started(browser)
    answer = browser.get("/slack/oauth_redirect", {"state": state})
    assert answer.status == 400 and "did not send an install code" in answer.body
    assert store.saves == 0 and slack.exchanges == []


def test_a_code_slack_refuses_installs_nothing(browser: Browser, store: MemoryInstallationStore,
                                               slack: FakeSlack, caplog: pytest.LogCaptureFixture) -> None:
    slack.refuse = "invalid_code"
    state, _ = started(browser)
    answer = browser.get("/slack/oauth_redirect", {"code": "9999.8888.secretcode", "state": state})
    assert answer.status == 400 and "Slack did not accept the installation" in answer.body
    assert store.saves == 0
    text = logged(caplog)
    assert "invalid_code" in text and "9999.8888.secretcode" not in text


def test_slack_out_of_reach_installs_nothing(browser: Browser, store: MemoryInstallationStore,
                                             slack: FakeSlack) -> None:
    slack.unreachable = TimeoutError("timed out")
    state, _ = started(browser)
    answer = browser.get("/slack/oauth_redirect", {"code": "c", "state": state})
    assert answer.status == 502 and "could not reach Slack" in answer.body
    assert store.saves == 0


def test_a_store_that_cannot_save_shows_a_page_not_a_traceback(browser: Browser, store: MemoryInstallationStore,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    store.fail_with = ConnectionError("the table is out of reach")
    state, _ = started(browser)
    answer = browser.get("/slack/oauth_redirect", {"code": "c", "state": state})
    assert answer.status == 503 and "could not save" in answer.body
    assert "Traceback" not in answer.body and store.records == {}
    assert "storage_error" in logged(caplog)


def test_a_state_store_that_is_down_refuses_the_redirect(store: MemoryInstallationStore, slack: FakeSlack) -> None:
    browser = Browser(OAuthHandler(CONFIG, store, FailingStateStore(), client=slack))  # type: ignore[arg-type]
    browser.cookies[COOKIE] = "some-state"
    answer = browser.get("/slack/oauth_redirect", {"code": "c", "state": "some-state"})
    assert answer.status == 503
    assert store.saves == 0 and slack.exchanges == []


@pytest.mark.parametrize("error", ["invalid_team_for_non_distributed_app", "<script>alert(1)</script>", "x" * 5000])
def test_another_error_from_slack_is_named_only_when_it_looks_like_slacks(browser: Browser, error: str,
                                                                          store: MemoryInstallationStore) -> None:
    answer = browser.get("/slack/oauth_redirect", {"error": error, "state": "s"})
    assert answer.status == 400 and store.saves == 0
    assert "<script>" not in answer.body and "x" * 100 not in answer.body
    if error.startswith("invalid_team"):
        assert error in answer.body
    else:
        assert "error: unknown" in answer.body


def test_other_paths_are_not_found(browser: Browser) -> None:
    assert browser.get("/slack/events").status == 404
    assert browser.get("/slack/install/../oauth_redirect").status == 404


def test_no_secret_reaches_a_log_line(browser: Browser, slack: FakeSlack, caplog: pytest.LogCaptureFixture) -> None:
    state, _ = started(browser)
    browser.get("/slack/oauth_redirect", {"code": "code-one-time-1", "state": state})
    slack.refuse = "invalid_code"
    state, _ = started(browser)
    browser.get("/slack/oauth_redirect", {"code": "code-one-time-2", "state": state})
    text = logged(caplog)
    assert "installed" in text and "install failed" in text
    for secret in ("code-one-time-1", "code-one-time-2", state, CONFIG.client_secret, "xoxb-fake-bot-token"):
        assert secret not in text, secret
