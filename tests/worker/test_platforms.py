"""The worker posting through the real Slack and Teams posters to the fake platform servers over
real HTTP: 429 and 500 answers are retried (honouring Retry-After) and each post lands once."""

from __future__ import annotations

import datetime as dt

import pytest

from adapters.slack.poster import SlackPoster
from adapters.teams.poster import TeamsPoster
from adapters.teams.references import save_reference
from adapters.worker.tick import Worker
from custseg.store import outbox
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.teams_connector import FakeConnector, LoopbackServers
from tests.helpers.blockkit import message_text
from tests.helpers.worker import SimClock, snapshot_refresh, subscribe_at
from tests.teams.cards import card_text

UTC = dt.UTC
T0 = dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # a Monday
TEAM_CHAT = "19:accounts@thread.v2"


@pytest.fixture
def slack():
    fake = FakeSlackAPI().start()
    yield fake
    fake.stop()


@pytest.fixture
def teams():
    servers = LoopbackServers()
    connector = FakeConnector()
    url = servers.serve(connector.app())
    yield connector, url
    servers.close()


def install_in_team_chat(store, connector_url: str) -> None:
    """The bot installed in the Teams channel TEAM_CHAT, served by the fake connector."""
    save_reference(
        store,
        TEAM_CHAT,
        {
            "serviceUrl": connector_url,
            "channelId": "msteams",
            "conversation": {"id": TEAM_CHAT, "conversationType": "channel"},
            "bot": {"id": "28:custseg", "name": "custseg"},
        },
    )


def run_until_sent(worker: Worker, clock: SimClock, store, seconds: int) -> None:
    for _ in range(seconds):
        worker.tick()
        if outbox.counts(store)["pending"] == 0 and outbox.counts(store)["sending"] == 0:
            return
        clock.advance(seconds=1)


def test_digest_reaches_slack_and_teams_once_through_429_and_500(
    any_store, fast_settings, book, slack, teams
):
    connector, connector_url = teams
    refresh = snapshot_refresh(any_store, fast_settings, book)
    refresh(T0 - dt.timedelta(days=7))
    refresh(T0)
    install_in_team_chat(any_store, connector_url)
    subscribe_at(any_store, T0 - dt.timedelta(days=1), "slack", "C_ACCOUNTS", "digest", "mon", "09:00", "UTC")
    subscribe_at(any_store, T0 - dt.timedelta(days=1), "teams", TEAM_CHAT, "digest", "mon", "09:00", "UTC")
    slack.rate_limit("chat.postMessage", times=1, retry_after=3)
    slack.fail("chat.postMessage", status=500, times=1)
    connector.fail_next(429, retry_after=2)
    connector.fail_next(503)

    clock = SimClock(T0 + dt.timedelta(seconds=30))
    posters = {"slack": SlackPoster("xoxb-test", slack.api_url), "teams": TeamsPoster(any_store, {})}
    worker = Worker(any_store, fast_settings, posters, lambda now: None, clock)
    run_until_sent(worker, clock, any_store, 60)

    rows = {r["key"]: r for r in outbox.list_messages(any_store)}
    assert set(rows) == {"digest:slack:C_ACCOUNTS:2027-W09", f"digest:teams:{TEAM_CHAT}:2027-W09"}
    assert all(r["status"] == "sent" and r["attempts"] == 3 for r in rows.values())
    slack_row = rows["digest:slack:C_ACCOUNTS:2027-W09"]
    # 429 at +30 s asked for 3 s; the 500 at +33 s backs off 4 s (2 s doubled); sent at +37 s.
    assert slack_row["sent_at"] == (T0 + dt.timedelta(seconds=37)).replace(tzinfo=None)

    (post,) = slack.calls_to("chat.postMessage")
    assert [c.status for c in slack.calls_to("chat.postMessage", ok_only=False)] == [429, 500, 200]
    assert "key accounts" in post.text() and slack_row["message_id"]
    assert slack.calls_to("files.completeUploadExternal"), "the chart went along"
    (card,) = connector.of("post")
    assert card.conversation_id == TEAM_CHAT
    # The notification says what arrived, not just "Card".
    assert card.body["summary"].startswith("Key-account digest")
    assert rows[f"digest:teams:{TEAM_CHAT}:2027-W09"]["message_id"] == card.returned_id

    # A week later the same channels get next week's digest, once each.
    clock.now = T0 + dt.timedelta(days=7, seconds=5)
    refresh(clock.now)
    run_until_sent(worker, clock, any_store, 10)
    assert len(slack.calls_to("chat.postMessage")) == 2 and len(connector.of("post")) == 2


def test_an_alert_run_is_one_post_per_channel_with_every_account_manager_inside(
    any_store, fast_settings, book, slack, teams
):
    connector, connector_url = teams
    t1 = dt.datetime(2027, 4, 12, 8, 0, tzinfo=UTC)
    refresh = snapshot_refresh(any_store, fast_settings, book)
    refresh(t1 - dt.timedelta(days=26))
    refresh(t1)
    install_in_team_chat(any_store, connector_url)
    subscribe_at(any_store, t1 - dt.timedelta(days=1), "slack", "C_ALERTS", "alerts", "daily", "08:00", "UTC")
    subscribe_at(any_store, t1 - dt.timedelta(days=1), "teams", TEAM_CHAT, "alerts", "daily", "08:00", "UTC")
    clock = SimClock(t1 + dt.timedelta(seconds=30))
    posters = {"slack": SlackPoster("xoxb-test", slack.api_url), "teams": TeamsPoster(any_store, {})}
    worker = Worker(any_store, fast_settings, posters, lambda now: None, clock)
    run_until_sent(worker, clock, any_store, 30)

    # Before: one post per account manager (here Ana's and Ben's: 2 per channel). Now one per run.
    rows = outbox.list_messages(any_store)
    assert sorted(r["key"].rsplit(":", 1)[0] for r in rows) == [
        "alerts:slack:C_ALERTS",
        f"alerts:teams:{TEAM_CHAT}",
    ]
    assert all(r["status"] == "sent" for r in rows)
    (post,) = slack.calls_to("chat.postMessage")
    (card,) = connector.of("post")
    text = message_text(post.blocks)
    # S1 was already at high risk in the previous snapshot (old news); S2-S4 went dormant since.
    # The manager with the most at stake first, each customer under their own manager.
    lines = text.split("\n")
    ben, ana = (
        lines.index("*Ben* — 2 customers, $89k revenue to date"),
        lines.index("*Ana* — 1 customer, $44k revenue to date"),
    )
    named = [line.split("*")[1] for line in lines if line.startswith("• ")]
    assert named == ["Customer S4", "Customer S2", "Customer S3"]
    assert ben < lines.index(next(x for x in lines if x.startswith("• *Customer S2*"))) < ana
    assert ana < lines.index(next(x for x in lines if x.startswith("• *Customer S3*")))
    alerted = named
    assert "[Show mine]" in text
    assert card.body["summary"].startswith("Churn alerts — 3 customers")
    assert all(name in card_text(card.body["attachments"][0]["content"]) for name in alerted)

    # Later ticks in the same period post nothing more.
    clock.now = t1 + dt.timedelta(hours=3)
    run_until_sent(worker, clock, any_store, 5)
    assert len(slack.calls_to("chat.postMessage")) == 1 and len(connector.of("post")) == 1
