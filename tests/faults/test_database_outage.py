"""Our PostgreSQL stops (for real: its own throw-away server) while Slack messages arrive and while
the worker is posting. Messages are answered with "try again in a minute" instead of being
acknowledged and dropped; a post Slack took just before the database went away is recorded once
the database is back, not posted twice."""

from __future__ import annotations

import datetime as dt
import threading

from adapters.slack.poster import SlackPoster
from adapters.web.app import build_app
from bot import wording
from bot.brain import Brain
from bot.outbox import deliver_due, enqueue
from bot.reply import Reply
from custseg.store import open_store, outbox
from tests.fakes.slack_api import FakeSlackAPI, Fault, LoopbackServer
from tests.helpers.slack import SlackSide, demo_settings, slack_env
from tests.helpers.throwaway_postgres import ThrowawayPostgres
from tests.helpers.worker import make_book, snapshot_refresh

OUTAGE_MESSAGES = 5  # direct messages, and as many mentions in a private channel


def test_messages_arriving_while_postgresql_is_down_are_answered_not_lost(own_postgres: ThrowawayPostgres):
    store = open_store(own_postgres.database("incoming"))
    settings = demo_settings()
    snapshot_refresh(store, settings, make_book())(dt.datetime.now(dt.UTC))
    fake = FakeSlackAPI().start()
    server = LoopbackServer(
        build_app(Brain(store, settings), settings, slack_env(fake), modules=("adapters.slack.app",))
    ).start()
    slack = SlackSide(server.url, fake)
    try:
        assert slack.dm("help", channel="D_BEFORE")[0].status == 200
        fake.wait_for("chat.postMessage", 1)
        own_postgres.stop()
        asked = []
        for i in range(OUTAGE_MESSAGES):
            answer, ts = slack.dm("how many customers are there?", channel=f"D_OUT{i}")
            asked.append((f"D_OUT{i}", ts, None, answer.status))
            answer, ts = slack.mention("how many customers are there?", channel=f"C_OUT{i}")
            asked.append((f"C_OUT{i}", ts, ts, answer.status))
        fake.wait_for("chat.postMessage", 1 + 2 * OUTAGE_MESSAGES, timeout=30)
        command, name = slack.command("how many customers are there?")
        (slashed,) = fake.wait_for("respond", where=lambda c: c.args["response_url"] == name, timeout=30)
        own_postgres.start()
        assert slack.dm("help", channel="D_AFTER")[0].status == 200
        (after,) = fake.wait_for(
            "chat.postMessage", where=lambda c: c.args["channel"] == "D_AFTER", timeout=30
        )
    finally:
        server.stop()
        fake.stop()
        store.dispose()
    # A slash command is answered the same way (the brain's own reads fail, not only the claim).
    assert command.status == 200 and wording.DATA_UNREACHABLE in slashed.text()
    assert "Something went wrong" not in slashed.text()
    assert all(status == 200 for *_, status in asked)  # acknowledged: Slack does not resend them
    answered = {c.args["channel"]: c for c in fake.calls_to("chat.postMessage")}
    told = [
        channel
        for channel, _ts, thread, _ in asked
        if channel in answered
        and wording.DATA_UNREACHABLE in answered[channel].text()
        and answered[channel].args.get("thread_ts") == thread
    ]
    assert told == [channel for channel, *_ in asked], "every message got the ask-again answer, in its place"
    assert len(fake.calls_to("chat.postMessage")) == 2 + 2 * OUTAGE_MESSAGES  # once each, nothing more
    # Once the database is back the same question gets a real answer again.
    assert wording.DATA_UNREACHABLE not in after.text() and "What I can do" in after.text()
    assert wording.DATA_UNREACHABLE not in answered["D_BEFORE"].text()


def test_a_post_slack_took_just_before_postgresql_stopped_is_recorded_not_posted_twice(
    own_postgres: ThrowawayPostgres, settings
):
    store = open_store(own_postgres.database("delivery"))
    key = "digest:slack:C_ACCOUNTS:2027-W09"
    enqueue(store, "slack", "C_ACCOUNTS", key, Reply(context="Key-account digest", text="*3* moved."))
    fake = FakeSlackAPI().start()
    back = threading.Event()

    def database_goes_away(_call) -> None:
        # Slack has taken the post; our database stops before the worker can record it, and comes
        # back two seconds later.
        own_postgres.stop()
        threading.Timer(2.0, lambda: (own_postgres.start(), back.set())).start()

    faults = [Fault(then=database_goes_away)]
    fake.chaos = lambda method, _args: faults.pop() if method == "chat.postMessage" and faults else None
    try:
        outcomes = deliver_due(store, {"slack": SlackPoster("xoxb-test", fake.api_url)}, settings.delivery)
        assert back.wait(60)
        (row,) = outbox.list_messages(store)
    finally:
        fake.stop()
        store.dispose()
    assert [o.status for o in outcomes] == ["sent"]
    assert fake.posts_by_key() == {key: 1}
    (post,) = fake.calls_to("chat.postMessage")
    assert row["status"] == "sent" and row["message_id"] == fake.messages["C_ACCOUNTS"][0]["ts"]
    assert post.args["metadata"]["event_payload"]["key"] == key
