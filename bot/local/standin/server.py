"""SlackStandIn: the local Slack, in-process (`SlackStandIn(token=...).start()`) or as a process (`__main__.py`).

It routes each request: `/api/<method>` to the Web API (the token checked against the installations, a fault maybe
injected, the method answered, the call recorded with the team and enterprise it acted for), `/api/oauth.v2.access`
to OAuth (client credentials instead of a token), `GET /oauth/v2/authorize` to the install redirect, any other POST to
a `response_url` (Slack only acknowledges those), `/_...` to the control endpoints. All Slack state (installations,
messages, views) is guarded by one lock, so concurrent clients see Slack's ordering (a ts never repeats, a refresh
token is spent once).

Single-workspace use is what it always was: `SlackStandIn(token)` installs the app in the first workspace with that
token (every scope, never expiring). Without a token the app is installed nowhere until an OAuth install or
`install()`; `token_ttl=N` (or `set_token_ttl`) turns token rotation on for the tokens issued from then on.
"""

from __future__ import annotations

import dataclasses
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Self

from bot.channels.slack.surface import BOT_SCOPES
from bot.local.slack_events import function_executed_event
from bot.local.standin.arguments import basic_auth, bearer, parse_args
from bot.local.standin.control import control
from bot.local.standin.echo import Echo, event_context
from bot.local.standin.errors import Json, SlackError
from bot.local.standin.faults import Fault, Faults, make_fault
from bot.local.standin.httpd import Reply, Server
from bot.local.standin.installations import Grant, Installation, Installations
from bot.local.standin.loopback import HOST, check_loopback
from bot.local.standin.methods import Caller, WebApi
from bot.local.standin.oauth import InstallChoice, OAuth
from bot.local.standin.recorder import Recorder, redact
from bot.local.standin.workspaces import DEFAULT_DIRECTORY, Directory, Enterprise, Workspace

AUTHORIZE_PATH = "/oauth/v2/authorize"
_OAUTH_ACCESS = "oauth.v2.access"


class SlackStandIn:
    """The stand-in, usable in-process: `SlackStandIn(token).start()`, then `.api_url` for the WebClient."""

    def __init__(self, token: str | None = None, port: int = 0, echo_url: str | None = None,
                 signing_secret: str | None = None, *, directory: Directory = DEFAULT_DIRECTORY,
                 client_id: str | None = None, client_secret: str | None = None,
                 redirect_urls: Sequence[str] = (), token_ttl: int | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        if token is not None and not token:
            raise ValueError("a bot token must not be empty")
        if (echo_url is None) != (signing_secret is None):
            raise ValueError("echo_url and signing_secret go together")
        app = dataclasses.replace(directory.app, client_id=client_id or directory.app.client_id,
                                  client_secret=client_secret or directory.app.client_secret)
        self.directory = dataclasses.replace(directory, app=app)
        self._port = port
        self._lock = threading.RLock()
        self._recorder = Recorder()
        self._faults = Faults()
        self._installations = Installations(self.directory, clock)  # tests move `clock` to expire tokens and codes
        self._preset: Grant | None = None
        self._oauth = OAuth(self._installations, tuple(check_loopback(url) for url in redirect_urls))
        self._echo = Echo(echo_url, signing_secret, app.app_id) if echo_url and signing_secret else None
        self._api = WebApi(self.directory, self._installations, on_post=self._posted, on_revoke=self._revoked)
        self.set_token_ttl(token_ttl)
        if token:
            self._preset = self._installations.preset(token, self.directory.first).bot
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind 127.0.0.1:port and serve in a daemon thread."""
        if self._server is not None:
            return self
        self._server = Server(self._handle, self._port)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"slack-standin-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        # keep-alive connections would otherwise go on being answered by a stopped stand-in
        server.close_open_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is not None:
            return int(self._server.server_address[1])
        if self._port:
            return self._port
        raise RuntimeError("port 0 is chosen at start(): start the stand-in first")

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    @property
    def authorize_url(self) -> str:
        """Slack's `https://slack.com/oauth/v2/authorize`, here (Bolt's `authorization_url`)."""
        return f"{self.url}{AUTHORIZE_PATH}"

    # -- installations and tokens ----------------------------------------------------------------------------------

    def rotate_token(self, token: str) -> None:
        """From now on only `token` is valid for the bot given at start, as after an admin regenerates the bot token
        in the app's settings: calls with the old one get `invalid_auth`."""
        if not token:
            raise ValueError("a bot token is required")
        with self._lock:
            if self._preset is None or self._preset.revoked:
                self._preset = self._installations.preset(token, self.directory.first).bot
            else:
                self._installations.replace_token(self._preset, token)

    def set_token_ttl(self, seconds: int | None) -> None:
        """Token rotation: tokens issued from now on expire after `seconds` and come with a refresh token (Slack's
        are 12 hours); None turns it off for new installs."""
        if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 1):
            raise ValueError("token_ttl must be a positive number of seconds, or None")
        with self._lock:
            self._installations.ttl = seconds

    @property
    def token_ttl(self) -> int | None:
        return self._installations.ttl

    def expire_tokens(self, team: str | None = None, enterprise: str | None = None) -> int:
        """Make the live expiring tokens of one installation (or of all) expire now: how many did."""
        with self._lock:
            installation = self._find(team, enterprise) if team or enterprise else None
            return self._installations.expire(installation)

    def choose_next_install(self, team: str | None = None, enterprise: str | None = None, *, user: str | None = None,
                            deny: bool = False) -> None:
        """What the next `GET /oauth/v2/authorize` installs: the workspace `team`, the org `enterprise` (org-wide),
        as `user`; or `deny`: the person clicks Cancel (error=access_denied)."""
        with self._lock:
            self._oauth.choose_next(InstallChoice(team, enterprise, user, deny))

    def install(self, team: str | None = None, enterprise: str | None = None, *, user: str | None = None,
                scope: str | Iterable[str] = BOT_SCOPES, user_scope: str | Iterable[str] = ()) -> Json:
        """Install the app without the browser round trip (into the first workspace by default): the response
        oauth.v2.access would have given, tokens included."""
        with self._lock:
            target = self._target(team, enterprise)
            installer = self._oauth.installer_for(target, user)
            try:
                response, _ = self._oauth.install(target, installer, _scope_set(scope), _scope_set(user_scope))
            except SlackError as exc:
                raise ValueError(exc.error) from exc
        return response

    def uninstall(self, team: str | None = None, enterprise: str | None = None, *, notify: bool = True) -> Json:
        """Remove the app from a workspace (or, with `enterprise` alone, the org-wide install): its tokens are
        revoked, and with `notify` the ingress gets `tokens_revoked` and `app_uninstalled`, as Slack sends them."""
        with self._lock:
            installation = self._find(team, enterprise)
            if installation is None:
                raise LookupError(f"the app is not installed in {team or enterprise or 'the first workspace'}")
            grants = self._installations.uninstall(installation)
            if self._preset in grants:
                self._preset = None
        if notify:
            self._revoked(installation, grants, True)
        return {**installation.identity(), "revoked": [{"kind": g.kind, "user_id": g.user_id} for g in grants]}

    def installations(self) -> list[Json]:
        """Every installation: team, enterprise, bot user, scopes, installer, and its tokens as fingerprints."""
        with self._lock:
            return [self._installations.describe(i) for i in self._installations.all()]

    def _find(self, team: str | None, enterprise: str | None) -> Installation | None:
        if team is None and enterprise is None:
            team = self.directory.first.id
        return self._installations.find(team=team, enterprise=enterprise)

    def _target(self, team: str | None, enterprise: str | None) -> Workspace | Enterprise:
        if team and enterprise:
            raise ValueError("install into a team (workspace) or an enterprise (org-wide), not both")
        target = self.directory.enterprise(enterprise) if enterprise else self.directory.workspace(
            team or self.directory.first.id)
        if target is None:
            raise ValueError(f"no workspace or enterprise {team or enterprise} in the local Slack")
        return target

    # -- Workflow Builder steps -----------------------------------------------------------------------------------

    def start_step(self, callback_id: str, inputs: Json, *, definition: Json | None = None, team: str | None = None,
                   deliveries: int = 1) -> Json:
        """Run a step of the app's in a workflow, as Slack does: a new execution, and its `function_executed`
        delivered to the ingress `deliveries` times (0: not delivered; the event is in the answer). `definition` is
        the step as the manifest declares it (`functions.<callback_id>`): its required outputs are checked when the
        app completes it. LookupError when the app is not installed in `team`."""
        with self._lock:
            installation = self._find(team, None)
            if installation is None:
                raise LookupError(f"the app is not installed in {team or 'the first workspace'}")
            workspace = installation.team or (self.directory.workspace(team) if team else None)
            required = tuple(((definition or {}).get("output_parameters") or {}).get("required") or ())
            execution, token = self._api.functions.start(callback_id, inputs, installation,
                                                         workspace.id if workspace else None, required)
        payload = function_executed_event(
            callback_id, inputs, function_execution_id=execution.id, bot_access_token=token, definition=definition,
            workflow_execution_id=execution.workflow_execution_id,
            **event_context(installation, workspace, self.directory.app.app_id))
        if deliveries > 0:
            if self._echo is None:
                raise ValueError("this stand-in delivers no events: start it with echo_url and signing_secret")
            self._echo.event(payload, deliveries)
        return {"ok": True, "function_execution_id": execution.id, "event_id": payload["event_id"], "event": payload}

    def step_executions(self) -> list[Json]:
        """Every step execution: its inputs, state, outputs or error, and each completion call the app made."""
        with self._lock:
            return self._api.functions.describe()

    # -- recordings and faults -------------------------------------------------------------------------------------

    def calls(self, method: str | None = None, after: int = 0, *, team: str | None = None) -> list[Json]:
        """Recorded calls with seq > after, oldest first; only those of `method`, and of `team`, when given."""
        return self._recorder.calls(method, after, team)

    def assistant_thread(self, channel: str, thread_ts: str) -> Json | None:
        """What the app set on an assistant thread (status, prompts, title), or None when it set nothing."""
        with self._lock:
            found = self._api.assistant.thread(channel, thread_ts)
            return dataclasses.asdict(found) if found is not None else None

    def clear(self) -> None:
        """Forget the recorded calls (seq keeps counting, so `after=` bookmarks stay valid)."""
        self._recorder.clear()

    def wait_for(self, predicate: Callable[[Json], bool], timeout: float = 5.0, *, count: int = 1,
                 after: int = 0) -> list[Json]:
        """Block until at least `count` recorded calls after seq `after` satisfy `predicate`; return all that do."""
        return self._recorder.wait_for(predicate, timeout, count, after)

    def add_fault(self, method: str, status: int | str | None = 429, *, retry_after: int = 1, count: int = 1,
                  error: str | None = None, delay: float = 0.0, after: int = 0) -> None:
        """Make the next `count` calls of `method` fail (`after`: once that many more have gone through).

        `method` is an API method ("chat.postMessage"), a path prefix ("/response/") or "*". `status` 429 answers
        Retry-After `retry_after` and `ratelimited`; 5xx answers that status; "drop" closes the connection unanswered;
        200 with `error` answers a Slack error (e.g. "not_in_channel"); None answers normally after `delay` seconds.
        """
        self.add_fault_spec(make_fault({"method": method, "status": status, "retry_after": retry_after,
                                        "count": count, "error": error, "delay": delay, "after": after}))

    def add_fault_spec(self, fault: Fault) -> None:
        with self._lock:
            self._faults.add(fault)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def faults(self) -> list[Json]:
        with self._lock:
            return self._faults.listed()

    def streams(self, state: str | None = None) -> list[Json]:
        """Streamed messages (chat.startStream), oldest first; `state` "in_progress" lists the open ones."""
        with self._lock:
            return self._api.streams.describe(state)

    def pending_installs(self) -> list[Json]:
        """The install choices queued for the next authorize requests, oldest first."""
        with self._lock:
            return self._oauth.pending_choices()

    def clear_pending_installs(self) -> None:
        with self._lock:
            self._oauth.clear_choices()

    # -- HTTP dispatch -----------------------------------------------------------------------------------------------

    def _handle(self, verb: str, raw_path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        parts = urllib.parse.urlsplit(raw_path)
        path = parts.path
        query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        if path.startswith("/_"):
            return control(self, verb, path, query, body)
        if path == AUTHORIZE_PATH and verb == "GET":
            return self._authorize({k: v[-1] for k, v in query.items()})
        if verb == "POST" or (verb == "GET" and path.startswith("/api/")):
            return self._handle_call(verb, path, query, headers, body)
        return Reply(404, {"ok": False, "error": "not_found"})

    def _authorize(self, query: dict[str, str]) -> Reply:
        at = time.time()
        with self._lock:
            outcome = self._oauth.authorize(query)
        response = {"ok": False, "error": outcome.error} if outcome.error else {"ok": True}
        self._record("GET", None, AUTHORIZE_PATH, redact(query), outcome.reply.status, response, at, None,
                     _target_where(outcome.target))
        return outcome.reply

    def _handle_call(self, verb: str, path: str, query: dict[str, list[str]], headers: Mapping[str, str],
                     body: bytes) -> Reply:
        at = time.time()
        method = path[len("/api/"):].strip("/") if path.startswith("/api/") else None
        args, form_token, parse_error = parse_args(headers, body, query)
        with self._lock:
            fault = self._faults.take(method, path)
        if fault is not None and fault.status is not None:
            reply = fault.reply()
            self._record(verb, method, path, redact(args), reply.status or None, reply.body, at, fault, (None, None))
            return reply
        where: tuple[str | None, str | None] = (None, None)
        if method is None:
            response: Json = {"ok": True}  # a response_url post: Slack only acknowledges it
        elif parse_error:
            response = {"ok": False, "error": parse_error}
        elif method == _OAUTH_ACCESS:
            response, where = self._oauth_access(args, headers)
        else:
            response, where = self._call_api(method, args, bearer(headers) or form_token)
        self._record(verb, method, path, redact(args), 200, redact(response), at, fault, where)
        return Reply(200, response, delay=fault.delay if fault else 0.0)

    def _call_api(self, method: str, args: Json, token: str | None) -> tuple[Json, tuple[str | None, str | None]]:
        if method not in self._api.table:
            return {"ok": False, "error": "unknown_method"}, (None, None)
        if not token:
            return {"ok": False, "error": "not_authed"}, (None, None)
        where: tuple[str | None, str | None] = (None, None)
        try:
            with self._lock:
                known = self._installations.lookup(token)
                if known is not None:  # even a refused call is recorded as its installation's
                    where = _where(known.grant.installation)
                response, caller = self._api.call(method, args, self._installations.check(token))
                return response, _acting(caller)
        except SlackError as exc:
            return exc.body(), where

    def _oauth_access(self, args: Json, headers: Mapping[str, str]) -> tuple[Json, tuple[str | None, str | None]]:
        try:
            with self._lock:
                response, installation = self._oauth.access(args, basic_auth(headers))
                return response, _where(installation)
        except SlackError as exc:
            return exc.body(), (None, None)

    def _record(self, verb: str, method: str | None, path: str, args: Json, status: int | None,
                response: Json | None, at: float, fault: Fault | None, where: tuple[str | None, str | None]) -> None:
        team, enterprise = where
        call: Json = {"method": method, "path": path, "args": args, "status": status, "response": response, "at": at,
                      "team": team, "enterprise": enterprise}
        if fault is not None:
            call["fault"] = fault.describe()
        self._recorder.record(verb, call)

    # -- events to the ingress ---------------------------------------------------------------------------------------

    def _posted(self, channel: str, message: Json, channel_type: str, caller: Caller) -> None:
        if self._echo is not None:
            self._echo.message_posted(channel, message, channel_type, caller.installation, caller.team)

    def _revoked(self, installation: Installation, grants: list[Grant], uninstalled: bool) -> None:
        if self._echo is not None:
            self._echo.revoked(installation, grants, uninstalled)


def _acting(caller: Caller) -> tuple[str | None, str | None]:
    """(team, enterprise) a call acted for: the workspace it reached, and the installation's enterprise."""
    enterprise = caller.installation.enterprise
    return caller.team.id if caller.team else None, enterprise.id if enterprise else None


def _where(installation: Installation) -> tuple[str | None, str | None]:
    enterprise, team = installation.key
    return team, enterprise


def _target_where(target: Workspace | Enterprise | None) -> tuple[str | None, str | None]:
    if isinstance(target, Workspace):
        return target.id, target.enterprise_id
    return None, target.id if target else None


def _scope_set(scope: str | Iterable[str]) -> frozenset[str]:
    items = scope.split(",") if isinstance(scope, str) else scope
    return frozenset(item.strip() for item in items if item.strip())
