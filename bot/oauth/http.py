"""API Gateway HTTP API (payload 2.0) events in, Bolt requests out; Bolt responses in, Lambda results out.

Bolt's own Lambda adapter needs a whole `App` and loses repeated query parameters (it reads `queryStringParameters`,
where API Gateway joins them with commas); the OAuth routes need neither. So: the query from `rawQueryString`, the
cookies from the event's `cookies` (payload 2.0 moves them out of `headers`), and `Set-Cookie` back in the result's
`cookies`, the documented way to set several. Every answer is HTML that must not be cached (it carries or follows a
one-time state), framed, sniffed or followed by a Referer (the redirect URL holds the code), and may load nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse

HTML = "text/html; charset=utf-8"
SECURITY_HEADERS = {
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "content-security-policy": ("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
                                "frame-ancestors 'none'"),
}


def route(event: dict[str, Any]) -> str:
    """`GET /slack/install`: the event's route, or its method and path when the API routes everything here."""
    key = event.get("routeKey")
    if isinstance(key, str) and key and key != "$default":
        return key
    http = (event.get("requestContext") or {}).get("http") or {}
    return f"{http.get('method', '')} {event.get('rawPath') or http.get('path', '')}"


def to_bolt_request(event: dict[str, Any]) -> BoltRequest:
    """The request as Bolt's OAuth flow reads it: the query (every value of each name), headers and cookies."""
    raw_query = event.get("rawQueryString")
    if isinstance(raw_query, str):
        query: dict[str, list[str]] = parse_qs(raw_query, keep_blank_values=True)
    else:  # an event without it (hand-made): API Gateway's joined values are the best there is
        query = {name: [value] for name, value in (event.get("queryStringParameters") or {}).items()}
    headers: dict[str, str | list[str]] = {
        str(name).lower(): str(value) for name, value in (event.get("headers") or {}).items()}
    cookies = [cookie for cookie in event.get("cookies") or [] if isinstance(cookie, str)]
    if cookies:
        headers["cookie"] = cookies
    return BoltRequest(body="", query=query, headers=headers)


def to_result(response: BoltResponse) -> dict[str, Any]:
    """The Lambda result API Gateway turns into the HTTP response."""
    headers = {name: values[0] for name, values in response.headers.items() if name != "set-cookie" and values}
    headers.update(SECURITY_HEADERS)
    result: dict[str, Any] = {"statusCode": response.status, "headers": headers, "body": response.body,
                              "isBase64Encoded": False}
    cookies = list(response.headers.get("set-cookie", []))
    if cookies:
        result["cookies"] = cookies
    return result


def html(status: int, body: str, *, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """A page of Parley's own, as a Lambda result."""
    return to_result(BoltResponse(status=status, body=body, headers={"content-type": HTML, **(headers or {})}))
