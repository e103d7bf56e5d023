"""What a streamed progress line appends: only what changed, so the stream reads as one growing line."""

from __future__ import annotations

from unittest.mock import MagicMock

from bot.channels.slack.streaming import StreamingReplies, _common_words
from bot.conversation.identity import Person
from bot.conversation.turn import Turn
from bot.stores.streams import MemoryStreamStore


def replies(line: str, ts: str | None = "1.000001") -> StreamingReplies:
    turn = Turn(text="", via="slack", person=Person("slack", "U1", team_id="T1"), conversation_id="C1",
                thread_id="1.000000")
    streaming = StreamingReplies(MagicMock(), turn, MemoryStreamStore(), "k")
    streaming.line, streaming.ts = line, ts
    return streaming


def test_an_extended_line_appends_its_end() -> None:
    assert replies("Counting…")._growth("Counting… 12%") == " 12%"


def test_a_changed_end_appends_after_a_separator_never_half_a_number() -> None:
    assert replies("Counting… 12%")._growth("Counting… 15%") == " · 15%"
    assert _common_words("Counting… 12%", "Counting… 15%") == "Counting… "


def test_another_line_starts_a_new_one() -> None:
    assert replies("Counting…")._growth("Sorting…") == "\nSorting…"
    assert replies("", ts="1.000001")._growth("Counting…") == "\nCounting…"  # a re-run, in the same stream
