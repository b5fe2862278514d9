"""The same snapshot from an order file in memory, a DuckDB table, a PostgreSQL table and a Spark table.

Each engine runs the one SQLAlchemy-built statement (``custseg.ingest.sql_source``) for every cut-off;
the aggregates, the churn model's past cut-offs and the snapshot's segments and scores must be those
of the in-memory path exactly.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from config import load_settings
from config.mappings import ColumnMapping
from config.settings import Settings
from custseg.errors import SourceError
from custseg.ingest.aggregate import aggregate_frame
from custseg.ingest.parquet import read_orders_fast
from custseg.ingest.sql_source import aggregate_sql_many, order_table
from custseg.models.churn.history import OrderHistory
from custseg.pipeline import sampled_history, segment

AS_OF = dt.date(2024, 12, 31)
# The churn model's cut-offs with [churn] horizon_days = 60.
PAST = [AS_OF - dt.timedelta(days=60), AS_OF - dt.timedelta(days=120)]
COLUMNS = ColumnMapping(customer_id="cust", ordered_at="booked", amount="net")


def _book(customers: int = 400, seed: int = 3) -> pd.DataFrame:
    """Orders at whole seconds over two years, ~3 % returns; some customers leave, some join late."""
    rng = np.random.default_rng(seed)
    per = rng.integers(1, 25, customers)
    cust = np.repeat(np.arange(customers), per)
    start = np.datetime64("2023-01-01T00:00:00", "s")
    first = rng.integers(0, 500, customers)[cust]
    # Each customer orders between its first day and a last day: some stop early, most go on.
    last = np.minimum(730, first + rng.integers(60, 900, customers)[cust])
    offset = first * 86_400 + (rng.random(len(cust)) * (last - first) * 86_400).astype(np.int64)
    amount = np.round(rng.lognormal(4, 0.6, len(cust)), 2)
    amount[rng.random(len(cust)) < 0.03] *= -1
    return pd.DataFrame(
        {
            "customer_id": [f"K{c:05d}" for c in cust],
            "ordered_at": (start + offset.astype("timedelta64[s]")).astype("datetime64[ns]"),
            "amount": amount,
        }
    )


BOOK = _book()


def _table_frame() -> pd.DataFrame:
    return BOOK.rename(columns={"customer_id": "cust", "ordered_at": "booked", "amount": "net"})


def _settings(tmp_path: Path, kind: str, extra: str = "") -> Settings:
    cfg = tmp_path / f"{kind}.toml"
    cfg.write_text(
        f'[source]\nkind = "{kind}"\ntable = "orders_table"\nurl_env = "ORDERS_URL"\n{extra}'
        '[source.columns]\ncustomer_id = "cust"\nordered_at = "booked"\namount = "net"\n'
        "[churn]\nhorizon_days = 60\nmin_events_per_feature = 2\n"
    )
    return load_settings(cfg, env={})


@pytest.fixture(scope="module")
def in_memory(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, dict[dt.date, pd.DataFrame]]:
    """The snapshot from the Parquet file (the in-memory path) and the aggregates as of each cut-off."""
    path = tmp_path_factory.mktemp("file") / "orders.parquet"
    BOOK.to_parquet(path)
    tmp = tmp_path_factory.mktemp("cfg")
    from custseg.store.db import open_store

    store = open_store(f"sqlite:///{tmp / 'custseg.db'}")
    snap, _ = segment(store, _settings(tmp, "store"), AS_OF, file=path, save=False)
    store.dispose()
    return snap.customers, {day: aggregate_frame(BOOK, day) for day in [AS_OF, *PAST]}


def _same_as_in_memory(summary_snapshot: pd.DataFrame, in_memory: tuple[pd.DataFrame, dict]) -> None:
    expected, _ = in_memory
    pd.testing.assert_frame_equal(summary_snapshot, expected)
    assert summary_snapshot["churn_probability"].notna().all()


def _check_source(engine: sa.Engine, sqlite_store, settings: Settings, in_memory) -> None:
    _, aggregates = in_memory
    got = aggregate_sql_many(engine, "orders_table", COLUMNS, [AS_OF, *PAST])
    for day, expected in aggregates.items():
        pd.testing.assert_frame_equal(got[day], expected)
    snap, summary = segment(sqlite_store, settings, AS_OF, save=False)
    _same_as_in_memory(snap.customers, in_memory)
    assert summary.history is not None and summary.history.sampled is None


def test_duckdb_table(tmp_path, sqlite_store, monkeypatch, in_memory):
    import duckdb

    path = tmp_path / "erp.duckdb"
    con = duckdb.connect(str(path))
    frame = _table_frame()  # noqa: F841 (DuckDB reads the frame by its variable name)
    con.execute(
        "CREATE TABLE orders_table AS SELECT cust, booked, CAST(net AS DECIMAL(12,2)) AS net FROM frame"
    )
    con.close()
    url = f"duckdb:///{path}"
    monkeypatch.setenv("ORDERS_URL", url)
    engine = sa.create_engine(url)
    try:
        _check_source(engine, sqlite_store, _settings(tmp_path, "sql"), in_memory)
        with pytest.raises(SourceError, match=r"no column amount \(for amount\); it has cust, booked, net"):
            order_table(
                engine,
                "orders_table",
                ColumnMapping(customer_id="cust", ordered_at="booked", amount="amount"),
            )
        with pytest.raises(SourceError, match="'nope' does not exist"):
            order_table(engine, "nope", COLUMNS)
    finally:
        engine.dispose()


def test_postgresql_table(pg_url, tmp_path, sqlite_store, monkeypatch, in_memory):
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE orders_table (cust text, booked timestamp, net numeric(12,2))"))
    with engine.raw_connection().driver_connection.cursor() as cur:  # type: ignore[union-attr]
        with cur.copy("COPY orders_table FROM STDIN") as copy:
            for row in _table_frame().itertuples(index=False):
                copy.write_row(row)
        cur.connection.commit()
    monkeypatch.setenv("ORDERS_URL", pg_url)
    try:
        _check_source(engine, sqlite_store, _settings(tmp_path, "sql"), in_memory)
    finally:
        engine.dispose()


def test_postgresql_statement_carries_its_cut_offs_as_literals_but_never_text():
    """ADBC streams an unparameterised statement through binary COPY (a parameterised one is held
    whole in libpq first), so custseg's own dates go into the SQL; a text value never does."""
    from sqlalchemy.dialects import postgresql

    from custseg.ingest.sql_source import aggregate_statement, inline_sql, mapped_table

    dialect = postgresql.dialect(paramstyle="numeric_dollar")
    tbl = mapped_table("orders_table", COLUMNS)
    sql = inline_sql(aggregate_statement(tbl, COLUMNS, [AS_OF, *PAST], 90, "postgresql", 2), dialect)
    assert sql is not None and "$1" not in sql
    # Each cut-off is the midnight after its day (orders up to the end of the day count).
    for day in (AS_OF, *PAST):
        assert f"'{day + dt.timedelta(days=1)} 00:00:00'" in sql
    quoted = sa.select(tbl.c.cust).where(tbl.c.cust == "O'Brien'; DROP TABLE orders_table; --")
    assert inline_sql(quoted, dialect) is None


def test_history_samples_the_same_customers_as_the_in_memory_path(tmp_path):
    """Past cut-offs of a big book: the same customers as ``OrderHistory.from_orders`` on the file."""
    path = tmp_path / "orders.parquet"
    BOOK.to_parquet(path)
    orders = read_orders_fast(path)
    assert orders is not None
    memory = OrderHistory.from_orders(orders, max_customers=100)
    table = sampled_history(
        aggregate_frame(BOOK, AS_OF),
        lambda days: {day: aggregate_frame(BOOK, day) for day in days},
        max_customers=100,
    )
    assert table.sampled == memory.sampled == (100, 400)
    for day, got in table.at(PAST).items():
        expected = memory.aggregates(day)
        # A Categorical order frame also gives a row (no orders at all) for a sampled customer
        # whose first order comes after the cut-off; a table has no row for them. Both leave such
        # customers out of the model.
        expected = expected[(expected["frequency"] > 0) | (expected["returns"] > 0)]
        assert len(got) > 90
        pd.testing.assert_frame_equal(got, expected)
    # An order frame with plain text ids in any row order (what the validating reader gives for a
    # CSV) samples the same customers too.
    shuffled = BOOK.sample(frac=1.0, random_state=1).astype({"customer_id": object})
    plain = OrderHistory.from_orders(shuffled, max_customers=100)
    for day in PAST:
        want = memory.aggregates(day)
        want = want[(want["frequency"] > 0) | (want["returns"] > 0)]
        assert plain.aggregates(day).index.equals(want.index)


# --- Spark SQL in local mode -------------------------------------------------------------------


def _java_major() -> int | None:
    java = shutil.which("java")
    if java is None:
        return None
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False).stderr
    found = re.search(r'version "(\d+)', out)
    return int(found.group(1)) if found else None


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One local Spark session for the module, its warehouse in a temporary folder."""
    major = _java_major()
    if major is None or major < 17:
        reason = (
            "Spark needs Java 17+ ("
            + ("none found" if major is None else f"found {major}")
            + "): run scripts/setup-java.sh"
        )
        if os.environ.get("CUSTSEG_REQUIRE_SPARK"):
            pytest.fail(reason + " (CUSTSEG_REQUIRE_SPARK is set)")
        pytest.skip(reason)
    from pyspark.sql import SparkSession

    warehouse = tmp_path_factory.mktemp("spark-warehouse")
    session = (
        SparkSession.builder.master("local[1]")
        .appName("custseg-test")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark_table(spark, tmp_path, sqlite_store, in_memory):
    # Spark keeps timestamps in microseconds; the book's are whole seconds.
    spark.createDataFrame(_table_frame()).write.mode("overwrite").saveAsTable("orders_table")  # type: ignore[attr-defined]
    settings = _settings(tmp_path, "spark", 'spark_master = "local[1]"\n')
    from custseg.ingest.spark import SparkSource

    source = SparkSource("local[1]", "orders_table", COLUMNS)
    _, aggregates = in_memory
    got = source.aggregate_many([AS_OF, *PAST])
    for day, expected in aggregates.items():
        pd.testing.assert_frame_equal(got[day], expected)
    snap, summary = segment(sqlite_store, settings, AS_OF, save=False)
    _same_as_in_memory(snap.customers, in_memory)
    assert summary.source == "Spark table orders_table"
    with pytest.raises(SourceError, match=r"no column when \(for ordered_at\)"):
        SparkSource(
            "local[1]", "orders_table", ColumnMapping(customer_id="cust", ordered_at="when", amount="net")
        ).aggregate_many([AS_OF])
