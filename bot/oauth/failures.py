"""Why an install failed, and what the installer is told: one entry per reason, with its HTTP status.

The reasons are Bolt's (`invalid_browser`, `invalid_state`, `missing_code`, `invalid_code`, `storage_error`), Slack's
`error` redirect parameter (`access_denied` when the installer pressed Cancel), and two of Parley's: Slack or a store
out of reach. Every failure is final for its install link (a state is spent or was never valid) and stores nothing,
so each page says what happened and offers to start again. An `error` Slack sends that is not listed here is shown by
its code only when it looks like one of Slack's (lower-case words): the query string is anyone's to write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SLACK_ERROR_CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")


@dataclass(frozen=True)
class Failure:
    reason: str  # what the logs say
    status: int
    title: str
    advice: str  # plain text: the page escapes it
    expected: bool = False  # the installer's own choice (Cancel), not a fault of anyone's


FAILURES = {
    failure.reason: failure
    for failure in (
        Failure("access_denied", 200, "Parley was not installed",
                "You cancelled the installation on Slack's page, so nothing was installed. You can start again "
                "whenever you like.", expected=True),
        # the state cookie set by /slack/install is missing or names another state: a link opened in another
        # browser, a page reloaded after it was used, or a link someone else started (login CSRF)
        Failure("invalid_browser", 400, "This install link was started somewhere else",
                "The installation has to finish in the browser that started it. Start again from the Add to Slack "
                "link, in this browser."),
        Failure("invalid_state", 400, "This install link has expired or was already used",
                "Install links work once and for ten minutes. Start again from the Add to Slack link."),
        Failure("missing_code", 400, "Slack did not send an install code",
                "Slack's answer was incomplete, so nothing was installed. Start again from the Add to Slack link."),
        Failure("invalid_code", 400, "Slack did not accept the installation",
                "Slack refused to complete the installation (its code may have expired), so nothing was installed. "
                "Start again from the Add to Slack link; if it happens again, tell the app's owner."),
        Failure("slack_unreachable", 502, "Slack could not be reached",
                "Parley could not reach Slack to complete the installation, so nothing was installed. Start again "
                "in a few minutes."),
        Failure("storage_error", 503, "The installation could not be saved",
                "Parley could not save or check the installation just now, so nothing was installed. Start again "
                "in a few minutes; if it happens again, tell the app's owner."),
    )
}


def failure_for(reason: str) -> Failure:
    """The failure for a reason; any other error Slack sent back is a failure at Slack's end, named if it looks like
    one of Slack's codes."""
    known = FAILURES.get(reason)
    if known is not None:
        return known
    code = reason if SLACK_ERROR_CODE.fullmatch(reason) else "unknown"
    return Failure(f"slack_error:{code}", 400, "Slack did not complete the installation",
                   f"Slack stopped the installation (error: {code}), so nothing was installed. Start again from the "
                   "Add to Slack link; if it happens again, tell the app's owner.")
