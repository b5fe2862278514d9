"""The outbox on SQLite and PostgreSQL: one post per key, safe with two workers, a crash mid-send
loses nothing and doubles nothing, failed posts are parked and can be retried."""

from __future__ import annotations

import datetime as dt
import threading

from adapters.console.poster import FilePoster
from adapters.worker.tick import Worker
from bot.delivery import Posted
from bot.outbox import deliver_due, enqueue, reply_from_json, reply_to_json
from bot.reply import Button, Image, Reply, Table
from custseg.errors import DeliveryError
from custseg.store import Store, outbox
from tests.helpers.worker import SimClock, entries, snapshot_refresh, subscribe_at

UTC = dt.UTC
T0 = dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def full_reply() -> Reply:
    return Reply(
        context="Key-account digest",
        title="Week 9",
        text="*3* key accounts moved.",
        fields=[("Owner", "Ana")],
        table=Table(["Customer", "Revenue"], [["Globex", "$12k"]], ["left", "right"]),
        image=Image("Value by stage", b"\x89PNG\r\n\x1a\nfake", "active $1M → $0.9M"),
        buttons=[Button("Approve · Globex", "action.approve", {"customer_id": "C1"}, "primary")],
        footer="As of 2027-03-01",
    )


def test_a_key_is_queued_once_and_the_reply_survives_the_round_trip(any_store):
    reply = full_reply()
    assert reply_from_json(reply_to_json(reply)) == reply
    assert enqueue(any_store, "slack", "C1", "digest:slack:C1:2027-W09", reply)
    assert not enqueue(any_store, "slack", "C1", "digest:slack:C1:2027-W09", Reply(text="again"))
    (row,) = outbox.list_messages(any_store, with_reply=True)
    assert row["status"] == "pending" and row["attempts"] == 0
    assert reply_from_json(row["reply"]) == reply


def test_two_workers_draining_at_once_post_each_message_once(any_store, settings, tmp_path):
    for i in range(30):
        enqueue(any_store, "console", f"C{i}", f"k{i}", Reply(text=f"post {i}"))
    stores = [Store(any_store.url) for _ in range(2)]
    start = threading.Barrier(2)
    results: list[list] = [[], []]

    def drain(n: int) -> None:
        start.wait()
        results[n] = deliver_due(stores[n], {"console": FilePoster("console", tmp_path)}, settings.delivery)

    threads = [threading.Thread(target=drain, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for store in stores:
        store.dispose()
    assert sorted(o.key for r in results for o in r) == sorted(f"k{i}" for i in range(30))
    assert all(len(entries(tmp_path / f"console-C{i}.txt")) == 1 for i in range(30))
    assert outbox.counts(any_store)["sent"] == 30


def test_two_workers_ticking_at_the_same_moment_queue_and_post_one_digest(
    any_store, settings, book, tmp_path
):
    refresh = snapshot_refresh(any_store, settings, book)
    refresh(T0 - dt.timedelta(days=7))
    refresh(T0)
    subscribe_at(any_store, T0 - dt.timedelta(days=1), "console", "C_TEAM", "digest", "mon", "09:00", "UTC")
    stores = [Store(any_store.url) for _ in range(2)]
    workers = [
        Worker(s, settings, {"console": FilePoster("console", tmp_path)}, lambda now: None, SimClock(T0))
        for s in stores
    ]
    start = threading.Barrier(2)
    reports: list = [None, None]

    def tick(n: int) -> None:
        start.wait()
        reports[n] = workers[n].tick(T0 + dt.timedelta(minutes=1))

    threads = [threading.Thread(target=tick, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for store in stores:
        store.dispose()
    assert sorted(len(r.queued) for r in reports) == [0, 1]
    assert len(entries(tmp_path / "console-C_TEAM.txt")) == 1
    (row,) = outbox.list_messages(any_store)
    assert row["key"] == "digest:console:C_TEAM:2027-W09" and row["status"] == "sent"


class Flaky:
    """A platform that fails the first ``failures`` posts the way Slack and Teams do."""

    platform = "slack"

    def __init__(self, failures: list[DeliveryError]):
        self.failures = list(failures)
        self.posted: list[tuple[str, str]] = []

    def post(self, channel_id: str, reply: Reply) -> Posted:
        if self.failures:
            raise self.failures.pop(0)
        self.posted.append((channel_id, reply.text))
        return Posted("slack", channel_id, f"ts-{len(self.posted)}")

    def update(self, posted: Posted, reply: Reply) -> None:
        raise AssertionError("not used")


def test_a_worker_dying_mid_send_leaves_the_post_to_the_next_one_after_the_lease(any_store, fast_settings):
    enqueue(any_store, "slack", "C1", "digest:slack:C1:2027-W09", Reply(text="the digest"))
    lease = fast_settings.delivery.lease_seconds
    # Worker A claims the post and dies before posting (the process was killed).
    taken = outbox.claim_next(any_store, ["slack"], lease, T0)
    assert taken is not None and taken["status"] == "sending"
    platform = Flaky([])
    clock = SimClock(T0 + dt.timedelta(seconds=lease / 2))
    assert deliver_due(any_store, {"slack": platform}, fast_settings.delivery, clock) == []
    assert platform.posted == []
    clock.advance(seconds=lease)
    (outcome,) = deliver_due(any_store, {"slack": platform}, fast_settings.delivery, clock)
    assert outcome.status == "sent" and outcome.attempts == 2
    assert platform.posted == [("C1", "the digest")]
    # Worker A coming back to life cannot record anything over the new owner's result.
    assert not outbox.mark_failed(any_store, taken["id"], taken["claim_token"], "late")
    clock.advance(hours=1)
    assert deliver_due(any_store, {"slack": platform}, fast_settings.delivery, clock) == []
    (row,) = outbox.list_messages(any_store)
    assert row["status"] == "sent" and row["message_id"] == "ts-1"


def test_retryable_failures_back_off_then_park_and_can_be_retried(any_store, fast_settings):
    settings = fast_settings.delivery
    enqueue(any_store, "slack", "C1", "k1", Reply(text="hello"))
    rate_limited = DeliveryError("Slack refused a post: ratelimited.", retryable=True, retry_after=20)
    platform = Flaky([rate_limited] + [DeliveryError("HTTP 500", retryable=True)] * 10)
    clock = SimClock(T0)
    (first,) = deliver_due(any_store, {"slack": platform}, settings, clock)
    assert first.status == "retry" and first.next_attempt_at == T0 + dt.timedelta(
        seconds=20
    )  # Retry-After wins
    clock.advance(seconds=19)
    assert deliver_due(any_store, {"slack": platform}, settings, clock) == []
    waits = []
    while True:
        row = outbox.list_messages(any_store)[0]
        if row["status"] != "pending":
            break
        clock.now = row["next_attempt_at"].replace(tzinfo=UTC)
        (outcome,) = deliver_due(any_store, {"slack": platform}, settings, clock)
        if outcome.next_attempt_at:
            waits.append((outcome.next_attempt_at - clock.now).total_seconds())
    assert waits == [4.0, 8.0, 16.0]  # 2 s doubling per attempt (attempts 2, 3, 4)
    assert row["status"] == "failed" and row["attempts"] == settings.max_attempts
    assert "gave up after 5 attempts" in row["last_error"] and "HTTP 500" in row["last_error"]
    assert platform.posted == []

    assert outbox.retry_failed(any_store, now=clock.now) == 1
    platform.failures.clear()
    (outcome,) = deliver_due(any_store, {"slack": platform}, settings, clock)
    assert outcome.status == "sent" and platform.posted == [("C1", "hello")]


def test_a_refused_post_is_parked_at_once_and_other_platforms_wait(any_store, settings):
    enqueue(any_store, "slack", "C404", "k1", Reply(text="hello"))
    enqueue(any_store, "teams", "19:x", "k2", Reply(text="hello"))
    platform = Flaky([DeliveryError("Slack refused a post: channel_not_found.", retryable=False)])
    (outcome,) = deliver_due(any_store, {"slack": platform}, settings.delivery)
    assert outcome.status == "failed" and "channel_not_found" in outcome.error
    assert outbox.counts(any_store) == {"pending": 1, "sending": 0, "sent": 0, "failed": 1}
