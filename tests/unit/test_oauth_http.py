"""HTTP API (payload 2.0) events to Bolt requests and back: the route, every query value, the cookies, and headers
that keep the pages out of caches, frames and Referers."""

from __future__ import annotations

import json

from slack_bolt.response import BoltResponse

from bot.oauth.http import SECURITY_HEADERS, html, route, to_bolt_request, to_result
from tests.conftest import EVENTS


def test_the_documented_event_reads_as_its_route_query_and_cookies() -> None:
    event = json.loads((EVENTS / "apigw_http_v2_get_oauth_redirect.json").read_text())
    event.update(rawQueryString="code=1.2.abc&state=s-1")
    event["cookies"] = ["slack-app-oauth-state=s-1", "other=x"]
    assert route(event) == "GET /slack/oauth_redirect"
    request = to_bolt_request(event)
    assert request.query == {"code": ["1.2.abc"], "state": ["s-1"]}
    assert request.headers["cookie"] == ["slack-app-oauth-state=s-1", "other=x"]
    assert request.headers["user-agent"][0].startswith("Mozilla/")


def test_repeated_query_parameters_are_kept_apart() -> None:
    event = json.loads((EVENTS / "apigw_http_v2_get_install.json").read_text())
    event.update(rawQueryString="team=T1&team=T2,T3", queryStringParameters={"team": "T1,T2,T3"})
    assert to_bolt_request(event).query == {"team": ["T1", "T2,T3"]}
    del event["rawQueryString"]  # a hand-made event: the joined values are all there is
    assert to_bolt_request(event).query == {"team": ["T1,T2,T3"]}


def test_the_route_of_a_catch_all_integration_is_its_method_and_path() -> None:
    event = json.loads((EVENTS / "apigw_http_v2_get_install.json").read_text())
    event["routeKey"] = "$default"
    assert route(event) == "GET /slack/install"
    assert route({}) == " "


def test_set_cookie_goes_into_cookies_and_every_answer_gets_the_security_headers() -> None:
    response = BoltResponse(status=302, body="<p>x</p>", headers={
        "Content-Type": "text/html; charset=utf-8", "Location": "https://slack.com/oauth/v2/authorize?state=s",
        "Set-Cookie": ["a=1; Secure; HttpOnly", "b=2"]})
    result = to_result(response)
    assert result["statusCode"] == 302 and result["isBase64Encoded"] is False
    assert result["cookies"] == ["a=1; Secure; HttpOnly", "b=2"]
    assert "set-cookie" not in result["headers"]
    assert result["headers"]["location"] == "https://slack.com/oauth/v2/authorize?state=s"
    for name, value in SECURITY_HEADERS.items():
        assert result["headers"][name] == value
    assert "default-src 'none'" in result["headers"]["content-security-policy"]
    page = html(404, "<p>no</p>")
    assert page["headers"]["content-type"] == "text/html; charset=utf-8" and "cookies" not in page
