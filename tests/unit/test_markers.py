"""The dedup markers' memory version: what a sandbox remembers of what it queued (and the tests' table)."""

from __future__ import annotations

import pytest

from bot.stores import markers as markers_module
from bot.stores.markers import MemoryMarkers, dedup_key


def test_a_marked_key_is_queued_until_it_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(markers_module.time, "monotonic", lambda: clock[0])
    markers = MemoryMarkers(ttl_seconds=60)
    markers.mark("slack:-:T1:Ev1", "Ev1")
    assert markers.queued_before("slack:-:T1:Ev1")
    assert not markers.queued_before("slack:-:T2:Ev1")  # another workspace's event of the same id
    clock[0] += 59.9
    assert markers.queued_before("slack:-:T1:Ev1")
    clock[0] += 0.2
    assert not markers.queued_before("slack:-:T1:Ev1")
    markers.mark("slack:-:T1:Ev2", "Ev2")
    assert len(markers) == 1  # the expired one was forgotten on the way


def test_past_its_capacity_the_oldest_is_forgotten_first() -> None:
    markers = MemoryMarkers(ttl_seconds=600, capacity=3)
    for number in range(5):
        markers.mark(f"k{number}", "c")
    assert len(markers) == 3
    assert [markers.queued_before(f"k{number}") for number in range(5)] == [False, False, True, True, True]
    markers.mark("k2", "c")  # marked again: now the newest
    markers.mark("k5", "c")
    assert [markers.queued_before(key) for key in ("k2", "k3", "k4", "k5")] == [True, False, True, True]


def test_the_dedup_key() -> None:
    assert dedup_key("slack:-:T1", "Ev1") == "slack:-:T1:Ev1"
