"""The worker sweeps the win-back actions once a day: ended snoozes wake up, suggestions nobody
decided expire, and two workers never sweep the same day twice."""

from __future__ import annotations

import datetime as dt

from adapters.worker.tick import Worker
from custseg.actions import audit_log, get, propose, snooze
from tests.helpers.actions import MANAGER, draft
from tests.helpers.worker import SimClock

UTC = dt.UTC
T0 = dt.datetime(2027, 3, 1, 10, 0)  # naive UTC, as the workflow stores times


def test_the_daily_sweep_wakes_snoozes_and_expires_undecided_suggestions(any_store, settings):
    snoozed, _ = propose(any_store, draft("C1"), MANAGER, now=T0)
    snooze(any_store, settings, snoozed.id, MANAGER, days=3, now=T0)  # until 4 March, 10:00
    undecided, _ = propose(any_store, draft("C2"), MANAGER, now=T0)
    clock = SimClock(dt.datetime(2027, 3, 1, 12, 0, tzinfo=UTC))
    worker = Worker(any_store, settings, {}, lambda now: None, clock)
    other = Worker(any_store, settings, {}, lambda now: None, clock)  # started by mistake

    def tick_at(day: int, hour: int, minute: int = 0) -> dict[str, int] | None:
        clock.now = dt.datetime(2027, 3, day, hour, minute, tzinfo=UTC)
        swept = worker.tick().swept
        assert other.tick().swept is None, "the second worker found the day already swept"
        return swept

    # The nightly time is 02:00 (UTC here): one sweep a day, after it.
    assert tick_at(2, 3) == {"woken": 0, "expired": 0}
    assert tick_at(2, 23) is None
    assert tick_at(4, 2, 30) == {"woken": 0, "expired": 0}  # the snooze runs until 10:00
    assert get(any_store, snoozed.id).state == "snoozed"
    assert tick_at(5, 2, 30) == {"woken": 1, "expired": 0}
    assert tick_at(5, 3) is None
    assert get(any_store, snoozed.id).state == "proposed"
    assert get(any_store, undecided.id).state == "proposed"

    # expire_after_days (14) after it was proposed, the undecided one expires; the woken one was
    # proposed again on 5 March and has time left.
    assert tick_at(16, 2, 5) == {"woken": 0, "expired": 1}
    assert get(any_store, undecided.id).state == "expired"
    assert get(any_store, snoozed.id).state == "proposed"
    last = audit_log(any_store, undecided.id)[-1]
    assert (last.actor, last.platform, last.from_state, last.to_state) == (
        "custseg",
        "system",
        "proposed",
        "expired",
    )
    assert last.reason == "nobody decided within 14 days"


def test_a_worker_down_for_days_sweeps_once_when_it_comes_back(any_store, settings):
    proposed, _ = propose(any_store, draft("C3"), MANAGER, now=T0)
    clock = SimClock(dt.datetime(2027, 3, 1, 12, 0, tzinfo=UTC))
    worker = Worker(any_store, settings, {}, lambda now: None, clock)
    assert worker.tick().swept == {"woken": 0, "expired": 0}  # today's, at start-up
    clock.now = dt.datetime(2027, 3, 20, 9, 0, tzinfo=UTC)  # down since
    assert worker.tick().swept == {"woken": 0, "expired": 1}
    assert worker.tick().swept is None
    assert get(any_store, proposed.id).state == "expired"
