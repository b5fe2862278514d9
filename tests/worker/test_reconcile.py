"""A post that may have gone out is looked up before it is sent again: Slack took it but the answer
timed out, or the worker died right after Slack took it. The next attempt finds it in the channel
by the outbox key in its metadata and records it; nothing is posted twice."""

from __future__ import annotations

import datetime as dt

from adapters.slack.poster import SlackPoster
from bot.outbox import deliver_due, enqueue
from bot.reply import Button, Reply
from custseg.actions import propose
from custseg.store import copies, outbox
from tests.fakes.slack_api import FakeSlackAPI, Fault
from tests.helpers.actions import MANAGER, draft
from tests.helpers.worker import SimClock

UTC = dt.UTC
KEY = "digest:slack:C_ACCOUNTS:2027-W09"


def test_a_post_whose_answer_timed_out_is_found_not_posted_again(any_store, fast_settings):
    suggestion, _ = propose(any_store, draft("C1"), MANAGER)
    approve = Button("Approve", "action.approve", {"suggestion_id": suggestion.id})
    enqueue(any_store, "slack", "C_ACCOUNTS", KEY, Reply(text="*3* moved.", buttons=[approve]))
    fake = FakeSlackAPI().start()
    faults = [Fault(delay=1.0)]  # Slack takes the post, and answers after the client gave up
    fake.chaos = lambda method, _args: faults.pop() if method == "chat.postMessage" and faults else None
    poster = SlackPoster("xoxb-test", fake.api_url, timeout=0.3)
    clock = SimClock(dt.datetime.now(UTC))
    try:
        (first,) = deliver_due(any_store, {"slack": poster}, fast_settings.delivery, clock)
        assert first.status == "retry" and "timed out" in first.error
        clock.now = first.next_attempt_at
        (second,) = deliver_due(any_store, {"slack": poster}, fast_settings.delivery, clock)
    finally:
        fake.stop()
    assert second.status == "found"
    assert fake.posts_by_key() == {KEY: 1} and len(fake.calls_to("chat.postMessage")) == 1
    (row,) = outbox.list_messages(any_store)
    assert row["status"] == "sent" and row["message_id"] == fake.messages["C_ACCOUNTS"][0]["ts"]
    # The post found is the copy a decision later updates, as if it had been answered at once.
    assert copies.find(any_store, "slack", "C_ACCOUNTS", row["message_id"]) is not None


def test_a_worker_killed_after_slack_took_the_post_leaves_it_found_by_the_next(any_store, fast_settings):
    enqueue(any_store, "slack", "C_ACCOUNTS", KEY, Reply(text="the digest"))
    fake = FakeSlackAPI().start()
    poster = SlackPoster("xoxb-test", fake.api_url)
    lease = fast_settings.delivery.lease_seconds
    now = dt.datetime.now(UTC)
    try:
        # Worker A claims the post, Slack takes it, and A is killed before it records anything.
        taken = outbox.claim_next(any_store, ["slack"], lease, now)
        assert taken is not None
        poster.post_tagged("C_ACCOUNTS", Reply(text="the digest"), KEY)
        clock = SimClock(now + dt.timedelta(seconds=lease + 1))
        (outcome,) = deliver_due(any_store, {"slack": poster}, fast_settings.delivery, clock)
        assert deliver_due(any_store, {"slack": poster}, fast_settings.delivery, clock) == []
    finally:
        fake.stop()
    assert outcome.status == "found" and outcome.attempts == 2
    assert fake.posts_by_key() == {KEY: 1}
    assert outbox.counts(any_store)["sent"] == 1
