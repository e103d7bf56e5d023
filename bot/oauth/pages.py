"""The pages an installer sees: on the way to Slack, after a successful install, and after a failed one.

Every value shown or linked is escaped (`html.escape`, quote=True): team and organisation names come from Slack, and
a failure's reason may come from the query string. The pages load nothing (no script, image or font), so the HTTP
layer can send a Content-Security-Policy that allows nothing but their inline style. Links back to the install page
are relative (`install`, beside `oauth_redirect`), so they hold under any base path the API is mapped to.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote, urlencode

from bot.oauth.failures import Failure

APP_NAME = "Parley"
INSTALL_LINK = "install"  # /slack/install, relative to /slack/oauth_redirect and to itself

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 36rem; margin: 4rem auto;
       padding: 0 1rem; color: #1d1c1d; line-height: 1.5; }
h1 { font-size: 1.5rem; }
a.button { display: inline-block; padding: 0.6rem 1.2rem; border-radius: 4px; background: #4a154b; color: #fff;
           text-decoration: none; font-weight: 600; }
p.small { color: #616061; font-size: 0.9rem; }
"""


def page(title: str, body: str) -> str:
    """A whole page: `title` is text (escaped here), `body` is HTML built from escaped values."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"robots\" content=\"noindex\">\n"
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n{body}\n</body>\n</html>\n"
    )


def to_slack_page(authorize_url: str) -> str:
    """The body of /slack/install's redirect: for a client that does not follow it, the same link by hand."""
    return page(f"Add {APP_NAME} to Slack", (
        f"<p>Taking you to Slack to install {APP_NAME}…</p>\n"
        f"<p><a class=\"button\" href=\"{escape(authorize_url)}\">Add to Slack</a></p>"
    ))


def success_page(*, app_id: str | None, team_id: str | None, team_name: str | None, enterprise_name: str | None,
                 enterprise_url: str | None, org_wide: bool) -> str:
    """Installed: where, and a way into Slack (the app's page in the desktop app, or the browser)."""
    if org_wide:
        where = f"the <strong>{escape(enterprise_name or 'Enterprise Grid')}</strong> organisation"
        next_step = ("<p>An org admin chooses the workspaces it is added to.</p>\n" + (
            f"<p><a class=\"button\" href=\"{escape(org_apps_url(enterprise_url, app_id))}\">Choose workspaces</a></p>"
            if enterprise_url and app_id else ""))
    else:
        where = f"<strong>{escape(team_name or team_id or 'your workspace')}</strong>"
        next_step = open_slack_links(team_id, app_id)
    return page(f"{APP_NAME} is installed", (
        f"<p>{APP_NAME} is installed in {where}. Say hello to it in a direct message, or type "
        "<code>/parley help</code> in any channel.</p>\n" + next_step
    ))


def open_slack_links(team_id: str | None, app_id: str | None) -> str:
    if not team_id:
        return "<p><a class=\"button\" href=\"slack://open\">Open Slack</a></p>"
    desktop = "slack://app?" + urlencode({"team": team_id, "id": app_id}) if app_id else "slack://open?" + urlencode(
        {"team": team_id})
    browser = "https://app.slack.com/client/" + quote(team_id, safe="")
    return (f"<p><a class=\"button\" href=\"{escape(desktop)}\">Open Slack</a></p>\n"
            f"<p class=\"small\">Slack in a browser? <a href=\"{escape(browser)}\">Open it there</a>.</p>")


def org_apps_url(enterprise_url: str, app_id: str) -> str:
    """Where an org admin adds an org-wide app to workspaces (Slack's org app management page)."""
    return f"{enterprise_url.rstrip('/')}/manage/organization/apps/profile/{quote(app_id, safe='')}/workspaces/add"


def failure_page(failure: Failure) -> str:
    """Not installed: what happened, and the way to start again."""
    return page(failure.title, (
        f"<p>{escape(failure.advice)}</p>\n"
        f"<p><a class=\"button\" href=\"{INSTALL_LINK}\">Add to Slack</a></p>"
    ))


def not_found_page() -> str:
    return page("Not found", f"<p>There is nothing here. To install {APP_NAME}, use the "
                             f"<a href=\"{INSTALL_LINK}\">Add to Slack</a> link.</p>")


def unavailable_page() -> str:
    """The function cannot serve at all (a stage not in oauth mode, or missing its settings): the log says why."""
    return page(f"{APP_NAME} cannot be installed right now",
                "<p>This installation service is not available. Tell the app's owner; nothing was installed.</p>")


def error_page() -> str:
    """A fault of Parley's own, logged with its traceback; never shown here."""
    return page("Something went wrong",
                f"<p>Nothing was installed. Start again from the <a href=\"{INSTALL_LINK}\">Add to Slack</a> link "
                "in a few minutes; if it happens again, tell the app's owner.</p>")
