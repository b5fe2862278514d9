"""The columnar snapshot store: Parquet parts written and read back with the frame's own types,
column projection, one transaction per save, and the upgrade of a store that held one row per
customer (migration 0014) — on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from alembic import command

from custseg.errors import StoreError
from custseg.snapshot.columns import CATEGORY_COLUMNS, COLUMNS, DATE_COLUMNS, FLOAT_COLUMNS, INT_COLUMNS
from custseg.snapshot.frame import Snapshot
from custseg.snapshot.storage import list_snapshots, load_snapshot, save_snapshot
from custseg.store import Store
from custseg.store.db import alembic_config

AS_OF = dt.date(2026, 11, 30)


def customers(n: int = 7, seed: int = 1) -> pd.DataFrame:
    """A small snapshot frame with every column, missing names, NaN figures and NaT dates."""
    rng = np.random.default_rng(seed)
    ids = pd.Index([f"C{i:03d}" for i in range(n)], name="customer_id", dtype=object)
    day = np.datetime64(AS_OF, "D")
    frame = pd.DataFrame(index=ids)
    for col in COLUMNS[1:]:
        if col in DATE_COLUMNS:
            frame[col] = day - rng.integers(0, 900, n).astype("timedelta64[D]")
        elif col in INT_COLUMNS:
            frame[col] = rng.integers(0, 6, n)
        elif col in FLOAT_COLUMNS:
            frame[col] = rng.normal(100, 30, n)
        elif col == "key_account":
            frame[col] = rng.random(n) < 0.3
        else:
            frame[col] = np.array(["Champions", "At risk", "Hibernating"], dtype=object)[
                rng.integers(0, 3, n)
            ]
    frame.loc["C001", ["name", "owner", "region"]] = None
    frame.loc["C002", ["trend_90d", "p_alive", "clv", "churn_probability"]] = np.nan
    frame.loc["C003", "expected_next_order"] = np.datetime64("NaT")
    return frame


def snapshot(frame: pd.DataFrame, as_of: dt.date = AS_OF) -> Snapshot:
    return Snapshot(as_of=as_of, customers=frame, source="test", params={"k": 1}, notes={"n": "x"})


def test_a_snapshot_in_several_parts_loads_back_with_the_frames_types(any_store):
    frame = customers(7)
    save_snapshot(any_store, snapshot(frame.sample(frac=1, random_state=3)), part_rows=3)
    with any_store.connect() as conn:
        parts = conn.execute(sa.text("SELECT part, n_rows FROM snapshot_parts ORDER BY part")).all()
    assert [tuple(p) for p in parts] == [(0, 3), (1, 3), (2, 1)]

    loaded = load_snapshot(any_store).customers
    assert list(loaded.columns) == COLUMNS[1:] and loaded.index.name == "customer_id"
    assert list(loaded.index) == sorted(frame.index)
    assert loaded["key_account"].dtype == bool
    assert all(loaded[c].dtype == np.int64 for c in INT_COLUMNS)
    assert all(loaded[c].dtype == np.float64 for c in FLOAT_COLUMNS)
    assert all(np.issubdtype(loaded[c].dtype, np.datetime64) for c in DATE_COLUMNS)
    assert all(isinstance(loaded[c].dtype, pd.CategoricalDtype) for c in CATEGORY_COLUMNS)
    assert loaded.loc["C001", "name"] is None and np.isnan(loaded.loc["C002", "clv"])
    assert pd.isna(loaded.loc["C003", "expected_next_order"])
    plain = loaded.astype({c: object for c in CATEGORY_COLUMNS})
    pd.testing.assert_frame_equal(plain, frame.sort_index(), check_dtype=False)


def test_only_the_columns_asked_for_are_loaded_and_an_unknown_one_is_a_clear_error(any_store):
    save_snapshot(any_store, snapshot(customers(5)))
    few = load_snapshot(any_store, columns=["key_account", "key_account_misses"]).customers
    assert list(few.columns) == ["key_account", "key_account_misses"] and len(few) == 5
    with pytest.raises(StoreError, match=r"no column.*colour"):
        load_snapshot(any_store, columns=["segment", "colour"])


def test_a_save_failing_half_way_leaves_the_stored_snapshot_as_it_was(any_store):
    save_snapshot(any_store, snapshot(customers(6, seed=1)))
    before = load_snapshot(any_store).customers
    broken = customers(6, seed=2).astype({"revenue": object})
    broken.loc["C005", "revenue"] = "a lot"  # in the second part: the first is already written
    with pytest.raises(StoreError, match="revenue"):
        save_snapshot(any_store, snapshot(broken), part_rows=3)
    assert len(list_snapshots(any_store)) == 1
    pd.testing.assert_frame_equal(load_snapshot(any_store).customers, before)


def test_rebuilding_a_day_replaces_its_parts(any_store):
    save_snapshot(any_store, snapshot(customers(6)), part_rows=2)
    save_snapshot(any_store, snapshot(customers(4)), part_rows=2)
    assert load_snapshot(any_store).customers.shape[0] == 4
    with any_store.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM snapshot_parts")).scalar_one() == 2


def test_an_upgraded_store_keeps_the_snapshots_it_held_as_rows(request, any_store):
    url = any_store.url
    any_store.dispose()
    old = Store(url)
    with old.engine.begin() as conn:
        # Back to the last schema with one row per customer, as a store from before 0014 is.
        cfg = alembic_config(url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0013")
    assert "snapshot_parts" not in sa.inspect(old.engine).get_table_names()
    frame = customers(5)
    rows = frame.reset_index()
    for col in DATE_COLUMNS:
        rows[col] = rows[col].dt.date
    rows = rows.astype(object).where(rows.notna(), None)
    with old.engine.begin() as conn:
        meta = sa.MetaData()
        snaps = sa.Table("snapshots", meta, autoload_with=conn)
        table = sa.Table("snapshot_customers", meta, autoload_with=conn)
        for number, day in enumerate((AS_OF - dt.timedelta(days=7), AS_OF), start=1):
            conn.execute(
                sa.insert(snaps).values(
                    id=number,
                    as_of=day,
                    created_at=dt.datetime(2026, 12, 1),
                    source="old",
                    n_customers=len(rows),
                    params={},
                    notes={"from": "rows"},
                )
            )
            conn.execute(sa.insert(table), [dict(r, snapshot_id=number) for r in rows.to_dict("records")])
    old.upgrade()

    assert "snapshot_customers" not in sa.inspect(old.engine).get_table_names()
    loaded = load_snapshot(old)
    assert loaded.as_of == AS_OF and loaded.notes == {"from": "rows"}
    plain = loaded.customers.astype({c: object for c in CATEGORY_COLUMNS})
    pd.testing.assert_frame_equal(plain, frame, check_dtype=False)
    assert len(load_snapshot(old, before=AS_OF).customers) == 5
    old.dispose()
