"""Approving win-back actions from Teams, end to end: Action.Execute invokes into the real web app,
the card replaced in place for everyone at the fake connector, refusals shown to the presser only,
and every decision made by the stored state machine. The suggestion is asked for in a channel,
answered in the asker's personal chat, and shared into the channel, where the team decides."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from config.access import Person, TeamSettings
from custseg.actions import audit_log, get
from tests.fakes.teams_connector import Call
from tests.helpers.demo_book import DemoBooks
from tests.teams.cards import card_text
from tests.teams.world import PERSONAL, World, channel_data, channel_thread, running_world

PETRA = {"id": "29:petra", "name": "Petra Novak", "aadObjectId": "aad-petra"}
OLGA = {"id": "29:olga", "name": "Olga Berg", "aadObjectId": "aad-olga"}
VIC = {"id": "29:vic", "name": "Vic Viewer", "aadObjectId": "aad-vic"}
CHANNEL_ID = "19:winback-emea@thread.tacv2"
THREAD = channel_thread(CHANNEL_ID, "1700000000001")
CHANNEL_DATA = channel_data(CHANNEL_ID)


@pytest.fixture(scope="module")
def world(demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    update = {
        "people": {
            "petra": Person(name="Petra Novak", role="manager", teams=["emea"], teams_id="29:petra"),
            "olga": Person(name="Olga Berg", role="manager", teams=["emea"], teams_id="29:olga"),
            "maria": Person(name="Maria", owner="Maria", teams=["emea"], teams_id="29:maria"),
            "vic": Person(name="Vic Viewer", role="viewer", teams=["emea"], teams_id="29:vic"),
        },
        "teams": {"emea": TeamSettings(members=["Maria", "Lukas"])},
    }
    with running_world(demo_books, tmp_path_factory.mktemp("teams_approvals"), update) as world:
        # The channel's members (its roster): everyone here, no guests.
        world.connector.members.update({u["id"]: u for u in (PETRA, OLGA, VIC)})
        yield world


def ask_in_channel(teams: World, text: str, user: dict[str, Any]) -> Call:
    """A question @mentioning custseg in the team channel, answered in ``user``'s personal chat and
    shared into the channel from there; the post of the card the channel then shows."""
    calls = teams.mention(text, THREAD, user, channelData=CHANNEL_DATA)
    (private,) = [c for c in calls if c.kind == "post" and c.conversation_id.startswith("a:")]
    (share,) = [a for a in private.card["actions"] if a.get("verb") == "teams.share"]
    before = len(teams.connector.calls)
    personal = {**PERSONAL, "id": private.conversation_id}
    status, _ = teams.press(private.card, share["title"], "card-private", personal, user)
    assert status == 200
    (shared,) = [c for c in teams.connector.calls[before:] if c.kind == "post"]
    assert shared.conversation_id == THREAD["id"]
    return shared


def press(teams: World, card: dict[str, Any], title: str, user: dict[str, Any], card_id: str) -> Any:
    """Press a card button as ``user``, the way Teams does (an adaptiveCard/action invoke)."""
    status, body = teams.press(card, title, card_id, THREAD, user, channelData=CHANNEL_DATA)
    assert status == 200 and body["statusCode"] == 200
    return body["value"]


def suggestion_id(card: dict[str, Any]) -> int:
    (approve,) = [a for a in card["actions"] if a["title"] == "Approve"]
    return int(approve["data"]["suggestion_id"])


def test_approve_replaces_the_card_for_everyone_with_who_decided_and_when(teams):
    shared = ask_in_channel(teams, "suggest a win-back for Globex", PETRA)
    card, card_id = shared.card, str(shared.returned_id)
    assert "Waiting for a decision by a manager of emea" in card_text(card)
    sid = suggestion_id(card)

    seen = press(teams, card, "Approve", PETRA, card_id)
    text = card_text(seen)
    assert re.search(r"Approved by Petra Novak on \d{4}-\d\d-\d\d \d\d:\d\d UTC: Maria's task, due ", text)
    assert [a["title"] for a in seen["actions"]] == ["Mark done"]
    # Updated after the press was answered: the channel's card for everyone, and the copy in
    # Petra's personal chat she asked from.
    updates = {c.activity_id: c for c in teams.connector.wait_for("update", 2)}
    assert updates[card_id].conversation_id == CHANNEL_ID and updates[card_id].card == seen
    (private,) = [c for a, c in updates.items() if a != card_id]
    assert private.conversation_id.startswith("a:") and "Approved by Petra Novak" in card_text(private.card)
    assert re.search(r"Updated by Petra Novak · \d\d \w{3} \d{4}, \d\d:\d\d UTC", card_text(seen))
    assert get(teams.brain.store, sid).state == "approved"

    # Olga presses the same (now stale) card: one decision, and she is told who was first.
    late = press(teams, card, "Approve", OLGA, card_id)
    assert "Petra Novak was first: approved on " in card_text(late)
    approvals = [t for t in audit_log(teams.brain.store, sid) if t.to_state == "approved"]
    assert [(t.actor, t.platform, t.user_id) for t in approvals] == [("Petra Novak", "teams", "29:petra")]


def test_a_non_manager_gets_a_private_card_and_the_original_is_unchanged(teams):
    card = ask_in_channel(teams, "suggest a win-back for Umbrella", PETRA).card
    sid = suggestion_id(card)
    before = audit_log(teams.brain.store, sid)
    teams.connector.clear()

    seen = press(teams, card, "Approve", VIC, "card-umbrella")
    assert "Only managers of emea can approve this." in card_text(seen)
    assert "Updated by" not in card_text(seen)
    assert teams.connector.of("update") == [] and teams.connector.of("reply") == []
    assert get(teams.brain.store, sid).state == "proposed"
    assert audit_log(teams.brain.store, sid) == before
