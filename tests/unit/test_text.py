"""One truncation and one mrkdwn escaping for every channel."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.text import ELLIPSIS, escape_mrkdwn, truncate, unescape_mrkdwn


def test_truncate_keeps_short_text_and_marks_a_cut() -> None:
    assert truncate("short", 10) == "short"
    assert truncate("a long sentence here", 10) == "a long se" + ELLIPSIS
    assert truncate("a long  sentence", 9) == "a long" + ELLIPSIS  # no space before the ellipsis
    assert len(truncate("x" * 100, 10)) == 10


def test_mentions_and_links_typed_by_people_stay_text() -> None:
    assert escape_mrkdwn("<!channel> all hands") == "&lt;!channel&gt; all hands"
    assert escape_mrkdwn("<https://evil|https://sso>") == "&lt;https://evil|https://sso&gt;"
    assert escape_mrkdwn("fish & chips") == "fish &amp; chips"
    assert escape_mrkdwn("*bold* and `code`") == "*bold* and `code`"  # the light markup intents write stays


def test_unescaping_is_one_pass() -> None:
    assert unescape_mrkdwn("a &lt;b&gt; &amp; c") == "a <b> & c"
    assert unescape_mrkdwn("&amp;lt;") == "&lt;"


@given(st.text())
def test_escaping_round_trips_and_leaves_no_markup(text: str) -> None:
    escaped = escape_mrkdwn(text)
    assert "<" not in escaped and ">" not in escaped
    assert unescape_mrkdwn(escaped) == text


@given(st.text(), st.integers(min_value=1, max_value=50))
def test_truncate_never_exceeds_the_limit(text: str, limit: int) -> None:
    assert len(truncate(text, limit)) <= limit


def test_markdown_escaping_keeps_typed_text_literal_in_a_stream() -> None:
    from bot.text import escape_markdown

    assert escape_markdown("*bold* _it_ `code` ~x~ [a](http://b) <!here> & #1") == (
        "\\*bold\\* \\_it\\_ \\`code\\` \\~x\\~ \\[a\\]\\(http://b\\) &lt;\\!here&gt; &amp; \\#1")
    assert escape_markdown("Counting the primes below 300,000,000… 58%") == "Counting the primes below 300,000,000… 58%"
