"""A small synthetic book whose customers slide into churn on known days, a simulated clock, and
helpers to read what the worker posted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import update

from config import Settings
from custseg.errors import StoreError
from custseg.ingest.aggregate import aggregate_frame
from custseg.snapshot.build import build_snapshot
from custseg.snapshot.storage import load_snapshot, save_snapshot
from custseg.store import Store
from custseg.store.models import SUBSCRIPTIONS
from custseg.store.subscriptions import subscribe

UTC = dt.UTC
# Customers who stop ordering on these days (weekly buyers: dormant four weeks later).
STOPPERS = {
    "S1": dt.date(2027, 2, 18),
    "S2": dt.date(2027, 2, 25),
    "S3": dt.date(2027, 3, 4),
    "S4": dt.date(2027, 3, 11),
    "S5": dt.date(2027, 3, 18),
}


@dataclass
class Book:
    orders: pd.DataFrame
    attributes: pd.DataFrame


def make_book(n_steady: int = 24) -> Book:
    """Weekly buyers from mid-2026 to the end of April 2027; the STOPPERS stop early."""
    rows = []
    start = dt.date(2026, 6, 1)
    ids = [f"C{i:02d}" for i in range(n_steady)] + list(STOPPERS)
    for k, cid in enumerate(ids):
        end = STOPPERS.get(cid, dt.date(2027, 4, 30))
        day = start + dt.timedelta(days=k % 7)
        amount = 100.0 + 40 * k
        while day <= end:
            rows.append((f"{cid}-{day}", cid, pd.Timestamp(day) + pd.Timedelta(hours=10), amount))
            day += dt.timedelta(days=7)
    orders = pd.DataFrame(rows, columns=["order_id", "customer_id", "ordered_at", "amount"])
    attributes = pd.DataFrame(
        {
            "name": [f"Customer {cid}" for cid in ids],
            "owner": ["Ana" if k % 2 == 0 else "Ben" for k in range(len(ids))],
            "region": "EMEA",
        },
        index=pd.Index(ids, name="customer_id"),
    )
    return Book(orders, attributes)


def snapshot_refresh(store: Store, settings: Settings, book: Book) -> Callable[[dt.datetime], None]:
    """The nightly refresh on the synthetic book: the real snapshot build, as of the UTC day of ``now``."""

    def refresh(now: dt.datetime) -> None:
        day = now.astimezone(UTC).date()
        try:
            previous = load_snapshot(store, before=day).customers
        except StoreError:
            previous = None
        summary = aggregate_frame(book.orders, day, settings.lifecycle.trend_window_days)
        save_snapshot(store, build_snapshot(summary, day, settings, book.attributes, previous, "synthetic"))

    return refresh


class SimClock:
    """A clock the test moves forward by hand."""

    def __init__(self, start: dt.datetime):
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


def subscribe_at(
    store: Store, when: dt.datetime, platform: str, channel: str, topic: str, day: str, time: str, tz: str
) -> None:
    """Subscribe as if it had been done at ``when`` (created_at is naive machine-local time)."""
    subscribe(store, platform, channel, topic, day, time, tz, "U_TEST")
    local = when.astimezone().replace(tzinfo=None)
    t = SUBSCRIPTIONS
    with store.begin() as conn:
        conn.execute(
            update(t)
            .where((t.c.platform == platform) & (t.c.channel_id == channel) & (t.c.topic == topic))
            .values(created_at=local)
        )


def entries(path) -> list[str]:
    """The posts a FilePoster appended to ``path``."""
    if not path.exists():
        return []
    return [e for e in path.read_text(encoding="utf-8").split("\n── ") if e.strip()]
