"""The worker's reading of the job envelope (see `bot.queue.envelope` for the writer)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class SlackRequest(BaseModel):
    """A Slack HTTP request as the ingress verified it."""

    model_config = ConfigDict(frozen=True)

    body: str
    headers: dict[str, str]

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def retry_num(self) -> int:
        return int(self.headers.get("x-slack-retry-num", "0") or 0)


class Job(BaseModel):
    # Later versions may add fields; an older worker still reads what it knows.
    model_config = ConfigDict(frozen=True, extra="ignore")

    version: Literal[1]
    id: str  # the correlation id every log line of this job carries
    source: Literal["slack"]
    received_at: float
    slack: SlackRequest
    dedup_key: str | None = None  # what makes two deliveries the same request (absent: the id)

    @property
    def key(self) -> str:
        return self.dedup_key or self.id
