"""The app manifest an admin pastes agrees with what the app serves."""

from __future__ import annotations

import re
from pathlib import Path

from adapters.ops.doctor import manifest_scopes
from adapters.slack.app import COMMAND, PATH
from adapters.slack.listeners import LOOKUP_SHORTCUT

MANIFEST_DIR = Path(__file__).resolve().parents[2] / "adapters" / "slack"
MANIFEST = (MANIFEST_DIR / "manifest.yaml").read_text()


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


def test_manifest_offers_the_look_up_customer_message_shortcut_the_app_answers():
    (shortcut,) = re.findall(r"^  shortcuts:\n((?:    .*\n)+)", MANIFEST, re.M)
    fields = dict(re.findall(r"^\s+-?\s*(\w+): (.+)$", shortcut, re.M))
    assert fields["type"] == "message" and fields["callback_id"] == LOOKUP_SHORTCUT
    assert len(fields["name"]) <= 24 and len(fields["description"]) <= 150  # Slack's limits


# Every scope the manifest asks for, and the call (or event) in adapters/slack/ that needs it.
SCOPE_USES = {
    "app_mentions:read": '"app_mention"',
    "channels:read": "conversations_info(",
    "groups:read": "conversations_info(",
    "mpim:read": "conversations_info(",
    "chat:write": "chat_postMessage(",
    "commands": "@app.command(",
    "files:write": "files_upload_v2(",
    "im:history": '"message"',
    "channels:history": "conversations_history(",
    "groups:history": "conversations_history(",
    "mpim:history": "conversations_history(",
    "im:write": "conversations_open(",
    "users:read": "users_info(",
    "users:read.email": '.get("email")',
}


def test_manifest_asks_only_for_scopes_the_code_uses():
    code = "".join(p.read_text() for p in (MANIFEST_DIR).glob("*.py"))
    assert manifest_scopes() == list(SCOPE_USES), "a scope without a known use, or a use without a scope"
    for scope, use in SCOPE_USES.items():
        assert use in code, f"{scope}: nothing in adapters/slack calls {use}"
    assert "im:read" not in manifest_scopes()
