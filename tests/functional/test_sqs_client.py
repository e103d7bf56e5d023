"""bot.aws.sqs against a real moto server, and against scripted stub servers for what moto cannot do
(failures on demand, keep-alive, container credentials). Everything listens on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import pickle
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
import pytest

from bot.aws import transport as transport_module
from bot.aws.sigv4 import Credentials, sign
from bot.aws.sqs import CredentialsError, SendFailed, SqsClient
from bot.local.processes import free_port

REGION = "us-east-1"
BODY = '{"job": "reply", "text": "héllo <b>&</b> \\"quoted\\" ✓"}'


# --- moto ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def boto_sqs(moto_endpoint: str) -> object:
    return boto3.client("sqs", endpoint_url=moto_endpoint, region_name=REGION)


@pytest.fixture
def queue_url(boto_sqs: object) -> str:
    return boto_sqs.create_queue(QueueName=f"parley-test-{uuid.uuid4().hex[:12]}")["QueueUrl"]


def md5_hex(data: str | bytes) -> str:
    return hashlib.md5(data.encode() if isinstance(data, str) else data, usedforsecurity=False).hexdigest()


def receive_one(boto_sqs: object, url: str) -> dict:
    messages = boto_sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    assert len(messages) == 1
    return messages[0]


def test_send_arrives_with_endpoint_url(moto_endpoint: str, boto_sqs: object, queue_url: str) -> None:
    with SqsClient(endpoint_url=moto_endpoint) as client:
        message_id = client.send_message(queue_url, BODY)
    assert client.last_attempts == 1
    message = receive_one(boto_sqs, queue_url)
    assert message["Body"] == BODY
    assert message["MessageId"] == message_id
    assert message["MD5OfBody"] == md5_hex(BODY)


def test_send_arrives_via_aws_endpoint_url_env(moto_endpoint: str, boto_sqs: object, queue_url: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    with SqsClient() as client:
        assert client.endpoint_url == moto_endpoint
        client.send_message(queue_url, "first")
        client.send_message(queue_url, "second")  # moto answers Connection: close, so this reconnects
    bodies = sorted(m["Body"] for m in boto_sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"])
    assert bodies == ["first", "second"]


def test_missing_queue_fails_at_once(moto_endpoint: str, queue_url: str) -> None:
    missing = queue_url.rsplit("/", 1)[0] + "/no-such-queue"
    started = time.monotonic()
    with SqsClient(endpoint_url=moto_endpoint) as client, pytest.raises(SendFailed) as caught:
        client.send_message(missing, BODY)
    assert time.monotonic() - started < 1.0
    error = caught.value
    assert error.code == "AWS.SimpleQueueService.NonExistentQueue"  # what botocore's ClientError reports
    assert error.error_type == "QueueDoesNotExist"
    assert error.status == 400
    assert error.attempts == 1
    assert not error.retryable
    assert "does not exist" in error.message


# --- stub servers ------------------------------------------------------------------------------------


class Seen:
    """One request as the stub received it."""

    def __init__(self, method: str, path: str, headers: Message, body: bytes, connection: int) -> None:
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.connection = connection

    def json(self) -> dict:
        return json.loads(self.body)


Reply = tuple[int, dict[str, str], bytes]
Responder = Callable[[Seen], Reply]


class Stub:
    """An HTTP/1.1 keep-alive server on 127.0.0.1 that answers with its responders in turn (the last one
    repeats), records every request and counts TCP connections."""

    def __init__(self, *responders: Responder) -> None:
        self.responders = list(responders)
        self.requests: list[Seen] = []
        self.connections = 0
        self.close_after: set[int] = set()  # request numbers (1-based) after which to drop the connection
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                with stub._lock:
                    stub.connections += 1
                    self.connection_number = stub.connections

            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self._answer()

            def _answer(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                seen = Seen(self.command, self.path, self.headers, body, self.connection_number)
                with stub._lock:
                    stub.requests.append(seen)
                    number = len(stub.requests)
                    responder = stub.responders[min(number, len(stub.responders)) - 1]
                status, headers, payload = responder(seen)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                if number in stub.close_after:
                    self.close_connection = True  # silently, without a Connection: close header

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub() -> Iterator[Callable[..., Stub]]:
    started: list[Stub] = []

    def start(*responders: Responder) -> Stub:
        server = Stub(*responders)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def ok(seen: Seen) -> Reply:
    body = seen.json()["MessageBody"]
    doc = {"MD5OfMessageBody": md5_hex(body), "MessageId": str(uuid.uuid4())}
    return 200, {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "req-ok"}, json.dumps(doc).encode()


def error(status: int, error_type: str, message: str = "", query_error: str | None = None) -> Responder:
    def reply(seen: Seen) -> Reply:
        headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "req-err"}
        if query_error:
            headers["x-amzn-query-error"] = query_error
        return status, headers, json.dumps({"__type": f"com.amazonaws.sqs#{error_type}", "message": message}).encode()

    return reply


def wrong_md5(seen: Seen) -> Reply:
    status, headers, payload = ok(seen)
    doc = json.loads(payload)
    doc["MD5OfMessageBody"] = md5_hex("something else")
    return status, headers, json.dumps(doc).encode()


QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"


def test_request_is_what_botocore_sends(stub: Callable[..., Stub]) -> None:
    server = stub(ok)
    with SqsClient(endpoint_url=server.url) as client:
        client.send_message(QUEUE, BODY)
    boto3.client("sqs", endpoint_url=server.url, region_name=REGION).send_message(QueueUrl=QUEUE, MessageBody=BODY)
    ours, theirs = server.requests
    assert (ours.method, ours.path) == (theirs.method, theirs.path) == ("POST", "/")
    assert ours.body == theirs.body
    for name in ("Content-Type", "X-Amz-Target", "x-amzn-query-mode", "Host"):
        assert ours.headers[name] == theirs.headers[name], name
    assert ours.headers["Content-Type"] == "application/x-amz-json-1.0"
    assert ours.headers["X-Amz-Target"] == "AmazonSQS.SendMessage"
    # Same signed headers, and our signature checks out for the instant we stamped.
    signed = ours.headers["Authorization"].split("SignedHeaders=")[1].split(",")[0]
    assert signed == theirs.headers["Authorization"].split("SignedHeaders=")[1].split(",")[0]
    stamped = datetime.strptime(ours.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    names = signed.split(";")
    again = sign("POST", server.url + "/", {n: ours.headers[n] for n in names if n != "x-amz-date"}, ours.body,
                 region=REGION, service="sqs", credentials=Credentials("testing", "testing"), now=stamped)
    assert again["Authorization"] == ours.headers["Authorization"]


def test_5xx_twice_then_success(stub: Callable[..., Stub]) -> None:
    server = stub(error(500, "InternalError", "We encountered an internal error."),
                  lambda seen: (502, {"Content-Type": "text/html"}, b"<html>Bad Gateway</html>"),
                  ok)
    with SqsClient(endpoint_url=server.url) as client:
        message_id = client.send_message(QUEUE, BODY)
    assert message_id
    assert client.last_attempts == 3
    assert len(server.requests) == 3


@pytest.mark.parametrize(("status", "error_type", "query_error"), [
    (400, "ThrottlingException", None),
    (400, "RequestThrottled", "RequestThrottled;Sender"),
    (400, "KmsThrottled", "KMS.ThrottlingException;Sender"),
    (429, "TooManyRequests", None),
    (503, "ServiceUnavailable", None),
])
def test_throttling_is_retried(stub: Callable[..., Stub], status: int, error_type: str,
                               query_error: str | None) -> None:
    server = stub(error(status, error_type, "Rate exceeded", query_error), ok)
    with SqsClient(endpoint_url=server.url) as client:
        client.send_message(QUEUE, BODY)
    assert client.last_attempts == 2


def test_throttling_that_persists_raises_after_max_attempts(stub: Callable[..., Stub]) -> None:
    server = stub(error(400, "ThrottlingException", "Rate exceeded"))
    with SqsClient(endpoint_url=server.url, max_attempts=4) as client, pytest.raises(SendFailed) as caught:
        client.send_message(QUEUE, BODY)
    assert (caught.value.code, caught.value.status, caught.value.attempts) == ("ThrottlingException", 400, 4)
    assert caught.value.retryable
    assert len(server.requests) == 4


@pytest.mark.parametrize("error_type", ["AccessDenied", "InvalidParameterValue", "InvalidMessageContents"])
def test_client_errors_are_not_retried(stub: Callable[..., Stub], error_type: str) -> None:
    server = stub(error(400, error_type, "no"), ok)
    with SqsClient(endpoint_url=server.url) as client, pytest.raises(SendFailed) as caught:
        client.send_message(QUEUE, BODY)
    assert (caught.value.code, caught.value.attempts) == (error_type, 1)
    assert len(server.requests) == 1


def test_md5_mismatch_is_retried(stub: Callable[..., Stub]) -> None:
    server = stub(wrong_md5, ok)
    with SqsClient(endpoint_url=server.url) as client:
        client.send_message(QUEUE, BODY)
    assert client.last_attempts == 2


def test_md5_mismatch_that_persists_raises(stub: Callable[..., Stub]) -> None:
    server = stub(wrong_md5)
    with SqsClient(endpoint_url=server.url) as client, pytest.raises(SendFailed) as caught:
        client.send_message(QUEUE, BODY)
    assert (caught.value.code, caught.value.status, caught.value.attempts) == ("MD5Mismatch", 200, 3)
    assert len(server.requests) == 3


def test_response_without_message_id_is_retried(stub: Callable[..., Stub]) -> None:
    # What moto answers to a request it cannot route to SQS: an S3 ListBuckets document.
    server = stub(lambda seen: (200, {"Content-Type": "application/xml"}, b"<ListAllMyBucketsResult/>"), ok)
    with SqsClient(endpoint_url=server.url) as client:
        client.send_message(QUEUE, BODY)
    assert client.last_attempts == 2


def test_refused_connection_retries_then_raises() -> None:
    port = free_port()  # nobody listens there
    started = time.monotonic()
    with SqsClient(endpoint_url=f"http://127.0.0.1:{port}") as client, pytest.raises(SendFailed) as caught:
        client.send_message(QUEUE, BODY)
    elapsed = time.monotonic() - started
    error = caught.value
    assert (error.code, error.status, error.attempts, error.retryable) == ("ConnectionError", None, 3, True)
    assert "refused" in error.message.lower()
    assert elapsed < client.deadline


def test_slow_server_stops_at_the_deadline(stub: Callable[..., Stub]) -> None:
    def slow(seen: Seen) -> Reply:
        time.sleep(1.0)
        return ok(seen)

    server = stub(slow)
    started = time.monotonic()
    with SqsClient(endpoint_url=server.url, timeout=0.3, deadline=0.5, max_attempts=10) as client, \
            pytest.raises(SendFailed) as caught:
        client.send_message(QUEUE, BODY)
    elapsed = time.monotonic() - started
    assert caught.value.code == "Timeout"
    assert caught.value.status is None
    assert 1 <= caught.value.attempts <= 2
    assert elapsed < 0.7


def test_invalid_parameter_is_not_retried(stub: Callable[..., Stub]) -> None:
    server = stub(error(400, "InvalidParameterValue", "Value for parameter MessageBody is invalid"))
    with SqsClient(endpoint_url=server.url) as client, pytest.raises(SendFailed) as caught:
        client.send_message(QUEUE, BODY)
    assert (caught.value.code, caught.value.status, caught.value.attempts) == ("InvalidParameterValue", 400, 1)
    assert len(server.requests) == 1


def test_keep_alive_reuses_one_connection(stub: Callable[..., Stub]) -> None:
    server = stub(ok)
    with SqsClient(endpoint_url=server.url) as client:
        first = client.send_message(QUEUE, "one")
        sock = client.transport.connection.sock
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        second = client.send_message(QUEUE, "two")
        assert client.transport.connection.sock is sock
    assert first != second
    assert len(server.requests) == 2
    assert server.connections == 1


def test_connection_closed_between_calls_is_reopened(stub: Callable[..., Stub],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The idle check sees the server's close before the request is written: no error, no retry needed."""
    monkeypatch.setattr(transport_module, "_DROPPED_CONNECTION_ERRORS", ())
    server = stub(ok)
    server.close_after.add(1)
    with SqsClient(endpoint_url=server.url, max_attempts=1) as client:
        client.send_message(QUEUE, "one")
        time.sleep(0.05)  # let the server's FIN arrive, as it would during a frozen Lambda's pause
        client.send_message(QUEUE, "two")
        assert client.last_attempts == 1
    assert server.connections == 2


def test_broken_connection_found_on_use_is_reopened(stub: Callable[..., Stub],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """When the idle check misses the close (a race), the failure on first use costs no attempt."""
    monkeypatch.setattr(transport_module, "_peer_closed", lambda sock: False)
    server = stub(ok)
    server.close_after.add(1)
    with SqsClient(endpoint_url=server.url, max_attempts=1) as client:
        client.send_message(QUEUE, "one")
        time.sleep(0.05)
        client.send_message(QUEUE, "two")
        assert client.last_attempts == 1
    assert server.connections == 2
    assert [json.loads(seen.body)["MessageBody"] for seen in server.requests] == ["one", "two"]


def test_connection_close_header_is_honoured(stub: Callable[..., Stub]) -> None:
    def closing(seen: Seen) -> Reply:
        status, headers, payload = ok(seen)
        return status, {**headers, "Connection": "close"}, payload

    server = stub(closing)
    with SqsClient(endpoint_url=server.url) as client:
        client.send_message(QUEUE, "one")
        assert client.transport.connection is None
        client.send_message(QUEUE, "two")
    assert server.connections == 2


def test_error_text_never_carries_credentials_or_body(stub: Callable[..., Stub]) -> None:
    credentials = Credentials("AKIAEXAMPLEKEY123456", "secret/Example+Key0123456789", "session-token-EXAMPLE-42")
    body = "private message body 1234"
    echo = (f"The request signature we calculated does not match. The Canonical String for this request should "
            f"have been 'x-amz-security-token:{credentials.token}' using {credentials.access_key} and "
            f"{credentials.secret_key} for {body}")
    server = stub(error(403, "SignatureDoesNotMatch", echo))
    with SqsClient(endpoint_url=server.url, credentials=credentials) as client, \
            pytest.raises(SendFailed) as caught:
        client.send_message(QUEUE, body)
    text = f"{caught.value} {caught.value!r} {caught.value.message}"
    for secret in (credentials.access_key, credentials.secret_key, credentials.token, body):
        assert secret not in text
    assert caught.value.code == "SignatureDoesNotMatch"
    assert caught.value.attempts == 1


def test_send_failed_pickles() -> None:
    error = SendFailed("ThrottlingException", "Rate exceeded", 400, 3, True, "ThrottlingException", "req-1")
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert (again.code, again.message, again.status, again.attempts, again.retryable, again.request_id) == \
        ("ThrottlingException", "Rate exceeded", 400, 3, True, "req-1")
    assert str(again) == str(error)
    assert str(error) == "SQS SendMessage failed: ThrottlingException: Rate exceeded (HTTP 400, 3 attempts)"


# --- credentials ------------------------------------------------------------------------------------


def container_credentials(expires_in: timedelta = timedelta(hours=1)) -> Responder:
    def reply(seen: Seen) -> Reply:
        doc = {
            "AccessKeyId": "ASIACONTAINER0000001",
            "SecretAccessKey": "container-secret",
            "Token": "container-session-token",
            "Expiration": (datetime.now(UTC) + expires_in).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(doc).encode()

    return reply


@pytest.fixture
def no_env_credentials(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                 "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                 "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_container_credentials_are_used_and_cached(stub: Callable[..., Stub],
                                                   no_env_credentials: pytest.MonkeyPatch) -> None:
    creds_server = stub(container_credentials())
    sqs_server = stub(ok)
    no_env_credentials.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", f"{creds_server.url}/2018-06-01/credentials")
    no_env_credentials.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer snapstart-token")

    client = SqsClient(endpoint_url=sqs_server.url)
    assert creds_server.requests == []  # construction looks nothing up
    with client:
        client.send_message(QUEUE, "one")
        client.send_message(QUEUE, "two")

    assert len(creds_server.requests) == 1
    fetch = creds_server.requests[0]
    assert (fetch.method, fetch.path) == ("GET", "/2018-06-01/credentials")
    assert fetch.headers["Authorization"] == "Bearer snapstart-token"
    for seen in sqs_server.requests:
        assert "Credential=ASIACONTAINER0000001/" in seen.headers["Authorization"]
        assert seen.headers["X-Amz-Security-Token"] == "container-session-token"


def test_container_credentials_are_refetched_when_expiring(stub: Callable[..., Stub],
                                                           no_env_credentials: pytest.MonkeyPatch) -> None:
    creds_server = stub(container_credentials(expires_in=timedelta(seconds=-1)))
    sqs_server = stub(ok)
    no_env_credentials.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", f"{creds_server.url}/creds")
    with SqsClient(endpoint_url=sqs_server.url) as client:
        client.send_message(QUEUE, "one")
        client.send_message(QUEUE, "two")
    assert len(creds_server.requests) == 2


def test_container_authorization_token_file(stub: Callable[..., Stub], no_env_credentials: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    creds_server = stub(container_credentials())
    sqs_server = stub(ok)
    token_file = tmp_path / "token"
    token_file.write_text("token-from-file")
    no_env_credentials.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", f"{creds_server.url}/creds")
    no_env_credentials.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "token-from-env")  # the file wins
    no_env_credentials.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", str(token_file))
    with SqsClient(endpoint_url=sqs_server.url) as client:
        client.send_message(QUEUE, "one")
    assert creds_server.requests[0].headers["Authorization"] == "token-from-file"


def test_container_credentials_against_moto(moto_endpoint: str, boto_sqs: object, queue_url: str,
                                            stub: Callable[..., Stub],
                                            no_env_credentials: pytest.MonkeyPatch) -> None:
    creds_server = stub(container_credentials())
    no_env_credentials.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", f"{creds_server.url}/creds")
    with SqsClient(endpoint_url=moto_endpoint) as client:
        client.send_message(queue_url, BODY)
    assert receive_one(boto_sqs, queue_url)["Body"] == BODY


def test_environment_credentials_come_first(stub: Callable[..., Stub], no_env_credentials: pytest.MonkeyPatch) -> None:
    creds_server = stub(container_credentials())
    sqs_server = stub(ok)
    no_env_credentials.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", f"{creds_server.url}/creds")
    no_env_credentials.setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00001")
    no_env_credentials.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    no_env_credentials.setenv("AWS_SESSION_TOKEN", "env-token")
    with SqsClient(endpoint_url=sqs_server.url) as client:
        client.send_message(QUEUE, "one")
    assert creds_server.requests == []
    seen = sqs_server.requests[0]
    assert "Credential=AKIAENVIRONMENT00001/" in seen.headers["Authorization"]
    assert seen.headers["X-Amz-Security-Token"] == "env-token"


def test_no_credentials_is_a_clear_error(stub: Callable[..., Stub], no_env_credentials: pytest.MonkeyPatch) -> None:
    sqs_server = stub(ok)
    client = SqsClient(endpoint_url=sqs_server.url)  # constructing is fine without credentials
    with client, pytest.raises(CredentialsError) as caught:
        client.send_message(QUEUE, BODY)
    assert caught.value.code == "NoCredentials"
    assert caught.value.attempts == 0
    assert "AWS_ACCESS_KEY_ID" in str(caught.value)
    assert isinstance(caught.value, SendFailed)
    assert sqs_server.requests == []


def test_failing_container_endpoint(stub: Callable[..., Stub], no_env_credentials: pytest.MonkeyPatch) -> None:
    creds_server = stub(lambda seen: (500, {}, b"secret-ish detail"))
    sqs_server = stub(ok)
    no_env_credentials.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", f"{creds_server.url}/creds")
    with SqsClient(endpoint_url=sqs_server.url) as client, pytest.raises(CredentialsError) as caught:
        client.send_message(QUEUE, BODY)
    assert caught.value.code == "CredentialsFetchFailed"
    assert "HTTP 500" in caught.value.message
    assert "secret-ish" not in str(caught.value)
    assert len(creds_server.requests) == 2  # one quick retry
    assert sqs_server.requests == []


def test_container_uri_must_be_local_over_http(no_env_credentials: pytest.MonkeyPatch) -> None:
    # Validated before any connection: the token must not travel in clear to an arbitrary host.
    no_env_credentials.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://203.0.113.7/creds")
    no_env_credentials.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "t")
    with SqsClient(endpoint_url=f"http://127.0.0.1:{free_port()}") as client, \
            pytest.raises(CredentialsError) as caught:
        client.send_message(QUEUE, BODY)
    assert caught.value.code == "CredentialsFetchFailed"
    assert "203.0.113.7" in caught.value.message


# --- configuration and import cost ------------------------------------------------------------------


@pytest.mark.parametrize(("env", "arg", "expected"), [
    ({}, None, "https://sqs.us-east-1.amazonaws.com"),
    ({"AWS_ENDPOINT_URL": "http://127.0.0.1:1"}, None, "http://127.0.0.1:1"),
    ({"AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_ENDPOINT_URL_SQS": "http://127.0.0.1:2"}, None,
     "http://127.0.0.1:2"),
    ({"AWS_ENDPOINT_URL_SQS": "http://127.0.0.1:2"}, "http://127.0.0.1:3", "http://127.0.0.1:3"),
    ({"AWS_ENDPOINT_URL_SQS": "http://127.0.0.1:2", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "True"}, None,
     "https://sqs.us-east-1.amazonaws.com"),
    ({"AWS_ENDPOINT_URL_SQS": "http://127.0.0.1:2", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false"}, None,
     "http://127.0.0.1:2"),
])
def test_endpoint_resolution(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], arg: str | None,
                             expected: str) -> None:
    for name in ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert SqsClient(endpoint_url=arg).endpoint_url == expected


def test_region_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    assert SqsClient().region == "eu-west-1"
    assert SqsClient(region="ap-south-1").endpoint_url == "https://sqs.ap-south-1.amazonaws.com"
    monkeypatch.delenv("AWS_REGION")
    assert SqsClient().region == "eu-central-1"
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    assert SqsClient().region == "us-east-1"
    assert SqsClient(region="cn-north-1").endpoint_url == "https://sqs.cn-north-1.amazonaws.com.cn"
    with pytest.raises(ValueError, match="region"):
        SqsClient(region="us-east-1.evil.example/")


def test_import_is_lean() -> None:
    probe = ("import sys, bot.aws.sqs; "
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'boto3', 'botocore', 'urllib3', 'typing'}))")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "[]"
