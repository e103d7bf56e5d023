"""bot.aws.sigv4 against botocore's SigV4Auth: same request, same instant, same headers out."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

from bot.aws.sigv4 import Credentials, sign, signing_key

# AWS's own SigV4 test-suite key pair and instant (the "get-vanilla" case below is from that suite).
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI"  # noqa: E501
WHEN = datetime(2015, 8, 30, 12, 36, 0, tzinfo=UTC)

SQS_HEADERS = {
    "Content-Type": "application/x-amz-json-1.0",
    "X-Amz-Target": "AmazonSQS.SendMessage",
    "x-amzn-query-mode": "true",
}
SQS_BODY = b'{"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs", "MessageBody": "hi \\u00e9"}'


def botocore_headers(method: str, url: str, headers: dict[str, str], body: bytes, token: str | None,
                     region: str = "us-east-1", service: str = "sqs") -> dict[str, str]:
    request = AWSRequest(method=method, url=url, headers=dict(headers), data=body)
    signer = SigV4Auth(BotoCredentials(ACCESS_KEY, SECRET_KEY, token), service, region)
    # botocore reads the clock through this name, as a naive UTC datetime
    with mock.patch("botocore.auth.get_current_datetime", return_value=WHEN.replace(tzinfo=None)):
        signer.add_auth(request)
    return dict(request.headers.items())


def ours(method: str, url: str, headers: dict[str, str], body: bytes, token: str | None,
         region: str = "us-east-1", service: str = "sqs") -> dict[str, str]:
    return sign(method, url, headers, body, region=region, service=service,
                credentials=Credentials(ACCESS_KEY, SECRET_KEY, token), now=WHEN)


CASES = [
    pytest.param("POST", "https://sqs.us-east-1.amazonaws.com/", SQS_HEADERS, SQS_BODY, id="sqs-json-https"),
    pytest.param("POST", "http://127.0.0.1:4566/", SQS_HEADERS, SQS_BODY, id="sqs-json-local-port"),
    pytest.param("POST", "https://sqs.us-east-1.amazonaws.com", SQS_HEADERS, SQS_BODY, id="no-path"),
    pytest.param("GET", "https://sqs.us-east-1.amazonaws.com/123456789012/jobs?Version=2012-11-05&Action=GetQueueUrl"
                 "&QueueName=jobs&Attribute.1=All", {}, b"", id="path-and-query"),
    pytest.param("GET", "https://example.amazonaws.com/a%20b/./c/../d~e?b=2&a=x%20y&a=1&flag", {}, b"",
                 id="encoded-path-dot-segments-repeated-keys"),
    pytest.param("POST", "https://example.amazonaws.com:8443/x/", {"X-Multi": "  a   b  c "}, b"data",
                 id="odd-port-trailing-slash-header-spaces"),
    pytest.param("POST", "https://sqs.us-east-1.amazonaws.com/", {**SQS_HEADERS, "User-Agent": "x/1",
                 "Connection": "keep-alive"}, SQS_BODY, id="unsigned-headers-left-out"),
]


@pytest.mark.parametrize("token", [None, TOKEN], ids=["no-token", "session-token"])
@pytest.mark.parametrize(("method", "url", "headers", "body"), CASES)
def test_matches_botocore(method: str, url: str, headers: dict[str, str], body: bytes, token: str | None) -> None:
    expected = botocore_headers(method, url, headers, body, token)
    got = ours(method, url, headers, body, token)

    wanted = {"Authorization", "X-Amz-Date"} | ({"X-Amz-Security-Token"} if token else set())
    assert set(got) == wanted
    for name in wanted:
        assert got[name] == expected[name], name


def test_aws_test_suite_get_vanilla() -> None:
    """The published answer, independent of botocore."""
    got = sign("GET", "https://example.amazonaws.com/", {}, b"", region="us-east-1", service="service",
               credentials=Credentials(ACCESS_KEY, SECRET_KEY), now=WHEN)
    assert got == {
        "X-Amz-Date": "20150830T123600Z",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                         "SignedHeaders=host;x-amz-date, "
                         "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    }


def test_other_region_and_service() -> None:
    args = ("POST", "https://sqs.eu-west-1.amazonaws.com/", SQS_HEADERS, SQS_BODY, TOKEN)
    assert ours(*args, region="eu-west-1") == {
        k: v for k, v in botocore_headers(*args, region="eu-west-1").items()
        if k in ("Authorization", "X-Amz-Date", "X-Amz-Security-Token")
    }


def test_explicit_host_header_is_signed_as_given() -> None:
    headers = {**SQS_HEADERS, "Host": "sqs.us-east-1.amazonaws.com"}
    url = "https://sqs.us-east-1.amazonaws.com/"
    assert ours("POST", url, headers, SQS_BODY, None)["Authorization"] == \
        botocore_headers("POST", url, headers, SQS_BODY, None)["Authorization"]


def test_stale_auth_headers_are_not_signed() -> None:
    """A retry passes the previous attempt's headers back in; they must not end up in SignedHeaders."""
    url = "https://sqs.us-east-1.amazonaws.com/"
    first = ours("POST", url, SQS_HEADERS, SQS_BODY, TOKEN)
    again = ours("POST", url, {**SQS_HEADERS, **first}, SQS_BODY, TOKEN)
    assert again == first


def test_now_as_epoch_seconds_and_clock() -> None:
    url = "https://sqs.us-east-1.amazonaws.com/"
    creds = Credentials(ACCESS_KEY, SECRET_KEY)
    as_datetime = sign("POST", url, SQS_HEADERS, SQS_BODY, region="us-east-1", service="sqs", credentials=creds,
                       now=WHEN)
    as_epoch = sign("POST", url, SQS_HEADERS, SQS_BODY, region="us-east-1", service="sqs", credentials=creds,
                    now=WHEN.timestamp())
    assert as_epoch == as_datetime
    current = sign("POST", url, SQS_HEADERS, SQS_BODY, region="us-east-1", service="sqs", credentials=creds)
    assert current["X-Amz-Date"] >= datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")[:8]


def test_signing_key_cache() -> None:
    signing_key.cache_clear()
    url = "https://sqs.us-east-1.amazonaws.com/"
    first = ours("POST", url, SQS_HEADERS, SQS_BODY, None)
    misses = signing_key.cache_info().misses
    second = ours("POST", url, SQS_HEADERS, SQS_BODY, None)
    info = signing_key.cache_info()
    assert second == first
    assert info.misses == misses == 1
    assert info.hits >= 1

    # The cached key is the one a fresh derivation gives.
    cached = signing_key(SECRET_KEY, "20150830", "us-east-1", "sqs")
    assert cached == signing_key.__wrapped__(SECRET_KEY, "20150830", "us-east-1", "sqs")

    # A new day, region, service or secret derives a new key.
    keys = {
        cached,
        signing_key(SECRET_KEY, "20150831", "us-east-1", "sqs"),
        signing_key(SECRET_KEY, "20150830", "eu-west-1", "sqs"),
        signing_key(SECRET_KEY, "20150830", "us-east-1", "sns"),
        signing_key(SECRET_KEY + "x", "20150830", "us-east-1", "sqs"),
    }
    assert len(keys) == 5


def test_credentials_repr_hides_secrets() -> None:
    text = repr(Credentials(ACCESS_KEY, SECRET_KEY, TOKEN))
    assert SECRET_KEY not in text
    assert TOKEN not in text
    assert Credentials(ACCESS_KEY, SECRET_KEY, "") == Credentials(ACCESS_KEY, SECRET_KEY, None)


def test_imports_only_the_standard_library() -> None:
    """The point of the module: importing it must not pull in botocore (nor typing's few ms)."""
    probe = "import sys, bot.aws.sigv4; print(sorted(m for m in sys.modules if m.split('.')[0] in "
    probe += "('boto3', 'botocore', 'typing', 'urllib3', 'requests')))"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "[]"
