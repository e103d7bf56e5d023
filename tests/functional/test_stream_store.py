"""The stream store, both versions (memory and DynamoDB in moto), held to one contract: a job claims its stream once,
and a re-run reads back the state and ts the earlier run left."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from bot.settings import Settings
from bot.stores.bundle import dynamodb_stores, memory_stores
from bot.stores.streams import StreamRecord, StreamStore
from tests.conftest import stage_in_moto

STAGE = "local-streams"


@pytest.fixture(scope="module")
def settings(moto_endpoint: str) -> Iterator[Settings]:
    with stage_in_moto(moto_endpoint, STAGE) as staged:
        yield staged


@pytest.fixture(params=["memory", "dynamodb"])
def streams(request: pytest.FixtureRequest, settings: Settings) -> StreamStore:
    return (memory_stores() if request.param == "memory" else dynamodb_stores(settings)).streams


def test_a_stream_is_claimed_once_and_followed(streams: StreamStore) -> None:
    key = f"slack:-:T1#C1#slack:-:T1:Ev{time.time_ns()}"
    assert streams.get(key) is None
    assert streams.claim(key) is True
    assert streams.claim(key) is False  # a second run finds the first one's record
    assert streams.get(key) == StreamRecord("claimed")
    streams.save(key, "open", "1700000000.000200")
    assert streams.get(key) == StreamRecord("open", "1700000000.000200")
    streams.save(key, "done", "1700000000.000200")
    assert streams.get(key) == StreamRecord("done", "1700000000.000200")


def test_workspaces_and_channels_do_not_share_a_record(streams: StreamStore) -> None:
    job = f"Ev{time.time_ns()}"
    assert streams.claim(f"slack:-:T1#C1#slack:-:T1:{job}")
    assert streams.claim(f"slack:-:T2#C1#slack:-:T2:{job}")
    assert streams.claim(f"slack:-:T1#C2#slack:-:T1:{job}")


def test_an_unknown_state_is_refused(streams: StreamStore) -> None:
    with pytest.raises(ValueError):
        streams.save("slack:-:T1#C1#x", "half-open")
