"""Real work that takes seconds: the reason replies are sent from a queue worker, not from the ack.

Counting primes below hundreds of millions takes a few seconds in Python; the intent reports its progress,
which Slack shows as one message updated in place, then replaced by the answer. It also keeps to the turn's time
budget: when the count cannot end in time, it stops early and says which number would fit, rather than hold the
worker (and the rest of its batch) until Lambda's timeout.
"""

import math
import time
from collections.abc import Callable

from bot.conversation import Field, Number, Reply, Slot, Turn, intent

SEGMENT = 1_000_000
PROGRESS_EVERY_SECONDS = 1.0
# Judge whether the count fits the time left only after this much of it: the first segments are the fastest
PROJECT_AFTER = 0.05


class OutOfTime(Exception):
    """The count would not end before the turn's deadline; `done` is how far it got (0..1)."""

    def __init__(self, done: float, projected: float) -> None:
        super().__init__(done)
        self.done = done
        self.projected = projected  # seconds the whole count would take


def count_primes_below(limit: int, report: Callable[[float], None] | None = None) -> int:
    """A segmented sieve of Eratosthenes, so progress can be told between segments."""
    if limit < 3:
        return 0
    root = math.isqrt(limit - 1)
    small = bytearray([1]) * (root + 1)
    small[0:2] = b"\x00\x00"
    for n in range(2, math.isqrt(root) + 1):
        if small[n]:
            small[n * n :: n] = bytes(len(range(n * n, root + 1, n)))
    base = [n for n in range(2, root + 1) if small[n]]
    count = 0
    for low in range(0, limit, SEGMENT):
        high = min(low + SEGMENT, limit)
        segment = bytearray([1]) * (high - low)
        for prime in base:
            start = max(prime * prime, (low + prime - 1) // prime * prime)
            if start >= high:
                break
            segment[start - low :: prime] = bytes(len(range(start, high, prime)))
        if low == 0:
            segment[0 : min(2, high)] = bytes(min(2, high))
        count += sum(segment)
        if report:
            report(high / limit)
    return count


@intent(
    "primes",
    title="Count primes",
    description="Count the primes below a number: a few seconds of real work, with progress as it goes.",
    examples=["count primes below {limit}", "primes below {limit}", "how many primes are below {limit}"],
    slots=[Slot("limit", Number(minimum=2, maximum=1_000_000_000), prompt="Below which number should I count?",
                example="300000000")],
    slow=True,
)
def primes(turn: Turn, limit: int) -> Reply:
    started = last_report = time.monotonic()
    turn.progress(f"Counting the primes below {limit:,}…")

    def report(done: float) -> None:
        nonlocal last_report
        now = time.monotonic()
        left = turn.time_left()
        if left is not None and done >= PROJECT_AFTER:
            projected = (now - started) / done
            if projected - (now - started) > left:
                raise OutOfTime(done, projected)
        if now - last_report >= PROGRESS_EVERY_SECONDS:
            last_report = now
            turn.progress(f"Counting the primes below {limit:,}… {done:.0%}")

    try:
        count = count_primes_below(limit, report)
    except OutOfTime as stopped:
        return _too_big(limit, stopped, budget=(time.monotonic() - started) + (turn.time_left() or 0.0))
    took = time.monotonic() - started
    return Reply(f"There are {count:,} primes below {limit:,}.", fields=(Field("Took", f"{took:.1f} s"),))


def _too_big(limit: int, stopped: OutOfTime, budget: float) -> Reply:
    fits = int(limit * budget / stopped.projected * 0.8)  # a margin: later segments run slower than the first
    magnitude = 10 ** max(len(str(fits)) - 1, 0)
    fits = max(fits // magnitude * magnitude, 2)
    return Reply(f"Counting the primes below {limit:,} would take about {stopped.projected:.0f} s, longer than I "
                 f"can spend on one request, so I stopped. Try a number below {fits:,}.")
