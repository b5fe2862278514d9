"""The per-customer aggregation gives identical results in memory, in SQLite and in PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from config.mappings import ColumnMapping
from custseg.errors import SourceError
from custseg.ingest.aggregate import aggregate_frame
from custseg.ingest.readers import read_order_file
from custseg.ingest.sql_source import aggregate_sql
from custseg.store.load import save_order_file
from tests.helpers.data import RETAIL, need, orders_frame

STORE_COLS = ColumnMapping(customer_id="customer_id", ordered_at="ordered_at", amount="amount")

ORDERS = orders_frame(
    [
        ("1", "a", "2024-01-01 09:00", 100.0),
        ("2", "a", "2024-03-01 09:00", 50.0),
        ("3", "a", "2024-03-10 09:00", -30.0),
        ("4", "a", "2024-06-20 23:59", 70.0),
        ("5", "b", "2023-12-01 12:00", 10.0),
        ("6", "c", "2024-05-01 12:00", -15.0),
        ("7", "a", "2024-07-01 00:00", 999.0),
        ("8", "b", "2023-12-01 18:00", 5.0),
        ("9", "b", "2023-12-02 08:00", 5.0),
    ]
)


def test_definitions_on_a_small_book():
    agg = aggregate_frame(ORDERS, dt.date(2024, 6, 30))
    a = agg.loc["a"]
    assert a["frequency"] == 3  # the return is not a purchase; the July order is after the as-of day
    assert a["revenue"] == pytest.approx(190.0)
    assert a["returns"] == pytest.approx(30.0)
    assert a["first_order"] == pd.Timestamp("2024-01-01 09:00")
    assert a["last_order"] == pd.Timestamp("2024-06-20 23:59")
    # window: (2024-04-02, 2024-07-01) recent, (2024-01-03, 2024-04-02) previous
    assert a["revenue_90d"] == pytest.approx(70.0)
    assert a["revenue_prev_90d"] == pytest.approx(20.0)
    assert a["purchase_days"] == 3
    # two orders on 1 December are one purchase occasion; 2 December is another
    assert agg.loc["b", "frequency"] == 3 and agg.loc["b", "purchase_days"] == 2
    assert (
        agg.loc["c", "frequency"] == 0
        and agg.loc["c", "purchase_days"] == 0
        and pd.isna(agg.loc["c", "last_order"])
    )  # only a return
    assert list(agg.index) == ["a", "b", "c"]


def _load(store, orders: pd.DataFrame, tmp_path) -> None:
    path = tmp_path / "orders.csv"
    orders.to_csv(path, index=False)
    save_order_file(store, read_order_file(path, "custseg_orders"))


def test_store_aggregate_equals_in_memory(any_store, tmp_path):
    _load(any_store, ORDERS, tmp_path)
    for day in (dt.date(2024, 3, 1), dt.date(2024, 6, 30), dt.date(2025, 1, 1)):
        in_db = aggregate_sql(any_store.engine, "orders", STORE_COLS, day)
        pd.testing.assert_frame_equal(in_db, aggregate_frame(ORDERS, day))


@pytest.mark.slow
def test_online_retail_identical_in_memory_sqlite_and_postgres(sqlite_store, pg_store):
    loaded = read_order_file(need(RETAIL))
    day = dt.date(2011, 12, 9)
    memory = aggregate_frame(loaded.orders, day)
    for store in (sqlite_store, pg_store):
        save_order_file(store, loaded)
        pd.testing.assert_frame_equal(aggregate_sql(store.engine, "orders", STORE_COLS, day), memory)
    assert len(memory) == 4372 and (memory["frequency"] > 0).sum() == 4339


def test_company_table_read_in_place(pg_url):
    """A source table with its own column names and types, aggregated where it lives."""
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text("CREATE TABLE sales (cust_no integer, booked timestamp, net numeric(12,2), rep text)")
        )
        conn.execute(
            sa.text(
                "INSERT INTO sales VALUES (7, '2024-01-01 10:00', 10.5, 'Maria'), (7, '2024-02-01', 4.5, 'Maria'), (8, '2024-02-02', 3, 'John')"
            )
        )
    cols = ColumnMapping(customer_id="cust_no", ordered_at="booked", amount="net", owner="rep")
    agg = aggregate_sql(engine, "sales", cols, dt.date(2024, 3, 1))
    assert list(agg.index) == ["7", "8"]
    assert agg.loc["7", "revenue"] == 15.0 and agg.loc["7", "owner"] == "Maria"
    with pytest.raises(SourceError, match="does not exist"):
        aggregate_sql(engine, "nope", cols, dt.date(2024, 3, 1))
    with pytest.raises(SourceError, match="no column amount"):
        aggregate_sql(
            engine,
            "sales",
            ColumnMapping(customer_id="cust_no", ordered_at="booked", amount="amount"),
            dt.date(2024, 3, 1),
        )
    engine.dispose()


@pytest.mark.parametrize("id_kind", ["str", "int"])
def test_columnar_fast_path_equals_the_general_path(tmp_path, settings, id_kind):
    from custseg.ingest.parquet import read_orders_fast
    from custseg.pipeline import summarize_file

    frame = ORDERS.drop(columns="order_id").copy()
    if id_kind == "int":
        frame["customer_id"] = frame["customer_id"].map({"a": 10, "b": 9, "c": 100})
    path = tmp_path / "orders.parquet"
    frame.to_parquet(path)
    fast = read_orders_fast(path)
    assert fast is not None and isinstance(fast["customer_id"].dtype, pd.CategoricalDtype)
    day = dt.date(2024, 6, 30)
    via_file = summarize_file(path, settings, as_of=day).aggregates
    pd.testing.assert_frame_equal(via_file, aggregate_frame(frame, day))
    assert via_file.index.is_monotonic_increasing


def test_snapshot_straight_from_a_company_table(pg_url, sqlite_store, tmp_path, monkeypatch):
    """`source.kind = "sql"`: the snapshot is built from the company's table, read in place."""
    from config import load_settings
    from custseg.errors import SourceError
    from custseg.pipeline import segment

    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text("CREATE TABLE sales (cust_no text, booked timestamp, net numeric(12,2), rep text)")
        )
        conn.execute(
            sa.text(
                "INSERT INTO sales VALUES ('k1', '2024-01-01', 10, 'Maria'), ('k1', '2024-02-01', 20, 'Maria'),"
                " ('k2', '2024-02-15', 5, 'John')"
            )
        )
    engine.dispose()
    cfg = tmp_path / "src.toml"
    cfg.write_text(
        '[source]\nkind = "sql"\ntable = "sales"\nurl_env = "ERP_URL"\n'
        '[source.columns]\ncustomer_id = "cust_no"\nordered_at = "booked"\namount = "net"\nowner = "rep"\n'
    )
    monkeypatch.setenv("ERP_URL", pg_url)
    settings = load_settings(cfg, env={})
    snap, summary = segment(sqlite_store, settings)
    assert summary.as_of == dt.date(2024, 2, 15)  # a historical table: as of its newest order
    assert "newest order" in (summary.as_of_note or "")
    assert snap.customers.loc["k1", "revenue"] == 30 and snap.customers.loc["k1", "owner"] == "Maria"

    bad = tmp_path / "bad.toml"
    bad.write_text(cfg.read_text().replace('ordered_at = "booked"', 'ordered_at = "when"'))
    with pytest.raises(SourceError, match=r"no column when \(for ordered_at\)"):
        segment(sqlite_store, load_settings(bad, env={}))
