"""A lean client for AWS's JSON protocol (SQS, DynamoDB, SSM): the call and its retry loop, standard library only.

Slack wants its ack within 3 s, cold start included, and boto3 alone imports in ~200 ms. This client
speaks the protocol the way botocore does (POST /, X-Amz-Target: <prefix>.<Operation>, a JSON body),
signs with `bot.aws.sigv4`, sends over one kept-alive connection (`bot.aws.transport`), with credentials
from `bot.aws.credentials`, and retries like botocore's "standard" mode, but inside one deadline: the
request's, when the caller carries one (`bot.aws.deadline`), else `deadline` seconds from the call.
Credentials, every attempt and every backoff fit in it, so several calls of one request cannot add up
past what the request has.

One subclass per service says what differs (signing name, target prefix, endpoint variable, extra
headers, CRC32 check, error classes) and adds typed operations on top of `AwsJsonClient.call`.
"""

from __future__ import annotations

import json
import os
import random
import time
from _thread import allocate_lock
from binascii import crc32  # zlib.crc32's algorithm; binascii is loaded by http.client already, zlib is not
from collections.abc import Callable, Mapping
from http.client import HTTPResponse

from bot import defaults
from bot.aws.credentials import CredentialProvider
from bot.aws.deadline import MIN_ATTEMPT_TIME
from bot.aws.errors import AttemptFailed, AwsCallFailed, CredentialsError, Problem
from bot.aws.sigv4 import Credentials, sign
from bot.aws.transport import KeptAliveConnection, resolve_endpoint

# The error types and the credentials provider are imported from here by callers that predate the split.
__all__ = ["AwsCallFailed", "AwsJsonClient", "CredentialProvider", "Credentials", "CredentialsError", "Problem"]

DEFAULT_REGION = "us-east-1"
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_TIMEOUT = 1.0  # seconds per attempt (connect, and each socket read or write)
DEFAULT_DEADLINE = 2.5  # seconds for a call made without a deadline: Slack's 3 s less the rest of the ack
DEFAULT_BACKOFF_BASE = 0.05
DEFAULT_BACKOFF_CAP = 0.5

_CONTENT_TYPE = "application/x-amz-json-{}"
_USER_AGENT = "parley-aws/1"

# botocore's standard-mode throttling and transient codes, plus the SQS and query-compatible spellings.
_THROTTLING_CODES = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
    "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
    "SlowDown", "EC2ThrottledException", "KmsThrottled",
})
_TRANSIENT_CODES = frozenset({
    "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "InternalError",
    "InternalFailure", "ServiceUnavailable",
})
_RETRYABLE_CODES = _THROTTLING_CODES | _TRANSIENT_CODES
# Codes after which the cached temporary credentials are certainly no good; the next call fetches anew.
_STALE_CREDENTIAL_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId"})
_MAX_MESSAGE_CHARS = 300


class AwsJsonClient:
    """AWS JSON calls over one keep-alive connection. Cheap to construct: no network, no credential lookup.

    Subclass it per service and set the class attributes below. Create a client once per Lambda
    container (module scope), so warm invocations reuse the connection. Calls are serialized by a lock;
    one connection serves one request at a time. Plain-http endpoints are refused outside local stages
    (`stage`, else PARLEY_STAGE): a deployed stage must not send signed requests and secrets in clear.
    """

    signing_name = ""  # SigV4 service name, also the regional endpoint's first label ("sqs", "dynamodb")
    target_prefix = ""  # X-Amz-Target is <target_prefix>.<Operation> ("AmazonSQS", "DynamoDB_20120810")
    endpoint_env = ""  # AWS_ENDPOINT_URL_<endpoint_env> overrides the endpoint ("SQS", "DYNAMODB")
    label = ""  # the service in error text ("SQS", "DynamoDB")
    extra_headers: tuple[tuple[str, str], ...] = ()  # sent (and signed) with every request
    verify_crc32 = False  # check the x-amz-crc32 response header, as botocore does for DynamoDB
    json_version = "1.0"  # AWS JSON protocol version: 1.0 for SQS and DynamoDB, 1.1 for SSM
    error_class: type[AwsCallFailed] = AwsCallFailed
    credentials_error_class: type[AwsCallFailed] = CredentialsError

    def __init__(
        self,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        credentials: Credentials | CredentialProvider | None = None,
        stage: str | None = None,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        timeout: float = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
        backoff_base: float = DEFAULT_BACKOFF_BASE,
        backoff_cap: float = DEFAULT_BACKOFF_CAP,
    ) -> None:
        if not (self.signing_name and self.target_prefix and self.endpoint_env):
            raise TypeError(f"{type(self).__name__} must set signing_name, target_prefix and endpoint_env")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        env = os.environ
        self.region = region or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
        if not all(c.isalnum() or c == "-" for c in self.region):
            raise ValueError(f"not a region name: {self.region!r}")  # it becomes part of a host name
        self.endpoint_url = resolve_endpoint(endpoint_url, self.region, self.signing_name, self.endpoint_env)
        problem = defaults.insecure_endpoint(stage or env.get("PARLEY_STAGE") or defaults.DEFAULT_STAGE,
                                             self.endpoint_url)
        if problem:
            raise ValueError(problem)
        self.transport = KeptAliveConnection(self.endpoint_url)
        self.max_attempts = max_attempts
        self.timeout = timeout
        self.deadline = deadline
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.last_attempts = 0  # attempts the latest successful call needed, for metrics
        self._credentials = (credentials if isinstance(credentials, CredentialProvider)
                             else CredentialProvider(credentials))
        self._lock = allocate_lock()

    def __enter__(self) -> AwsJsonClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the kept-alive connection; the next call opens a new one."""
        with self._lock:
            self.transport.close()

    def call(
        self,
        operation: str,
        params: Mapping[str, object],
        *,
        check: Callable[[dict[str, object]], Problem | None] | None = None,
        private: tuple[str, ...] = (),
        deadline: float | None = None,
    ) -> dict[str, object]:
        """Call `operation` with `params` and return the response document; raise `error_class` when that
        cannot be done by the deadline (a time.monotonic() instant; by default `self.deadline` s from now).

        `check` looks at a 2xx document and returns a Problem when it is unusable, which is retried like a
        transient error. `private` are strings (message bodies, item values) error text must not quote.
        """
        if deadline is None:
            deadline = time.monotonic() + self.deadline
        payload = json.dumps(params).encode()  # ASCII escapes, as botocore serializes it
        target = f"{self.target_prefix}.{operation}"
        what = f"{self.label or self.signing_name} {operation}"

        with self._lock:
            attempt = 0
            while True:
                attempt += 1
                try:
                    credentials = self._credentials.get(deadline, self.timeout)
                except CredentialsError as exc:
                    raise self.credentials_error_class(exc.code, exc.message, None, attempt - 1,
                                                       operation=what) from None
                remaining = deadline - time.monotonic()
                try:
                    # a slow credentials fetch, or the request's earlier calls, may have left too little
                    if remaining < MIN_ATTEMPT_TIME:
                        raise AttemptFailed("DeadlineExceeded", "no time left before the deadline", None, False)
                    doc = self._attempt(payload, target, credentials, min(self.timeout, remaining), check)
                except AttemptFailed as failure:
                    if failure.code in _STALE_CREDENTIAL_CODES:
                        self._credentials.invalidate()
                    note = self._wait_for_retry(failure, attempt, deadline)
                    if note is not None:
                        message = _redact(failure.message, credentials, private)
                        if note:
                            message = f"{message}; {note}" if message else note
                        raise self.error_class(failure.code, message, failure.status, attempt, failure.retryable,
                                               failure.error_type, failure.request_id, what) from None
                    continue
                self.last_attempts = attempt
                return doc

    def _wait_for_retry(self, failure: AttemptFailed, attempt: int, deadline: float) -> str | None:
        """Sleep the backoff and return None when another attempt is due; else return why not (may be "")."""
        if not failure.retryable:
            return ""
        if attempt >= self.max_attempts:
            return ""
        # Full jitter: spreads the retries of many cold containers throttled at the same moment.
        delay = random.uniform(0.0, min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1)))
        if time.monotonic() + delay + MIN_ATTEMPT_TIME > deadline:
            return "no time for another attempt before the deadline"
        time.sleep(delay)
        return None

    def _attempt(self, payload: bytes, target: str, credentials: Credentials, timeout: float,
                 check: Callable[[dict[str, object]], Problem | None] | None) -> dict[str, object]:
        headers = {
            "Host": self.transport.host,
            "Content-Type": _CONTENT_TYPE.format(self.json_version),
            "X-Amz-Target": target,
        }
        headers.update(self.extra_headers)
        headers.update(sign("POST", self.transport.url, headers, payload, region=self.region,
                            service=self.signing_name, credentials=credentials))
        headers["User-Agent"] = _USER_AGENT
        status, response, raw = self.transport.exchange(payload, headers, timeout)
        request_id = response.getheader("x-amzn-requestid")
        if self.verify_crc32:
            # Checked before anything is read from the body, errors included: a damaged body can
            # look like a different answer (botocore retries these too).
            expected = response.getheader("x-amz-crc32")
            if expected is not None and _parse_int(expected) != crc32(raw):
                raise AttemptFailed("CRC32Mismatch", "the response body does not match its x-amz-crc32", status,
                                    True, request_id=request_id)
        if not 200 <= status < 300:
            raise _error_from_response(status, response, raw, request_id)
        try:
            doc = json.loads(raw) if raw else {}
        except ValueError:
            doc = None
        if not isinstance(doc, dict):
            # Not the service talking (a proxy, or moto routing an unsigned request to S3): worth another try.
            raise AttemptFailed("InvalidResponse", "the response is not a JSON object", status, True,
                                request_id=request_id)
        problem = check(doc) if check is not None else None
        if problem is not None:
            raise AttemptFailed(problem[0], problem[1], status, True, request_id=request_id)
        return doc


def _error_from_response(status: int, response: HTTPResponse, raw: bytes, request_id: str | None) -> AttemptFailed:
    doc: object
    try:
        doc = json.loads(raw) if raw else {}
    except ValueError:
        doc = {}
    if not isinstance(doc, dict):
        doc = {}
    raw_type = str(doc.get("__type") or response.getheader("x-amzn-errortype") or "")
    # "com.amazonaws.sqs#QueueDoesNotExist" or "QueueDoesNotExist:http://internal..." -> QueueDoesNotExist
    error_type = raw_type.split(":", 1)[0].rsplit("#", 1)[-1] or None
    code = error_type or str(status)
    query_error = response.getheader("x-amzn-query-error")
    if query_error:
        query_code, _, fault = query_error.partition(";")
        if query_code and fault and ";" not in fault:
            code = query_code
    message = doc.get("message") or doc.get("Message") or ""
    retryable = status >= 500 or status == 429 or any(
        name in _RETRYABLE_CODES or name.rsplit(".", 1)[-1] in _RETRYABLE_CODES
        for name in (code, error_type or "")
    )
    return AttemptFailed(code, str(message), status, retryable, error_type, request_id)


def _parse_int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None  # a header that is no number matches no checksum


def _redact(text: str, credentials: Credentials, private: tuple[str, ...]) -> str:
    """AWS error messages may echo the canonical request (SignatureDoesNotMatch quotes the token): scrub."""
    for secret in (credentials.secret_key, credentials.token, credentials.access_key):
        if secret:
            text = text.replace(secret, "<redacted>")
    # Strings this short cannot be told apart from ordinary words; longer ones are removed wherever quoted.
    for value in private:
        if len(value) >= 8:
            text = text.replace(value, "<private>")
    if len(text) > _MAX_MESSAGE_CHARS:
        text = text[:_MAX_MESSAGE_CHARS] + "..."
    return text
