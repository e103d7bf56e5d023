"""A lean client for AWS's JSON 1.0 protocol (SQS, DynamoDB...): standard library only.

Slack wants its ack within 3 s, cold start included, and boto3 alone imports in ~200 ms. This client
speaks the protocol the way botocore does (POST /, X-Amz-Target: <prefix>.<Operation>, a JSON body),
signs with `bot.aws.sigv4`, keeps one keep-alive connection for warm invocations, and retries like
botocore's "standard" mode, but inside a deadline that leaves room for the ack.

One subclass per service says what differs (signing name, target prefix, endpoint variable, extra
headers, CRC32 check, error classes) and adds typed operations on top of `AwsJsonClient.call`.

Credentials come from where a Lambda function has them: the AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
AWS_SESSION_TOKEN environment, else the container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI,
which Lambda SnapStart uses). Profiles, config files, SSO and IMDS are out of scope on purpose.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import os
import random
import select
import socket
import ssl
import time
from _thread import allocate_lock
from binascii import crc32  # zlib.crc32's algorithm; binascii is loaded by http.client already, zlib is not
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from urllib.parse import urlsplit

from bot.aws.sigv4 import Credentials, sign

__all__ = ["AwsCallFailed", "AwsJsonClient", "CredentialProvider", "Credentials", "CredentialsError", "Problem"]

DEFAULT_REGION = "us-east-1"
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_TIMEOUT = 1.0  # seconds per attempt (connect, and each socket read or write)
DEFAULT_DEADLINE = 2.5  # seconds for the whole call, credentials included: Slack's 3 s less the rest of the ack
DEFAULT_BACKOFF_BASE = 0.05
DEFAULT_BACKOFF_CAP = 0.5

_CONTENT_TYPE = "application/x-amz-json-{}"
_USER_AGENT = "parley-aws/1"
# An attempt that cannot finish before the deadline only risks a duplicate write; don't start it.
_MIN_ATTEMPT_TIME = 0.1

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

# Container credentials: ECS's link-local address for relative URIs; over plain http only these
# hosts (and loopback) may receive the authorization token, as botocore allows.
_ECS_HOST = "169.254.170.2"
_CONTAINER_HOSTS = frozenset({_ECS_HOST, "169.254.170.23", "fd00:ec2::23", "localhost"})
_REFRESH_MARGIN = 300.0  # seconds before Expiration at which container credentials are fetched again
_NO_EXPIRY_TTL = 300.0  # how long credentials without an Expiration are trusted
_MAX_MESSAGE_CHARS = 300

# What a response check returns when a 2xx answer is unusable: (code, message); the attempt is retried.
Problem = tuple[str, str]


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


class _AttemptError(Exception):
    """One attempt's failure, before the retry decision turns it into an AwsCallFailed."""

    def __init__(self, code: str, message: str, status: int | None, retryable: bool,
                 error_type: str | None = None, request_id: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.status = status
        self.retryable = retryable
        self.error_type = error_type
        self.request_id = request_id


class CredentialProvider:
    """Explicit credentials, else the environment, else the container credentials endpoint (cached).

    One provider may be shared by several clients, so that a cold start fetches container credentials once.
    """

    def __init__(self, credentials: Credentials | None = None) -> None:
        self._explicit = credentials
        self._cached: Credentials | None = None
        self._refresh_at = 0.0  # wall clock (time.time), since Expiration is a wall-clock time
        self._expires_at = 0.0

    def invalidate(self) -> None:
        self._cached = None
        self._refresh_at = self._expires_at = 0.0

    def get(self, deadline: float, timeout: float = DEFAULT_TIMEOUT) -> Credentials:
        """Credentials to sign with; `deadline` is on the time.monotonic() clock and bounds any fetch."""
        if self._explicit is not None:
            return self._explicit
        env = os.environ
        access_key = env.get("AWS_ACCESS_KEY_ID")
        secret_key = env.get("AWS_SECRET_ACCESS_KEY")
        if access_key and secret_key:
            # Read on every call: it costs microseconds, and the environment is the source of truth.
            return Credentials(access_key, secret_key, env.get("AWS_SESSION_TOKEN") or env.get("AWS_SECURITY_TOKEN"))
        if access_key or secret_key:
            raise CredentialsError("NoCredentials", "only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set")
        if not (env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") or env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")):
            raise CredentialsError(
                "NoCredentials",
                "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                "or AWS_CONTAINER_CREDENTIALS_FULL_URI",
            )
        now = time.time()
        if self._cached is not None and now < self._refresh_at:
            return self._cached
        try:
            return self._fetch(deadline, timeout)
        except CredentialsError:
            # A failed early refresh is no reason to fail the call while the old credentials still hold.
            if self._cached is not None and time.time() < self._expires_at - 30:
                return self._cached
            raise

    def _fetch(self, deadline: float, timeout: float) -> Credentials:
        env = os.environ
        relative = env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        url = f"http://{_ECS_HOST}{relative}" if relative else env["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.scheme not in ("http", "https") or not host:
            raise CredentialsError("CredentialsFetchFailed", "the container credentials URI is not an http(s) URL")
        if parts.scheme == "http" and not (_is_loopback(host) or host in _CONTAINER_HOSTS):
            raise CredentialsError(
                "CredentialsFetchFailed",
                f"container credentials over http only from loopback or {', '.join(sorted(_CONTAINER_HOSTS))}, "
                f"not {host}",
            )
        headers = {"Accept": "application/json"}
        token = self._authorization_token()
        if token is not None:
            headers["Authorization"] = token
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

        last = "no attempt"
        for _ in range(2):  # one quick retry: the endpoint is local, a second failure will not heal in time
            remaining = deadline - time.monotonic()
            if remaining < _MIN_ATTEMPT_TIME:
                break
            conn = _new_connection(parts.scheme, host, parts.port, min(timeout, remaining))
            try:
                conn.request("GET", target, headers=headers)
                response = conn.getresponse()
                raw = response.read()
            except (OSError, http.client.HTTPException) as exc:
                last = _describe_exception(exc)
                continue
            finally:
                conn.close()
            if response.status != 200:
                # The response body is not quoted: it could echo the authorization token.
                last = f"HTTP {response.status} from the container credentials endpoint"
                if response.status < 500:
                    break
                continue
            return self._store(raw)
        raise CredentialsError("CredentialsFetchFailed", f"container credentials: {last}")

    def _authorization_token(self) -> str | None:
        env = os.environ
        path = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
        if path:
            try:
                with open(path, encoding="utf-8") as handle:
                    token = handle.read()
            except OSError as exc:
                raise CredentialsError(
                    "CredentialsFetchFailed", f"cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: {exc.strerror}"
                ) from None
        else:
            token = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN")
        if token is not None and ("\r" in token or "\n" in token):
            raise CredentialsError("CredentialsFetchFailed", "the container authorization token is not a legal header")
        return token

    def _store(self, raw: bytes) -> Credentials:
        try:
            doc = json.loads(raw)
            credentials = Credentials(doc["AccessKeyId"], doc["SecretAccessKey"], doc.get("Token"))
            expiration = doc.get("Expiration")
        except (ValueError, KeyError, TypeError):
            raise CredentialsError(
                "CredentialsFetchFailed", "the container credentials endpoint sent no AccessKeyId/SecretAccessKey"
            ) from None
        now = time.time()
        expires_at = _parse_expiration(expiration) if expiration else None
        if expires_at is None:
            self._expires_at = self._refresh_at = now + _NO_EXPIRY_TTL
        else:
            self._expires_at = expires_at
            # Short-lived credentials (under twice the margin) are refreshed at half their life instead.
            self._refresh_at = max(expires_at - _REFRESH_MARGIN, now + (expires_at - now) / 2)
        self._cached = credentials
        return credentials


class AwsJsonClient:
    """AWS JSON 1.0 calls over one keep-alive connection. Cheap to construct: no network, no credential lookup.

    Subclass it per service and set the class attributes below. Create a client once per Lambda
    container (module scope), so warm invocations reuse the connection. Calls are serialized by a lock;
    one connection serves one request at a time.
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
        self.endpoint_url = _endpoint_url(endpoint_url, self.region, self.signing_name, self.endpoint_env)
        parts = urlsplit(self.endpoint_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) endpoint URL: {self.endpoint_url!r}")
        self._scheme = parts.scheme
        self._hostname = parts.hostname
        self._port = parts.port
        self._path = parts.path or "/"
        self._url = f"{parts.scheme}://{parts.netloc}{self._path}"
        self.max_attempts = max_attempts
        self.timeout = timeout
        self.deadline = deadline
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.last_attempts = 0  # attempts the latest successful call needed, for metrics
        self._credentials = (credentials if isinstance(credentials, CredentialProvider)
                             else CredentialProvider(credentials))
        self._conn: http.client.HTTPConnection | None = None
        self._conn_reused = False
        self._lock = allocate_lock()

    def __enter__(self) -> AwsJsonClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the kept-alive connection; the next call opens a new one."""
        with self._lock:
            self._drop_connection()

    def call(
        self,
        operation: str,
        params: Mapping[str, object],
        *,
        check: Callable[[dict[str, object]], Problem | None] | None = None,
        private: tuple[str, ...] = (),
    ) -> dict[str, object]:
        """Call `operation` with `params` and return the response document; raise `error_class` when that
        cannot be done within the deadline.

        `check` looks at a 2xx document and returns a Problem when it is unusable, which is retried like a
        transient error. `private` are strings (message bodies, item values) error text must not quote.
        """
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
                    if remaining <= 0:  # a slow credentials fetch can eat the budget
                        raise _AttemptError("DeadlineExceeded", f"no time left within {self.deadline:g} s", None,
                                            False)
                    doc = self._attempt(payload, target, credentials, min(self.timeout, remaining), check)
                except _AttemptError as failure:
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

    def _wait_for_retry(self, failure: _AttemptError, attempt: int, deadline: float) -> str | None:
        """Sleep the backoff and return None when another attempt is due; else return why not (may be "")."""
        if not failure.retryable:
            return ""
        if attempt >= self.max_attempts:
            return ""
        # Full jitter: spreads the retries of many cold containers throttled at the same moment.
        delay = random.uniform(0.0, min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1)))
        if time.monotonic() + delay + _MIN_ATTEMPT_TIME > deadline:
            return f"no time for another attempt within the {self.deadline:g} s deadline"
        time.sleep(delay)
        return None

    def _attempt(self, payload: bytes, target: str, credentials: Credentials, timeout: float,
                 check: Callable[[dict[str, object]], Problem | None] | None) -> dict[str, object]:
        headers = {
            "Host": _host_header(self._scheme, self._hostname, self._port),
            "Content-Type": _CONTENT_TYPE.format(self.json_version),
            "X-Amz-Target": target,
        }
        headers.update(self.extra_headers)
        headers.update(sign("POST", self._url, headers, payload, region=self.region, service=self.signing_name,
                            credentials=credentials))
        headers["User-Agent"] = _USER_AGENT
        status, response, raw = self._exchange(payload, headers, timeout)
        request_id = response.getheader("x-amzn-requestid")
        if self.verify_crc32:
            # Checked before anything is read from the body, errors included: a damaged body can
            # look like a different answer (botocore retries these too).
            expected = response.getheader("x-amz-crc32")
            if expected is not None and _parse_int(expected) != crc32(raw):
                raise _AttemptError("CRC32Mismatch", "the response body does not match its x-amz-crc32", status,
                                    True, request_id=request_id)
        if not 200 <= status < 300:
            raise _error_from_response(status, response, raw, request_id)
        try:
            doc = json.loads(raw) if raw else {}
        except ValueError:
            doc = None
        if not isinstance(doc, dict):
            # Not the service talking (a proxy, or moto routing an unsigned request to S3): worth another try.
            raise _AttemptError("InvalidResponse", "the response is not a JSON object", status, True,
                                request_id=request_id)
        problem = check(doc) if check is not None else None
        if problem is not None:
            raise _AttemptError(problem[0], problem[1], status, True, request_id=request_id)
        return doc

    def _exchange(self, payload: bytes, headers: dict[str, str],
                  timeout: float) -> tuple[int, http.client.HTTPResponse, bytes]:
        for fresh_retry in (False, True):
            reused = False
            try:
                conn = self._connection(timeout)
                reused = self._conn_reused
                conn.request("POST", self._path, payload, headers)
                response = conn.getresponse()
                raw = response.read()
            except (OSError, http.client.HTTPException) as exc:
                self._drop_connection()
                # A kept-alive connection the server closed between calls (idle timeout, a frozen
                # Lambda) fails on first use; that is no failed attempt, just reconnect once.
                if reused and not fresh_retry and isinstance(exc, _DROPPED_CONNECTION_ERRORS):
                    continue
                timed_out = isinstance(exc, TimeoutError)
                code = "Timeout" if timed_out else "ConnectionError"
                raise _AttemptError(code, _describe_exception(exc), None, True) from None
            if response.will_close:
                self._drop_connection()
            else:
                self._conn_reused = True
            return response.status, response, raw
        raise AssertionError("unreachable")  # pragma: no cover

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        conn = self._conn
        if conn is not None and (conn.sock is None or _peer_closed(conn.sock)):
            self._drop_connection()
            conn = None
        if conn is not None and conn.sock is not None:
            conn.sock.settimeout(timeout)
            return conn
        self._conn_reused = False
        conn = _new_connection(self._scheme, self._hostname, self._port, timeout)
        self._conn = conn
        conn.connect()
        if conn.sock is not None:
            # Request and response are single small writes; Nagle would only add delay.
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn

    def _drop_connection(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._conn_reused = False


_DROPPED_CONNECTION_ERRORS = (
    BrokenPipeError, ConnectionResetError, ConnectionAbortedError, http.client.RemoteDisconnected,
)
_ssl_context: ssl.SSLContext | None = None


def _new_connection(scheme: str, host: str, port: int | None, timeout: float) -> http.client.HTTPConnection:
    if scheme == "https":
        global _ssl_context
        if _ssl_context is None:
            # Loading the CA bundle takes milliseconds; do it once, on the first https connection.
            _ssl_context = ssl.create_default_context()
        return http.client.HTTPSConnection(host, port, timeout=timeout, context=_ssl_context)
    return http.client.HTTPConnection(host, port, timeout=timeout)


def _endpoint_url(explicit: str | None, region: str, endpoint_prefix: str, env_suffix: str) -> str:
    if explicit:
        return explicit
    env = os.environ
    if env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").strip().lower() != "true":
        for name in (f"AWS_ENDPOINT_URL_{env_suffix}", "AWS_ENDPOINT_URL"):
            if env.get(name):
                return env[name]
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://{endpoint_prefix}.{region}.{suffix}"


def _host_header(scheme: str, hostname: str, port: int | None) -> str:
    host = f"[{hostname}]" if ":" in hostname else hostname
    if port is not None and port != (443 if scheme == "https" else 80):
        host = f"{host}:{port}"
    return host


def _peer_closed(sock: socket.socket) -> bool:
    """Whether an idle kept-alive socket is readable, which for an idle HTTP connection means EOF or reset."""
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(sock, select.POLLIN | select.POLLERR | select.POLLHUP)
            return bool(poller.poll(0))
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable)
    except (OSError, ValueError):
        return True


def _error_from_response(status: int, response: http.client.HTTPResponse, raw: bytes,
                         request_id: str | None) -> _AttemptError:
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
    return _AttemptError(code, str(message), status, retryable, error_type, request_id)


def _parse_int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None  # a header that is no number matches no checksum


def _describe_exception(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text != type(exc).__name__ else text


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


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _parse_expiration(value: object) -> float | None:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # AWS writes UTC; don't let the local zone shift it
    return moment.timestamp()
