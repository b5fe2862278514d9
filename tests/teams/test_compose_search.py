"""The compose box's customer search (Teams messaging extension), over HTTP into the real web app:
``composeExtension/query`` finds customers within the asker's scope, as chat does, and offers each
as a preview that inserts the customer's Adaptive Card; someone the settings do not know gets a
line saying search is not available, and a command the app does not declare is answered, not 501."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from adapters.teams.handler import SEARCH_COMMAND, SEARCH_PARAMETER
from bot import wording
from tests.helpers.demo_book import DemoBooks
from tests.teams.cards import card_text, rule_breaks
from tests.teams.world import EMEA_UPDATE, MARIA, World, running_world

PETRA = {"id": "29:petra", "name": "Petra Novak", "aadObjectId": "aad-petra"}
STRANGER = {"id": "29:stranger", "name": "Sam Stranger", "aadObjectId": "aad-stranger"}


@pytest.fixture(scope="module")
def world(demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with running_world(demo_books, tmp_path_factory.mktemp("teams_search"), EMEA_UPDATE) as world:
        yield world


def search(teams: World, typed: str, user: dict[str, Any] = MARIA, command: str = SEARCH_COMMAND) -> Any:
    """What the compose box shows for ``typed``: the invoke response's ``composeExtension``."""
    value = {
        "commandId": command,
        "parameters": [{"name": SEARCH_PARAMETER, "value": typed}],
        "queryOptions": {"skip": 0, "count": 25},
    }
    status, body = teams.send(
        teams.activity(type="invoke", name="composeExtension/query", value=value, **{"from": user})
    )
    assert status == 200
    return body["composeExtension"]


def owners(teams: World) -> dict[str, str]:
    """Customer name → account manager, from the demo book."""
    frame = teams.brain.engine().frame
    return dict(zip(frame["name"], frame["owner"], strict=True))


def test_search_offers_the_askers_customers_as_cards_to_insert(teams):
    found = search(teams, "glob")
    assert found["type"] == "result" and found["attachmentLayout"] == "list"
    (globex,) = [a for a in found["attachments"] if "Globex" in a["preview"]["content"]["title"]]
    assert globex["preview"]["contentType"] == "application/vnd.microsoft.card.thumbnail"
    assert globex["contentType"] == "application/vnd.microsoft.card.adaptive"
    inserted = globex["content"]
    assert inserted["type"] == "AdaptiveCard" and "Globex" in card_text(inserted)
    assert rule_breaks(inserted) == []
    book = owners(teams)
    assert {book[a["preview"]["content"]["title"]] for a in found["attachments"]} == {"Maria"}
    # A misspelt name finds the customer it misspells.
    assert [a["preview"]["content"]["title"] for a in search(teams, "Globx")["attachments"]][:1] == [
        globex["preview"]["content"]["title"]
    ]


def test_search_keeps_to_the_askers_scope(teams):
    book = owners(teams)
    lukas = next(name for name, owner in book.items() if owner == "Lukas")
    outside = next(name for name, owner in book.items() if owner not in ("Maria", "Lukas"))
    # Maria sees her own book only; Petra, manager of EMEA, Maria's and Lukas's.
    assert search(teams, lukas) == {"type": "message", "text": wording.SEARCH_NO_MATCH.format(typed=lukas)}
    assert any(lukas in card_text(a["content"]) for a in search(teams, lukas, PETRA)["attachments"])
    assert search(teams, outside, PETRA)["type"] == "message"


def test_someone_the_settings_do_not_know_gets_no_customers(teams):
    assert search(teams, "glob", STRANGER) == {"type": "message", "text": wording.SEARCH_NOT_AVAILABLE}
    assert search(teams, "", MARIA) == {"type": "message", "text": wording.SEARCH_TYPE_A_NAME}
    assert search(teams, "glob", command="somethingElse")["text"] == wording.SEARCH_UNKNOWN
    assert teams.connector.calls == []  # answered in the invoke response only
