"""The app manifest an admin pastes agrees with what the app serves."""

from __future__ import annotations

import re
from pathlib import Path

from adapters.slack.app import COMMAND, PATH

MANIFEST = (Path(__file__).resolve().parents[2] / "adapters" / "slack" / "manifest.yaml").read_text()


def test_manifest_names_the_command_events_scopes_and_endpoint_the_app_serves():
    assert re.search(rf"^\s+- command: {re.escape(COMMAND)}$", MANIFEST, re.M)
    urls = re.findall(r"(?:url|request_url): (\S+)", MANIFEST)
    assert len(urls) == 3 and all(u == f"https://YOUR-HOST{PATH}" for u in urls)
    events = re.findall(r"^\s+- (app_home_opened|app_mention|message\.im)$", MANIFEST, re.M)
    assert sorted(events) == ["app_home_opened", "app_mention", "message.im"]
    for scope in (
        "app_mentions:read",
        "chat:write",
        "commands",
        "files:write",
        "im:history",
        "users:read.email",
    ):
        assert re.search(rf"^\s+- {re.escape(scope)}\b", MANIFEST, re.M), scope
    assert "home_tab_enabled: true" in MANIFEST and "is_enabled: true" in MANIFEST
