"""Delivery reads the real clock per post: a tick that runs longer than the lease (a slow Slack)
does not let another worker take posts it is still sending, and a Retry-After is counted from the
moment Slack asked for it, not from the start of the tick. Real SlackPoster, fake Slack on loopback,
two workers with stores of their own (as two processes have)."""

from __future__ import annotations

import threading
import time

from adapters.slack.poster import SlackPoster
from adapters.worker.tick import Worker
from bot.outbox import enqueue
from bot.reply import Reply
from custseg.store import Store, outbox
from tests.fakes.slack_api import FakeSlackAPI, Fault

POSTS = 12
SLOW = 0.3  # seconds Slack takes to answer each post: the tick outlasts the lease below


def test_a_tick_longer_than_the_lease_posts_each_message_once_and_waits_out_retry_after(any_store, settings):
    delivery = settings.delivery.model_copy(
        update={"lease_seconds": 1.0, "backoff_seconds": 0.2, "max_backoff_seconds": 1.0}
    )
    settings = settings.model_copy(update={"delivery": delivery})
    for i in range(POSTS):
        enqueue(any_store, "slack", "C_ACCOUNTS", f"k{i}", Reply(text=f"post {i}"))
    fake = FakeSlackAPI().start()
    seen = []

    def slow_and_one_429(method: str, _args: dict) -> Fault | None:
        if method != "chat.postMessage":
            return None
        seen.append(method)
        return Fault(status=429, retry_after=1) if len(seen) == 3 else Fault(delay=SLOW)

    fake.chaos = slow_and_one_429
    stores = [Store(any_store.url) for _ in range(2)]
    workers = [
        Worker(s, settings, {"slack": SlackPoster("xoxb-test", fake.api_url, timeout=5)}, lambda now: None)
        for s in stores
    ]
    done = threading.Event()

    def other_worker() -> None:  # the second process's deliver job, every 0.1 s once the lease is up
        time.sleep(delivery.lease_seconds * 1.2)
        deadline = time.monotonic() + 20
        while not done.is_set() and time.monotonic() < deadline:
            workers[1].deliver()
            time.sleep(0.1)

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        started = time.monotonic()
        workers[0].tick()
        deadline = time.monotonic() + 20
        while outbox.counts(any_store)["sent"] < POSTS and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        done.set()
        thread.join(30)
        fake.stop()
        for s in stores:
            s.dispose()
    assert time.monotonic() - started > delivery.lease_seconds  # the situation of the issue
    assert outbox.counts(any_store)["sent"] == POSTS
    assert fake.posts_by_key() == {f"k{i}": 1 for i in range(POSTS)}
    calls = fake.calls_to("chat.postMessage", ok_only=False)
    (limited,) = [c for c in calls if c.status == 429]
    key = limited.args["metadata"]["event_payload"]["key"]
    retried = [c for c in calls if c.status == 200 and c.args["metadata"]["event_payload"]["key"] == key]
    assert retried[0].at - limited.at >= 1.0  # Slack asked for 1 s, counted from its answer
