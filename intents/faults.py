"""Faults on demand, for the reliability suite only: declared when PARLEY_FAULT_INTENTS=1, never in AWS.

`explode <anything>` raises, as a buggy intent would: its job fails every time and ends in the
dead-letter queue; as a Workflow Builder step it is the step that fails (completed with an error).
`sleep <seconds>` holds the worker, so a test can kill it mid-job.
`say the drill line` answers PARLEY_DRILL_REPLY (read on each turn): the replay test's intent whose reply text
changes between a recording and its replay.
"""

import os
import time

from aws_lambda_powertools import Logger

from bot.conversation import Number, Reply, Slot, Text, intent

log = Logger(child=True)


class InjectedFault(RuntimeError):
    """Raised on purpose."""


@intent(
    "explode",
    description="Fail on purpose (reliability tests only).",
    examples=["explode {reason}"],
    slots=[Slot("reason", Text(), prompt="Why?")],
    hidden=True,
    workflow_step=True,
)
def explode(reason: str) -> Reply:
    raise InjectedFault(f"explode: {reason}")


@intent(
    "sleep",
    description="Hold the worker for a while (reliability tests only).",
    examples=["sleep {seconds}"],
    slots=[Slot("seconds", Number(minimum=1, maximum=60), prompt="How long?")],
    hidden=True,
)
def sleep(seconds: int) -> Reply:
    log.info("sleeping", extra={"seconds": seconds})  # a test waits for this line to kill us
    time.sleep(seconds)
    return Reply(f"Slept {seconds} s.")


@intent(
    "drill",
    description="Say the drill line (replay tests only).",
    examples=["say the drill line"],
    hidden=True,
)
def drill() -> Reply:
    return Reply(os.environ.get("PARLEY_DRILL_REPLY", "This is the drill line."))
