"""The main Teams cards and Slack messages of a demo book, and the real Adaptive Cards renderer
(Microsoft's ``adaptivecards`` in headless Chromium, ``tools/cardrender``) run on them."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from adapters.slack.render import render as slack_messages
from adapters.teams.render import card
from bot.brain import Brain
from bot.reply import Reply
from bot.services.scheduled import ScheduledPosts
from tests.helpers.actions import ADA, CHANNEL, MARIA
from tests.helpers.blockkit import PHONE_COLUMNS, message_text
from tests.helpers.data import ROOT

RENDERER = ROOT / "tools" / "cardrender"
WIDTHS = (600, 360)  # Teams on the desktop (a card in a chat pane) and on a phone


def chromium() -> str | None:
    """The Chromium the renderer drives (Debian's package), or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def main_replies(brain: Brain) -> dict[str, Reply]:
    """The answers people see most, by name: welcome, help, a list, a profile, the digest, the
    channel's churn alert (its suggestions stored, as the worker does), the pending actions and a
    figure by group."""
    scheduled = ScheduledPosts(brain)
    scheduled.propose_alerted("teams", CHANNEL.channel_id, None)
    (alert,) = scheduled.alerts("teams", CHANNEL.channel_id, "alerts:teams:C:2026-W46", None)[0]
    return {
        "welcome": brain.welcome(),
        "help": brain.ask("help", ADA, CHANNEL),
        "list": brain.ask("my dormant customers", MARIA, CHANNEL),
        "profile": brain.ask("tell me about Kestrel Retail", ADA, CHANNEL),
        "digest": brain.ask("show this week's key account digest", ADA, CHANNEL),
        "churn-alert": alert.reply,
        "pending-actions": brain.ask("what actions are waiting for approval?", ADA, CHANNEL),
        "breakdown": brain.ask("revenue by region this year", ADA, CHANNEL),
    }


def teams_cards(replies: dict[str, Reply]) -> dict[str, dict[str, Any]]:
    return {name: card(reply, card_id=name) for name, reply in replies.items()}


def slack_text(reply: Reply) -> str:
    """What a Slack user reads on a phone, message after message."""
    return "\n\n────\n\n".join(message_text(m.blocks, PHONE_COLUMNS) for m in slack_messages(reply))


def render_cards(
    cards: dict[str, dict[str, Any]], folder: Path, screenshots: Path | None = None
) -> list[dict[str, Any]]:
    """Each card rendered at each of ``WIDTHS``: per card and width its renderer errors, elements
    wider than the screen, words broken mid-word, hidden buttons and buttons whose title is cut
    (see tools/cardrender/render.mjs); PNG screenshots into ``screenshots`` when given."""
    node = shutil.which("node")
    assert node, "node is missing: scripts/setup.sh --dev installs it"
    assert (RENDERER / "node_modules" / "adaptivecards").is_dir(), (
        "tools/cardrender/node_modules is missing: run scripts/setup.sh --dev"
    )
    if screenshots is not None:
        screenshots.mkdir(parents=True, exist_ok=True)
    given = {
        "cards": [{"name": name, "card": built} for name, built in cards.items()],
        "widths": list(WIDTHS),
        "screenshots": str(screenshots) if screenshots else None,
        "chromium": chromium(),
    }
    path = folder / "cards.json"
    path.write_text(json.dumps(given, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        [node, str(RENDERER / "render.mjs"), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"the renderer failed:\n{done.stderr[-3000:]}"
    return json.loads(done.stdout)
