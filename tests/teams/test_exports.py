"""Exports and typed decisions through the real Teams endpoint. An export: in the personal chat the card carries a short-lived
link, the running web app serves the very file under it (the asker's rows, as an attachment, never
cached), the token never reaches the log, and once expired the link answers 404. A decision typed by name is made once, by the
person with the right."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from bot.exports import MEDIA_TYPES, headings
from config import load_settings
from custseg.actions import audit_log, get
from custseg.store.models import EXPORT_FILES
from tests.helpers.demo_book import DemoBooks
from tests.helpers.logs import captured_logs
from tests.teams.cards import card_text
from tests.teams.test_chart_cards import free_port, request
from tests.teams.world import EMEA_UPDATE, World, running_world

LINK = re.compile(r"\]\((?P<url>http://127\.0\.0\.1:\d+/exports/(?P<token>[A-Za-z0-9_-]+)/[^)]+)\)")


@pytest.fixture(scope="module")
def world(demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    port = free_port()
    web = load_settings(env={"CUSTSEG_PUBLIC_URL": f"http://127.0.0.1:{port}"}).web
    tmp = tmp_path_factory.mktemp("teams_exports")
    with running_world(demo_books, tmp, {**EMEA_UPDATE, "web": web}, port=port) as opened:
        yield opened


@pytest.fixture
def logs() -> Iterator[list[str]]:
    with captured_logs() as texts:
        yield texts


def test_an_export_in_the_personal_chat_is_a_link_the_web_app_serves(world: World, logs: list[str]):
    text = card_text(world.ask("export my at-risk customers to excel"))
    assert "as an Excel file: customers-at-risk-your-accounts-2026-11-13.xlsx" in text
    found = LINK.search(text)
    assert found is not None, text
    assert "the link works for 15 minutes" in text

    status, headers, body = request(found["url"])
    assert status == 200 and headers["Content-Type"] == MEDIA_TYPES["xlsx"]
    assert headers["Content-Disposition"].startswith("attachment;") and headers["Cache-Control"] == "no-store"
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    assert list(rows[0]) == headings("$") and len(rows) > 1
    manager = headings("$").index("Account manager")
    assert {r[manager] for r in rows[1:]} == {"Maria"}
    assert not [line for line in logs if found["token"] in line]

    # Expired, the same link is gone, as an unknown one is.
    with world.brain.store.begin() as conn:
        conn.execute(update(EXPORT_FILES).values(expires_at=EXPORT_FILES.c.created_at))
    assert request(found["url"])[0] == 404
    assert request(found["url"].replace(found["token"], "x" * 43))[0] == 404


PETRA = {"id": "29:petra", "name": "Petra Novak", "aadObjectId": "aad-petra"}
PETRA_CHAT = {"id": "a:personal-petra", "conversationType": "personal", "tenantId": "tenant-1"}


def test_a_decision_typed_by_name_in_teams_is_made_once_and_said_who_made_it(world: World):
    suggested = card_text(world.ask("suggest a win-back for Globex", PETRA_CHAT, **{"from": PETRA}))
    found = re.search(r"Suggestion #(?P<id>\d+) ", suggested)
    assert found is not None, suggested
    sid = int(found["id"])
    # Maria owns Globex but is no manager: refused, nothing changes.
    assert "Only managers of emea can approve this." in card_text(
        world.ask("approve the suggestion for Globex")
    )
    assert get(world.brain.store, sid).state == "proposed"

    approved = card_text(world.ask("approve the suggestion for Globex", PETRA_CHAT, **{"from": PETRA}))
    assert "Approved by Petra Novak on " in approved
    again = card_text(world.ask(f"approve {sid}", PETRA_CHAT, **{"from": PETRA}))
    assert "You already did: approved on " in again
    assert [t.to_state for t in audit_log(world.brain.store, sid)] == ["proposed", "approved"]
