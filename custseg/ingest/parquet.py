"""The fast path for big order files: a Parquet file already in custseg's own column names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from custseg.ingest.aggregate import SUMMARY_COLUMNS, Window, _finish


def read_orders_fast(path: Path) -> pd.DataFrame | None:
    """A Parquet file already in custseg's own column names, read column-wise (the 10M-order path).

    Customer ids come back as a pandas Categorical whose categories are sorted: pyarrow encodes
    them in C, so 10M ids never become Python strings one by one. None when the file is not in
    that shape (then it goes through ``read_order_file`` and a mapping).
    """
    if path.suffix.lower() not in {".parquet", ".pq"}:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    names = set(pq.read_schema(path).names)
    if not {"customer_id", "ordered_at", "amount"} <= names:
        return None
    table = pq.read_table(path, columns=["customer_id", "ordered_at", "amount"])
    ids = table.column("customer_id").combine_chunks()
    if not pa.types.is_string(ids.type) and not pa.types.is_large_string(ids.type):
        ids = pc.cast(ids, pa.string())
    encoded = pc.dictionary_encode(ids)
    order = pc.sort_indices(encoded.dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    codes = rank[encoded.indices.to_numpy(zero_copy_only=False)]
    categories = pd.Index(
        encoded.dictionary.take(pa.array(order)).to_numpy(zero_copy_only=False), dtype=object
    )
    return pd.DataFrame(
        {
            "customer_id": pd.Categorical.from_codes(codes, categories=categories),
            "ordered_at": table.column("ordered_at").to_numpy().astype("datetime64[ns]"),
            "amount": table.column("amount").to_numpy().astype("float64"),
        }
    )


NS_PER_DAY = 86_400_000_000_000


@dataclass(frozen=True)
class OrderFile:
    """A Parquet file in custseg's own column names, aggregated by DuckDB where it lies.

    DuckDB reads the three columns and groups them in one multi-threaded pass, so the orders never
    become a pandas frame (10M orders: a fraction of the time and memory of ``read_orders_fast``
    followed by ``aggregate_frame``). The results are those of ``aggregate_frame`` on the same
    orders: times compared as integer nanoseconds since the epoch (UTC for time-zone-aware
    columns, as pyarrow hands them to pandas), money summed as float64 and rounded to cents.

    Attributes
    ----------
    path : Path
    time_expr : str
        SQL turning ``ordered_at`` into int64 nanoseconds since the epoch.
    """

    path: Path
    time_expr: str

    def _connect(self) -> Any:
        import duckdb

        return duckdb.connect()

    def _source(self) -> str:
        literal = str(self.path).replace("'", "''")
        return (
            "SELECT CAST(customer_id AS VARCHAR) AS id, "
            f"{self.time_expr} AS t, CAST(amount AS DOUBLE) AS a FROM read_parquet('{literal}')"
        )

    def check(self) -> tuple[dt.datetime | None, int, bool]:
        """The newest order time, the number of orders, and whether every row is complete.

        Complete means a customer, a time and a finite amount on every row: a file with gaps goes
        through the validating reader instead, whose messages name the bad rows.
        """
        con = self._connect()
        try:
            ((latest, rows, gaps),) = con.sql(
                "SELECT max(t), count(*), count(*) FILTER (WHERE id IS NULL OR t IS NULL OR a IS NULL "
                f"OR isnan(a) OR isinf(a)) FROM ({self._source()})"
            ).fetchall()
        finally:
            con.close()
        when = None if latest is None else pd.Timestamp(int(latest)).to_pydatetime()
        return when, int(rows), gaps == 0

    def aggregates(
        self,
        days: Sequence[dt.date],
        window_days: int = 90,
        customers: pd.Index | None = None,
    ) -> tuple[dict[dt.date, pd.DataFrame], pd.Index]:
        """``aggregate_frame`` as of each of ``days``, all from one pass over the file.

        Parameters
        ----------
        days : sequence of date
            As-of days (orders up to the end of each day count).
        window_days : int
            Length of the recent-revenue windows, in days.
        customers : Index, optional
            Only these customer ids (str); the others' orders are skipped inside DuckDB.

        Returns
        -------
        (aggregates by day, every customer id in the file or in ``customers`` with an order, sorted)
            Each day's frame holds the customers with an order up to that day, as ``aggregate_frame``.
        """
        wins = {day: Window.for_as_of(day, window_days) for day in days}
        ns = {day: {k: _ns(getattr(w, k)) for k in ("cutoff", "recent_start", "previous_start")} for day, w in wins.items()}
        cols = []
        for i, day in enumerate(days):
            c, r, p = ns[day]["cutoff"], ns[day]["recent_start"], ns[day]["previous_start"]
            before = f"t < {c}"
            buy = f"a >= 0 AND {before}"
            recent, prev = f"t >= {r} AND {before}", f"t >= {p} AND t < {r}"
            cols += [
                f"count(*) FILTER (WHERE {before}) AS n_{i}",
                f"min(t) FILTER (WHERE {buy}) AS first_order_{i}",
                f"max(t) FILTER (WHERE {buy}) AS last_order_{i}",
                f"count(*) FILTER (WHERE {buy}) AS frequency_{i}",
                f"count(DISTINCT t // {NS_PER_DAY}) FILTER (WHERE {buy}) AS purchase_days_{i}",
                f"sum(a) FILTER (WHERE {before}) AS revenue_{i}",
                f"sum(-a) FILTER (WHERE a < 0 AND {before}) AS returns_{i}",
                f"sum(a) FILTER (WHERE {recent}) AS revenue_90d_{i}",
                f"sum(a) FILTER (WHERE {prev}) AS revenue_prev_90d_{i}",
                f"sum(a) FILTER (WHERE a >= 0 AND {recent}) AS bought_90d_{i}",
                f"sum(a) FILTER (WHERE a >= 0 AND {prev}) AS bought_prev_90d_{i}",
            ]
        con = self._connect()
        try:
            source = self._source()
            if customers is not None:
                import pyarrow as pa

                wanted = pa.table({"id": pa.array(np.asarray(customers, dtype=object), pa.string())})
                con.register("wanted", wanted)
                source = f"SELECT * FROM ({source}) WHERE id IN (SELECT id FROM wanted)"
            table = con.sql(
                f"SELECT id, {', '.join(cols)} FROM ({source}) GROUP BY id ORDER BY id"
            ).to_arrow_table()
        finally:
            con.close()
        index = pd.Index(table.column("id").to_numpy(zero_copy_only=False), dtype=object, name="customer_id")
        out = {}
        for i, day in enumerate(days):
            keep = table.column(f"n_{i}").to_numpy() > 0
            frame = pd.DataFrame(index=index[keep])
            for col in SUMMARY_COLUMNS:
                values = table.column(f"{col}_{i}")
                if col in ("first_order", "last_order"):
                    arr = values.fill_null(np.iinfo(np.int64).min).to_numpy().view("datetime64[ns]")
                elif col in ("frequency", "purchase_days"):
                    arr = values.to_numpy()
                else:
                    arr = values.fill_null(0.0).to_numpy()
                frame[col] = arr[keep]
            out[day] = _finish(frame)
        return out, index


def _ns(when: dt.datetime) -> int:
    """A naive datetime as int64 nanoseconds since the epoch."""
    return int(np.datetime64(when, "ns").astype("int64"))


def open_order_file(path: Path) -> OrderFile | None:
    """The file as an ``OrderFile`` when DuckDB can aggregate it as it lies, else None.

    That is a Parquet file with ``customer_id`` (text or integer), ``ordered_at`` (a timestamp of
    any unit or time zone, or a date) and a numeric ``amount``; anything else goes through
    ``read_orders_fast`` or the validating reader and a mapping.
    """
    if path.suffix.lower() not in {".parquet", ".pq"}:
        return None
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    if not {"customer_id", "ordered_at", "amount"} <= set(schema.names):
        return None
    ids, ts, amount = (schema.field(c).type for c in ("customer_id", "ordered_at", "amount"))
    if not (pa.types.is_string(ids) or pa.types.is_large_string(ids) or pa.types.is_integer(ids)):
        return None
    if not (pa.types.is_integer(amount) or pa.types.is_floating(amount) or pa.types.is_decimal(amount)):
        return None
    if pa.types.is_timestamp(ts):
        return OrderFile(path, "epoch_ns(ordered_at)")
    if pa.types.is_date(ts):
        return OrderFile(path, "epoch_ns(CAST(ordered_at AS TIMESTAMP))")
    return None
