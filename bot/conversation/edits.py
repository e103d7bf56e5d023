"""Edit distance with the standard library: how many edits (insert, delete, substitute, swap two neighbours) turn
one short text into another.

The recogniser's typo search runs over every known word and uses rapidfuzz's compiled OSA distance. A form's choice
checked at the ingress (inside Slack's 3 s, in a zip with no third-party package) compares one value with a few
dozen phrases, which this does in microseconds; both count the same way (optimal string alignment).
"""

from __future__ import annotations


def osa_distance(a: str, b: str, limit: int) -> int:
    """The OSA distance of `a` and `b`, or `limit + 1` as soon as it is known to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        earlier, before, row = before, row, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(before[j] + 1, row[j - 1] + 1, before[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], earlier[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
    return min(row[len(b)], limit + 1)
