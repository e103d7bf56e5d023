"""The local installer's reading of pages and cookies (bot/local/install.py); its round trip is in the e2e tests."""

from __future__ import annotations

import pytest

from bot.local.install import Hop, get, keep_cookies
from bot.oauth.pages import success_page


def test_a_page_reads_as_its_heading_and_first_paragraph() -> None:
    body = success_page(app_id="A1", team_id="T1", team_name="Beta & Co", enterprise_name=None, enterprise_url=None,
                        org_wide=False)
    text = Hop(200, None, body).text
    assert text.startswith("Parley is installed: Parley is installed in Beta & Co.")
    assert "<" not in text and "Open Slack" not in text


def test_cookies_are_kept_and_a_cleared_one_dropped() -> None:
    jar: dict[str, str] = {}
    keep_cookies(jar, Hop(302, "x", "", ("slack-app-oauth-state=abc; Secure; HttpOnly; Path=/",)))
    assert jar == {"slack-app-oauth-state": "abc"}
    keep_cookies(jar, Hop(200, None, "", ("slack-app-oauth-state=deleted; Secure; HttpOnly; Path=/; "
                                          "Expires=Thu, 01 Jan 1970 00:00:00 GMT",)))
    assert jar == {}


def test_the_installer_stays_on_this_machine() -> None:
    with pytest.raises(ValueError, match="stays on this machine"):
        get("https://slack.com/oauth/v2/authorize")
