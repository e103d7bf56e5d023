import time

import pytest
from slack_sdk.signature import SignatureVerifier

from bot.ingress.signature import MAX_CLOCK_SKEW_SECONDS, compute_signature, signature_problem
from bot.local.slack_events import sign

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BODY = b'{"type":"event_callback","event":{"type":"message","text":"h\xc3\xa9llo"}}'


@pytest.mark.parametrize("body", [BODY, b"", b"command=%2Fparley&text=roll+6", "naïve ✓".encode()])
def test_signature_matches_slack_sdk(body: bytes) -> None:
    timestamp = str(int(time.time()))
    expected = SignatureVerifier(SECRET).generate_signature(timestamp=timestamp, body=body)
    assert compute_signature(SECRET, timestamp, body) == expected
    assert sign(body, SECRET, int(timestamp))["X-Slack-Signature"] == expected


def test_slack_sdk_signature_is_accepted() -> None:
    now = time.time()
    timestamp = str(int(now))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=timestamp, body=BODY)
    assert signature_problem(SECRET, timestamp, signature, BODY, now) is None


@pytest.mark.parametrize(
    ("timestamp", "signature", "problem"),
    [
        (None, "v0=abc", "missing signature headers"),
        ("1700000000", None, "missing signature headers"),
        ("", "v0=abc", "missing signature headers"),
        ("soon", "v0=abc", "malformed timestamp"),
        ("1.5", "v0=abc", "malformed timestamp"),
    ],
)
def test_missing_or_malformed_headers(timestamp: str | None, signature: str | None, problem: str) -> None:
    assert signature_problem(SECRET, timestamp, signature, BODY, time.time()) == problem


@pytest.mark.parametrize("skew", [MAX_CLOCK_SKEW_SECONDS + 1, -(MAX_CLOCK_SKEW_SECONDS + 1), 86_400])
def test_stale_or_future_timestamps_are_refused_even_when_signed(skew: int) -> None:
    now = time.time()
    timestamp = str(int(now) - skew)
    signature = compute_signature(SECRET, timestamp, BODY)
    assert signature_problem(SECRET, timestamp, signature, BODY, now) == "stale timestamp"


def test_edge_of_the_window_is_accepted() -> None:
    now = float(int(time.time()))
    timestamp = str(int(now) - MAX_CLOCK_SKEW_SECONDS)
    assert signature_problem(SECRET, timestamp, compute_signature(SECRET, timestamp, BODY), BODY, now) is None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda ts, sig, body: (ts, sig, body + b" "),  # body changed
        lambda ts, sig, body: (str(int(ts) + 1), sig, body),  # timestamp changed
        lambda ts, sig, body: (ts, sig.upper(), body),  # case matters
        lambda ts, sig, body: (ts, sig[:-1], body),  # truncated
        lambda ts, sig, body: (ts, "v1" + sig[2:], body),  # other version
        lambda ts, sig, body: (ts, "v0=ü" + sig[4:], body),  # not even hex
    ],
)
def test_tampered_requests_are_refused(tamper) -> None:
    now = time.time()
    timestamp = str(int(now))
    good = compute_signature(SECRET, timestamp, BODY)
    ts, sig, body = tamper(timestamp, good, BODY)
    assert signature_problem(SECRET, ts, sig, body, now) == "signature mismatch"


def test_other_secret_is_refused() -> None:
    now = time.time()
    timestamp = str(int(now))
    assert signature_problem(SECRET, timestamp, compute_signature("other", timestamp, BODY), BODY, now)
