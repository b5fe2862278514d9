"""Per-customer order aggregates, computed in memory (numpy) or inside a database (``sql_source``).

Both paths compute exactly the same columns with the same definitions, so a snapshot does not
depend on where the orders live:

- ``first_order`` / ``last_order``: earliest / latest purchase (any order that is not a return;
  free or zero-value orders are still orders);
- ``frequency``: number of purchases; returns and cancellations (negative amounts) are not purchases;
- ``purchase_days``: calendar days with at least one purchase (the purchase occasions of the
  frequency model: several orders on one day are one occasion);
- ``revenue``: net revenue, all orders including returns, in currency units;
- ``returns``: value returned, as a positive number;
- ``revenue_90d`` / ``revenue_prev_90d``: net revenue in the last ``window`` days up to the as-of
  date, and in the ``window`` days before that;
- ``bought_90d`` / ``bought_prev_90d``: the same windows, purchases only (returns left out), so a
  return does not read as buying less.

Only orders up to the end of the as-of day count. Customers without any purchase (only returns)
are kept with ``frequency`` 0 and no first/last order; the snapshot leaves them out and counts them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

SUMMARY_COLUMNS = [
    "first_order",
    "last_order",
    "frequency",
    "purchase_days",
    "revenue",
    "returns",
    "revenue_90d",
    "revenue_prev_90d",
    "bought_90d",
    "bought_prev_90d",
]


@dataclass(frozen=True)
class Window:
    """The time cut-offs for an as-of date (naive datetimes, end of day exclusive)."""

    cutoff: dt.datetime
    recent_start: dt.datetime
    previous_start: dt.datetime

    @classmethod
    def for_as_of(cls, as_of: dt.date, window_days: int = 90) -> Window:
        cutoff = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
        return cls(
            cutoff=cutoff,
            recent_start=cutoff - dt.timedelta(days=window_days),
            previous_start=cutoff - dt.timedelta(days=2 * window_days),
        )


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    """Common tidy-up for both paths: types, cent rounding, sort order."""
    frame = frame.copy()
    frame["frequency"] = frame["frequency"].astype("int64")
    frame["purchase_days"] = frame["purchase_days"].astype("int64")
    for col in ("first_order", "last_order"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    for col in ("revenue", "returns", "revenue_90d", "revenue_prev_90d", "bought_90d", "bought_prev_90d"):
        frame[col] = frame[col].astype("float64").round(2)
    if not (frame.index.dtype == object and pd.api.types.infer_dtype(frame.index, skipna=False) == "string"):
        frame.index = frame.index.astype(str)
    frame.index.name = "customer_id"
    return frame if frame.index.is_monotonic_increasing else frame.sort_index()


def _distinct_days(codes: np.ndarray, t: np.ndarray, k: int) -> np.ndarray:
    """Calendar days with a purchase, per customer code (``t`` in ns since the epoch).

    Each (customer, day) pair is one int64 key; sorting the keys and counting changes is about 8×
    faster than hashing them (``pd.unique``) because numpy sorts int64 with SIMD instructions.
    """
    if not len(t):
        return np.zeros(k, dtype=np.int64)
    day = t // 86_400_000_000_000
    d0 = int(day.min())
    span = int(day.max()) - d0 + 1
    keys = codes.astype(np.int64) * span + (day - d0)
    keys.sort()
    first = np.empty(len(keys), dtype=bool)
    first[0] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    return np.bincount(keys[first] // span, minlength=k)


def aggregate_frame(orders: pd.DataFrame, as_of: dt.date, window_days: int = 90) -> pd.DataFrame:
    """Per-customer aggregates from an order frame, in memory.

    Parameters
    ----------
    orders : DataFrame
        Columns ``customer_id``, ``ordered_at`` (datetime64), ``amount`` (float, currency units).
    as_of : date
        Orders after the end of this day are ignored.
    window_days : int
        Length of the recent-revenue windows, in days.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id`` (str, sorted), columns ``SUMMARY_COLUMNS``.
    """
    win = Window.for_as_of(as_of, window_days)
    ts = orders["ordered_at"].to_numpy(dtype="datetime64[ns]")
    amount = orders["amount"].to_numpy(dtype="float64")
    ids = orders["customer_id"]
    cutoff = np.datetime64(win.cutoff, "ns")
    if len(ts) and ts.max() >= cutoff:
        keep = ts < cutoff
        ts, amount, ids = ts[keep], amount[keep], ids[keep]
    # Factorising once and scattering with bincount / ufunc.at is ~4× faster than a pandas groupby.
    if isinstance(ids.dtype, pd.CategoricalDtype):
        codes, uniques = ids.cat.codes.to_numpy(), ids.cat.categories
    else:
        codes, uniques = pd.factorize(ids, sort=False)
    k = len(uniques)
    t = ts.view("int64")
    buy = amount >= 0
    big, small = np.iinfo(np.int64).max, np.iinfo(np.int64).min
    first = np.full(k, big, dtype=np.int64)
    last = np.full(k, small, dtype=np.int64)
    np.minimum.at(first, codes[buy], t[buy])
    np.maximum.at(last, codes[buy], t[buy])
    purchase_days = _distinct_days(codes[buy], t[buy], k)
    recent = t >= np.datetime64(win.recent_start, "ns").astype("int64")
    previous = ~recent & (t >= np.datetime64(win.previous_start, "ns").astype("int64"))
    frame = pd.DataFrame(
        {
            # int64 min is NaT: customers with no purchase have no first or last order.
            "first_order": np.where(first == big, small, first).view("datetime64[ns]"),
            "last_order": last.view("datetime64[ns]"),
            "frequency": np.bincount(codes, weights=buy, minlength=k),
            "purchase_days": purchase_days,
            "revenue": np.bincount(codes, weights=amount, minlength=k),
            "returns": np.bincount(codes, weights=np.where(amount < 0, -amount, 0.0), minlength=k),
            "revenue_90d": np.bincount(codes, weights=np.where(recent, amount, 0.0), minlength=k),
            "revenue_prev_90d": np.bincount(codes, weights=np.where(previous, amount, 0.0), minlength=k),
            "bought_90d": np.bincount(codes, weights=np.where(recent & buy, amount, 0.0), minlength=k),
            "bought_prev_90d": np.bincount(codes, weights=np.where(previous & buy, amount, 0.0), minlength=k),
        },
        index=pd.Index(np.asarray(uniques), name="customer_id"),
    )
    return _finish(frame)
