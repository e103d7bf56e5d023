"""API Gateway HTTP API (payload 2.0) events in, Lambda proxy responses out."""

from __future__ import annotations

import binascii
import json
from typing import Any


class HttpRequest:
    __slots__ = ("headers", "is_base64", "method", "path", "raw_body", "request_id")

    def __init__(self, event: dict[str, Any]) -> None:
        http = (event.get("requestContext") or {}).get("http") or {}
        self.method: str = str(http.get("method") or event.get("httpMethod") or "").upper()
        self.path: str = str(event.get("rawPath") or http.get("path") or "")
        # HTTP API lower-cases header names already; other callers (tests, serverless offline) may not
        self.headers: dict[str, str] = {str(k).lower(): _text(v) for k, v in (event.get("headers") or {}).items()}
        self.raw_body: str = event.get("body") or ""
        self.is_base64: bool = bool(event.get("isBase64Encoded"))
        self.request_id: str | None = (event.get("requestContext") or {}).get("requestId")

    def encoded_size_bound(self) -> int:
        """An upper bound of the body's size in bytes, known before decoding it."""
        if self.is_base64:
            # 4 characters for every 3 bytes, less the padding: exact for valid base64, which alone decodes
            return len(self.raw_body) * 3 // 4 - self.raw_body[-2:].count("=")
        return len(self.raw_body.encode("utf-8", "surrogatepass"))  # a lone surrogate is refused later, not here

    def body(self) -> bytes:
        """The raw bytes Slack signed: API Gateway may hand them over base64-encoded."""
        if not self.is_base64:
            try:
                return self.raw_body.encode("utf-8")
            except UnicodeEncodeError as error:  # a lone surrogate: text no UTF-8 bytes decode to
                raise ValueError("body is not valid UTF-8") from error
        try:
            return binascii.a2b_base64(self.raw_body.encode("ascii"), strict_mode=True)
        except (binascii.Error, UnicodeEncodeError, ValueError) as error:
            raise ValueError("body is not valid base64") from error


def _text(value: object) -> str:
    """A header value that can be encoded: the job and the logs carry it as UTF-8."""
    text = str(value)
    # only a hand-written event holds a lone surrogate; it becomes "?" rather than a 500 later on
    return text if text.isascii() else text.encode("utf-8", "replace").decode("utf-8")


def response(status: int, body: str = "", *, content_type: str = "text/plain; charset=utf-8",
             headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"content-type": content_type, **(headers or {})},
        "body": body,
        "isBase64Encoded": False,
    }


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return response(status, json.dumps({"error": message}), content_type="application/json", headers=headers)
