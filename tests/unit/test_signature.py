import time

import pytest
from slack_sdk.signature import SignatureVerifier

from bot.ingress.signature import MAX_CLOCK_SKEW_SECONDS, compute_signature, header_problem, hmac_problem
from bot.local.slack_events import sign

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BODY = b'{"type":"event_callback","event":{"type":"message","text":"h\xc3\xa9llo"}}'
WELL_FORMED = "v0=" + "ab" * 32  # a signature that has Slack's shape, whoever made it


def signature_problem(secret: str, timestamp: str | None, signature: str | None, body: bytes,
                      now: float) -> str | None:
    """The ingress's two steps: the headers (no secret needed), then the HMAC."""
    problem = header_problem(timestamp, signature, now)
    if problem or timestamp is None or signature is None:
        return problem
    return hmac_problem(secret, timestamp, signature, body)


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


NOW = "NOW"  # a placeholder, made the current time when the test runs (a suite can outlast five minutes)


def stamp(text: str | None) -> str | None:
    return None if text is None else text.replace(NOW, str(int(time.time())))


@pytest.mark.parametrize(
    ("timestamp", "signature", "problem"),
    [
        (None, WELL_FORMED, "missing signature headers"),
        (NOW, None, "missing signature headers"),
        ("", WELL_FORMED, "missing signature headers"),
        ("soon", WELL_FORMED, "malformed timestamp"),
        ("1.5", WELL_FORMED, "malformed timestamp"),
        # int() takes these; Slack never sends them
        (" " + NOW, WELL_FORMED, "malformed timestamp"),
        ("+" + NOW, WELL_FORMED, "malformed timestamp"),
        ("1_" + NOW, WELL_FORMED, "malformed timestamp"),
        ("٣" * 10, WELL_FORMED, "malformed timestamp"),  # digits, but not ASCII ones
        ("0" * 12 + NOW, WELL_FORMED, "malformed timestamp"),
        (NOW, "v0=abc", "malformed signature"),
        (NOW, WELL_FORMED.upper().replace("V0=", "v0="), "malformed signature"),
        (NOW, "v1=" + "ab" * 32, "malformed signature"),
        (NOW, WELL_FORMED + "0", "malformed signature"),
        (NOW, "v0=" + "zz" * 32, "malformed signature"),
        (NOW, "v0=ü" + "a" * 63, "malformed signature"),
        (NOW, "v0=\udc80" + "a" * 63, "malformed signature"),  # a lone surrogate, as a header may carry
    ],
)
def test_missing_or_malformed_headers_are_refused_without_the_secret(timestamp: str | None, signature: str | None,
                                                                     problem: str) -> None:
    assert header_problem(stamp(timestamp), signature, time.time()) == problem


def test_well_formed_fresh_headers_pass_the_first_step_whoever_signed() -> None:
    now = stamp(NOW)
    assert now is not None
    assert header_problem(now, WELL_FORMED, time.time()) is None
    assert hmac_problem(SECRET, now, WELL_FORMED, BODY) == "signature mismatch"


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
    ("tamper", "problem"),
    [
        (lambda ts, sig, body: (ts, sig, body + b" "), "signature mismatch"),  # body changed
        (lambda ts, sig, body: (str(int(ts) + 1), sig, body), "signature mismatch"),  # timestamp changed
        (lambda ts, sig, body: (ts, sig[:3] + sig[3:].upper(), body), "malformed signature"),  # case matters
        (lambda ts, sig, body: (ts, sig[:-1], body), "malformed signature"),  # truncated
        (lambda ts, sig, body: (ts, "v1" + sig[2:], body), "malformed signature"),  # other version
        (lambda ts, sig, body: (ts, "v0=ü" + sig[4:], body), "malformed signature"),  # not even hex
    ],
)
def test_tampered_requests_are_refused(tamper, problem: str) -> None:
    now = time.time()
    timestamp = str(int(now))
    good = compute_signature(SECRET, timestamp, BODY)
    ts, sig, body = tamper(timestamp, good, BODY)
    assert signature_problem(SECRET, ts, sig, body, now) == problem


def test_other_secret_is_refused() -> None:
    now = time.time()
    timestamp = str(int(now))
    assert signature_problem(SECRET, timestamp, compute_signature("other", timestamp, BODY), BODY, now)
