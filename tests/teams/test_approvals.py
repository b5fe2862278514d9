"""Approving win-back actions from Teams, end to end: Action.Execute invokes into the real web app,
the card replaced in place for everyone at the fake connector, refusals shown to the presser only,
and every decision made by the stored state machine."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.web.app import STATUSES, build_app
from config import load_settings
from config.settings import Person, TeamSettings
from custseg.actions import audit_log, get
from custseg.store import open_store
from tests.conftest import brain_on_demo
from tests.fakes.teams_connector import FakeConnector, LoopbackServers
from tests.teams.cards import card_text
from tests.teams.test_teams_app import BOT, TEAMS, World

PETRA = {"id": "29:petra", "name": "Petra Novak", "aadObjectId": "aad-petra"}
OLGA = {"id": "29:olga", "name": "Olga Berg", "aadObjectId": "aad-olga"}
VIC = {"id": "29:vic", "name": "Vic Viewer", "aadObjectId": "aad-vic"}
CHANNEL_ID = "19:winback-emea@thread.tacv2"
THREAD = {
    "id": f"{CHANNEL_ID};messageid=1700000000001",
    "conversationType": "channel",
    "tenantId": "tenant-1",
}
CHANNEL_DATA = {"team": {"id": "19:team", "name": "Sales"}, "channel": {"id": CHANNEL_ID}}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("teams_approvals")
    settings = load_settings(env={}).model_copy(
        update={
            "people": {
                "petra": Person(name="Petra Novak", role="manager", teams=["emea"], teams_id="29:petra"),
                "olga": Person(name="Olga Berg", role="manager", teams=["emea"], teams_id="29:olga"),
                "maria": Person(name="Maria", owner="Maria", teams=["emea"], teams_id="29:maria"),
                "vic": Person(name="Vic Viewer", role="viewer", teams=["emea"], teams_id="29:vic"),
            },
            "teams": {"emea": TeamSettings(members=["Maria", "Lukas"])},
        }
    )
    store = open_store(f"sqlite:///{tmp / 'custseg.db'}")
    brain = brain_on_demo(store, settings, tmp)
    servers = LoopbackServers()
    connector = FakeConnector()
    connector_url = servers.serve(connector.app())
    app = build_app(brain, settings, {}, TEAMS)
    bot_url = servers.serve(app)
    yield World(brain, connector, connector_url, bot_url, servers, app[STATUSES])
    servers.close()
    store.dispose()


@pytest.fixture
def teams(world: World) -> World:
    world.connector.clear()
    return world


def ask_in_channel(teams: World, text: str, user: dict[str, Any]) -> dict[str, Any]:
    """A question @mentioning custseg in the team channel; the card it answers with."""
    mention = {"type": "mention", "mentioned": BOT, "text": "<at>custseg</at>"}
    before = len(teams.connector.calls)
    status, _ = teams.send(
        teams.activity(
            THREAD,
            text=f"<at>custseg</at> {text}",
            entities=[mention],
            channelData=CHANNEL_DATA,
            **{"from": user},
        )
    )
    assert status in (200, 202)
    (answer,) = [c for c in teams.connector.calls[before:] if c.kind == "reply"]
    return answer.card


def press(teams: World, card: dict[str, Any], title: str, user: dict[str, Any], card_id: str) -> Any:
    """Press a card button as ``user``, the way Teams does (an adaptiveCard/action invoke)."""
    (button,) = [a for a in card["actions"] if a["title"] == title]
    value = {
        "action": {"type": "Action.Execute", "verb": button["verb"], "data": button["data"]},
        "trigger": "manual",
    }
    status, body = teams.send(
        teams.activity(
            THREAD,
            type="invoke",
            name="adaptiveCard/action",
            value=value,
            replyToId=card_id,
            channelData=CHANNEL_DATA,
            **{"from": user},
        )
    )
    assert status == 200 and body["statusCode"] == 200
    return body["value"]


def suggestion_id(card: dict[str, Any]) -> int:
    (approve,) = [a for a in card["actions"] if a["title"] == "Approve"]
    return int(approve["data"]["suggestion_id"])


def test_approve_replaces_the_card_for_everyone_with_who_decided_and_when(teams):
    card = ask_in_channel(teams, "suggest a win-back for Globex", PETRA)
    assert "Waiting for a decision by a manager of emea" in card_text(card)
    sid = suggestion_id(card)

    seen = press(teams, card, "Approve", PETRA, "card-globex")
    text = card_text(seen)
    assert re.search(r"Approved by Petra Novak on \d{4}-\d\d-\d\d \d\d:\d\d UTC: Maria's task, due ", text)
    assert [a["title"] for a in seen["actions"]] == ["Mark done"]
    (update,) = teams.connector.of("update")
    assert update.activity_id == "card-globex" and update.card == seen
    assert re.search(r"Updated by Petra Novak · \d\d \w{3} \d{4}, \d\d:\d\d UTC", card_text(update.card))
    assert get(teams.brain.store, sid).state == "approved"

    # Olga presses the same (now stale) card: one decision, and she is told who was first.
    late = press(teams, card, "Approve", OLGA, "card-globex")
    assert "Petra Novak was first: approved on " in card_text(late)
    approvals = [t for t in audit_log(teams.brain.store, sid) if t.to_state == "approved"]
    assert [(t.actor, t.platform, t.user_id) for t in approvals] == [("Petra Novak", "teams", "29:petra")]


def test_a_non_manager_gets_a_private_card_and_the_original_is_unchanged(teams):
    card = ask_in_channel(teams, "suggest a win-back for Umbrella", PETRA)
    sid = suggestion_id(card)
    before = audit_log(teams.brain.store, sid)
    teams.connector.clear()

    seen = press(teams, card, "Approve", VIC, "card-umbrella")
    assert "Only managers of emea can approve this." in card_text(seen)
    assert "Updated by" not in card_text(seen)
    assert teams.connector.of("update") == [] and teams.connector.of("reply") == []
    assert get(teams.brain.store, sid).state == "proposed"
    assert audit_log(teams.brain.store, sid) == before
