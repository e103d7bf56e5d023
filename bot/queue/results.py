"""Results of queued work that nobody is waiting for on the line: Lex callers ask for them later.

The worker writes a result when a Lex job finishes; the Lex hook reads it on the caller's next turn
(or when they ask for the status). One item per job id, forgotten after a day (TTL).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache
from typing import Any

RESULT_TTL_SECONDS = 24 * 60 * 60
# The Lex session attribute that holds the job a caller is waiting for
JOB_ATTRIBUTE = "parley_job"
# Handed to the turn (never kept in the session) once that job's result is in: what it said
JOB_RESULT_ATTRIBUTE = "parley_job_result"


@dataclass(frozen=True)
class JobResult:
    job_id: str
    status: str  # "done" or "failed"
    text: str  # the reply, in the light markup every channel renders


class JobResults:
    def __init__(self, table: Any) -> None:
        self.table = table  # a boto3 DynamoDB Table

    def get(self, job_id: str) -> JobResult | None:
        item = self.table.get_item(Key={"job_id": job_id}, ConsistentRead=True).get("Item")
        if not item:
            return None
        return JobResult(item["job_id"], item["status"], item.get("text", ""))

    def put(self, result: JobResult) -> None:
        self.table.put_item(Item={"job_id": result.job_id, "status": result.status, "text": result.text,
                                  "expires_at": int(time.time()) + RESULT_TTL_SECONDS})


@cache
def job_results() -> JobResults:
    """The stage's results table, built on first use."""
    import boto3

    from bot.settings import Settings

    settings = Settings()
    resource = boto3.resource("dynamodb", region_name=settings.region, endpoint_url=settings.aws_endpoint_url)
    return JobResults(resource.Table(settings.results_table))
