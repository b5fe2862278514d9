"""Personal chats the bot starts, over real HTTP on SQLite and PostgreSQL: an approval in Slack
reaches the Teams-only account manager in a 1:1 chat custseg starts itself, where they mark the
task done; a data question @mentioning custseg in a channel is answered in the asker's personal
chat, the channel gets only a note, and *Share* posts the answer there; when Teams refuses the chat,
the thread says how to fix it and nothing leaks."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from adapters.teams.poster import TeamsPoster
from adapters.teams.references import get_reference, personal_reference
from bot import wording
from bot.outbox import deliver_due
from bot.reply import Reply
from config.access import Person, TeamSettings
from custseg.actions import get
from custseg.errors import DeliveryError
from custseg.store import Store
from custseg.store.outbox import list_messages
from tests.fakes.slack_api import FakeSlackAPI
from tests.helpers.demo_book import DemoBooks
from tests.helpers.slack import SlackSide, buttons, slack_env
from tests.teams.cards import card_text, table_rows
from tests.teams.world import MARIA, TENANT, World, channel_data, channel_thread, running_world

SLACK_CHANNEL = "C_WINBACK"
CHANNEL_ID = "19:sales-emea@thread.tacv2"
THREAD = channel_thread(CHANNEL_ID)
LUKAS = {"id": "29:lukas", "name": "Lukas Weber", "aadObjectId": "aad-lukas"}
TASK = Reply(context="Your win-back task · Globex", text="Call them this week.")
PEOPLE = {
    "petra": Person(name="Petra Novak", role="manager", teams=["emea"], slack_id="U_PETRA"),
    # Maria and Lukas use Teams only: their tasks and private answers go to Teams personal chats.
    "maria": Person(name="Maria", owner="Maria", teams=["emea"], teams_id="29:maria"),
    "lukas": Person(name="Lukas", owner="Lukas", teams=["emea"], teams_id="29:lukas"),
}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def world(
    request: pytest.FixtureRequest, demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    slack = FakeSlackAPI().start()
    update = {"people": PEOPLE, "teams": {"emea": TeamSettings(members=["Maria", "Lukas"])}}
    try:
        with running_world(
            demo_books,
            tmp_path_factory.mktemp("teams_personal"),
            update,
            request.param,
            env=slack_env(slack),
            modules=("adapters.slack.app", "adapters.teams.app"),
        ) as world:
            world.slack = SlackSide(world.bot_url, slack)  # type: ignore[attr-defined]
            world.connector.members.update({u["id"]: u for u in (MARIA, LUKAS)})
            # custseg is installed in the Sales team: Teams knows where to start personal chats from.
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
    finally:
        slack.stop()


def personal(conversation_id: str) -> dict[str, str]:
    return {"id": conversation_id, "conversationType": "personal", "tenantId": TENANT}


def test_approving_in_slack_sends_the_task_to_a_new_personal_teams_chat_where_it_is_marked_done(teams):
    slack: SlackSide = teams.slack  # type: ignore[attr-defined]
    slack.fake.reset()
    slack.fake.set_channel(SLACK_CHANNEL, is_private=True)
    store: Store = teams.brain.store
    assert personal_reference(store, "29:maria") is None

    slack.mention("suggest a win-back for Globex", user="U_PETRA", channel=SLACK_CHANNEL)
    (card,) = slack.fake.wait_for("chat.postMessage")
    approve = next(e for e in buttons(card.blocks) if e["text"]["text"].startswith("Approve"))
    sid = int(json.loads(approve["value"])["suggestion_id"])
    answer, _ = slack.click(approve, user="U_PETRA", channel=SLACK_CHANNEL, message_ts="1700000000.000100")
    assert answer.status == 200
    slack.fake.wait_for("chat.update")
    (task,) = [m for m in list_messages(store, limit=1000) if m["key"] == f"action:{sid}:approved"]
    assert (task["platform"], task["channel_id"]) == ("teams", "29:maria")

    outcomes = deliver_due(store, {"teams": TeamsPoster(store, {})}, teams.brain.settings.delivery)
    assert [o.status for o in outcomes if o.key == task["key"]] == ["sent"]
    (create,) = teams.connector.of("create")
    assert create.body["members"] == [{"id": "29:maria"}] and create.body["isGroup"] is False
    assert create.body["tenantId"] == TENANT and create.body["bot"]["id"] == "28:custseg-bot"
    (posted,) = teams.connector.of("post")
    assert teams.connector.calls.index(create) < teams.connector.calls.index(posted)
    assert posted.conversation_id == "a:personal-29:maria"
    assert "Your win-back task · Globex" in card_text(posted.card)
    assert "Petra Novak approved this on " in card_text(posted.card)
    assert personal_reference(store, "29:maria").channel_id == posted.conversation_id

    status, body = teams.press(posted.card, "Mark done", posted.returned_id, personal(posted.conversation_id))
    assert status == 200 and "Done: marked by Maria on " in card_text(body["value"])
    (update,) = teams.connector.wait_for("update")
    assert update.activity_id == posted.returned_id and update.conversation_id == posted.conversation_id
    assert get(store, sid).state == "done"


def test_a_channel_question_is_answered_in_the_personal_chat_and_shared_on_request(teams):
    calls = teams.mention("who are my dormant customers?", THREAD, channelData=channel_data(CHANNEL_ID))
    (private,) = [c for c in calls if c.kind == "post"]
    assert private.conversation_id.startswith("a:") and private.conversation_id != THREAD["id"]
    rows = table_rows(private.card)
    assert rows and all(row[3] == "Maria" for row in rows)  # owner: the first detail
    names = {row[0].removesuffix(" ★") for row in rows}

    (note,) = [c for c in calls if c.kind == "reply"]
    assert note.conversation_id == THREAD["id"]
    assert card_text(note.card).splitlines()[0] == wording.ANSWERED_PRIVATELY
    # Nothing the bot sent into the channel names a customer.
    channel_json = json.dumps([c.body for c in calls if c.conversation_id.startswith("19:")])
    assert not any(name in channel_json for name in names)

    share_title = wording.SHARE_IN.format(channel="Sales")
    before = len(teams.connector.calls)
    status, body = teams.press(
        private.card, share_title, private.returned_id, personal(private.conversation_id)
    )
    assert status == 200
    assert wording.SHARED_IN.format(channel="Sales") in card_text(body["value"])
    assert share_title not in json.dumps(body["value"])
    (shared,) = [c for c in teams.connector.calls[before:] if c.kind == "post"]
    assert shared.conversation_id == THREAD["id"]
    assert {r[0] for r in table_rows(shared.card)} == {r[0] for r in rows}
    assert "Shared by Maria Rossi" in card_text(shared.card)
    assert [c.kind for c in teams.connector.calls[before:]].count("roster") >= 1


def test_when_teams_refuses_the_personal_chat_the_thread_says_how_to_fix_it(teams):
    teams.connector.refuse_personal["29:lukas"] = 403
    calls = teams.mention(
        "who are my declining customers?", THREAD, LUKAS, channelData=channel_data(CHANNEL_ID)
    )
    assert [c.kind for c in calls] == ["create", "reply"]
    (note,) = [c for c in calls if c.kind == "reply"]
    assert note.conversation_id == THREAD["id"]
    assert card_text(note.card).splitlines()[0] == wording.PERSONAL_CHAT_FAILED
    frame = teams.brain.engine().frame
    lukas = set(frame.loc[frame["owner"] == "Lukas", "name"].dropna())
    assert lukas and not any(name in json.dumps(note.body) for name in lukas)
    assert personal_reference(teams.brain.store, "29:lukas") is None


def test_help_in_a_channel_needs_no_personal_chat(teams):
    calls = teams.mention("help", THREAD, LUKAS, channelData=channel_data(CHANNEL_ID))
    assert [c.kind for c in calls] == ["reply"]
    assert wording.HELP_TITLE in card_text(calls[0].card)


def test_a_task_for_someone_teams_cannot_reach_fails_with_what_to_do(teams):
    teams.connector.refuse_personal["29:nobody"] = 404
    with pytest.raises(DeliveryError) as refused:
        TeamsPoster(teams.brain.store, {}).post("29:nobody", TASK)
    assert not refused.value.retryable
    assert "HTTP 404" in str(refused.value) and "teams_id under [people]" in str(refused.value)
    assert teams.connector.of("post") == []


def test_without_any_install_in_the_tenant_a_task_cannot_be_sent(sqlite_store: Store):
    with pytest.raises(DeliveryError) as nowhere:
        TeamsPoster(sqlite_store, {}).post("29:maria", TASK)
    assert not nowhere.value.retryable and "not installed in any team" in str(nowhere.value)
    assert get_reference(sqlite_store, "a:personal-29:maria") is None
