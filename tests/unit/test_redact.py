"""The one redaction: what identifies a person or opens a door goes; ordinary words and numbers stay."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.observability.redact import EMAIL, PHONE, TOKEN, URL, redact, redact_data


@pytest.mark.parametrize("text", [
    "mail ada@example.com please", "mail Ada.Lovelace+bots@mail.example.co.uk please",
])
def test_emails(text: str) -> None:
    assert redact(text) == f"mail {EMAIL} please"


@pytest.mark.parametrize("phone", [
    "+1 555 010 0199", "+15550100199", "(555) 010-0199", "555-010-0199", "555.010.0199", "+44 20 7946 0958",
    "+44 (0)20 7946 0958", "555 010 0199", "555-0199", "+33 1 23 45 67 89",
])
def test_phones_in_several_formats(phone: str) -> None:
    assert redact(f"call me at {phone} tomorrow") == f"call me at {PHONE} tomorrow"


@pytest.mark.parametrize("token", [
    "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx", "xoxp-1234-5678-abcdef", "xapp-1-A0123-456-abcdef",
    "xoxe.xoxp-1-Mi0yLTE", "xwfp-0123456789-abcdef", "AKIAIOSFODNN7EXAMPLE", "ASIAY34FZKBOKMUTVV7A",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "8f742231b10e8888abcd99yyyzzz85a5",
])
def test_tokens_and_secrets(token: str) -> None:
    assert redact(f"my key is {token} ok") == f"my key is {TOKEN} ok"


def test_bearer_and_named_secrets_keep_their_label() -> None:
    assert redact("Authorization: Bearer abc.def-ghi_jkl") == f"Authorization: Bearer {TOKEN}"
    assert redact("password=hunter22 and api_key: s3cr3t") == f"password={TOKEN} and api_key: {TOKEN}"


@pytest.mark.parametrize(("text", "expected"), [
    ("see https://example.com/a?b=c#d now", f"see {URL} now"),
    ("see <https://example.com/x|example.com/x> now", f"see {URL} now"),
    ("see www.example.com/page now", f"see {URL} now"),
    ("mail <mailto:ada@example.com|ada@example.com> now", f"mail {URL} now"),
    ("hook https://hooks.slack.com/commands/T0/123/xyz?token=abc now", f"hook {URL} now"),
])
def test_urls(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "roll 6", "roll a d20", "count primes below 300000000", "count primes below 300,000,000", "hello",
    "open a ticket about the printer on 2024-05-01 at 12:30", "roll 10 20 30 40 50", "between 1000 and 2000",
    "pi is 3.14159265", "ticket PAR-A5EF78", "status of job 42", "version 1.2.3", "in 1999 and 2024",
    "internationalization-considerations-for-everyone", "1712345678.000100",
])
def test_ordinary_text_and_numbers_stay(text: str) -> None:
    assert redact(text) == text


def test_payloads_lose_secret_fields_and_redact_strings() -> None:
    payload = {"token": "verif1cation", "event": {"text": "ada@example.com", "ts": "1712345678.000100",
                                                   "blocks": [{"text": "+1 555 010 0199"}], "count": 3}}
    assert redact_data(payload) == {"token": TOKEN, "event": {"text": EMAIL, "ts": "1712345678.000100",
                                                             "blocks": [{"text": PHONE}], "count": 3}}


@given(st.text())
def test_redaction_never_raises_and_is_idempotent(text: str) -> None:
    once = redact(text)
    assert redact(once) == once
