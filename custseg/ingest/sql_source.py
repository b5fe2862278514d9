"""Per-customer aggregates computed where the orders live: a SQL database or a Spark cluster.

One statement, built with SQLAlchemy Core, answers every cut-off a run needs (the as-of day and the
churn model's two past cut-offs) in a single scan of the table, and only one row per customer
travels back, fetched as Arrow columns where the driver can (ADBC on PostgreSQL, DuckDB's own
fetch, Spark's ``toArrow``) and through the DB-API otherwise. The columns and their definitions are
those of ``custseg.ingest.aggregate.aggregate_frame``, so a snapshot does not depend on where the
orders are.

The statement aggregates twice: first per customer and calendar day, then per customer. Every
cut-off and window boundary falls on midnight, so each condition is one on the day and the inner
pass needs no ``COUNT(DISTINCT …)`` (purchase days are the inner rows with a purchase). That keeps
the plan parallel on PostgreSQL (partial aggregation is impossible with a distinct count) and the
inner rows few (orders on one day by one customer collapse to one).

PostgreSQL (issue 21's target: ≤ 3× the file path; **not met**). ``bench/bench_sources.py`` on
2 shared cores, PostgreSQL 15, default settings, ratios within one run: at 1M orders / 100k
customers 6.6× (4.07 s vs 0.62 s; 6.8× before the changes below, 4.76 s vs 0.70 s); at 10M / 1M
4.9× (41.1 s vs 8.5 s, before). What the plans show (``EXPLAIN ANALYZE``):

- At 1M the plan is serial, two HashAggregates, both spilling at the default ``work_mem`` of 4 MB
  (81 and 45 batches). The book has 1.03 orders per customer and day, so the inner pass hardly
  reduces the rows, partial aggregation in workers buys nothing, and the outer pass cannot run in
  workers (each needs a customer's complete days). ``work_mem = 256MB`` removes the spill (3.4 →
  2.6 s in the database; 5.8× in the bench) but at 10M it turns the parallel plan (Parallel Seq
  Scan, Sort and Partial GroupAggregate in 2 workers, Gather Merge, GroupAggregate: 26 s) into a
  serial HashAggregate that spills anyway (35 s), so no setting is sent.
- A one-level ``GROUP BY customer`` with ``FILTER`` sums runs in two workers (Partial
  HashAggregate, 1.0 s at 1M) but purchase days then need ``COUNT(DISTINCT day)``, which makes it
  serial (2.6 s). Computing the purchase days in a second, narrow subquery joined on the customer
  is the next thing to measure.

No table reflection: the table expression is built from the column mapping, and one ``LIMIT 0``
query checks that the table and its columns exist (reflection needs catalogue functions DuckDB's
and Spark's SQLAlchemy paths lack).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import (
    BigInteger,
    Date,
    Double,
    Engine,
    Integer,
    case,
    cast,
    column,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql import ColumnElement, Select, TableClause

from config.mappings import ColumnMapping
from custseg.errors import SourceError
from custseg.ingest.aggregate import SUMMARY_COLUMNS, Window, _finish

# Mapped attribute field → output column (the greatest value per customer is taken).
ATTRIBUTES = (("customer_name", "name"), ("owner", "owner"), ("region", "region"))


def order_table(
    engine: Engine, table_name: str, columns: ColumnMapping, schema: str | None = None
) -> TableClause:
    """The order table as a SQLAlchemy table expression, checked against the column mapping.

    Raises
    ------
    SourceError
        The table is missing or unreadable, or lacks a mapped column (all of them are named).
    """
    if columns.amount is None:
        raise SourceError("Reading from a database needs an 'amount' column (net order value).")
    tbl = mapped_table(table_name, columns, schema)
    where = f"{schema}.{table_name}" if schema else table_name
    try:
        with engine.connect() as conn:
            present = list(conn.execute(select(literal_column("*")).select_from(tbl).limit(0)).keys())
    except SQLAlchemyError as err:
        first = str(getattr(err, "orig", err)).strip().splitlines()[0]
        raise SourceError(
            f"The order table '{where}' does not exist in {engine.url!r} or cannot be read ({first})."
        ) from None
    check_columns(where, columns, present)
    return tbl


def mapped_table(table_name: str, columns: ColumnMapping, schema: str | None = None) -> TableClause:
    """A table expression with just the mapped columns (nothing is asked of the database)."""
    return table(table_name, *[column(c) for c in dict.fromkeys(columns.used().values())], schema=schema)


def check_columns(where: str, columns: ColumnMapping, present: Sequence[str]) -> None:
    """Raise a SourceError naming every mapped column the table lacks.

    Names are compared case-insensitively: warehouses such as Snowflake report unquoted names in
    upper case while the SQL that refers to them in lower case still works.
    """
    have = {c.lower() for c in present}
    missing = [f"{col} (for {fld})" for fld, col in columns.used().items() if col.lower() not in have]
    if missing:
        raise SourceError(
            f"The table '{where}' has no column {', '.join(missing)}; it has {', '.join(present)}. "
            "Fix the [source.columns] mapping in your settings."
        )


def latest_order_statement(tbl: TableClause, columns: ColumnMapping) -> Select[Any]:
    """``SELECT max(ordered_at)`` over the table."""
    return select(func.max(tbl.c[columns.ordered_at]).label("latest"))


def latest_order(
    engine: Engine, table_name: str, columns: ColumnMapping, schema: str | None = None
) -> dt.datetime | None:
    """The time of the newest order in the table (None when it is empty)."""
    tbl = order_table(engine, table_name, columns, schema)
    try:
        with engine.connect() as conn:
            latest = conn.execute(latest_order_statement(tbl, columns)).scalar()
    except SQLAlchemyError as err:
        raise SourceError(f"Cannot read the order table '{table_name}' from {engine.url!r}: {err}") from None
    return None if latest is None else pd.Timestamp(latest).to_pydatetime()


def _day(ts: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    # SQLite has no date type: CAST(… AS DATE) there is a number (the year); date() gives 'YYYY-MM-DD',
    # which compares correctly with the date parameters below.
    return func.date(ts) if dialect == "sqlite" else cast(ts, Date)


def aggregate_statement(
    tbl: TableClause,
    columns: ColumnMapping,
    days: Sequence[dt.date],
    window_days: int = 90,
    dialect: str = "postgresql",
) -> Select[Any]:
    """One statement computing the aggregates as of each of ``days``, in one scan of the table.

    Parameters
    ----------
    tbl : TableClause
        The order table (``mapped_table``).
    days : sequence of date
        As-of days; the output columns of day ``i`` carry the suffix ``__i`` (``frequency__0``…),
        plus ``orders__i``, the number of orders up to that day (0: the customer is not in the book
        yet on that day).
    window_days : int
        Length of the recent-revenue windows, in days.
    dialect : str
        The SQLAlchemy dialect name the statement is for (only SQLite needs a different day function).

    Returns
    -------
    Select
        One row per customer with an order before the latest cut-off: ``customer_id``, the
        attributes mapped (``name``/``owner``/``region``) and the per-day columns.
    """
    assert columns.amount is not None
    mapped = columns.used()
    cust, ts, amt = tbl.c[columns.customer_id], tbl.c[columns.ordered_at], tbl.c[columns.amount]
    buy = amt >= 0
    zero: Any = literal_column("0")
    windows = [Window.for_as_of(day, window_days) for day in days]
    # Inner pass: one row per customer and calendar day.
    day = _day(ts, dialect).label("d")
    per_day = (
        select(
            cust.label("c"),
            day,
            func.min(case((buy, ts))).label("first_buy"),
            func.max(case((buy, ts))).label("last_buy"),
            # INTEGER: PostgreSQL's count is BIGINT, and the outer SUM of a BIGINT keeps a 128-bit
            # state per group (a SUM of INTEGER a BIGINT one). A count per customer and day fits.
            cast(func.sum(case((buy, 1), else_=0)), Integer).label("buys"),
            cast(func.count(), Integer).label("n"),
            func.sum(amt).label("net"),
            func.sum(case((amt < 0, -amt), else_=zero)).label("returned"),
            func.sum(case((buy, amt), else_=zero)).label("bought"),
            *[func.max(tbl.c[mapped[fld]]).label(target) for fld, target in ATTRIBUTES if fld in mapped],
        )
        .where(ts < max(w.cutoff for w in windows))
        .group_by(cust, _day(ts, dialect))
        .subquery("per_day")
    )
    d = per_day.c
    out: list[Any] = [d.c.label("customer_id")]
    out += [func.max(d[target]).label(target) for fld, target in ATTRIBUTES if fld in mapped]
    for i, w in enumerate(windows):
        until = d.d < w.cutoff.date()
        recent = until & (d.d >= w.recent_start.date())
        previous = (d.d >= w.previous_start.date()) & (d.d < w.recent_start.date())

        def total(cond: ColumnElement[Any], value: ColumnElement[Any]) -> ColumnElement[Any]:
            # Double: an exact NUMERIC sum comes back as a float64 column, rounded to cents later.
            return cast(func.sum(case((cond, value), else_=zero)), Double)

        out += [
            # BIGINT: PostgreSQL sums integers as NUMERIC, which ADBC would hand back as text.
            cast(func.sum(case((until, d.n), else_=0)), BigInteger).label(f"orders__{i}"),
            func.min(case((until, d.first_buy))).label(f"first_order__{i}"),
            func.max(case((until, d.last_buy))).label(f"last_order__{i}"),
            cast(func.sum(case((until, d.buys), else_=0)), BigInteger).label(f"frequency__{i}"),
            cast(func.sum(case((until & (d.buys > 0), 1), else_=0)), BigInteger).label(f"purchase_days__{i}"),
            total(until, d.net).label(f"revenue__{i}"),
            total(until, d.returned).label(f"returns__{i}"),
            total(recent, d.net).label(f"revenue_90d__{i}"),
            total(previous, d.net).label(f"revenue_prev_90d__{i}"),
            total(recent, d.bought).label(f"bought_90d__{i}"),
            total(previous, d.bought).label(f"bought_prev_90d__{i}"),
        ]
    return select(*out).group_by(d.c)


def split_days(frame: pd.DataFrame, days: Sequence[dt.date]) -> dict[dt.date, pd.DataFrame]:
    """The per-day aggregates out of one ``aggregate_statement`` result (``customer_id`` a column).

    Each day keeps the customers with an order up to it, the ``SUMMARY_COLUMNS`` and the attributes.
    """
    ids = frame["customer_id"].astype(str).to_numpy()
    # Sorted once here: the database returns customers in hash order, and _finish would otherwise
    # sort each day's frame again (three string sorts instead of one).
    order = np.argsort(ids, kind="stable")
    if not (order[1:] > order[:-1]).all():
        frame = frame.take(order)
        ids = ids[order]
    attrs = [target for _, target in ATTRIBUTES if target in frame]
    result = {}
    for i, day in enumerate(days):
        rows = frame[f"orders__{i}"].fillna(0).to_numpy() > 0
        part = pd.DataFrame(
            {col: frame[f"{col}__{i}"].to_numpy()[rows] for col in SUMMARY_COLUMNS}
            | {col: frame[col].to_numpy()[rows] for col in attrs},
            index=pd.Index(ids[rows], name="customer_id"),
        )
        for col in ("first_order", "last_order"):
            if not pd.api.types.is_datetime64_dtype(part[col].dtype):
                part[col] = pd.to_datetime(part[col])
            if isinstance(part[col].dtype, pd.DatetimeTZDtype):
                part[col] = part[col].dt.tz_localize(None)
        result[day] = _finish(part)
    return result


def to_frame(result: pa.Table | pd.DataFrame) -> pd.DataFrame:
    """A pandas frame from an Arrow table or a frame (timestamps kept, NULL sums as NaN)."""
    if isinstance(result, pd.DataFrame):
        return result
    return result.to_pandas(timestamp_as_object=False, coerce_temporal_nanoseconds=True)


def compile_for(stmt: Select[Any], dialect: Dialect) -> tuple[str, Any]:
    """SQL text and its parameters for a DB-API driver outside SQLAlchemy (positional or named)."""
    compiled = stmt.compile(dialect=dialect)
    params = compiled.params
    if compiled.positiontup is not None:
        return str(compiled), tuple(params[name] for name in compiled.positiontup)
    return str(compiled), params


def _fetch_adbc_postgresql(engine: Engine, stmt: Select[Any]) -> pa.Table | None:
    """The result through ADBC (binary COPY, Arrow columns), or None when it is not installed."""
    try:
        from adbc_driver_postgresql import dbapi as adbc
    except ImportError:
        return None
    from sqlalchemy.dialects import postgresql

    # libpq's URI form: SQLAlchemy's 'postgresql+psycopg://' without the driver part.
    uri = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    sql, params = compile_for(stmt, postgresql.dialect(paramstyle="numeric_dollar"))
    with adbc.connect(uri) as conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetch_arrow_table()


def _fetch_duckdb(engine: Engine, stmt: Select[Any]) -> pa.Table:
    sql, params = compile_for(stmt, engine.dialect)
    raw = engine.raw_connection()
    try:
        assert raw.driver_connection is not None
        # A connection of its own to the same database: the pooled one may still hold an earlier
        # statement's open result. sql(), not execute(): the result goes to Arrow without a copy.
        duck = raw.driver_connection.duplicate()
        try:
            return duck.sql(
                sql, params=list(params) if isinstance(params, tuple) else params
            ).to_arrow_table()
        finally:
            duck.close()
    finally:
        raw.close()


def fetch(engine: Engine, stmt: Select[Any]) -> pd.DataFrame:
    """Run a statement and fetch its rows as columns: Arrow where the driver can, DB-API otherwise."""
    name = engine.dialect.name
    result: pa.Table | pd.DataFrame | None = None
    if name == "postgresql":
        result = _fetch_adbc_postgresql(engine, stmt)
    elif name == "duckdb":
        result = _fetch_duckdb(engine, stmt)
    if result is None:
        with engine.connect() as conn:
            rows = conn.execute(stmt)
            result = pd.DataFrame(rows.fetchall(), columns=list(rows.keys()))
    return to_frame(result)


def aggregate_sql_many(
    engine: Engine,
    table_name: str,
    columns: ColumnMapping,
    days: Sequence[dt.date],
    window_days: int = 90,
    schema: str | None = None,
) -> dict[dt.date, pd.DataFrame]:
    """Per-customer aggregates as of each of ``days``, computed inside the database in one scan.

    Parameters
    ----------
    engine : Engine
        Connection to the database holding the orders; it is only read.
    table_name, schema : str
        The order table.
    columns : ColumnMapping
        Which columns hold customer id, order time and net amount (and optionally name/owner/region,
        whose greatest value per customer is taken).
    days : sequence of date
        The as-of days (orders after the end of each day are ignored for it).
    window_days : int
        Length of the recent-revenue windows, in days.

    Returns
    -------
    dict
        Day → a frame as ``aggregate_frame`` returns, plus ``name``/``owner``/``region`` when mapped.
    """
    days = list(dict.fromkeys(days))
    if not days:
        return {}
    tbl = order_table(engine, table_name, columns, schema)
    stmt = aggregate_statement(tbl, columns, days, window_days, engine.dialect.name)
    try:
        frame = fetch(engine, stmt)
    except (SQLAlchemyError, OSError) as err:
        raise SourceError(f"The aggregation query on '{table_name}' failed: {err}") from None
    except Exception as err:  # the ADBC and DuckDB drivers raise their own DB-API error classes
        if type(err).__module__.split(".")[0] not in ("adbc_driver_manager", "duckdb", "_duckdb"):
            raise
        raise SourceError(f"The aggregation query on '{table_name}' failed: {err}") from None
    return split_days(frame, days)


def aggregate_sql(
    engine: Engine,
    table_name: str,
    columns: ColumnMapping,
    as_of: dt.date,
    window_days: int = 90,
    schema: str | None = None,
) -> pd.DataFrame:
    """Per-customer aggregates as of one day, computed inside the database (``aggregate_sql_many``)."""
    return aggregate_sql_many(engine, table_name, columns, [as_of], window_days, schema)[as_of]
