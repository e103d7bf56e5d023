"""The Slack app manifest of a stage, generated from serverless.yml and the intents.

    python -m bot.tools.manifest --stage dev --url https://abc.execute-api.us-east-1.amazonaws.com [--out FILE]
                                 [--param slackMode=oauth ...]

The URL may carry the route already (`.../slack/events`, as `serverless deploy` prints the endpoint). The stage
must be one serverless.yml has a `params` block for (or a local one): a typo is refused, not turned into a manifest.

prints it as YAML, ready for api.slack.com/apps -> Create New App -> From an app manifest. Events, the
slash command and interactivity all go to the one httpApi route of the `slack` function, read from the
resolved serverless config; the command, events, scopes and callback ids come from `slack_surface`
and the shortcuts from the intents. So the manifest cannot ask Slack for anything the code does not serve.

A stage in oauth mode (its `slackMode` param, or `--param slackMode=oauth` as for a deploy) has the `oauth`
function: the manifest then names its redirect URL (OAuth & Permissions > Redirect URLs), turns on org-wide
deployment (Enterprise Grid orgs can install it for all their workspaces) and Slack's token rotation as the stage's
`slackTokenRotation` says. A single-mode stage's manifest has none of it.

Intents declared `workflow_step=True` become Workflow Builder custom steps (`functions`, see
`bot.channels.slack.steps`); Slack takes custom steps only from an org-ready app (`org_deploy_enabled`) whose steps
run on its own servers (`function_runtime: remote`), so a manifest with steps says both.

`build_manifest` is pure; only `main` runs `serverless print` and needs PyYAML (a development
dependency, never imported on Lambda).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.channels.slack.assistant import suggested_prompts
from bot.channels.slack.steps import function_definition
from bot.channels.slack.surface import (
    BOT_EVENTS,
    BOT_SCOPES,
    INSTALL_PATH,
    INSTALLATION_EVENTS,
    OAUTH_REDIRECT_PATH,
    SLASH_COMMAND,
    SLASH_COMMAND_DESCRIPTION,
    SLASH_COMMAND_USAGE,
    form_callback_id,
    message_shortcut_callback_id,
)
from bot.conversation.registry import Registry
from bot.observability.stages import UnknownStage, check_stage

ROOT = Path(__file__).resolve().parents[2]
SERVERLESS = ROOT / "node_modules" / ".bin" / "serverless"

INGRESS_FUNCTION = "slack"  # the function whose httpApi route Slack calls
OAUTH_FUNCTION = "oauth"  # oauth mode only: the install link and the OAuth redirect
APP_NAME = "Parley"
BOT_NAME = "parley"
APP_DESCRIPTION = "Ask Parley in a direct message, with /parley, or by mentioning it in a channel."
BACKGROUND_COLOR = "#2d5f73"
# Only production goes without a suffix, so a dev app is never mistaken for it in a workspace
PROD_STAGES = frozenset({"prod"})
# http is refused (Slack only calls https) except on this machine, for local stacks and tests
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})

# Slack's limits. Manifest reference: app name 35, bot display name 80 (a-z 0-9 - _ .), at most 10
# shortcuts, shortcut description 150. The app settings form refuses shortcut names over 24 characters
# and we keep descriptions to 100, so a shortcut also survives being edited there.
APP_NAME_MAX = 35
BOT_NAME_MAX = 80
SHORTCUTS_MAX = 10
SHORTCUT_NAME_MAX = 24
SHORTCUT_DESCRIPTION_MAX = 100
ASSISTANT_DESCRIPTION = ("Ask Parley anything it can do: roll a die, open or list tickets, count primes. "
                         "Say help to see everything.")
ASSISTANT_DESCRIPTION_MAX = 140  # our limit (the schema sets none): one line under the app's name


class ManifestError(ValueError):
    """The manifest cannot be built as asked: a bad URL, config or declaration. The message says which."""


def request_base(base_url: str) -> str:
    """The base URL, checked (https, or http on 127.0.0.1 / localhost) and without a trailing slash."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ManifestError(f"the base URL must be an absolute https URL, got {base_url!r}")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        raise ManifestError(f"Slack only calls https URLs; {base_url!r} is http "
                            "(http is accepted for 127.0.0.1 and localhost only)")
    if parts.query or parts.fragment or parts.username or parts.password:
        # the route path is appended to it; a query, fragment or credentials would end up in the wrong place
        raise ManifestError(f"the base URL must have no query, fragment or credentials, got {base_url!r}")
    return base_url.strip().rstrip("/")


def without_route(base: str, route: str) -> str:
    """The base URL without the ingress route: `serverless deploy` prints the endpoint with it
    (https://.../slack/events), and that URL is accepted as it is, not made into /slack/events/slack/events."""
    return base[: -len(route)] if route and base.endswith(route) else base


def known_stage(stage: str) -> None:
    """Refuse a stage serverless.yml declares no `params` for (a typo would otherwise give a manifest for a stage
    that was never deployed), before the framework is asked: the one rule of bot.observability.stages."""
    try:
        check_stage(stage)
    except UnknownStage as error:
        raise ManifestError(f"{error}. Deploy a new stage after giving it a block under `params:` in "
                            "serverless.yml") from None


def http_routes(function: dict[str, Any]) -> list[tuple[str, str]]:
    """A function's httpApi routes as (METHOD, path), in either of the framework's forms."""
    routes = []
    for event in function.get("events") or []:
        route = event.get("httpApi") if isinstance(event, dict) else None
        if isinstance(route, str):  # the shorthand form: httpApi: 'POST /slack/events'
            method, _, path = route.partition(" ")
        elif isinstance(route, dict):
            method, path = str(route.get("method", "")), str(route.get("path", ""))
        else:
            continue
        routes.append((method.upper(), path))
    return routes


def ingress_path(config: dict[str, Any]) -> str:
    """The path of the `slack` function's httpApi POST route in the resolved serverless config."""
    function = (config.get("functions") or {}).get(INGRESS_FUNCTION)
    if not isinstance(function, dict):
        raise ManifestError(f"the serverless config has no {INGRESS_FUNCTION!r} function")
    # a path parameter or a catch-all cannot be turned into the one URL Slack needs
    paths = {path for method, path in http_routes(function)
             if method in {"POST", "ANY", "*"} and path.startswith("/") and "{" not in path}
    if len(paths) != 1:
        found = ", ".join(sorted(paths)) or "none"
        raise ManifestError(f"the {INGRESS_FUNCTION!r} function needs exactly one httpApi POST route with a fixed "
                            f"path (events, commands and interactivity share it); found {found}")
    return paths.pop()


def oauth_redirect_path(config: dict[str, Any]) -> str | None:
    """oauth mode: the path Slack sends installers back to, served by the `oauth` function; None in single mode."""
    function = (config.get("functions") or {}).get(OAUTH_FUNCTION)
    if function is None:
        return None
    served = set(http_routes(function)) if isinstance(function, dict) else set()
    missing = {("GET", INSTALL_PATH), ("GET", OAUTH_REDIRECT_PATH)} - served
    if missing:
        routes = ", ".join(f"{method} {path}" for method, path in sorted(missing))
        raise ManifestError(f"the {OAUTH_FUNCTION!r} function does not serve {routes}: the install flow needs both")
    return OAUTH_REDIRECT_PATH


def token_rotation(config: dict[str, Any]) -> bool:
    """The stage's PARLEY_SLACK_TOKEN_ROTATION (its slackTokenRotation param), as the functions read it."""
    value = ((config.get("provider") or {}).get("environment") or {}).get("PARLEY_SLACK_TOKEN_ROTATION", False)
    return str(value).strip().lower() in {"true", "1", "yes", "on"}


def app_name(stage: str) -> str:
    name = APP_NAME if stage in PROD_STAGES else f"{APP_NAME} ({stage})"
    if len(name) > APP_NAME_MAX:
        raise ManifestError(f"app name {name!r} is over Slack's {APP_NAME_MAX} characters; use a shorter stage name")
    return name


def bot_name(stage: str) -> str:
    name = BOT_NAME if stage in PROD_STAGES else f"{BOT_NAME}-{stage}"
    # Slack allows a-z, 0-9, '-', '_' and '.' in a bot's display name
    return re.sub(r"[^a-z0-9._-]+", "-", name.lower())[:BOT_NAME_MAX]


def clip(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut at a word with an ellipsis when it is longer."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit - 1]  # one character is left for the ellipsis
    if text[limit - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]  # a cut word would read as a different word
    return head.rstrip(" ,;:.") + "…"


def shortcuts(registry: Registry) -> list[dict[str, str]]:
    """A global and a message shortcut for each intent that names one; both open the intent's form."""
    declared: list[dict[str, str]] = []
    for intent in registry:
        name = (intent.shortcut or "").strip()
        if not name:
            continue
        if len(name) > SHORTCUT_NAME_MAX:
            raise ManifestError(f"intent {intent.name!r}: shortcut name {name!r} is {len(name)} characters; "
                                f"Slack allows {SHORTCUT_NAME_MAX}")
        description = clip(intent.description, SHORTCUT_DESCRIPTION_MAX)
        declared.append({"name": name, "type": "global", "callback_id": form_callback_id(intent.name),
                         "description": description})
        declared.append({"name": name, "type": "message", "callback_id": message_shortcut_callback_id(intent.name),
                         "description": description})
    if len(declared) > SHORTCUTS_MAX:
        raise ManifestError(f"{len(declared) // 2} intents declare a shortcut; each needs two and Slack allows "
                            f"{SHORTCUTS_MAX} shortcuts in all")
    return declared


def assistant_view(registry: Registry) -> dict[str, Any]:
    """The assistant split view ("Agents & AI apps"): its description, and the prompts a new thread offers (the
    same the worker sets on each thread, from the intents)."""
    view: dict[str, Any] = {"assistant_description": clip(ASSISTANT_DESCRIPTION, ASSISTANT_DESCRIPTION_MAX)}
    prompts = suggested_prompts(registry)
    if prompts:
        view["suggested_prompts"] = prompts
    return view


def build_manifest(*, base_url: str, stage: str, registry: Registry, config: dict[str, Any]) -> dict[str, Any]:
    """The Slack app manifest (schema 1.1) for `stage`, served at `base_url`.

    `config` is the resolved serverless config, as `serverless print --format json` gives it.
    """
    route = ingress_path(config)
    base = without_route(request_base(base_url), route)
    url = base + route
    redirect_path = oauth_redirect_path(config)
    features: dict[str, Any] = {
        # the Home tab shows what the bot can do (bot/channels/slack/home.py); the messages tab is where people DM
        # the bot, and read-only would stop them writing
        "app_home": {"home_tab_enabled": True, "messages_tab_enabled": True, "messages_tab_read_only_enabled": False},
        "bot_user": {"display_name": bot_name(stage), "always_online": True},
        "slash_commands": [
            {"command": SLASH_COMMAND, "url": url, "description": SLASH_COMMAND_DESCRIPTION,
             "usage_hint": SLASH_COMMAND_USAGE, "should_escape": False},
        ],
    }
    features["assistant_view"] = assistant_view(registry)
    declared = shortcuts(registry)
    if declared:  # left out rather than empty when no intent has one
        features["shortcuts"] = declared
    return with_steps({
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {"name": app_name(stage), "description": APP_DESCRIPTION,
                                "background_color": BACKGROUND_COLOR},
        "features": features,
        "oauth_config": oauth_config(base, redirect_path),
        "settings": {
            "event_subscriptions": {"request_url": url, "bot_events": bot_events(redirect_path is not None)},
            # message_menu_options_url is where Slack asks for external select options (block_suggestion)
            "interactivity": {"is_enabled": True, "request_url": url, "message_menu_options_url": url},
            # oauth mode: an Enterprise Grid org may install it org-wide (Bolt and the stores handle such installs)
            "org_deploy_enabled": redirect_path is not None,
            "socket_mode_enabled": False,
            "token_rotation_enabled": redirect_path is not None and token_rotation(config),
        },
    }, registry)


def with_steps(manifest: dict[str, Any], registry: Registry) -> dict[str, Any]:
    """The manifest with the intents' Workflow Builder steps as `functions` (left out when there are none), and
    the settings Slack requires of an app that has them."""
    steps = {intent.name: function_definition(intent) for intent in registry if intent.workflow_step}
    if steps:
        manifest["functions"] = steps
        manifest["settings"].update(org_deploy_enabled=True, function_runtime="remote")
    return manifest


def bot_events(oauth: bool) -> list[str]:
    """What the worker listens to: the conversation's surfaces; in oauth mode also the uninstall events, which remove
    an installation (Slack sends them only to subscribed apps)."""
    return [*BOT_EVENTS, *(INSTALLATION_EVENTS if oauth else ())]


def oauth_config(base: str, redirect_path: str | None) -> dict[str, Any]:
    """The scopes the code needs, and in oauth mode the one redirect URL the install flow sends (Slack refuses any
    other redirect_uri)."""
    config: dict[str, Any] = {"scopes": {"bot": list(BOT_SCOPES)}}
    if redirect_path is not None:
        config = {"redirect_urls": [base + redirect_path], **config}
    return config


def resolved_config(stage: str, params: Sequence[str] = ()) -> dict[str, Any]:
    """serverless.yml for `stage` with its variables resolved, from `serverless print` (as bot/local/stack.py does);
    `params` ("slackMode=oauth") are given as `--param`, as to a deploy."""
    env = {**os.environ, "SLS_TELEMETRY_DISABLED": "1", "SLS_NOTIFICATIONS_MODE": "off"}
    try:
        result = subprocess.run(
            [str(SERVERLESS), "print", "--stage", stage, "--format", "json", *(f"--param={each}" for each in params)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
        )
    except FileNotFoundError:
        raise ManifestError(f"{SERVERLESS} is missing; run `make setup` first") from None
    if result.returncode != 0:
        raise ManifestError(f"serverless print failed:\n{result.stdout}\n{result.stderr}")
    # the framework may print notices before the document
    start = result.stdout.find("{")
    if start < 0:
        raise ManifestError(f"serverless print gave no JSON:\n{result.stdout}")
    return json.loads(result.stdout[start:])


def to_yaml(manifest: dict[str, Any], *, header: str = "") -> str:
    import yaml  # a development dependency: only the command line needs it

    body = yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, default_flow_style=False, width=4096)
    return header + body


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.tools.manifest",
        description="Print the Slack app manifest of a stage (YAML), for api.slack.com/apps -> Create New App.",
    )
    parser.add_argument("--stage", required=True,
                        help="the serverless stage, one serverless.yml has params for (dev, staging, prod, ...)")
    parser.add_argument("--url", required=True,
                        help="the stage's HTTP API URL, with or without the route, as deploy prints it: "
                             "https://abc.execute-api.us-east-1.amazonaws.com[/slack/events]")
    parser.add_argument("--out", type=Path, help="write the manifest to this file instead of standard output")
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                        help="a serverless param for this stage, as `serverless deploy --param` takes it "
                             "(e.g. slackMode=oauth); repeatable")
    args = parser.parse_args(argv)

    try:
        request_base(args.url)  # refuse a bad URL before spending seconds on serverless print
    except ManifestError as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    if any("=" not in each for each in args.param):
        print(f"{parser.prog}: error: --param takes KEY=VALUE", file=sys.stderr)
        return 2
    try:
        known_stage(args.stage)
        config = resolved_config(args.stage, args.param) if args.param else resolved_config(args.stage)
        importlib.import_module("intents")  # declares every intent in the registry below
        from bot.conversation.registry import registry

        manifest = build_manifest(base_url=args.url, stage=args.stage, registry=registry, config=config)
    except ManifestError as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 1

    header = f"# Parley's Slack app manifest for stage {args.stage}, made by `{parser.prog}`: edit the code, not this\n"
    text = to_yaml(manifest, header=header)
    if args.out:
        args.out.write_text(text)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
