"""The Slack app manifest of an oauth-mode stage (`serverless print --param=slackMode=oauth`, once for the module).

In oauth mode the manifest names the redirect URL the install flow sends (and no other), turns org-wide deployment on,
and Slack's token rotation as the stage says; the scopes are the same as in single mode, and a single-mode manifest
has none of the OAuth settings (tests/functional/test_manifest.py checks the rest of it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.channels.slack import surface
from bot.conversation import registry
from bot.settings import Settings
from bot.tools import manifest as manifest_module
from bot.tools.manifest import ManifestError, build_manifest, main, resolved_config
from tests.functional.test_manifest import TagIgnoringLoader

BASE = "https://example.execute-api.us-east-1.amazonaws.com"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def rotating() -> dict[str, Any]:
    return resolved_config("dev", ["slackMode=oauth", "slackTokenRotation=true"])


@pytest.fixture(scope="module")
def single() -> dict[str, Any]:
    return resolved_config("dev")


def without_rotation(config: dict[str, Any]) -> dict[str, Any]:
    copy = json.loads(json.dumps(config))
    copy["provider"]["environment"]["PARLEY_SLACK_TOKEN_ROTATION"] = "false"
    return copy


def test_oauth_mode_names_the_redirect_url_and_turns_rotation_and_org_installs_on(rotating: dict[str, Any]) -> None:
    manifest = build_manifest(base_url=BASE + "/", stage="dev", registry=registry, config=rotating)
    assert manifest["oauth_config"] == {"redirect_urls": [BASE + "/slack/oauth_redirect"],
                                        "scopes": {"bot": list(surface.BOT_SCOPES)}}
    assert manifest["settings"]["token_rotation_enabled"] is True
    assert manifest["settings"]["org_deploy_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is False
    # the events still go to the ingress, whatever the mode
    assert manifest["settings"]["event_subscriptions"]["request_url"] == BASE + "/slack/events"


def test_oauth_mode_subscribes_the_uninstall_events_its_worker_handles(rotating: dict[str, Any],
                                                                      single: dict[str, Any]) -> None:
    # Slack sends app_uninstalled and tokens_revoked only to subscribed apps; the oauth worker deletes the
    # installation on them (tests/functional/test_worker_oauth.py), the single-mode worker has no listener for them
    oauth_events = build_manifest(base_url=BASE, stage="dev", registry=registry,
                                  config=rotating)["settings"]["event_subscriptions"]["bot_events"]
    single_events = build_manifest(base_url=BASE, stage="dev", registry=registry,
                                   config=single)["settings"]["event_subscriptions"]["bot_events"]
    assert set(oauth_events) - set(single_events) == set(surface.INSTALLATION_EVENTS)


def test_token_rotation_follows_the_stage(rotating: dict[str, Any]) -> None:
    manifest = build_manifest(base_url=BASE, stage="dev", registry=registry, config=without_rotation(rotating))
    assert manifest["settings"]["token_rotation_enabled"] is False
    assert manifest["oauth_config"]["redirect_urls"] == [BASE + "/slack/oauth_redirect"]


def test_single_mode_has_none_of_the_oauth_settings(single: dict[str, Any]) -> None:
    manifest = build_manifest(base_url=BASE, stage="dev", registry=registry, config=single)
    assert manifest["oauth_config"] == {"scopes": {"bot": list(surface.BOT_SCOPES)}}
    settings = manifest["settings"]
    assert settings["token_rotation_enabled"] is False  # (org_deploy_enabled: the intents' steps need it anyway)


def test_the_redirect_url_is_the_route_the_oauth_function_serves(rotating: dict[str, Any]) -> None:
    mode = yaml.load((ROOT / "slack-modes" / "oauth.yml").read_text(), Loader=TagIgnoringLoader)  # noqa: S506
    paths = [event["httpApi"]["path"] for event in mode["function"]["events"]]
    assert paths == [surface.INSTALL_PATH, surface.OAUTH_REDIRECT_PATH]
    # and the one the function sends Slack locally (its deployed value is the stage's API URL + the same path)
    assert Settings(stage="local").oauth_redirect_url.endswith(surface.OAUTH_REDIRECT_PATH)
    broken = json.loads(json.dumps(rotating))
    broken["functions"]["oauth"]["events"] = broken["functions"]["oauth"]["events"][:1]
    with pytest.raises(ManifestError, match="/slack/oauth_redirect"):
        build_manifest(base_url=BASE, stage="dev", registry=registry, config=broken)


def test_the_command_line_passes_params_to_serverless(rotating: dict[str, Any], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[str, list[str]]] = []

    def resolved(stage: str, params: list[str] | None = None) -> dict[str, Any]:
        asked.append((stage, list(params or [])))
        return rotating

    monkeypatch.setattr(manifest_module, "resolved_config", resolved)
    out = tmp_path / "manifest.yml"
    assert main(["--stage", "dev", "--url", BASE, "--param", "slackMode=oauth", "--param", "slackTokenRotation=true",
                 "--out", str(out)]) == 0
    assert asked == [("dev", ["slackMode=oauth", "slackTokenRotation=true"])]
    assert yaml.safe_load(out.read_text())["oauth_config"]["redirect_urls"] == [BASE + "/slack/oauth_redirect"]
    assert main(["--stage", "dev", "--url", BASE, "--param", "slackMode"]) == 2
