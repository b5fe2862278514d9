"""Guests inside our own tenant, over real HTTP on SQLite and PostgreSQL: before customer data goes
into a Teams channel or group chat its roster is read (paged) from the connector, and a
conversation with guests or members of another organisation is refused for digests, shared
answers and subscriptions unless an admin allowed it; an unreadable roster refuses too."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.teams.poster import TeamsPoster
from adapters.teams.roster import TTL_SECONDS
from bot import wording
from bot.outbox import deliver_due, enqueue
from bot.reply import Reply, Table
from custseg.errors import DeliveryError
from custseg.store.outbox import list_messages
from custseg.store.subscriptions import list_subscriptions
from tests.helpers.demo_book import DemoBooks
from tests.teams.cards import card_text
from tests.teams.world import EMEA_UPDATE, MARIA, TENANT, World, channel_data, channel_thread, running_world

PETRA = {"id": "29:petra", "name": "Petra Novak", "aadObjectId": "aad-petra"}
GUEST = {"id": "29:guest", "name": "Gus Guest (External)", "aadObjectId": "aad-guest"}
PARTNER = {"id": "29:partner", "name": "Pat Partner", "aadObjectId": "aad-partner", "tenantId": "tenant-2"}
DIGEST = Reply(
    context="Key-account digest — week 47",
    text="*Globex* slipped to declining.",
    table=Table(["Customer", "Revenue"], [["Globex", "$12,000"]]),
)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def world(
    request: pytest.FixtureRequest, demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    with running_world(
        demo_books, tmp_path_factory.mktemp("teams_guests"), EMEA_UPDATE, request.param
    ) as world:
        yield world


def install(teams: World, channel_id: str, kind: str = "channel") -> dict[str, Any]:
    """Add custseg to a channel (or group chat); the conversation."""
    conversation = {"id": channel_id, "conversationType": kind, "tenantId": TENANT}
    status, _ = teams.send(
        teams.activity(
            conversation, type="installationUpdate", action="add", channelData=channel_data(channel_id)
        )
    )
    assert status in (200, 202)
    return conversation


def test_a_digest_into_a_channel_with_a_guest_is_refused_and_the_outbox_says_why(teams):
    channel = "19:deal-desk-guests@thread.tacv2"
    install(teams, channel)
    teams.connector.roster(channel, [MARIA, PETRA], guests=[GUEST])
    store = teams.brain.store
    enqueue(store, "teams", channel, "digest:teams:guests:2026-W47", DIGEST)

    (outcome,) = deliver_due(store, {"teams": TeamsPoster(store, {})}, teams.brain.settings.delivery)
    assert outcome.status == "failed"
    (row,) = [m for m in list_messages(store, status="failed") if m["key"] == outcome.key]
    assert "has 1 guest(s) or member(s) of another organisation" in row["last_error"]
    assert f'allow_external = ["teams:{channel}"]' in row["last_error"]
    assert teams.connector.of("post") == []
    # Three members, two a page: the whole roster was read.
    assert [c.body["continuationToken"] for c in teams.connector.of("roster")] == ["0", "2"]


def test_a_member_of_another_organisation_counts_as_a_guest(teams):
    chat = "19:federated@thread.v2"
    install(teams, chat, "groupChat")
    teams.connector.roster(chat, [MARIA, PARTNER])
    with pytest.raises(DeliveryError, match="has 1 guest") as refused:
        TeamsPoster(teams.brain.store, {}).post(chat, DIGEST)
    assert not refused.value.retryable
    assert teams.connector.of("post") == []


def test_the_verdict_is_reused_for_a_few_minutes_then_read_again(teams):
    channel = "19:key-accounts@thread.tacv2"
    install(teams, channel)
    teams.connector.roster(channel, [MARIA, PETRA])
    poster = TeamsPoster(teams.brain.store, {})
    for _ in range(3):
        poster.post(channel, DIGEST)
    assert len(teams.connector.of("post")) == 3
    assert len(teams.connector.of("roster")) == 1  # two members: one page, once

    poster.rosters.clock = lambda: time.monotonic() + TTL_SECONDS + 1
    teams.connector.roster(channel, [MARIA, PETRA], guests=[GUEST])
    with pytest.raises(DeliveryError, match="guest"):
        poster.post(channel, DIGEST)
    assert len(teams.connector.of("post")) == 3


def test_an_admin_allowed_conversation_gets_posts_despite_guests(teams):
    channel = "19:partner-desk@thread.tacv2"
    install(teams, channel)
    teams.connector.roster(channel, [MARIA], guests=[GUEST])
    poster = TeamsPoster(teams.brain.store, {}, allow_external=[f"teams:{channel}"])
    assert poster.post(channel, DIGEST).message_id
    assert teams.connector.of("roster") == []


def test_an_unreadable_roster_refuses_the_post(teams):
    channel = "19:roster-broken@thread.tacv2"
    install(teams, channel)
    teams.connector.roster_fails[channel] = 500
    store = teams.brain.store
    enqueue(store, "teams", channel, "alerts:teams:broken:2026-11-23", DIGEST)
    (outcome,) = deliver_due(store, {"teams": TeamsPoster(store, {})}, teams.brain.settings.delivery)
    assert outcome.status == "retry"
    assert "could not read who is in the Teams conversation" in outcome.error
    assert "HTTP 500" in outcome.error
    assert teams.connector.of("post") == []


def mention_and_share(teams: World, channel: str, text: str) -> tuple[list[Any], dict[str, Any]]:
    """Maria asks in ``channel``; the calls made while answering, and what pressing Share showed her."""
    calls = teams.mention(text, channel_thread(channel), channelData=channel_data(channel))
    (private,) = [c for c in calls if c.kind == "post"]
    assert private.conversation_id.startswith("a:")
    (share,) = [a for a in private.card["actions"] if a.get("verb") == "teams.share"]
    conversation = {"id": private.conversation_id, "conversationType": "personal", "tenantId": TENANT}
    status, body = teams.press(private.card, share["title"], private.returned_id, conversation)
    assert status == 200
    return calls, body["value"]


def test_a_mention_where_guests_read_is_answered_privately_and_cannot_be_shared(teams):
    channel = "19:sales-with-guests@thread.tacv2"
    install(teams, channel)
    teams.connector.roster(channel, [MARIA, PETRA], guests=[GUEST])
    calls, seen = mention_and_share(teams, channel, "who are my declining customers?")
    (note,) = [c for c in calls if c.kind == "reply"]
    assert card_text(note.card).startswith(wording.ANSWERED_PRIVATELY)
    assert wording.EXTERNAL_CHANNEL in card_text(seen)
    assert [c for c in teams.connector.of("post") if c.conversation_id.startswith("19:")] == []


def test_a_share_is_refused_when_the_roster_cannot_be_read(teams):
    channel = "19:sales-roster-down@thread.tacv2"
    install(teams, channel)
    teams.connector.roster_fails[channel] = 503
    _, seen = mention_and_share(teams, channel, "who are my dormant customers?")
    assert wording.MEMBERS_UNCHECKED in card_text(seen)
    assert [c for c in teams.connector.of("post") if c.conversation_id.startswith("19:")] == []


def test_a_share_into_a_channel_without_guests_goes_through(teams):
    channel = "19:sales-clean@thread.tacv2"
    install(teams, channel)
    teams.connector.roster(channel, [MARIA, PETRA])
    _, seen = mention_and_share(teams, channel, "who are my dormant customers?")
    assert wording.SHARED_IN.format(channel="Sales") in card_text(seen)
    (shared,) = [c for c in teams.connector.of("post") if c.conversation_id.startswith("19:")]
    assert shared.conversation_id == channel_thread(channel)["id"]


def test_subscribing_a_channel_with_guests_is_refused(teams):
    channel = "19:emea-with-guests@thread.tacv2"
    install(teams, channel)
    teams.connector.roster(channel, [MARIA, PETRA], guests=[GUEST])
    calls = teams.mention(
        "post the key account digest here every Monday at 9",
        channel_thread(channel),
        PETRA,
        channelData=channel_data(channel),
    )
    (answer,) = [c for c in calls if c.kind == "reply"]
    assert answer.conversation_id == channel_thread(channel)["id"]
    assert wording.EXTERNAL_CHANNEL in card_text(answer.card)
    assert list_subscriptions(teams.brain.store, "teams", channel) == []
    assert json.dumps(answer.body).count("Globex") == 0
