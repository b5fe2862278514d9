"""From an order source to a stored snapshot: the steps behind `custseg segment`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select
from threadpoolctl import threadpool_limits

from config.mappings import Mapping
from config.settings import Settings
from custseg.errors import StoreError
from custseg.ingest.aggregate import aggregate_frame
from custseg.ingest.parquet import read_orders_fast
from custseg.ingest.readers import read_order_file
from custseg.ingest.sql_source import aggregate_sql_many, latest_order
from custseg.models.churn.features import profile_at
from custseg.models.churn.history import (
    MAX_HISTORY_CUSTOMERS,
    HistoryMany,
    OrderHistory,
    sample_positions,
)
from custseg.models.churn.scoring import ChurnScores, score_churn
from custseg.progress import Progress, Silent
from custseg.segmentation.key_accounts import PREVIOUS_COLUMNS
from custseg.snapshot.build import build_snapshot
from custseg.snapshot.frame import Snapshot
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


def sampled_history(
    as_of_aggregates: pd.DataFrame,
    aggregates_many: HistoryMany,
    known: dict[dt.date, pd.DataFrame] | None = None,
    max_customers: int = MAX_HISTORY_CUSTOMERS,
    random_state: int = 0,
) -> OrderHistory:
    """The history of a source that computes several cut-offs in one pass (a database table).

    Cut-offs already computed (``known``, e.g. together with the as-of day) are not asked again.
    A book of more than ``max_customers`` customers is seen through the same sample as an order
    file in memory (``OrderHistory.from_orders``): ``random_state``'s choice of that many positions
    in the customers' ids sorted as text. Aggregates are per customer, so keeping the sample's rows
    of the whole book's aggregates gives exactly what aggregating the sample's orders gives.
    """
    cache = dict(known or {})
    ids = as_of_aggregates.index
    keep: pd.Index | None = None
    if len(ids) > max_customers:
        keep = ids[np.sort(sample_positions(len(ids), max_customers, random_state))]

    def many(days: Sequence[dt.date]) -> dict[dt.date, pd.DataFrame]:
        missing = [day for day in days if day not in cache]
        if missing:
            cache.update(aggregates_many(missing))
        return {
            day: cache[day] if keep is None else cache[day].loc[cache[day].index.isin(keep)] for day in days
        }

    return OrderHistory(
        aggregates=lambda day: many([day])[day],
        sampled=None if keep is None else (max_customers, len(ids)),
        aggregates_many=many,
    )


def _table_summary(
    aggregates_many: HistoryMany,
    latest: dt.datetime | None,
    settings: Settings,
    as_of: dt.date | None,
) -> tuple[pd.DataFrame, dt.date, str | None, OrderHistory]:
    """As-of aggregates and history from a source computing several cut-offs in one statement.

    With ``[churn] horizon_days`` set the churn model's two past cut-offs are known in advance and
    come in the same statement as the as-of day; otherwise the horizon is derived from the as-of
    aggregates, so they come first and both past cut-offs in a second statement.
    """
    note = None
    if as_of is None:
        as_of, note = choose_as_of(latest)
    days = [as_of]
    horizon = settings.churn.horizon_days
    if horizon is not None:
        days += [as_of - dt.timedelta(days=horizon), as_of - dt.timedelta(days=2 * horizon)]
    first = aggregates_many(days)
    agg = first[as_of]
    return agg, as_of, note, sampled_history(agg, aggregates_many, first)


def summarize_store(store: Store, settings: Settings, as_of: dt.date | None = None) -> Summary:
    """Aggregate the orders loaded into our own store, inside the database."""
    latest = latest_order(store.engine, "orders", STORE_COLUMNS)
    if latest is None:
        raise StoreError(
            f"There are no orders in {store!r} yet. Load some with `custseg load FILE`, or try `custseg demo`."
        )
    window = settings.lifecycle.trend_window_days

    def many(days: Sequence[dt.date]) -> dict[dt.date, pd.DataFrame]:
        return aggregate_sql_many(store.engine, "orders", STORE_COLUMNS, days, window)

    agg, as_of, note, history = _table_summary(many, latest, settings, as_of)
    return Summary(agg, _store_attributes(store), f"store {store!r}", as_of, note, history)


def summarize_source(settings: Settings, as_of: dt.date | None = None) -> Summary:
    """Aggregate orders in the company's own table (``source.kind = "sql"`` or ``"spark"``), in place."""
    src = settings.source
    assert src.table is not None and src.columns is not None
    table, columns, schema = src.table, src.columns, src.schema_name
    window = settings.lifecycle.trend_window_days
    if src.kind == "spark":
        from custseg.ingest.spark import SparkSource

        spark = SparkSource(src.spark_master, table, columns, schema, src.spark_conf)
        agg, as_of, note, history = _table_summary(
            lambda days: spark.aggregate_many(days, window), spark.latest_order(), settings, as_of
        )
        source = f"Spark table {src.table}"
    else:
        url = settings.source_url()
        engine = make_engine(url)
        try:
            latest = latest_order(engine, table, columns, schema) if as_of is None else None
        finally:
            engine.dispose()

        def many(days: Sequence[dt.date]) -> dict[dt.date, pd.DataFrame]:
            # A connection per pass: the churn model's pass comes minutes after the first on a big book.
            engine = make_engine(url)
            try:
                return aggregate_sql_many(engine, table, columns, days, window, schema)
            finally:
                engine.dispose()

        agg, as_of, note, history = _table_summary(many, latest, settings, as_of)
        source = f"table {src.table}"
    mapped = [c for c in ("name", "owner", "region") if c in agg]
    attrs = agg[mapped] if mapped else None
    return Summary(agg, attrs, source, as_of, note, history)


def summarize_file(
    path: str | Path,
    settings: Settings,
    mapping: str | Path | Mapping | None = None,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
    pool: Executor | None = None,
) -> Summary:
    """Aggregate an order file in memory, without storing its orders.

    With ``pool``, the churn model's history prepares itself there (draws its sample of the
    orders) while this thread computes the as-of aggregates.
    """
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
    history = OrderHistory.from_orders(orders, settings.lifecycle.trend_window_days)
    if pool is not None and history.prepare is not None:
        pool.submit(history.prepare)
    agg = aggregate_frame(orders, as_of, settings.lifecycle.trend_window_days)
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
    # The churn model runs on a second thread while this one computes the rest of the snapshot
    # (numpy, scipy, DuckDB and Parquet release the GIL in their loops): both cores work.
    with ThreadPoolExecutor(max_workers=1) as pool:
        if file is not None:
            summary = summarize_file(file, settings, mapping, as_of, progress, pool)
        elif settings.source.kind in ("sql", "spark"):
            summary = summarize_source(settings, as_of)
        else:
            summary = summarize_store(store, settings, as_of)
        progress.stage("scoring and segmenting", rows=len(summary.aggregates))
        # One BLAS thread each, so the two do not fight over the cores and figures do not depend
        # on how many the machine has.
        with threadpool_limits(limits=1, user_api="blas"):
            churn: Future[ChurnScores] | None = None
            # The figures both the snapshot and the churn model start from, computed once.
            profile = profile_at(summary.aggregates, summary.as_of, settings.lifecycle)
            if summary.history is not None:
                progress.stage("churn model (time-split training and holdout check)")
                churn = pool.submit(
                    score_churn, summary.history, summary.as_of, settings, summary.aggregates, profile
                )
            previous = None
            if save:
                try:
                    # Only what stable key-account membership reads (key_accounts): a fraction of
                    # the whole snapshot's load time and memory.
                    previous = load_snapshot(store, before=summary.as_of, columns=PREVIOUS_COLUMNS).customers
                except StoreError:
                    previous = None
            snap = build_snapshot(
                summary.aggregates,
                summary.as_of,
                settings,
                summary.attributes,
                previous,
                summary.source,
                churn,
                profile,
            )
    if save:
        progress.stage("saving snapshot", rows=len(snap))
        save_snapshot(store, snap)
    progress.done()
    return snap, summary
