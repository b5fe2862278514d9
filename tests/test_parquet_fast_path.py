"""DuckDB's read of a Parquet order file gives exactly the orders, and so the aggregates, of pandas."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from custseg.ingest.aggregate import aggregate_frame
from custseg.ingest.parquet import read_orders_fast

START = pd.Timestamp("2024-01-01")
# A few ids, so customers repeat; text ids sort by code point (ä after z), integers by their text.
TEXT_IDS = ["a", "B", "z", "ä", "C 10", "C9", "0042"]
INT_IDS = [7, 42, -3, 1000, 99]

order = st.tuples(
    st.integers(0, len(TEXT_IDS) - 1),
    # Seconds over 200 days: several orders on one day happen, and windows' edges are crossed.
    st.integers(0, 200 * 86_400 - 1),
    # Cents, returns (negative) and zero-value orders included.
    st.integers(-50_000, 200_000),
)


def _write(tmp: Path, rows: list[tuple[int, int, int]], id_kind: str, zone: str | None, unit: str) -> Path:
    ids = [TEXT_IDS[i] if id_kind == "str" else INT_IDS[i % len(INT_IDS)] for i, _, _ in rows]
    times = pd.DatetimeIndex([START + pd.Timedelta(seconds=s) for _, s, _ in rows])
    if zone is not None:
        times = times.tz_localize(zone, nonexistent="shift_forward", ambiguous=False)
    table = pa.table(
        {
            "customer_id": pa.array(ids),
            "ordered_at": pa.array(times, pa.timestamp(unit, tz=zone)),
            "amount": pa.array([c / 100 for _, _, c in rows], pa.float64()),
        }
    )
    path = tmp / f"orders_{id_kind}_{zone}_{unit}.parquet".replace("/", "-")
    pq.write_table(table, path, row_group_size=7)  # several row groups: chunks meet in DuckDB
    return path


def _pandas(path: Path) -> pd.DataFrame:
    """The orders as pandas reads the file: UTC wall time for zone-aware columns, ids as text."""
    frame = pd.read_parquet(path)
    ts = frame["ordered_at"]
    if isinstance(ts.dtype, pd.DatetimeTZDtype):
        ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
    return pd.DataFrame(
        {
            "customer_id": frame["customer_id"].astype(str),
            "ordered_at": ts.astype("datetime64[ns]"),
            "amount": frame["amount"],
        }
    )


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(order, min_size=1, max_size=60),
    id_kind=st.sampled_from(["str", "int"]),
    zone=st.sampled_from([None, "UTC", "Europe/Berlin", "America/New_York"]),
    unit=st.sampled_from(["s", "ms", "us", "ns"]),
    as_of_day=st.integers(0, 230),
)
def test_duckdb_read_gives_the_orders_and_aggregates_of_pandas(
    tmp_path, rows, id_kind, zone, unit, as_of_day
):
    path = _write(tmp_path, rows, id_kind, zone, unit)
    fast = read_orders_fast(path)
    assert fast is not None and isinstance(fast["customer_id"].dtype, pd.CategoricalDtype)
    slow = _pandas(path)
    assert list(fast["customer_id"].cat.categories) == sorted(set(slow["customer_id"]))
    key = ["customer_id", "ordered_at", "amount"]
    as_rows = fast.assign(customer_id=fast["customer_id"].astype(str))
    pd.testing.assert_frame_equal(
        as_rows.sort_values(key).reset_index(drop=True), slow.sort_values(key).reset_index(drop=True)
    )
    day = (START + pd.Timedelta(days=as_of_day)).date()
    # The categorical path keeps every customer of the file (frequency 0 before their first order);
    # compare on the customers the general path sees.
    want = aggregate_frame(slow, day)
    got = aggregate_frame(fast, day).reindex(want.index)
    pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_a_file_with_a_missing_customer_goes_to_the_validating_reader(tmp_path):
    table = pa.table(
        {
            "customer_id": pa.array(["a", None, "b"]),
            "ordered_at": pa.array([dt.datetime(2024, 1, d) for d in (1, 2, 3)], pa.timestamp("us")),
            "amount": pa.array([1.0, 2.0, 3.0]),
        }
    )
    path = tmp_path / "gaps.parquet"
    pq.write_table(table, path)
    assert read_orders_fast(path) is None


def test_a_file_with_a_missing_amount_goes_to_the_validating_reader(tmp_path):
    table = pa.table(
        {
            "customer_id": pa.array(["a", "b"]),
            "ordered_at": pa.array([dt.datetime(2024, 1, 1)] * 2, pa.timestamp("us")),
            "amount": pa.array([1.0, None]),
        }
    )
    path = tmp_path / "gaps.parquet"
    pq.write_table(table, path)
    assert read_orders_fast(path) is None


def test_other_shapes_are_left_to_the_general_reader(tmp_path):
    path = tmp_path / "text_times.parquet"
    pq.write_table(
        pa.table({"customer_id": ["a"], "ordered_at": ["2024-01-01"], "amount": np.array([1.0])}), path
    )
    assert read_orders_fast(path) is None
    assert read_orders_fast(tmp_path / "orders.csv") is None
