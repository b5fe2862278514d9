"""The personal overview in Teams (Slack's App Home, as a card in the personal chat), over real HTTP
on SQLite and PostgreSQL: sent on personal install, offered as *My overview* in help, within the
person's own scope, and replaced in place by *Refresh*."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot import wording
from custseg.store.subscriptions import subscribe
from tests.helpers.demo_book import DemoBooks
from tests.teams.cards import card_text
from tests.teams.world import EMEA_UPDATE, MARIA, TENANT, World, running_world

PETRA = {"id": "29:petra", "name": "Petra Novak", "aadObjectId": "aad-petra"}
STRANGER = {"id": "29:stranger", "name": "Sam Stranger", "aadObjectId": "aad-stranger"}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def world(
    request: pytest.FixtureRequest, demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    with running_world(
        demo_books, tmp_path_factory.mktemp("teams_overview"), EMEA_UPDATE, request.param
    ) as world:
        yield world


def personal(user: dict[str, Any]) -> dict[str, str]:
    return {"id": f"a:personal-{user['id']}", "conversationType": "personal", "tenantId": TENANT}


def install_for(teams: World, user: dict[str, Any]) -> list[dict[str, Any]]:
    """``user`` adds custseg for themselves; the cards the bot sent into the new personal chat."""
    status, _ = teams.send(
        teams.activity(
            personal(user), type="conversationUpdate", membersAdded=[teams_bot(teams)], **{"from": user}
        )
    )
    assert status in (200, 202)
    return [c.card for c in teams.connector.of("reply")]


def teams_bot(teams: World) -> dict[str, Any]:
    return teams.activity()["recipient"]


def section(text: str, title: str) -> list[str]:
    """The bullet lines under ``title`` in an overview card's text."""
    lines = text.split(title, 1)[1].split("\n")
    out = []
    for line in lines[1:]:
        if line.startswith("**Your") or line.startswith("**Actions"):
            break
        out.append(line)
    return [line for line in out if line.startswith("• ")]


def key_account_names(teams: World, owner: str | None = None) -> set[str]:
    frame = teams.brain.engine().frame
    keys = frame[frame["key_account"].astype(bool)]
    if owner is not None:
        keys = keys[keys["owner"] == owner]
    return set(keys["name"].dropna())


def test_installing_for_oneself_shows_the_welcome_and_ones_own_key_accounts(teams):
    welcome, overview = install_for(teams, MARIA)
    assert "I segment your customers" in card_text(welcome)
    assert [a["title"] for a in welcome["actions"]] == [wording.OVERVIEW_BUTTON]

    text = card_text(overview)
    assert text.startswith(wording.OVERVIEW_CONTEXT)
    for title in wording.OVERVIEW_SECTIONS.values():
        assert f"**{title}**" in text
    mine = section(text, wording.OVERVIEW_SECTIONS["key_accounts"])
    assert mine and all(" · Maria · " in line for line in mine)
    others = key_account_names(teams) - key_account_names(teams, "Maria")
    assert others and not any(name in text for name in others)
    assert [a["title"] for a in overview["actions"]] == [wording.OVERVIEW_REFRESH]


def test_refresh_replaces_the_overview_in_place_with_the_latest(teams):
    _, overview = install_for(teams, MARIA)
    assert wording.NO_SUBSCRIPTIONS.split(".")[0] in card_text(overview)
    subscribe(
        teams.brain.store, "teams", "19:sales-emea@thread.tacv2", "digest", "mon", "09:00", "UTC", "29:maria"
    )
    teams.connector.clear()

    status, body = teams.press(overview, wording.OVERVIEW_REFRESH, "overview-1", personal(MARIA))
    assert status == 200
    (update,) = teams.connector.wait_for("update")
    assert update.activity_id == "overview-1" and update.conversation_id == personal(MARIA)["id"]
    assert update.card == body["value"]
    text = card_text(update.card)
    assert "Key-account digest in 19:sales-emea@thread.tacv2, every Monday at 09:00 (UTC)" in text
    assert teams.connector.of("post") == [] and teams.connector.of("reply") == []


def test_my_overview_is_one_press_away_in_help(teams):
    help_card = teams.ask("help", personal(PETRA), **{"from": PETRA})
    status, body = teams.press(help_card, wording.OVERVIEW_BUTTON, "help-1", personal(PETRA), PETRA)
    assert status == 200
    text = card_text(body["value"])
    assert text.startswith(wording.OVERVIEW_CONTEXT)
    # Petra manages emea: the actions waiting for her are her team's, and she has no book of her own.
    assert f"**{wording.OVERVIEW_SECTIONS['pending']}**" in text


def test_someone_unknown_gets_no_customer_data_on_install(teams):
    welcome, overview = install_for(teams, STRANGER)
    text = card_text(overview)
    assert "I don't know who you are yet" in text and "aad-stranger" in text
    assert not any(name in text for name in key_account_names(teams))
    assert "I segment your customers" in card_text(welcome)
