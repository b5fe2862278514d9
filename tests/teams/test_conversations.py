"""Follow-ups in Teams, through the real /api/messages endpoint and the fake connector: a personal
chat is one conversation; a channel's reply chain is another, where each person keeps their own
(their answers go to their personal chats, the follow-up is still read against the thread)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from config.access import Person, TeamSettings
from tests.helpers.demo_book import DemoBooks
from tests.teams.cards import card_text, table_rows
from tests.teams.world import MARIA, TENANT, World, channel_data, channel_thread, running_world

CHANNEL_ID = "19:sales-conv@thread.tacv2"
LUKAS = {"id": "29:lukas", "name": "Lukas Weber", "aadObjectId": "aad-lukas"}
PEOPLE = {
    "maria": Person(name="Maria", owner="Maria", teams=["emea"], teams_id="29:maria"),
    "lukas": Person(name="Lukas", owner="Lukas", teams=["emea"], teams_id="29:lukas"),
}


@pytest.fixture(scope="module")
def world(demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    update = {"people": PEOPLE, "teams": {"emea": TeamSettings(members=["Maria", "Lukas"])}}
    with running_world(demo_books, tmp_path_factory.mktemp("teams_conv"), update) as world:
        world.connector.members.update({u["id"]: u for u in (MARIA, LUKAS)})
        status, _ = world.send(
            world.activity(
                {"id": CHANNEL_ID, "conversationType": "channel", "tenantId": TENANT},
                type="installationUpdate",
                action="add",
                channelData=channel_data(CHANNEL_ID),
            )
        )
        assert status in (200, 202)
        yield world


def test_a_personal_chat_follows_up_to_a_row_of_the_list(teams: World):
    assert card_text(teams.ask("how many declining customers in APAC?")).startswith("Declining · in APAC")
    assert card_text(teams.ask("and in EMEA?")).startswith("Declining · in EMEA")
    listed = teams.ask("list them")
    rows = table_rows(listed)
    assert card_text(listed).startswith("Declining · in EMEA") and len(rows) > 2
    profile = card_text(teams.ask("tell me about the second one"))
    assert profile.startswith("Customer profile") and rows[1][0].removesuffix(" ★") in profile


def private_answer(teams: World, text: str, thread: dict, user: dict) -> str:
    calls = teams.mention(text, thread, user, channelData=channel_data(CHANNEL_ID))
    (post,) = [c for c in calls if c.kind == "post"]
    assert post.conversation_id.startswith("a:")  # the data goes to the asker's personal chat
    return card_text(post.card)


def test_each_person_in_a_reply_chain_keeps_their_own_follow_ups(teams: World):
    thread = channel_thread(CHANNEL_ID, "1700000000555")
    other_thread = channel_thread(CHANNEL_ID, "1700000000666")
    assert private_answer(teams, "how many declining customers?", thread, MARIA).startswith("Declining")
    assert private_answer(teams, "how many dormant customers?", thread, LUKAS).startswith("Dormant")
    assert private_answer(teams, "and in EMEA?", thread, MARIA).startswith("Declining · in EMEA")
    assert private_answer(teams, "and in EMEA?", thread, LUKAS).startswith("Dormant · in EMEA")
    # Another reply chain of the same channel is another conversation.
    fresh = private_answer(teams, "how many champions?", other_thread, MARIA)
    assert fresh.startswith("Champions") and "Declining" not in fresh
    assert private_answer(teams, "only the top 3", thread, MARIA).startswith("Declining · in EMEA")


def test_a_row_pointed_at_in_a_channel_is_answered_privately_like_the_list(teams: World):
    thread = channel_thread(CHANNEL_ID, "1700000000777")
    calls = teams.mention("list my declining customers", thread, MARIA, channelData=channel_data(CHANNEL_ID))
    (listed,) = [c for c in calls if c.kind == "post"]
    second = table_rows(listed.card)[1][0].removesuffix(" ★")
    calls = teams.mention("tell me about the second one", thread, MARIA, channelData=channel_data(CHANNEL_ID))
    # Read as the profile it resolves to: the card goes to Maria's personal chat, the channel
    # gets the note only, and nothing sent into the channel names the customer.
    (private,) = [c for c in calls if c.kind == "post"]
    assert private.conversation_id.startswith("a:") and second in card_text(private.card)
    assert all(second not in card_text(c.card) for c in calls if c.conversation_id.startswith("19:"))
