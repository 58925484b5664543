"""The manifest asks for what the app listens to, and for nothing it does not use."""

from __future__ import annotations

import re
from pathlib import Path

from bot.adapters import slack_views as views
from bot.adapters.slack import COMMAND, EVENTS_PATH

MANIFEST = (Path(__file__).resolve().parents[4] / "manifest.yml").read_text()


def _list_after(key: str) -> list[str]:
    block = MANIFEST.split(f"{key}:", 1)[1]
    items = []
    for line in block.splitlines()[1:]:
        match = re.match(r"\s+- ([\w.:]+)", line)
        if not match:
            break
        items.append(match.group(1))
    return items


def test_events_cover_the_listeners():
    events = set(_list_after("bot_events"))
    assert {"app_home_opened", "app_mention", "message.im", "member_joined_channel",
            "member_left_channel", "channel_rename", "channel_archive", "channel_unarchive",
            "channel_id_changed", "file_shared"} <= events
    assert "message.channels" not in events  # channel chatter is not the bot's business


def test_minimal_scopes():
    scopes = set(_list_after("bot"))
    assert scopes == {"commands", "chat:write", "files:write", "files:read", "app_mentions:read",
                      "im:history", "users:read", "channels:read", "groups:read"}


def test_command_shortcut_home_and_socket_mode():
    assert f"command: {COMMAND}" in MANIFEST
    assert f"callback_id: {views.NOTE_SHORTCUT}" in MANIFEST
    assert "home_tab_enabled: true" in MANIFEST
    assert "socket_mode_enabled: true" in MANIFEST
    assert MANIFEST.count(f"example.com{EVENTS_PATH}   # HTTP") == 3  # the HTTP-mode URLs
