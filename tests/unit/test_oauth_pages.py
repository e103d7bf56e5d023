"""The installer's pages: every failure has its own words and status, and nothing shown or linked is left unescaped."""

from __future__ import annotations

import re
from html import escape

import pytest

from bot.oauth.failures import FAILURES, failure_for
from bot.oauth.pages import error_page, failure_page, not_found_page, success_page, to_slack_page, unavailable_page

EVIL = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>"


def no_markup_from(value: str, page: str) -> None:
    """`value` is on the page only as text: none of its markup is."""
    assert value not in page
    assert "<script" not in page and "<img" not in page


def loads_nothing(page: str) -> None:
    """No script, image, frame, font or stylesheet from anywhere: the CSP allows only the inline style."""
    assert not re.search(r"<(script|img|iframe|link|object|embed)\b", page)
    assert not re.search(r"<[^>]*\ssrc=", page)


@pytest.mark.parametrize("reason", sorted(FAILURES))
def test_each_known_failure_says_what_happened_and_how_to_start_again(reason: str) -> None:
    failure = failure_for(reason)
    page = failure_page(failure)
    assert failure.reason == reason
    assert escape(failure.title) in page and escape(failure.advice) in page
    assert 'href="install"' in page  # relative: /slack/install under any base path
    loads_nothing(page)
    assert failure.status in (200, 400, 502, 503)
    assert (failure.status == 200) == failure.expected  # only a cancel is no error


def test_statuses_tell_bad_input_from_our_faults() -> None:
    assert {reason: failure.status for reason, failure in FAILURES.items()} == {
        "access_denied": 200, "invalid_browser": 400, "invalid_state": 400, "missing_code": 400,
        "invalid_code": 400, "slack_unreachable": 502, "storage_error": 503}


@pytest.mark.parametrize(("error", "shown"), [
    ("invalid_team_for_non_distributed_app", "invalid_team_for_non_distributed_app"),
    ("unapproved_scope", "unapproved_scope"),
    (EVIL, "unknown"),
    ("Access_Denied", "unknown"),
    ("a" * 65, "unknown"),
    ("", "unknown"),
])
def test_an_error_slack_sends_is_named_only_when_it_looks_like_one_of_slacks(error: str, shown: str) -> None:
    failure = failure_for(error)
    assert failure.status == 400 and failure.reason == f"slack_error:{shown}"
    page = failure_page(failure)
    assert f"error: {shown}" in page
    if error == EVIL:
        no_markup_from(error, page)


def test_the_success_page_escapes_what_slack_named() -> None:
    page = success_page(app_id="A1&B", team_id="T1\"x", team_name=EVIL, enterprise_name=None, enterprise_url=None,
                        org_wide=False)
    no_markup_from(EVIL, page)
    assert "&lt;script&gt;" in page
    assert 'href="slack://app?team=T1%22x&amp;id=A1%26B"' in page
    assert 'href="https://app.slack.com/client/T1%22x"' in page
    loads_nothing(page)


def test_an_org_wide_install_names_the_org_and_links_to_its_app_management() -> None:
    page = success_page(app_id="A0APP", team_id=None, team_name=None, enterprise_name=EVIL,
                        enterprise_url="https://acme.enterprise.slack.com/", org_wide=True)
    no_markup_from(EVIL, page)
    assert "organisation" in page
    assert 'href="https://acme.enterprise.slack.com/manage/organization/apps/profile/A0APP/workspaces/add"' in page


def test_the_way_to_slack_is_escaped() -> None:
    url = "https://slack.com/oauth/v2/authorize?state=a&client_id=1.2&scope=chat:write\"><script>"
    page = to_slack_page(url)
    assert 'href="https://slack.com/oauth/v2/authorize?state=a&amp;client_id=1.2&amp;scope=chat:write&quot;&gt;' \
           '&lt;script&gt;"' in page
    loads_nothing(page)


def test_the_other_pages_say_nothing_was_installed_and_leak_nothing() -> None:
    for page in (error_page(), unavailable_page(), not_found_page()):
        loads_nothing(page)
        assert "Traceback" not in page
    assert "Nothing was installed" in error_page() and "nothing was installed" in unavailable_page()
