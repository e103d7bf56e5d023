"""The Slack app manifest, generated from the resolved serverless config (`serverless print`, once for the module).

It must name what the code serves, point every URL at the `slack` function's route, give each shortcut
intent both shortcuts, and refuse a URL Slack would not call.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

import intents  # noqa: F401 - declares the real intents
from bot.channels.slack import surface as slack_surface
from bot.conversation import Registry, Reply, Slot, Text, Turn, registry
from bot.local.slack_events import (
    LOCAL_TEAM,
    LOCAL_USER,
    app_home_opened_event,
    app_uninstalled_event,
    assistant_thread_context_changed_event,
    assistant_thread_started_event,
    event_callback,
    form,
    function_executed_event,
    message_event,
    new_ts,
    signed_request,
    tokens_revoked_event,
)
from bot.local.standin.server import SlackStandIn
from bot.settings import Settings
from bot.tools import manifest as manifest_module
from bot.tools.manifest import ManifestError, build_manifest, main, resolved_config

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://example.execute-api.us-east-1.amazonaws.com"
STAGE = "dev"
LONG_DESCRIPTION = "File a bug report with its steps, what you expected and what happened instead, " * 3

# The scope each bot event needs (Slack's event reference); an event without its scope is never delivered.
EVENT_SCOPES = {
    "app_mention": "app_mentions:read",
    "message.im": "im:history",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "message.mpim": "mpim:history",
    "app_home_opened": None,
    # the assistant view's events: Slack delivers them to an app with the assistant:write scope
    "assistant_thread_started": "assistant:write",
    "assistant_thread_context_changed": "assistant:write",
    "function_executed": None,  # sent for the app's own steps, with no scope
}


class TagIgnoringLoader(yaml.SafeLoader):
    """Reads serverless.yml as written: CloudFormation tags (!GetAtt, !Ref) become None."""


TagIgnoringLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return resolved_config(STAGE)


@pytest.fixture(scope="module")
def shortcut_registry() -> Registry:
    """The real intents plus one with a shortcut and a description longer than Slack shows."""
    local = Registry()
    for declared in registry:
        local.add(declared)

    @local.intent("file_bug", description=LONG_DESCRIPTION, examples=["file a bug about {what}"],
                  slots=[Slot("what", Text(max_length=200), prompt="What is broken?")], shortcut="File a bug")
    def file_bug(turn: Turn) -> Reply:
        return Reply("Filed.")

    return local


@pytest.fixture(scope="module")
def manifest(config: dict[str, Any], shortcut_registry: Registry) -> dict[str, Any]:
    return build_manifest(base_url=BASE, stage=STAGE, registry=shortcut_registry, config=config)


@pytest.fixture(scope="module")
def route_path() -> str:
    """The `slack` function's httpApi POST path, read from serverless.yml itself (not the resolved config)."""
    raw = yaml.load((ROOT / "serverless.yml").read_text(), Loader=TagIgnoringLoader)  # noqa: S506 - a SafeLoader
    [path] = [event["httpApi"]["path"] for event in raw["functions"]["slack"]["events"]
              if "httpApi" in event and event["httpApi"]["method"].upper() == "POST"]
    return path


@pytest.fixture(scope="module")
def cli_output(config: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> str:
    """`python -m bot.tools.manifest` in process, on the module's resolved config (one serverless print a module)."""
    out = tmp_path_factory.mktemp("manifest") / "manifest.yml"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest_module, "resolved_config", lambda stage: config)
        assert main(["--stage", STAGE, "--url", BASE + "/", "--out", str(out)]) == 0
    return out.read_text()


def urls_in(document: Any) -> Iterator[str]:
    """Every value of a key that names a URL, anywhere in the manifest."""
    if isinstance(document, dict):
        for key, value in document.items():
            if key == "url" or key.endswith("_url"):
                yield value
            else:
                yield from urls_in(value)
    elif isinstance(document, list):
        for item in document:
            yield from urls_in(item)


def test_the_generated_yaml_parses_into_the_manifest(cli_output: str, config: dict[str, Any]) -> None:
    parsed = yaml.safe_load(cli_output)
    assert parsed == build_manifest(base_url=BASE, stage=STAGE, registry=registry, config=config)
    assert parsed["_metadata"] == {"major_version": 1, "minor_version": 1}
    assert list(parsed) == ["_metadata", "display_information", "features", "oauth_config", "settings", "functions"]


def test_it_names_the_slash_command_events_and_scopes_the_code_serves(manifest: dict[str, Any]) -> None:
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == slack_surface.SLASH_COMMAND
    assert command["description"] == slack_surface.SLASH_COMMAND_DESCRIPTION
    assert command["usage_hint"] == slack_surface.SLASH_COMMAND_USAGE
    assert command["should_escape"] is False
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == list(slack_surface.BOT_EVENTS)
    assert manifest["oauth_config"]["scopes"]["bot"] == list(slack_surface.BOT_SCOPES)
    for event in slack_surface.BOT_EVENTS:
        assert event in EVENT_SCOPES, f"add {event!r}'s scope to EVENT_SCOPES"
        needed = EVENT_SCOPES[event]
        assert needed is None or needed in slack_surface.BOT_SCOPES, f"{event} needs the {needed} scope"


def test_every_url_is_the_base_url_plus_the_slack_route(manifest: dict[str, Any], route_path: str) -> None:
    expected = BASE + route_path
    settings = manifest["settings"]
    named = [
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        settings["interactivity"]["message_menu_options_url"],
        *(command["url"] for command in manifest["features"]["slash_commands"]),
    ]
    assert named == [expected] * 4
    assert set(urls_in(manifest)) == {expected}
    # the path the local stack serves (make run, the tests) is the same route
    assert urlsplit(Settings().local_ingress_url).path == route_path


def test_every_shortcut_intent_has_a_global_and_a_message_shortcut(manifest: dict[str, Any],
                                                                    shortcut_registry: Registry) -> None:
    shortcuts = manifest["features"]["shortcuts"]
    with_shortcut = [intent for intent in shortcut_registry if intent.shortcut]
    assert "file_bug" in {intent.name for intent in with_shortcut}
    assert len(shortcuts) == 2 * len(with_shortcut)
    for intent in with_shortcut:
        mine = {s["type"]: s for s in shortcuts if slack_surface.intent_of_callback(s["callback_id"]) == intent.name}
        assert set(mine) == {"global", "message"}, intent.name
        assert mine["global"]["callback_id"] == slack_surface.form_callback_id(intent.name)
        assert mine["message"]["callback_id"] == slack_surface.message_shortcut_callback_id(intent.name)
        for shortcut in mine.values():
            assert shortcut["name"] == intent.shortcut
            assert 0 < len(shortcut["name"]) <= 24
            assert 0 < len(shortcut["description"]) <= 100
    assert len(shortcuts) <= 10
    [clipped] = {s["description"] for s in shortcuts if s["callback_id"].startswith("intent:file_bug")}
    assert clipped.endswith("…") and LONG_DESCRIPTION.startswith(clipped[:-1])


def test_the_real_intents_shortcuts_are_in_the_generated_yaml(cli_output: str) -> None:
    shortcuts = yaml.safe_load(cli_output)["features"].get("shortcuts", [])
    for intent in registry:
        ids = {s["callback_id"] for s in shortcuts if slack_surface.intent_of_callback(s["callback_id"]) == intent.name}
        both = {slack_surface.form_callback_id(intent.name), slack_surface.message_shortcut_callback_id(intent.name)}
        assert ids == (both if intent.shortcut else set()), intent.name


def test_a_shortcut_name_over_slacks_limit_is_refused(config: dict[str, Any]) -> None:
    local = Registry()

    @local.intent("reorder", description="Reorder.", examples=["reorder"], shortcut="Reorder the whole backlog now")
    def reorder(turn: Turn) -> Reply:
        return Reply("Done.")

    with pytest.raises(ManifestError, match="24"):
        build_manifest(base_url=BASE, stage=STAGE, registry=local, config=config)


def test_the_stage_is_in_the_name_except_in_prod(config: dict[str, Any]) -> None:
    dev = build_manifest(base_url=BASE, stage="dev", registry=registry, config=config)
    prod = build_manifest(base_url=BASE, stage="prod", registry=registry, config=config)
    assert dev["display_information"]["name"] == "Parley (dev)"
    assert prod["display_information"]["name"] == "Parley"
    assert dev["features"]["bot_user"] == {"display_name": "parley-dev", "always_online": True}
    assert prod["features"]["bot_user"]["display_name"] == "parley"
    assert len(dev["display_information"]["description"]) < 140
    with pytest.raises(ManifestError, match="35"):
        build_manifest(base_url=BASE, stage="a-very-long-stage-name-indeed", registry=registry, config=config)


def test_direct_messages_and_the_settings_slack_needs(manifest: dict[str, Any]) -> None:
    home = manifest["features"]["app_home"]
    assert home["messages_tab_enabled"] is True
    assert home["messages_tab_read_only_enabled"] is False
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    # the intents' Workflow Builder steps need an org-ready app (org_deploy_enabled) running them itself
    assert (settings["org_deploy_enabled"], settings["socket_mode_enabled"], settings["token_rotation_enabled"]) == (
        True, False, False)
    assert settings["function_runtime"] == "remote"


@pytest.mark.parametrize("url", [
    "http://example.execute-api.us-east-1.amazonaws.com",
    "http://127.0.0.1.example.com",
    "ftp://example.com",
    "example.execute-api.us-east-1.amazonaws.com",
    "https://example.com/?next=1",
    "https://user:secret@example.com",
])
def test_a_url_slack_would_not_call_is_refused(url: str, config: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ManifestError):
        build_manifest(base_url=url, stage=STAGE, registry=registry, config=config)

    def no_print(stage: str) -> dict[str, Any]:
        raise AssertionError("serverless print ran for a URL that is refused anyway")

    monkeypatch.setattr(manifest_module, "resolved_config", no_print)
    assert main(["--stage", STAGE, "--url", url]) == 2
    assert "error:" in capsys.readouterr().err


@pytest.mark.parametrize("url", ["http://127.0.0.1:3000/", "http://localhost:3000", "https://example.com/prefix//"])
def test_https_and_this_machine_are_accepted_without_the_trailing_slash(url: str, config: dict[str, Any],
                                                                         route_path: str) -> None:
    built = build_manifest(base_url=url, stage=STAGE, registry=registry, config=config)
    assert set(urls_in(built)) == {url.rstrip("/") + route_path}


def test_a_config_without_the_slack_route_is_refused(config: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(config))
    broken["functions"]["slack"]["events"] = []
    with pytest.raises(ManifestError, match="httpApi"):
        build_manifest(base_url=BASE, stage=STAGE, registry=registry, config=broken)


# --- the worker side: every request the manifest has Slack send must have a listener ------------------------------

TOKEN = "xoxb-manifest-test-token"
SECRET = "manifest-signing-secret"
# channel_type and a channel id of the right kind for each `message.*` subscription
MESSAGE_CHANNELS = {"im": ("im", "D0MANIFEST"), "channels": ("channel", "C0MANIFEST"),
                    "groups": ("group", "G0MANIFEST"), "mpim": ("mpim", "G0MANIFESTMP")}



@pytest.fixture(scope="module")
def worker(slack: SlackStandIn, shortcut_registry: Registry) -> Any:
    """The worker's Bolt app, built as bot.worker.handler builds it, against the Slack stand-in."""
    from bot.conversation.engine import Engine
    from bot.worker.access import SlackAccess
    from bot.worker.app import build_app, build_web_client

    settings = Settings(slack_api_url=slack.api_url, bot_token=TOKEN, signing_secret=SECRET)
    engine = Engine(shortcut_registry)
    return build_app(settings, engine, SlackAccess(settings, build_web_client(settings), engine.work.stores))


# Every bot event type Slack's Events API documents (docs.slack.dev/reference/events), `message` by the channel kind
# its subscription names. The worker must listen to exactly the ones the manifest subscribes to: one it handles but
# does not subscribe never comes; one it subscribes but does not handle fails its job (Bolt: 404) until the DLQ.
SLACK_EVENT_TYPES = (
    "app_home_opened", "app_mention", "app_rate_limited", "app_requested", "app_uninstalled", "app_uninstalled_team",
    "assistant_thread_context_changed", "assistant_thread_started", "call_rejected", "channel_archive",
    "channel_created", "channel_deleted", "channel_history_changed", "channel_id_changed", "channel_left",
    "channel_rename", "channel_shared", "channel_unarchive", "channel_unshared", "dnd_updated", "dnd_updated_user",
    "email_domain_changed", "emoji_changed", "entity_details_requested", "file_change", "file_comment_deleted",
    "file_created", "file_deleted", "file_public", "file_shared", "file_unshared", "function_executed",
    "grid_migration_finished", "grid_migration_started", "group_archive", "group_close", "group_deleted",
    "group_history_changed", "group_left", "group_open", "group_rename", "group_unarchive", "im_close", "im_created",
    "im_history_changed", "im_open", "invite_requested", "link_shared", "member_joined_channel",
    "member_left_channel", "message.app_home", "message.channels", "message.groups", "message.im", "message.mpim",
    "message_metadata_deleted", "message_metadata_posted", "message_metadata_updated", "pin_added", "pin_removed",
    "reaction_added", "reaction_removed", "shared_channel_invite_accepted", "shared_channel_invite_approved",
    "shared_channel_invite_declined", "shared_channel_invite_received", "star_added", "star_removed",
    "subteam_created", "subteam_members_changed", "subteam_self_added", "subteam_self_removed", "subteam_updated",
    "team_access_granted", "team_access_revoked", "team_domain_change", "team_join", "team_rename",
    "tokens_revoked", "user_change", "user_huddle_changed", "user_profile_changed", "user_status_changed",
)
MESSAGE_CHANNELS["app_home"] = ("app_home", "D0MANIFEST")


def bot_event_request(name: str) -> dict[str, Any]:
    """An Events API request for a manifest event name, in Slack's documented shape (`message.im`: a `message` in a
    DM); an event the worker has no builder for gets the generic envelope, enough for Bolt to match on its type."""
    kind, _, where = name.partition(".")
    if kind == "message" and where in MESSAGE_CHANNELS:
        channel_type, channel = MESSAGE_CHANNELS[where]
        return message_event("help", channel=channel, channel_type=channel_type)
    if kind == "app_mention":
        ts = new_ts()
        return event_callback({"type": "app_mention", "user": LOCAL_USER, "text": "<@U0PARLEY> help", "ts": ts,
                               "channel": "C0MANIFEST", "event_ts": ts})
    if kind == "function_executed":
        return function_executed_event("roll", {"sides": 6}, function_execution_id="Fx0MANIFEST",
                                       bot_access_token=TOKEN)
    builders = {"assistant_thread_started": lambda: assistant_thread_started_event(),
                "assistant_thread_context_changed": lambda: assistant_thread_context_changed_event(
                    thread_ts=new_ts(), context_channel="C0MANIFEST"),
                "app_home_opened": lambda: app_home_opened_event(),
                "app_uninstalled": lambda: app_uninstalled_event(),
                "tokens_revoked": lambda: tokens_revoked_event(bot=["U0PARLEY"])}
    if kind in builders:
        return builders[kind]()
    return event_callback({"type": kind, "user": LOCAL_USER, "channel": "D0MANIFEST", "event_ts": new_ts()})


def reaches_a_listener(worker: Any, payload: dict[str, Any] | str) -> bool:
    """Whether Bolt finds a listener for the request, dispatched as the worker dispatches a queued one (404: none).

    Only that is checked here: whether the listener then answers well is tests/functional/test_worker.py's job.
    """
    from slack_bolt import BoltRequest

    body, headers = signed_request(payload, SECRET)
    response = worker.dispatch(BoltRequest(body=body.decode(), headers=headers,
                                           context={"correlation_id": "manifest-test"}))
    return response.status != 404


def test_the_worker_handles_every_subscribed_event_and_no_other(manifest: dict[str, Any], worker: Any) -> None:
    subscribed = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert subscribed <= set(SLACK_EVENT_TYPES), subscribed - set(SLACK_EVENT_TYPES)
    handled = {name for name in SLACK_EVENT_TYPES if reaches_a_listener(worker, bot_event_request(name))}
    assert handled - subscribed == set(), "handled, but Slack is never asked to send them"
    assert subscribed - handled == set(), "subscribed, but no listener: their jobs would fail until the DLQ"


def test_the_worker_handles_the_slash_command(manifest: dict[str, Any], worker: Any, slack: SlackStandIn) -> None:
    [command] = manifest["features"]["slash_commands"]
    payload = form({"command": command["command"], "text": "help", "team_id": LOCAL_TEAM, "user_id": LOCAL_USER,
                    "channel_id": "C0MANIFEST", "response_url": f"{slack.url}/commands/T0/1/manifest",
                    "trigger_id": "1.2.manifest", "api_app_id": "A0PARLEY"})
    assert reaches_a_listener(worker, payload)


def test_the_assistant_view_offers_what_a_new_thread_offers(manifest: dict[str, Any],
                                                             shortcut_registry: Registry) -> None:
    from bot.channels.slack.assistant import suggested_prompts

    view = manifest["features"]["assistant_view"]
    assert 0 < len(view["assistant_description"]) <= 140
    assert view["suggested_prompts"] == suggested_prompts(shortcut_registry)
    assert 1 <= len(view["suggested_prompts"]) <= 4
    assert set(slack_surface.ASSISTANT_EVENTS) <= set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert "assistant:write" in manifest["oauth_config"]["scopes"]["bot"]


def test_the_functions_are_the_intents_declared_as_workflow_steps(manifest: dict[str, Any],
                                                                   shortcut_registry: Registry) -> None:
    steps = {declared.name: declared for declared in shortcut_registry if declared.workflow_step}
    assert steps, "the demo intents declare at least one step"
    functions = manifest["functions"]
    assert set(functions) == set(steps)
    for name, function in functions.items():
        inputs = function["input_parameters"]
        # the manifest's documented shape: parameters as `properties` by name, and the names `required`
        assert set(inputs["properties"]) == {slot.name for slot in steps[name].slots}
        assert inputs["required"] == [slot.name for slot in steps[name].slots if slot.required]
        assert function["output_parameters"]["required"] == [slack_surface.STEP_TEXT_OUTPUT]
    assert manifest["settings"]["function_runtime"] == "remote"
    assert "function_executed" in manifest["settings"]["event_subscriptions"]["bot_events"]


def test_the_url_deploy_prints_with_the_route_on_it_is_taken_as_it_is(config: dict[str, Any], route_path: str) -> None:
    printed = BASE + route_path  # `serverless deploy` prints the endpoint with its route
    built = build_manifest(base_url=printed, stage=STAGE, registry=registry, config=config)
    assert set(urls_in(built)) == {BASE + route_path}
    assert built == build_manifest(base_url=BASE, stage=STAGE, registry=registry, config=config)


def test_an_unknown_stage_is_refused_and_the_known_ones_named(config: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(manifest_module, "resolved_config", lambda stage: config)
    assert main(["--stage", "stagin", "--url", BASE]) == 1
    err = capsys.readouterr().err
    assert "unknown stage 'stagin'" in err and "dev" in err and "staging" in err
    assert main(["--stage", "prod", "--url", BASE + "/slack/events"]) == 0
    assert "/slack/events/slack/events" not in capsys.readouterr().out
