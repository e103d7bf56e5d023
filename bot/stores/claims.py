"""Job claims: one record per Slack request (or Lex job) that is both the ingress's dedup marker and the worker's
idempotency record.

Why one record: every message used to cost three DynamoDB writes for bookkeeping (Powertools' idempotency record,
written as in progress then completed, and a separate dedup marker for the ingress). The claim does both jobs in
the dedup table, `parley-<stage>-dedup` (key `key`, TTL `expires_at`): the ingress's `DynamoMarkers.queued_before`
reads the same item (it exists and has not expired: the request is on the queue), and the worker writes it twice,
once to take the job and once to say it is done. So a message costs two writes and no read.

The rules (`claim`), keyed by the job's dedup key (`<workspace key>:<event_id or trigger_id>`):

- no record, an expired one (past `expires_at`), or a marker from before claims existed: the job is taken
  (`CLAIMED`; `first` says no earlier run can have left anything behind, so the worker reads no earlier state);
- a record `running` whose lock has run out (`lock_until`: the end of the invocation that took it, as Powertools'
  in-progress expiry): that run died (killed, timed out); the job is taken again (`CLAIMED`, `first` False);
- a record `running` with its lock still held: another invocation is on it (`RUNNING`): the caller fails the
  record, and SQS delivers it again once the visibility timeout has passed;
- a record `done`: answered already (`DONE`): a duplicate, dropped.

`done` is written after the reply (`finish`); a job that fails gives its lock back (`release`) so SQS's next delivery
takes it at once. Records live an hour (`DEDUP_TTL_SECONDS`): longer than Slack retries or SQS redelivers.

Failure policy: a claim that cannot be written fails the job (SQS delivers it again; nothing is answered without a
record). A `finish` that cannot be written fails the job too, after the reply: the next delivery finds the lock and,
once it has run out, answers again. Exactly once is as strong as that write, as it was with Powertools.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Protocol

from bot.aws.dynamodb import from_item
from bot.defaults import DEDUP_TTL_SECONDS
from bot.stores.table import EXPIRES_AT, DynamoTable

KEY = "key"  # the dedup table's partition key (the same as `bot.stores.markers.KEY`)
CORRELATION_ID = "correlation_id"
STATUS = "status"
LOCK_UNTIL = "lock_until"  # epoch seconds: a `running` claim older than this was abandoned
RUNS = "runs"  # how many runs took the job
MARK = "claim_mark"  # one claim call's own mark: a retry of the same write finds itself, not "another run"
RUNNING, DONE, CLAIMED = "running", "done", "claimed"
# No record, an expired one, a marker from before claims, or a run whose lock ran out
# ... or this very call's own write, retried after its answer was lost (the client retries timeouts): its mark
_TAKEABLE = ("attribute_not_exists(#key) OR #expires < :now OR attribute_not_exists(#status) OR #mark = :mark"
             " OR (#status = :running AND #lock < :now)")


@dataclass(frozen=True)
class Claim:
    """What `claim` found: `outcome` is CLAIMED (run it), RUNNING (another run holds it) or DONE (answered)."""

    outcome: str
    first: bool = False  # CLAIMED with no earlier run of the job: nothing an earlier run left needs reading


class Claims(Protocol):
    def claim(self, key: str, correlation_id: str, lock_seconds: float) -> Claim:
        """Take the job with this dedup key for `lock_seconds` (the rules are in the module's docstring)."""
        ...

    def finish(self, key: str, correlation_id: str) -> None:
        """The job is answered: every later delivery of it is a duplicate."""
        ...

    def release(self, key: str, correlation_id: str) -> None:
        """The job failed: its lock goes at once, so SQS's next delivery runs it again."""
        ...


class MemoryClaims:
    """Claims in memory, for unit tests and the in-process test client."""

    def __init__(self, ttl_seconds: int = DEDUP_TTL_SECONDS) -> None:
        self.ttl_seconds = ttl_seconds
        self.records: dict[str, dict[str, object]] = {}

    def claim(self, key: str, correlation_id: str, lock_seconds: float) -> Claim:
        now = time.time()
        old = self.records.get(key)
        found = _found(old, now)
        if found is not None:
            return found
        self.records[key] = {CORRELATION_ID: correlation_id, STATUS: RUNNING, LOCK_UNTIL: now + lock_seconds,
                             EXPIRES_AT: int(now) + self.ttl_seconds}
        return Claim(CLAIMED, first=old is None or _expired(old, now))

    def finish(self, key: str, correlation_id: str) -> None:
        self.records.setdefault(key, {EXPIRES_AT: int(time.time()) + self.ttl_seconds})[STATUS] = DONE

    def release(self, key: str, correlation_id: str) -> None:
        record = self.records.get(key)
        if record and record.get(STATUS) == RUNNING and record.get(CORRELATION_ID) == correlation_id:
            record[LOCK_UNTIL] = 0


class DynamoClaims:
    """Claims in the stage's dedup table. AwsCallFailed from the client propagates (the module's failure policy)."""

    def __init__(self, table: DynamoTable, ttl_seconds: int = DEDUP_TTL_SECONDS) -> None:
        self.table = table
        self.ttl_seconds = ttl_seconds

    def claim(self, key: str, correlation_id: str, lock_seconds: float) -> Claim:
        now = time.time()
        mark = secrets.token_hex(8)
        old = self.table.client.update_item(
            self.table.name, {KEY: {"S": key}},
            "SET #status = :running, #lock = :lock, #cid = :cid, #expires = :expires, #mark = :mark,"
            " #runs = if_not_exists(#runs, :zero) + :one",
            condition_expression=_TAKEABLE,
            expression_attribute_names={"#key": KEY, "#status": STATUS, "#lock": LOCK_UNTIL, "#cid": CORRELATION_ID,
                                        "#expires": EXPIRES_AT, "#runs": RUNS, "#mark": MARK},
            expression_attribute_values={
                ":now": {"N": str(int(now))}, ":running": {"S": RUNNING}, ":mark": {"S": mark},
                ":lock": {"N": str(int(now + lock_seconds) + 1)}, ":cid": {"S": correlation_id},
                ":expires": {"N": str(int(now) + self.ttl_seconds)}, ":zero": {"N": "0"}, ":one": {"N": "1"}},
            return_values="ALL_OLD")
        if old is not None:
            earlier = from_item(old)
            own_retry = earlier.get(MARK) == mark  # what the item held was this call's lost first write
            return Claim(CLAIMED, first=not own_retry and (not earlier or _expired(earlier, now)))
        # Not takeable: read why (only for a duplicate or a concurrent run: never on a first delivery)
        found = _found(self.table.get({KEY: key}), time.time())
        return found if found is not None else Claim(RUNNING)  # gone meanwhile (TTL): let SQS try again

    def finish(self, key: str, correlation_id: str) -> None:
        self.table.client.update_item(
            self.table.name, {KEY: {"S": key}}, "SET #status = :done, #cid = :cid, #expires = :expires",
            expression_attribute_names={"#status": STATUS, "#cid": CORRELATION_ID, "#expires": EXPIRES_AT},
            expression_attribute_values={":done": {"S": DONE}, ":cid": {"S": correlation_id},
                                         ":expires": {"N": str(int(time.time()) + self.ttl_seconds)}})

    def release(self, key: str, correlation_id: str) -> None:
        self.table.client.update_item(
            self.table.name, {KEY: {"S": key}}, "SET #lock = :zero",
            condition_expression="#status = :running AND #cid = :cid",
            expression_attribute_names={"#status": STATUS, "#cid": CORRELATION_ID, "#lock": LOCK_UNTIL},
            expression_attribute_values={":running": {"S": RUNNING}, ":cid": {"S": correlation_id},
                                         ":zero": {"N": "0"}})


def _expired(record: dict[str, object], now: float) -> bool:
    """DynamoDB's TTL deletes late: a record past `expires_at` counts as gone."""
    expires = record.get(EXPIRES_AT)
    return not isinstance(expires, int | float) or expires < now


def _found(record: dict[str, object] | None, now: float) -> Claim | None:
    """What an existing record says about taking the job: None when it may be taken."""
    if record is None or _expired(record, now):
        return None
    status = record.get(STATUS)
    if status == DONE:
        return Claim(DONE)
    lock = record.get(LOCK_UNTIL)
    if status == RUNNING and isinstance(lock, int | float) and lock >= now:
        return Claim(RUNNING)
    return None

