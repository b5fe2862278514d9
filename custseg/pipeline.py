"""From an order source to a stored snapshot: the steps behind `custseg segment`."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from threadpoolctl import threadpool_limits

from config.mappings import Mapping
from config.settings import Settings
from custseg.errors import StoreError
from custseg.ingest.aggregate import aggregate_frame, aggregate_sql, latest_order
from custseg.ingest.parquet import read_orders_fast
from custseg.ingest.readers import read_order_file
from custseg.models.churn.history import OrderHistory
from custseg.models.churn.scoring import ChurnScores, score_churn
from custseg.progress import Progress, Silent
from custseg.snapshot.build import Snapshot, build_snapshot
from custseg.snapshot.storage import load_snapshot, save_snapshot
from custseg.store.db import Store, make_engine
from custseg.store.models import CUSTOMERS
from custseg.store.orders import STORE_COLUMNS

STALE_DAYS = 30


@dataclass
class Summary:
    """Per-customer aggregates plus what is known about the customers and where it came from."""

    aggregates: pd.DataFrame
    attributes: pd.DataFrame | None
    source: str
    as_of: dt.date
    as_of_note: str | None = None
    history: OrderHistory | None = None  # the same orders as of any earlier day (churn model training)


def choose_as_of(latest: dt.datetime | None, today: dt.date | None = None) -> tuple[dt.date, str | None]:
    """Today, unless the newest order is over a month old (a historical file): then that day.

    Returns the date and, when it is not today, a sentence saying why.
    """
    today = today or dt.date.today()
    if latest is None:
        return today, None
    latest_day = pd.Timestamp(latest).date()
    if (today - latest_day).days > STALE_DAYS:
        return (
            latest_day,
            f"as of {latest_day}, the day of the newest order (pass --as-of to choose another day)",
        )
    return today, None


def _store_attributes(store: Store) -> pd.DataFrame:
    t = CUSTOMERS
    with store.connect() as conn:
        rows = conn.execute(select(t.c.id, t.c.name, t.c.owner, t.c.region)).all()
    return pd.DataFrame(rows, columns=["customer_id", "name", "owner", "region"]).set_index("customer_id")


def summarize_store(store: Store, settings: Settings, as_of: dt.date | None = None) -> Summary:
    """Aggregate the orders loaded into our own store, inside the database."""
    latest = latest_order(store.engine, "orders", STORE_COLUMNS)
    if latest is None:
        raise StoreError(
            f"There are no orders in {store!r} yet. Load some with `custseg load FILE`, or try `custseg demo`."
        )
    note = None
    if as_of is None:
        as_of, note = choose_as_of(latest)
    window = settings.lifecycle.trend_window_days
    agg = aggregate_sql(store.engine, "orders", STORE_COLUMNS, as_of, window)
    history = OrderHistory(lambda day: aggregate_sql(store.engine, "orders", STORE_COLUMNS, day, window))
    return Summary(agg, _store_attributes(store), f"store {store!r}", as_of, note, history)


def summarize_source(settings: Settings, as_of: dt.date | None = None) -> Summary:
    """Aggregate orders in the company's own database table (``source.kind = "sql"``), in place."""
    src = settings.source
    assert src.table is not None and src.columns is not None
    engine = make_engine(settings.source_url())
    try:
        note = None
        if as_of is None:
            as_of, note = choose_as_of(latest_order(engine, src.table, src.columns, src.schema_name))
        agg = aggregate_sql(
            engine,
            src.table,
            src.columns,
            as_of,
            settings.lifecycle.trend_window_days,
            schema=src.schema_name,
        )
    finally:
        engine.dispose()
    mapped = [c for c in ("name", "owner", "region") if c in agg]
    attrs = agg[mapped] if mapped else None

    table, columns = src.table, src.columns

    def earlier(day: dt.date) -> pd.DataFrame:
        engine = make_engine(settings.source_url())
        try:
            return aggregate_sql(
                engine, table, columns, day, settings.lifecycle.trend_window_days, src.schema_name
            )
        finally:
            engine.dispose()

    return Summary(agg, attrs, f"table {src.table}", as_of, note, OrderHistory(earlier))


def summarize_file(
    path: str | Path,
    settings: Settings,
    mapping: str | Path | Mapping | None = None,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
) -> Summary:
    """Aggregate an order file in memory, without storing its orders."""
    progress = progress or Silent()
    path = Path(path)
    orders = read_orders_fast(path) if mapping is None else None
    attrs = None
    if orders is None:
        loaded = read_order_file(path, mapping, progress, timezone=settings.timezone)
        orders = loaded.orders
        attrs = loaded.customers.set_index("customer_id") if len(loaded.customers.columns) > 1 else None
    progress.stage("aggregating", rows=len(orders))
    note = None
    if as_of is None:
        as_of, note = choose_as_of(orders["ordered_at"].max() if len(orders) else None)
    agg = aggregate_frame(orders, as_of, settings.lifecycle.trend_window_days)
    history = OrderHistory.from_orders(orders, settings.lifecycle.trend_window_days)
    return Summary(agg, attrs, f"file {path.name}", as_of, note, history)


def segment(
    store: Store,
    settings: Settings,
    as_of: dt.date | None = None,
    file: str | Path | None = None,
    mapping: str | Path | None = None,
    progress: Progress | None = None,
    save: bool = True,
) -> tuple[Snapshot, Summary]:
    """Build (and by default store) the snapshot as of a day from the configured source or a file."""
    progress = progress or Silent()
    progress.stage("aggregating orders")
    if file is not None:
        summary = summarize_file(file, settings, mapping, as_of, progress)
    elif settings.source.kind == "sql":
        summary = summarize_source(settings, as_of)
    else:
        summary = summarize_store(store, settings, as_of)
    progress.stage("scoring and segmenting", rows=len(summary.aggregates))
    # The churn model runs on a second thread while this one loads the previous snapshot and
    # computes the rest (numpy, scipy and DuckDB release the GIL in their loops): both cores work.
    # One BLAS thread each, so the two do not fight over the cores and figures do not depend on
    # how many the machine has.
    with ThreadPoolExecutor(max_workers=1) as pool, threadpool_limits(limits=1, user_api="blas"):
        churn: Future[ChurnScores] | None = None
        if summary.history is not None:
            progress.stage("churn model (time-split training and holdout check)")
            churn = pool.submit(score_churn, summary.history, summary.as_of, settings, summary.aggregates)
        previous = None
        if save:
            try:
                previous = load_snapshot(store, before=summary.as_of).customers
            except StoreError:
                previous = None
        snap = build_snapshot(
            summary.aggregates, summary.as_of, settings, summary.attributes, previous, summary.source, churn
        )
    if save:
        progress.stage("saving snapshot", rows=len(snap))
        save_snapshot(store, snap)
    progress.done()
    return snap, summary
