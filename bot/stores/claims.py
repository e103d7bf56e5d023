"""Job claims: one record per queued request that is the worker's once-only record of it (and, in the dedup table,
the ingress's dedup marker too).

Why: every message used to cost five DynamoDB requests of bookkeeping (Powertools' idempotency record written as in
progress then completed, a separate dedup marker for the ingress, the dialog read, a stream read). A claim is
written twice, once to take the job and once to say it is done, and that is all a one-shot message costs:

- **In the dedup table** (`parley-<stage>-dedup`, key `key` = the job's dedup key, TTL `expires_at`): every job but
  a direct message. The ingress's `DynamoMarkers.queued_before` reads the same item: a request a worker has taken is
  on the queue, and Slack's retries of it are dropped at the door.
- **On the conversation's dialog item** (the dialogs table, key = the DM's dialog key, an attribute `job:<dedup key>`
  per message): a direct message, where a dialog may be waiting. The claim's write returns the item as it was, so
  the dialog is read with it (`Claim.dialog`) and the engine reads nothing more. The ingress does not see these:
  a retry of a DM that Slack sends after a slow ack is queued again, and the claim turns it into a no-op.

The rules (`claim`), the same in both places:

- no record, an expired one (older than `ttl_seconds`), or a marker from before claims existed: the job is taken
  (`CLAIMED`; `first` says no earlier run can have left anything behind, so the worker reads no earlier state);
- `running` with its lock run out (`lock_until`: the end of the invocation that took it, as Powertools' in-progress
  expiry was): that run died (killed, timed out); the job is taken again (`CLAIMED`, `first` False);
- `running` with its lock held: another invocation is on it (`RUNNING`): the caller fails the record, and SQS
  delivers it again after the visibility timeout;
- `done`: answered already (`DONE`): a duplicate, dropped.

`done` is written after the reply (`finish`); a job that fails gives its lock back (`release`) so SQS's next delivery
takes it at once. Claims live an hour in the dedup table (`DEDUP_TTL_SECONDS`) and 30 minutes on a conversation
(`CONVERSATION_CLAIM_SECONDS`): both longer than Slack retries or SQS redelivers; a conversation's old ones are
removed by the next `finish` there.

Failure policy: a claim that cannot be written fails the job (SQS delivers it again; nothing is answered without a
record). A `finish` that cannot be written fails the job too, after the reply: the next delivery finds the lock and,
once it has run out, answers again. Exactly once is as strong as that write, as it was with Powertools.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.aws.dynamodb import Item, from_item
from bot.defaults import DEDUP_TTL_SECONDS
from bot.stores.dialogs import state_of
from bot.stores.table import EXPIRES_AT, DynamoTable

KEY = "key"  # both tables' partition key (the same as `bot.stores.markers.KEY`)
CORRELATION_ID = "correlation_id"
STATUS = "status"
LOCK_UNTIL = "lock_until"  # epoch seconds: a `running` claim older than this was abandoned
CLAIMED_AT = "claimed_at"
RUNS = "runs"  # how many runs took the job
JOB_PREFIX = "job:"  # a conversation claim's attribute: job:<dedup key>, a map of the fields above
RUNNING, DONE, CLAIMED = "running", "done", "claimed"
# How long a DM's claim stays on its conversation's item: every claim there makes each write of the item bigger
# (~70 bytes; a write unit per KB), so shorter than the dedup table's hour, yet longer than any duplicate can come:
# Slack retries within ~5 minutes, and a retry queued then may be delivered again for three receives of the prod
# visibility timeout (3 x 6 min). 30 minutes covers both with room.
CONVERSATION_CLAIM_SECONDS = 30 * 60
# No record, an expired one, a marker from before claims, or a run whose lock ran out
_TAKEABLE = ("attribute_not_exists(#key) OR #expires < :now OR attribute_not_exists(#status)"
             " OR (#status = :running AND #lock < :now)")
_TAKEABLE_IN_CONVERSATION = ("attribute_not_exists(#job) OR #job.#at < :stale"
                             " OR (#job.#status = :running AND #job.#lock < :now)")


@dataclass(frozen=True)
class Claim:
    """What `claim` found: `outcome` is CLAIMED (run it), RUNNING (another run holds it) or DONE (answered)."""

    outcome: str
    first: bool = False  # CLAIMED with no earlier run of the job: nothing an earlier run left needs reading
    # Claimed on a conversation: the dialog waiting there as the claim found it (None: no dialog waits)
    conversation: str | None = None
    dialog: dict[str, Any] | None = None
    stale: tuple[str, ...] = field(default=(), repr=False)  # the conversation's expired claims, removed by `finish`


class Claims(Protocol):
    def claim(self, key: str, correlation_id: str, lock_seconds: float, conversation: str | None = None) -> Claim:
        """Take the job with this dedup key for `lock_seconds`, in the dedup table or, given a `conversation` (a DM's
        dialog key), on its dialog item (the rules are in the module's docstring)."""
        ...

    def finish(self, key: str, claim: Claim) -> None:
        """The job `claim` took is answered: every later delivery of it is a duplicate."""
        ...

    def release(self, key: str, correlation_id: str, claim: Claim) -> None:
        """The job failed: its lock goes at once, so SQS's next delivery runs it again."""
        ...


class MemoryClaims:
    """Claims in memory, for unit tests and the in-process test client (a conversation's dialog is never read)."""

    def __init__(self, ttl_seconds: int = DEDUP_TTL_SECONDS) -> None:
        self.ttl_seconds = ttl_seconds
        self.records: dict[str, dict[str, object]] = {}

    def claim(self, key: str, correlation_id: str, lock_seconds: float, conversation: str | None = None) -> Claim:
        now = time.time()
        old = self.records.get(key)
        found = _found(old, now)
        if found is not None:
            return found
        self.records[key] = {CORRELATION_ID: correlation_id, STATUS: RUNNING, LOCK_UNTIL: now + lock_seconds,
                             EXPIRES_AT: int(now) + self.ttl_seconds}
        return Claim(CLAIMED, first=old is None or _expired(old, now))

    def finish(self, key: str, claim: Claim) -> None:
        self.records.setdefault(key, {EXPIRES_AT: int(time.time()) + self.ttl_seconds})[STATUS] = DONE

    def release(self, key: str, correlation_id: str, claim: Claim) -> None:
        record = self.records.get(key)
        if record and record.get(STATUS) == RUNNING and record.get(CORRELATION_ID) == correlation_id:
            record[LOCK_UNTIL] = 0


class DynamoClaims:
    """Claims in the stage's dedup table, and a DM's on its dialog item in `conversations` (the dialogs table; without
    one, every claim goes to the dedup table). `keep_seconds`: how far ahead a dialog item's TTL is pushed (the dialog
    TTL, when longer than the claims'). AwsCallFailed from the client propagates (the module's failure policy)."""

    def __init__(self, table: DynamoTable, conversations: DynamoTable | None = None,
                 ttl_seconds: int = DEDUP_TTL_SECONDS, keep_seconds: int = 0,
                 conversation_seconds: int = CONVERSATION_CLAIM_SECONDS) -> None:
        self.table = table
        self.conversations = conversations
        self.ttl_seconds = ttl_seconds
        self.conversation_seconds = conversation_seconds
        self.keep_seconds = max(conversation_seconds, keep_seconds)

    # -- taking a job ----------------------------------------------------------------------------------------------

    def claim(self, key: str, correlation_id: str, lock_seconds: float, conversation: str | None = None) -> Claim:
        if conversation is not None and self.conversations is not None:
            return self._claim_in(conversation, key, correlation_id, lock_seconds)
        now = int(time.time())
        old = self.table.client.update_item(
            self.table.name, {KEY: {"S": key}},
            "SET #status = :running, #lock = :lock, #cid = :cid, #expires = :expires,"
            " #runs = if_not_exists(#runs, :zero) + :one",
            condition_expression=_TAKEABLE,
            expression_attribute_names={"#key": KEY, "#status": STATUS, "#lock": LOCK_UNTIL, "#cid": CORRELATION_ID,
                                        "#expires": EXPIRES_AT, "#runs": RUNS},
            expression_attribute_values={
                ":now": _n(now), ":running": {"S": RUNNING}, ":lock": _n(now + int(lock_seconds) + 1),
                ":cid": {"S": correlation_id}, ":expires": _n(now + self.ttl_seconds), ":zero": _n(0), ":one": _n(1)},
            return_values="ALL_OLD")
        if old is not None:
            earlier = from_item(old)
            return Claim(CLAIMED, first=not earlier or _expired(earlier, now))
        # Not takeable: read why (only for a duplicate or a concurrent run, never on a first delivery)
        return _found(self.table.get({KEY: key}), time.time()) or Claim(RUNNING)  # gone meanwhile: SQS tries again

    def _claim_in(self, conversation: str, key: str, correlation_id: str, lock_seconds: float) -> Claim:
        assert self.conversations is not None
        now = int(time.time())
        job = JOB_PREFIX + key
        taken = {"M": {STATUS: {"S": RUNNING}, LOCK_UNTIL: _n(now + int(lock_seconds) + 1),
                       CORRELATION_ID: {"S": correlation_id}, CLAIMED_AT: _n(now)}}
        old = self.conversations.client.update_item(
            self.conversations.name, {KEY: {"S": conversation}}, "SET #job = :taken, #expires = :expires",
            condition_expression=_TAKEABLE_IN_CONVERSATION,
            expression_attribute_names={"#job": job, "#at": CLAIMED_AT, "#status": STATUS, "#lock": LOCK_UNTIL,
                                        "#expires": EXPIRES_AT},
            expression_attribute_values={":taken": taken, ":running": {"S": RUNNING},
                                         ":expires": _n(now + self.keep_seconds),
                                         ":stale": _n(now - self.conversation_seconds), ":now": _n(now)},
            return_values="ALL_OLD")
        if old is None:
            item = self.conversations.get({KEY: conversation})
            found = _found(_as_record((item or {}).get(job), self.conversation_seconds), time.time())
            return found or Claim(RUNNING)
        earlier = from_item(old)
        stale = tuple(name for name, value in earlier.items() if name.startswith(JOB_PREFIX) and name != job
                      and _stale(value, now - self.conversation_seconds))
        first = job not in earlier or _stale(earlier[job], now - self.conversation_seconds)
        return Claim(CLAIMED, first=first, conversation=conversation, dialog=state_of(earlier, now), stale=stale)

    # -- after the run ---------------------------------------------------------------------------------------------

    def finish(self, key: str, claim: Claim) -> None:
        now = int(time.time())
        if claim.conversation is not None and self.conversations is not None:
            names = {"#job": JOB_PREFIX + key, "#expires": EXPIRES_AT}
            names.update({f"#old{number}": name for number, name in enumerate(claim.stale)})
            remove = (" REMOVE " + ", ".join(f"#old{number}" for number in range(len(claim.stale)))
                      if claim.stale else "")
            self.conversations.client.update_item(
                self.conversations.name, {KEY: {"S": claim.conversation}},
                "SET #job = :done, #expires = :expires" + remove, expression_attribute_names=names,
                expression_attribute_values={":done": {"M": {STATUS: {"S": DONE}, CLAIMED_AT: _n(now)}},
                                             ":expires": _n(now + self.keep_seconds)})
            return
        self.table.client.update_item(
            self.table.name, {KEY: {"S": key}}, "SET #status = :done, #expires = :expires",
            expression_attribute_names={"#status": STATUS, "#expires": EXPIRES_AT},
            expression_attribute_values={":done": {"S": DONE}, ":expires": _n(now + self.ttl_seconds)})

    def release(self, key: str, correlation_id: str, claim: Claim) -> None:
        values: Item = {":running": {"S": RUNNING}, ":cid": {"S": correlation_id}, ":zero": _n(0)}
        if claim.conversation is not None and self.conversations is not None:
            self.conversations.client.update_item(
                self.conversations.name, {KEY: {"S": claim.conversation}}, "SET #job.#lock = :zero",
                condition_expression="#job.#status = :running AND #job.#cid = :cid",
                expression_attribute_names={"#job": JOB_PREFIX + key, "#status": STATUS, "#cid": CORRELATION_ID,
                                            "#lock": LOCK_UNTIL},
                expression_attribute_values=values)
            return
        self.table.client.update_item(
            self.table.name, {KEY: {"S": key}}, "SET #lock = :zero",
            condition_expression="#status = :running AND #cid = :cid",
            expression_attribute_names={"#status": STATUS, "#cid": CORRELATION_ID, "#lock": LOCK_UNTIL},
            expression_attribute_values=values)


def _n(number: int) -> dict[str, object]:
    return {"N": str(number)}


def _expired(record: dict[str, Any], now: float) -> bool:
    """DynamoDB's TTL deletes late: a record past `expires_at` counts as gone."""
    expires = record.get(EXPIRES_AT)
    return not isinstance(expires, int | float) or expires < now


def _stale(value: object, before: float) -> bool:
    """A conversation claim taken before `before` (or unreadable): expired."""
    at = value.get(CLAIMED_AT) if isinstance(value, dict) else None
    return not isinstance(at, int | float) or at < before


def _as_record(value: object, ttl_seconds: int) -> dict[str, Any] | None:
    """A conversation claim's map as a dedup-table record (its expiry from when it was claimed)."""
    if not isinstance(value, dict):
        return None
    at = value.get(CLAIMED_AT)
    return {**value, EXPIRES_AT: (at + ttl_seconds) if isinstance(at, int | float) else 0}


def _found(record: dict[str, Any] | None, now: float) -> Claim | None:
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
