"""A failed snapshot build is tried again seconds later, doubling, not after a fixed five minutes
(nor the next night): the worker's real nightly refresh (`custseg segment` on the store) fails
while no orders are loaded and builds on the first retry after they are."""

from __future__ import annotations

import datetime as dt

from adapters.console.poster import FilePoster
from adapters.worker.backoff import Backoff
from adapters.worker.tick import REFRESH_JOB, Worker
from custseg.demo import make_demo_book, to_csv
from custseg.ingest.readers import read_customer_file, read_order_file
from custseg.snapshot.storage import load_snapshot
from custseg.store.load import save_customers, save_order_file
from custseg.store.schedule_state import last_runs
from tests.helpers.worker import SimClock

UTC = dt.UTC
T0 = dt.datetime(2026, 11, 14, 2, 0, 30, tzinfo=UTC)  # just after the nightly refresh time (02:00)


def test_backoff_starts_at_seconds_and_doubles_up_to_minutes():
    backoff = Backoff()
    waits = [backoff.failed("refresh", T0).total_seconds() for _ in range(8)]
    assert waits == [5, 10, 20, 40, 80, 160, 300, 300]
    assert backoff.waiting("refresh", T0 + dt.timedelta(seconds=299))
    backoff.succeeded("refresh")
    assert not backoff.waiting("refresh", T0)


def test_a_failed_refresh_is_retried_after_seconds_and_builds_once_orders_arrive(
    sqlite_store, settings, tmp_path
):
    settings = settings.model_copy(update={"timezone": "UTC"})
    clock = SimClock(T0)
    worker = Worker(sqlite_store, settings, {"console": FilePoster("console", tmp_path)}, clock=clock)
    attempts = []
    for seconds in (0, 3, 6, 12, 16):  # no orders yet: fails at +0, waits 5 s, fails at +6, waits 10 s
        clock.now = T0 + dt.timedelta(seconds=seconds)
        if worker.tick().refreshed:
            attempts.append(seconds)
    assert attempts == [0, 6, 16]
    assert REFRESH_JOB not in last_runs(sqlite_store)  # not given up for the night

    book = make_demo_book(n_customers=120, end=dt.date(2026, 11, 13))
    customers, orders = to_csv(book, tmp_path)
    save_customers(sqlite_store, read_customer_file(customers))
    save_order_file(sqlite_store, read_order_file(orders, "custseg_orders"))
    clock.now = T0 + dt.timedelta(seconds=30)  # +16 failed again: the next try is 20 s later
    assert not worker.tick().refreshed
    clock.now = T0 + dt.timedelta(seconds=37)
    assert worker.tick().refreshed
    assert len(load_snapshot(sqlite_store).customers) == 120
    assert REFRESH_JOB in last_runs(sqlite_store)
    clock.now = T0 + dt.timedelta(minutes=10)
    assert not worker.tick().refreshed  # built: done for tonight
