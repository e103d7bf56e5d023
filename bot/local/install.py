"""Installing Parley into a local workspace the way a person does it in a browser, through the real routes.

In oauth mode an install is three GETs: the app's `/slack/install` (a state issued, set as a cookie, a redirect to
Slack's authorize page), Slack's authorize page (the stand-in answers at once with the redirect Slack sends after
Allow, for the workspace or org queued with `choose_next_install`), and the app's `/slack/oauth_redirect` (state
checked against the cookie, code exchanged, installation stored). `make run`'s `/install` and the e2e tests both use
this, so the local kit installs exactly as Slack's users do.

The state cookie is `Secure`: a browser would not send it back over the local plain-HTTP API, so this one carries it
by hand, as the oauth function's tests do. Redirects are read, never followed blindly: each hop is checked to stay on
127.0.0.1.
"""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from bot.local.standin.client import StandInClient


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # read as an HTTPError with its Location; the installer follows it itself


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


@dataclass(frozen=True)
class Hop:
    """One GET's answer: its status, where it redirects (if it does) and its page text."""

    status: int
    location: str | None
    body: str
    set_cookies: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """What the page says, for a terminal or an assertion: its heading and first paragraph (else all its words)."""
        heading, paragraph = (re.search(rf"<{tag}[^>]*>(.*?)</{tag}>", self.body, flags=re.S | re.I)
                              for tag in ("h1", "p"))
        if heading is None:
            return _words(re.sub(r"<(head|script|style)[^>]*>.*?</\1>", " ", self.body, flags=re.S | re.I))
        return _words(heading.group(1)) + (f": {_words(paragraph.group(1))}" if paragraph else "")


def _words(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split()).replace(" .", ".")


@dataclass(frozen=True)
class InstallResult:
    """How an install ended: the redirect page's status and text (a success or a clear failure)."""

    ok: bool
    status: int
    page: str


def get(url: str, cookies: dict[str, str] | None = None, timeout: float = 20.0) -> Hop:
    """One browser GET on 127.0.0.1, redirects not followed."""
    if urllib.parse.urlsplit(url).hostname not in ("127.0.0.1", "localhost"):
        raise ValueError(f"the local installer stays on this machine, not {url}")
    request = urllib.request.Request(url)
    if cookies:
        request.add_header("Cookie", "; ".join(f"{name}={value}" for name, value in cookies.items()))
    try:
        with _OPENER.open(request, timeout=timeout) as answer:
            return Hop(answer.status, answer.headers.get("Location"), answer.read().decode("utf-8", "replace"),
                       tuple(answer.headers.get_all("Set-Cookie") or ()))
    except urllib.error.HTTPError as error:
        return Hop(error.code, error.headers.get("Location"), error.read().decode("utf-8", "replace"),
                   tuple(error.headers.get_all("Set-Cookie") or ()))


def keep_cookies(jar: dict[str, str], hop: Hop) -> None:
    """What a browser does with an answer's Set-Cookie headers (a cleared cookie is dropped)."""
    for cookie in hop.set_cookies:
        name, _, value = cookie.split(";", 1)[0].strip().partition("=")
        lowered = cookie.lower()
        if "max-age=0" in lowered or "expires=thu, 01 jan 1970" in lowered:
            jar.pop(name, None)
        else:
            jar[name] = value


class Installer:
    """Installs the app into local workspaces through `<api>/slack/install` and the Slack stand-in."""

    def __init__(self, api_url: str, standin: StandInClient) -> None:
        self.api_url = api_url.rstrip("/")
        self.standin = standin

    def install(self, team: str | None = None, enterprise: str | None = None, *, user: str | None = None,
                deny: bool = False) -> InstallResult:
        """Install into the workspace `team`, or org-wide into `enterprise`, as `user` (default: the workspace's
        first person); `deny` presses Cancel at Slack instead."""
        jar: dict[str, str] = {}
        start = get(f"{self.api_url}/slack/install")
        keep_cookies(jar, start)
        if start.status != 302 or not start.location:
            return InstallResult(False, start.status, start.text)
        self.standin.choose_next_install(team, enterprise, user=user, deny=deny)
        at_slack = get(start.location)
        if at_slack.status != 302 or not at_slack.location:
            return InstallResult(False, at_slack.status, at_slack.text)
        back = get(at_slack.location, jar)
        keep_cookies(jar, back)
        return InstallResult(back.status == 200, back.status, back.text)
