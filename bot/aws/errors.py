"""What an AWS call of the lean clients raises, and how one attempt's failure is described before the retry loop
decides about it. Standard library only, like the rest of `bot.aws`."""

from __future__ import annotations

__all__ = ["INSTALLATION_LOOKUP", "AttemptFailed", "AwsCallFailed", "CredentialsError", "Problem"]

# What a response check returns when a 2xx answer is unusable: (code, message); the attempt is retried.
Problem = tuple[str, str]
# The `operation` of a failed lookup of a workspace's installation (bot.ingress.installations.NotInstalled): the
# ingress tells it from other failures by this name, so a single-mode ack need not import that module to catch it
INSTALLATION_LOOKUP = "installation"


class AwsCallFailed(Exception):
    """An AWS call did not succeed.

    `code` is the AWS error code as botocore reports it (the query-compatible code from the
    x-amzn-query-error header when the service sends one, e.g. AWS.SimpleQueueService.NonExistentQueue,
    else the `__type` shape name), or one of this client's: ConnectionError, Timeout, InvalidResponse,
    CRC32Mismatch, DeadlineExceeded, NoCredentials, CredentialsFetchFailed, or a service check's code
    (MD5Mismatch). `status` is the HTTP status, None when no response came. `operation` names the call
    ("DynamoDB GetItem"). The text never carries credentials, nor what the caller marked private.
    """

    _what = "AWS call"  # the text's subject when no operation is given

    def __init__(self, code: str, message: str = "", status: int | None = None, attempts: int = 0,
                 retryable: bool = False, error_type: str | None = None, request_id: str | None = None,
                 operation: str | None = None) -> None:
        # All positional, so that pickling (Exception's __reduce__ replays args) gives the same error back.
        super().__init__(code, message, status, attempts, retryable, error_type, request_id, operation)
        self.code = code
        self.message = message
        self.status = status
        self.attempts = attempts
        self.retryable = retryable
        self.error_type = error_type
        self.request_id = request_id
        self.operation = operation

    def __str__(self) -> str:
        status = f"HTTP {self.status}" if self.status is not None else "no HTTP response"
        plural = "" if self.attempts == 1 else "s"
        text = f"{self.operation or self._what} failed: {self.code}"
        if self.message:
            text += f": {self.message}"
        return f"{text} ({status}, {self.attempts} attempt{plural})"


class CredentialsError(AwsCallFailed):
    """No credentials could be found or fetched, so nothing was sent."""


class AttemptFailed(Exception):
    """One attempt's failure, before the retry loop (`bot.aws.client`) turns it into an AwsCallFailed."""

    def __init__(self, code: str, message: str, status: int | None, retryable: bool,
                 error_type: str | None = None, request_id: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.status = status
        self.retryable = retryable
        self.error_type = error_type
        self.request_id = request_id
