"""The stdlib OSA distance counts as rapidfuzz's does (the recogniser's), within the limit it is asked about."""

from __future__ import annotations

import pytest
from rapidfuzz.distance import OSA

from bot.conversation.edits import osa_distance

WORDS = ["high", "hihg", "hgih", "low", "medium", "meduim", "urgent", "urgnet", "asap", "", "a", "printer",
         "pritner", "sign on", "signon", "sing on", "résumé", "resume", "ab", "ba", "abc", "ca"]


@pytest.mark.parametrize("limit", [0, 1, 2, 3])
def test_the_same_distances_as_rapidfuzz(limit: int) -> None:
    for a in WORDS:
        for b in WORDS:
            expected = OSA.distance(a, b, score_cutoff=limit)
            assert osa_distance(a, b, limit) == min(expected, limit + 1), (a, b, limit)
