"""Helpers for the oauth function's tests: an installation store in memory, a browser that keeps cookies, the HTTP
API events a browser's GET makes (from tests/events/), and a step through the Slack stand-in's authorize page.

The memory store keys installations as the DynamoDB one does (bot/stores/installations.py, issue 12): a workspace
install under `slack:<enterprise or ->:<team>`, an org-wide install under `slack:<enterprise>:-`, and a team of an
enterprise falls back to its org-wide install. It implements slack_sdk's `InstallationStore`, as the DynamoDB adapter
does, so the flow cannot tell them apart.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slack_sdk.oauth import InstallationStore, OAuthStateStore
from slack_sdk.oauth.installation_store import Bot, Installation

EVENTS = Path(__file__).resolve().parents[1] / "events"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the test follows the redirect itself


# no proxy (these tests stay on 127.0.0.1), and redirects read rather than followed
_NOT_FOLLOWING = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def workspace_key(enterprise_id: str | None, team_id: str | None) -> str:
    return f"slack:{enterprise_id or '-'}:{team_id or '-'}"


class MemoryInstallationStore(InstallationStore):
    """Installations in a dict; `fail_with` makes every save raise it (a store that is down)."""

    def __init__(self) -> None:
        self.records: dict[str, Installation] = {}
        self.saves = 0
        self.fail_with: Exception | None = None
        self._lock = threading.Lock()

    @property
    def logger(self) -> logging.Logger:
        return logging.getLogger(__name__)

    def save(self, installation: Installation) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        team = None if installation.is_enterprise_install else installation.team_id
        with self._lock:
            self.saves += 1
            self.records[workspace_key(installation.enterprise_id, team)] = copy.deepcopy(installation)

    def save_bot(self, bot: Bot) -> None:
        raise NotImplementedError("the flow saves whole installations")

    def find_installation(self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None,
                          is_enterprise_install: bool | None = False) -> Installation | None:
        with self._lock:
            if not is_enterprise_install and team_id:
                found = self.records.get(workspace_key(enterprise_id, team_id))
                if found is not None:
                    return copy.deepcopy(found)
            return copy.deepcopy(self.records.get(workspace_key(enterprise_id, None))) if enterprise_id else None

    def find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                 is_enterprise_install: bool | None = False) -> Bot | None:
        found = self.find_installation(enterprise_id=enterprise_id, team_id=team_id,
                                       is_enterprise_install=is_enterprise_install)
        return found.to_bot() if found is not None else None

    def delete_installation(self, *, enterprise_id: str | None, team_id: str | None,
                            user_id: str | None = None) -> None:
        with self._lock:
            self.records.pop(workspace_key(enterprise_id, team_id), None)

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.delete_installation(enterprise_id=enterprise_id, team_id=team_id)


class FailingStateStore(OAuthStateStore):
    """A state store that is down: every call raises."""

    @property
    def logger(self) -> logging.Logger:
        return logging.getLogger(__name__)

    def issue(self, *args: Any, **kwargs: Any) -> str:
        raise ConnectionError("the states table is out of reach")

    def consume(self, state: str) -> bool:
        raise ConnectionError("the states table is out of reach")


def get_event(path: str, query: dict[str, str] | str = "", cookies: list[str] | None = None) -> dict[str, Any]:
    """The HTTP API (payload 2.0) event of a browser's GET, in the shape of tests/events/apigw_http_v2_get_*.json."""
    event = json.loads((EVENTS / "apigw_http_v2_get_install.json").read_text())
    raw = query if isinstance(query, str) else urllib.parse.urlencode(query)
    event.update(routeKey=f"GET {path}", rawPath=path, rawQueryString=raw)
    event["requestContext"].update(routeKey=f"GET {path}")
    event["requestContext"]["http"]["path"] = path
    pairs = urllib.parse.parse_qsl(raw, keep_blank_values=True)
    if pairs:  # API Gateway joins repeated names' values with commas
        joined: dict[str, str] = {}
        for name, value in pairs:
            joined[name] = f"{joined[name]},{value}" if name in joined else value
        event["queryStringParameters"] = joined
    if cookies:
        event["cookies"] = list(cookies)
    return event


@dataclass
class Answer:
    """A Lambda result, read as a browser would."""

    status: int
    headers: dict[str, str]
    body: str
    set_cookies: list[str]

    @property
    def location(self) -> str | None:
        return self.headers.get("location")

    @classmethod
    def of(cls, result: dict[str, Any]) -> Answer:
        return cls(result["statusCode"], {k.lower(): v for k, v in result.get("headers", {}).items()},
                   result.get("body", ""), list(result.get("cookies", [])))


@dataclass
class Browser:
    """Calls the oauth function as a browser would: it keeps and sends the cookies the answers set."""

    function: Callable[[dict[str, Any]], dict[str, Any]]
    cookies: dict[str, str] = field(default_factory=dict)

    def get(self, path: str, query: dict[str, str] | str = "") -> Answer:
        sent = [f"{name}={value}" for name, value in self.cookies.items()]
        answer = Answer.of(self.function(get_event(path, query, sent)))
        for cookie in answer.set_cookies:
            pair = cookie.split(";", 1)[0]
            name, _, value = pair.partition("=")
            if "expires=thu, 01 jan 1970" in cookie.lower() or "max-age=0" in cookie.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return answer

    def follow(self, url: str) -> Answer:
        """A redirect back to the app (the Slack stand-in's answer): the same GET, by path and query."""
        parts = urllib.parse.urlsplit(url)
        return self.get(parts.path, parts.query)


def at_slack(authorize_url: str) -> tuple[int, str]:
    """The browser at Slack's authorize page (the stand-in answers at once, as after Allow or Cancel): the status
    and the Location it redirects to (or its page text)."""
    try:
        with _NOT_FOLLOWING.open(authorize_url, timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as redirect:
        return redirect.code, redirect.headers.get("Location") or redirect.read().decode()


def query_of(url: str) -> dict[str, str]:
    return {name: values[-1] for name, values in urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).items()}


class FakeSlack:
    """For unit tests only: the two Web API calls Bolt's flow makes, answered from memory (the functional tests use
    the Slack stand-in). `refuse` makes oauth.v2.access answer that Slack error; `unreachable` raise that exception."""

    def __init__(self, *, team: str = "T0FAKE", team_name: str = "Fake Team", enterprise: str | None = None,
                 org_wide: bool = False, rotating: bool = False) -> None:
        self.team, self.team_name, self.enterprise, self.org_wide, self.rotating = (
            team, team_name, enterprise, org_wide, rotating)
        self.refuse: str | None = None
        self.unreachable: Exception | None = None
        self.exchanges: list[dict[str, Any]] = []

    def oauth_v2_access(self, **arguments: Any) -> dict[str, Any]:
        from slack_sdk.errors import SlackApiError

        self.exchanges.append(arguments)
        if self.unreachable is not None:
            raise self.unreachable
        if self.refuse is not None:
            raise SlackApiError(f"The request to the Slack API failed. error: {self.refuse}",
                                {"ok": False, "error": self.refuse})
        answer: dict[str, Any] = {
            "ok": True, "app_id": "A0FAKE", "access_token": "xoxb-fake-bot-token", "token_type": "bot",
            "scope": "chat:write,commands", "bot_user_id": "U0FAKEBOT",
            "team": None if self.org_wide else {"id": self.team, "name": self.team_name},
            "enterprise": {"id": self.enterprise, "name": "Fake Org"} if self.enterprise else None,
            "is_enterprise_install": self.org_wide, "authed_user": {"id": "U0INSTALLER"},
        }
        if self.rotating:
            answer.update(expires_in=43200, refresh_token="xoxe-1-fake-refresh")
        return answer

    def auth_test(self, *, token: str) -> dict[str, Any]:
        return {"ok": True, "bot_id": "B0FAKE", "url": "https://fake-org.enterprise.slack.com/"}
