"""Teams end to end over real HTTP: the real web app on loopback receives Activities whose serviceUrl
is a fake connector service; we assert the Adaptive Cards a user would see, in-place updates after
button presses, proactive posts, and how bad or unauthenticated requests are turned away."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from adapters.teams.poster import TeamsPoster
from adapters.teams.references import get_reference
from adapters.web.app import STATUSES, build_app
from bot import wording
from bot.reply import Reply
from config.access import Person
from custseg.errors import DeliveryError
from tests.helpers.demo_book import DemoBooks
from tests.teams.cards import card_actions, card_text, table_rows
from tests.teams.world import BOT, CREDENTIALS, MARIA, PERSONAL, TEAMS, World, post, running_world

CHANNEL_ID = "19:sales-emea@thread.tacv2"


@pytest.fixture(scope="module")
def world(demo_books: DemoBooks, tmp_path_factory) -> Iterator[World]:
    people = {"maria": Person(name="Maria", owner="Maria", email="maria@contoso.example")}
    with running_world(demo_books, tmp_path_factory.mktemp("teams"), {"people": people}) as world:
        world.connector.members["29:maria"] = {**MARIA, "email": "maria@contoso.example"}
        yield world


def test_personal_question_is_answered_with_an_adaptive_card(teams):
    card = teams.ask("who are the declining customers?")
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    text = card_text(card)
    assert text.startswith("Declining") and "top 10 by" in text
    rows = table_rows(card)
    assert len(rows) == 10 and all(row[0] for row in rows)
    (more,) = [a for a in card["actions"] if a["verb"] == "show_more"]
    assert more["type"] == "Action.Execute" and more["data"]["offset"] == 10
    assert more["fallback"]["type"] == "Action.Submit"
    assert more["fallback"]["data"] == {"custseg_action": "show_more", "payload": more["data"]}
    # No credentials in this module: the card says so, and no token was sent to the connector.
    assert "Local mode" in text
    (reply,) = teams.connector.of("reply")
    assert reply.conversation_id == PERSONAL["id"] and reply.body["replyToId"]
    assert reply.authorization is None
    stored = get_reference(teams.brain.store, PERSONAL["id"])
    assert stored is not None and stored.installed and stored.kind == "personal"


def test_my_customers_resolve_through_the_teams_roster_email(teams):
    card = teams.ask("my dormant customers")
    assert "your accounts" in card_text(card)
    # A row reads name, revenue and risk, then its details: owner first.
    assert table_rows(card) and all(row[3] == "Maria" for row in table_rows(card))


def test_channel_mention_is_stripped_and_help_is_answered_in_the_thread(teams):
    # Help carries no customer data, so it stays where it was asked (data answers go to the
    # asker's personal chat: tests/teams/test_personal.py).
    thread = {
        "id": f"{CHANNEL_ID};messageid=1700000000000",
        "conversationType": "channel",
        "tenantId": "tenant-1",
    }
    mention = {"type": "mention", "mentioned": BOT, "text": "<at>custseg</at>"}
    card = teams.ask(
        "<at>custseg</at> help",
        thread,
        entities=[mention],
        channelData={"team": {"id": "19:team", "name": "Sales"}, "channel": {"id": CHANNEL_ID}},
    )
    text = card_text(card)
    assert text.startswith("Help") and wording.HELP_TITLE in text
    # The example questions are too long to sit side by side: one under the other, overview last.
    assert [title for title, _ in card_actions(card)][-1] == wording.OVERVIEW_BUTTON
    stored = get_reference(teams.brain.store, CHANNEL_ID)
    assert (
        stored is not None and stored.name == "Sales" and stored.reference["conversation"]["id"] == CHANNEL_ID
    )


def test_pressing_show_more_replaces_the_card_in_place_for_everyone(teams):
    first = teams.ask("who are the declining customers?")
    status, body = teams.press(first, next(a["title"] for a in first["actions"] if a["verb"] == "show_more"))
    assert status == 200 and body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    presser_sees = body["value"]
    assert "11–20" in card_text(presser_sees)
    assert {r[0] for r in table_rows(presser_sees)}.isdisjoint(r[0] for r in table_rows(first))
    (update,) = teams.connector.wait_for("update")
    assert update.activity_id == "card-1" and update.card == presser_sees
    assert re.search(r"Updated by Maria Rossi · \d\d \w{3} \d{4}, \d\d:\d\d UTC", card_text(update.card))


def test_an_unknown_button_answers_only_the_presser_and_leaves_the_card(teams):
    value = {"action": {"type": "Action.Execute", "verb": "approve_retired_thing", "data": {"id": 7}}}
    status, body = teams.send(
        teams.activity(type="invoke", name="adaptiveCard/action", value=value, replyToId="card-9")
    )
    assert status == 200 and "no longer available" in card_text(body["value"])
    assert "Updated by" not in card_text(body["value"])
    assert teams.connector.of("update") == [] and teams.connector.of("reply") == []
    status, body = teams.send(
        teams.activity(type="invoke", name="adaptiveCard/action", value={"trigger": "manual"})
    )
    assert status == 200 and "could not read that button" in card_text(body["value"])


def test_action_submit_fallback_updates_the_card_too(teams):
    first = teams.ask("who are the declining customers?")
    (more,) = [a for a in first["actions"] if a["verb"] == "show_more"]
    status, _ = teams.send(teams.activity(value=more["fallback"]["data"], replyToId="card-7"))
    assert status == 202
    (update,) = teams.connector.of("update")
    assert update.activity_id == "card-7" and "11–20" in card_text(update.card)


def test_a_throttled_reply_is_retried_and_delivered(teams):
    teams.connector.fail_next(429, retry_after=0.2)
    teams.connector.fail_next(503)
    card = teams.ask("how many champions do we have?")
    assert card_text(card).startswith("Champions")


def test_install_stores_the_reference_and_welcomes_proactive_posts_land(teams):
    group = {
        "id": "19:deal-desk@thread.v2",
        "conversationType": "groupChat",
        "tenantId": "tenant-1",
        "name": "Deal desk",
    }
    status, _ = teams.send(teams.activity(group, type="conversationUpdate", membersAdded=[BOT]))
    assert status == 202
    (welcome,) = teams.connector.of("reply")
    assert "I segment your customers" in card_text(welcome.card)
    assert all(example in card_text(welcome.card) for example in wording.EXAMPLES)
    status, _ = teams.send(teams.activity(group, type="installationUpdate", action="add"))
    assert status == 202

    poster = TeamsPoster(teams.brain.store, {})
    digest = Reply(
        context="Key-account digest — week 47", text="*3* key accounts moved.", footer="as of today"
    )
    posted = poster.post(group["id"], digest)
    (sent,) = teams.connector.of("post")
    assert sent.conversation_id == group["id"] and posted.message_id == sent.returned_id
    assert "**3** key accounts moved." in card_text(sent.card) and "replyToId" not in sent.body
    assert posted.platform == "teams" and posted.channel_id == group["id"]

    poster.update(posted, Reply(context="Key-account digest — week 47", text="Updated."))
    (update,) = teams.connector.of("update")
    assert update.activity_id == posted.message_id and "Updated." in card_text(update.card)


def test_proactive_post_failures_say_whether_to_retry(teams):
    teams.send(teams.activity({"id": "19:alerts@thread.v2", "conversationType": "groupChat"}, text="help"))
    poster = TeamsPoster(teams.brain.store, {})
    alert = Reply(context="Churn alerts", text="2 customers newly at risk")
    teams.connector.fail_next(429, retry_after=7)
    with pytest.raises(DeliveryError) as throttled:
        poster.post("19:alerts@thread.v2", alert)
    assert throttled.value.retryable and throttled.value.retry_after == 7
    teams.connector.fail_next(500)
    with pytest.raises(DeliveryError) as broken:
        poster.post("19:alerts@thread.v2", alert)
    assert broken.value.retryable
    assert poster.post("19:alerts@thread.v2", alert).message_id

    with pytest.raises(DeliveryError) as nowhere:
        poster.post("19:never-installed@thread.v2", alert)
    assert not nowhere.value.retryable and "not installed" in str(nowhere.value)
    assert "Add the custseg app" in str(nowhere.value)


def test_removing_the_app_stops_proactive_posts_with_a_clear_error(teams):
    chat = {"id": "19:old-team@thread.v2", "conversationType": "groupChat"}
    teams.send(teams.activity(chat, type="installationUpdate", action="add"))
    assert get_reference(teams.brain.store, chat["id"]).installed
    teams.send(teams.activity(chat, type="installationUpdate", action="remove"))
    with pytest.raises(DeliveryError, match="not installed") as err:
        TeamsPoster(teams.brain.store, {}).post(chat["id"], Reply(text="digest"))
    assert not err.value.retryable
    assert teams.connector.of("post") == []


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2, 3]",
        {"type": "message", "text": "no conversation"},
        {"type": 5, "conversation": {"id": "x"}},
        {"type": "message", "conversation": {"id": "a:1"}, "text": "no serviceUrl"},
        {"type": "message", "conversation": "a:1", "serviceUrl": "http://127.0.0.1:9"},
    ],
)
def test_malformed_activities_get_400_and_the_bot_keeps_answering(teams, body):
    status, answer = teams.send(body)
    assert status == 400 and answer["error"]
    assert teams.connector.calls == []
    assert card_text(teams.ask("how many champions do we have?")).startswith("Champions")


def test_local_mode_is_announced_and_refuses_a_foreign_service_url(teams):
    (status,) = teams.statuses
    assert status.ready and "local mode" in status.line()
    code, answer = teams.send(teams.activity(text="help", serviceUrl="https://smba.trafficmanager.net/emea/"))
    assert code == 403 and "local mode" in answer["error"]


def test_with_credentials_a_request_without_a_valid_token_is_rejected(world):
    # Every forged token, checked against stand-in keys on loopback: tests/teams/test_attacks.py.
    app = build_app(world.brain, world.brain.settings, CREDENTIALS, TEAMS)
    (status,) = app[STATUSES]
    assert status.ready and "tokens required" in status.line()
    url = world.servers.serve(app)
    world.connector.clear()
    activity = world.activity(text="who are the dormant high-value customers?")
    assert post(f"{url}/api/messages", activity)[0] == 401
    assert post(f"{url}/api/messages", activity, {"Authorization": "Bearer not.a.jwt"})[0] == 401
    assert world.connector.calls == []


def test_partly_configured_credentials_keep_teams_off(world):
    app = build_app(world.brain, world.brain.settings, {"MICROSOFT_APP_ID": "abc"}, TEAMS)
    (status,) = app[STATUSES]
    assert not status.ready
    assert "MICROSOFT_APP_PASSWORD" in status.line() and "MICROSOFT_APP_TENANT_ID" in status.line()
    url = world.servers.serve(app)
    assert post(f"{url}/api/messages", world.activity(text="help"))[0] in (404, 405)
