"""Stored records are keyed by channel and workspace first; different parts never make the same key."""

from __future__ import annotations

import itertools

import pytest

from bot.stores.keys import record_key, workspace_key


def test_a_workspace_key_names_the_channel_the_enterprise_and_the_team() -> None:
    assert workspace_key("slack", "T456", "E123") == "slack:E123:T456"
    assert workspace_key("slack", "T456") == "slack:-:T456"
    assert workspace_key("lex", "BOTID") == "lex:-:BOTID"
    assert workspace_key("console", "local") == "console:-:local"


def test_two_workspaces_and_two_channels_never_share_a_key() -> None:
    keys = {workspace_key(via, team, enterprise)
            for via, team, enterprise in itertools.product(("slack", "lex"), ("T1", "T2"), ("", "E1"))}
    assert len(keys) == 8


@pytest.mark.parametrize("via", ["", "sl:ack", "sl#ack"])
def test_a_channel_name_that_would_blur_the_key_is_refused(via: str) -> None:
    with pytest.raises(ValueError):
        workspace_key(via, "T1")


def test_parts_that_hold_the_separators_cannot_collide() -> None:
    workspace = workspace_key("lex", "BOT")
    pairs = [("a#b", "c"), ("a", "b#c"), ("a%23b", "c"), ("a:b", "c"), ("a", None), ("a", "-")]
    keys = [record_key(workspace, *pair) for pair in pairs[:4]]
    assert len(set(keys)) == 4
    # a missing part and a literal "-" part are the same on purpose: both mean "none"
    assert record_key(workspace, *pairs[4]) == record_key(workspace, *pairs[5])
