"""The job claims' memory version: the same rules as the DynamoDB one (tests/functional/test_claims.py)."""

from __future__ import annotations

import time

from bot.stores.claims import CLAIMED, DONE, RUNNING, MemoryClaims


def test_the_rules() -> None:
    claims = MemoryClaims()
    first = claims.claim("k", "Ev1", 30)
    assert (first.outcome, first.first) == (CLAIMED, True)
    assert claims.claim("k", "Ev1", 30).outcome == RUNNING
    claims.release("k", "Ev1")
    again = claims.claim("k", "Ev1", 30)
    assert (again.outcome, again.first) == (CLAIMED, False)
    claims.finish("k", "Ev1")
    assert claims.claim("k", "Ev1", 30).outcome == DONE


def test_a_lock_that_ran_out_and_an_expired_record() -> None:
    claims = MemoryClaims()
    claims.claim("k", "Ev1", 30)
    claims.records["k"]["lock_until"] = time.time() - 1  # the run died with its invocation
    assert claims.claim("k", "Ev1", 30).first is False
    claims.finish("k", "Ev1")
    claims.records["k"]["expires_at"] = 1  # past its hour: a new job
    assert claims.claim("k", "Ev1", 30).first is True
