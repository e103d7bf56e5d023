"""One redaction for everything Parley keeps of what people said: misses, flight recordings.

What people type reaches a log line in two places only (the misses, when a stage turns them on, and the flight
recorder), and both keep it for the stage's log retention. So before it is written, whatever identifies a person or
opens a door is replaced by a marker saying what was there: URLs `[url]`, email addresses `[email]`, phone numbers
`[phone]`, tokens and secrets `[token]` (Slack's `xox*-`/`xapp-`/`xwfp-` tokens, AWS access key ids, `Bearer ...`,
`password=...`, and long random-looking strings such as AWS secret keys and signing secrets).

The markers keep a sentence readable, so "call me at +1 555 010 0199" and "call me at 555-010-0199" group together
as "call me at [phone]". Ordinary numbers stay: "roll 6", "count primes below 300000000", "300,000,000", a year,
a date. A run of digits without separators is a number, not a phone, unless it starts with `+` (the price of not
over-redacting: "5550100199" typed bare stays).

Failure policy: redaction never raises; text it cannot classify is kept. Standard library only (`re`), so any
function may import it, the lean ingress included.
"""

from __future__ import annotations

import re

URL = "[url]"
EMAIL = "[email]"
PHONE = "[phone]"
TOKEN = "[token]"  # noqa: S105 - the marker that replaces a secret, not one

# A URL with a scheme or starting with www., and Slack's wire form of a link: <https://x|label>, <mailto:a@b|a@b>
_URL = re.compile(r"<(?:https?|mailto|ftp):[^>]*>|\b(?:https?|ftp)://[^\s<>\"']+|\bwww\.[^\s<>\"']+", re.IGNORECASE)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_SLACK_TOKEN = re.compile(r"\bx(?:ox[a-z]|app|wfp)[-.][A-Za-z0-9.-]+", re.IGNORECASE)
_AWS_KEY_ID = re.compile(r"\b(?:AKIA|ASIA|AIDA|AROA|ABIA|ACCA|AGPA|ANPA|ANVA|AIPA|APKA)[A-Z0-9]{16}\b")
_BEARER = re.compile(r"\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)
_NAMED_SECRET = re.compile(
    r"\b(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret)(\s*[:=]\s*)\S+",
    re.IGNORECASE)
# 32+ characters of a key's alphabet, holding a letter and a digit: AWS secret keys, signing secrets, JWT parts
_LONG_SECRET = re.compile(r"(?<![A-Za-z0-9_+/=-])(?=[A-Za-z0-9_+/=-]*\d)(?=[A-Za-z0-9_+/=-]*[A-Za-z])"
                          r"[A-Za-z0-9_+/=-]{32,}")
_PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{1,5}(?:[\s.-]\d{2,5}){1,5}(?!\w)"
                    r"|(?<![\w+])\+\d{7,15}(?!\w)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SEPARATORS = re.compile(r"[\s.()-]+")


def redact(text: str) -> str:
    """`text` with URLs, email addresses, tokens and secrets, and phone numbers replaced by markers."""
    text = _URL.sub(URL, text)
    text = _EMAIL.sub(EMAIL, text)
    text = _SLACK_TOKEN.sub(TOKEN, text)
    text = _AWS_KEY_ID.sub(TOKEN, text)
    text = _BEARER.sub(lambda match: f"{match.group(1)} {TOKEN}", text)
    text = _NAMED_SECRET.sub(lambda match: f"{match.group(1)}{match.group(2)}{TOKEN}", text)
    text = _LONG_SECRET.sub(TOKEN, text)
    return _PHONE.sub(_phone_or_number, text)


def _phone_or_number(match: re.Match[str]) -> str:
    candidate = match.group(0)
    return PHONE if _looks_like_phone(candidate) else candidate


def _looks_like_phone(candidate: str) -> bool:
    """Digits in a phone's shape: 7 to 15 of them, written as people write phone numbers, not a date or a list."""
    digits = sum(character.isdigit() for character in candidate)
    if not 7 <= digits <= 15 or _ISO_DATE.fullmatch(candidate):
        return False
    if candidate.startswith("+") or "(" in candidate:
        return True
    groups = [group for group in _SEPARATORS.split(candidate) if group]
    if "-" in candidate:
        return True
    if "." in candidate:
        return len(groups) >= 3
    # space-separated only: "555 010 0199" is a phone, "10 20 30 40" or "1000 2000" a list of numbers
    return digits >= 10 and len(groups) <= 4 and max(len(group) for group in groups) >= 3


def redact_data(value: object) -> object:
    """A JSON-like value with every string redacted and every value under a secret's key (token, secret,
    password, authorization, ...) replaced by the token marker: for payloads, where a secret may sit in a field."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: TOKEN if _is_secret_key(key) else redact_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_data(item) for item in value]
    return value


_SECRET_KEY = re.compile(r"token|secret|password|passwd|authorization|api[_-]?key|signature|cookie", re.IGNORECASE)


def _is_secret_key(key: object) -> bool:
    return isinstance(key, str) and bool(_SECRET_KEY.search(key))
