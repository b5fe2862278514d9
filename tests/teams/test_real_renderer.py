"""The main cards as Teams users see them: rendered by Microsoft's Adaptive Cards renderer
(``adaptivecards`` from npm) in headless Chromium at desktop (600 px) and phone (360 px) widths.

Fails on a renderer error, an element wider than the screen, a word broken mid-word, or a button
the renderer hides. ``CUSTSEG_SCREENSHOTS=docs/screenshots`` (``scripts/card-screenshots``) also
saves the screenshots and the Slack messages as text.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image as PILImage

from bot.brain import Brain
from custseg.store import open_store
from tests.helpers.actions import team_settings
from tests.helpers.cardrender import WIDTHS, chromium, main_replies, render_cards, slack_text, teams_cards
from tests.helpers.data import ROOT

pytestmark = pytest.mark.skipif(
    chromium() is None,
    reason="Chromium is not installed and scripts/setup.sh --dev could not install it (apt-get install chromium)",
)


def test_the_main_cards_render_whole_at_desktop_and_phone_width(demo_books, tmp_path: Path):
    store = open_store(demo_books.sqlite_url(tmp_path))
    try:
        replies = main_replies(Brain(store, team_settings()))
    finally:
        store.dispose()
    wanted = os.environ.get("CUSTSEG_SCREENSHOTS")
    shots = (ROOT / wanted) if wanted else None
    report = render_cards(teams_cards(replies), tmp_path, shots)

    assert {(r["name"], r["width"]) for r in report} == {(n, w) for n in replies for w in WIDTHS}
    problems = [
        f"{r['name']} at {r['width']} px: {what} {r[what]}"
        for r in report
        for what in ("errors", "wide", "broken")
        if r[what]
    ]
    problems += [
        f"{r['name']} at {r['width']} px: {r['hidden']} buttons hidden" for r in report if r["hidden"]
    ]
    assert problems == []
    # The alert shows each of its customers' decisions, and Show mine.
    buttons = {r["name"]: r["buttons"] for r in report if r["width"] == 360}
    decisions = sum(1 for b in replies["churn-alert"].buttons if "suggestion_id" in b.payload)
    assert buttons["churn-alert"] >= decisions + 1  # and Show mine

    if shots is not None:
        # Committed with the docs: 64 colours keep them small and the text crisp.
        for r in report:
            with PILImage.open(r["screenshot"]) as shot:
                shot.convert("RGB").quantize(colors=64).save(r["screenshot"], optimize=True)
        for name, reply in replies.items():
            (shots / f"slack-{name}.txt").write_text(slack_text(reply) + "\n", encoding="utf-8")
