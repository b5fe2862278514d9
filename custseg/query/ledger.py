"""The orders behind order-based figures (revenue, orders and order value in a period), held once per
engine as flat arrays sorted by day.

A period is then a contiguous slice found with ``searchsorted``, and a per-customer figure one
``np.bincount`` over it; a trend of many intervals reads running sums instead of slicing once per
interval. Orders after the snapshot's as-of date are never counted.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def _day(day: dt.date) -> np.datetime64:
    return np.datetime64(day, "D")


class Ledger:
    """The orders of one snapshot's customers up to its as-of date.

    Parameters
    ----------
    ids : array of str
        Each order's customer id.
    days : array of datetime64[D]
        Each order's day.
    amounts : array of float
        Each order's amount in currency units; returns and cancellations are negative.
    customers : pandas.Index
        The snapshot's customer ids, in row order; orders of anyone else are left out.
    as_of : datetime.date
        Orders after this day are left out.
    """

    def __init__(
        self, ids: np.ndarray, days: np.ndarray, amounts: np.ndarray, customers: pd.Index, as_of: dt.date
    ):
        rows = customers.get_indexer(ids) if len(ids) else np.array([], dtype=np.int64)
        keep = (rows >= 0) & (days <= _day(as_of))
        order = np.argsort(days[keep], kind="stable")
        self.n = len(customers)
        self.rows = rows[keep][order].astype(np.int64)
        self.days = days[keep][order].astype("datetime64[D]")
        self.amounts = amounts[keep][order].astype("float64")
        # A purchase is an order that is not a return (the snapshot's ``frequency`` counts these).
        self.bought = self.amounts > 0

    def __len__(self) -> int:
        return len(self.rows)

    def bounds(self, start: dt.date, end: dt.date) -> tuple[int, int]:
        """The slice of orders dated ``start`` … ``end`` (both included)."""
        lo = int(np.searchsorted(self.days, _day(start), side="left"))
        hi = int(np.searchsorted(self.days, _day(end), side="right"))
        return lo, hi

    def revenue(self, start: dt.date, end: dt.date) -> np.ndarray:
        """Net revenue per customer row in the window (returns included), currency units."""
        lo, hi = self.bounds(start, end)
        return np.bincount(self.rows[lo:hi], weights=self.amounts[lo:hi], minlength=self.n)

    def purchases(self, start: dt.date, end: dt.date) -> np.ndarray:
        """Purchases (orders that are not returns) per customer row in the window."""
        lo, hi = self.bounds(start, end)
        rows = self.rows[lo:hi][self.bought[lo:hi]]
        return np.bincount(rows, minlength=self.n).astype("float64")

    def sums(
        self, selected: np.ndarray, edges: list[tuple[dt.date, dt.date]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Revenue and purchases of the ``selected`` customer rows in each window of ``edges``.

        One pass: running sums over the selected customers' orders, read at each window's bounds.
        """
        take = selected[self.rows]
        revenue = np.concatenate(([0.0], np.cumsum(np.where(take, self.amounts, 0.0))))
        bought = np.concatenate(([0], np.cumsum(take & self.bought)))
        bounds = np.array([self.bounds(a, b) for a, b in edges], dtype=np.int64).reshape(-1, 2)
        lo, hi = bounds[:, 0], bounds[:, 1]
        return revenue[hi] - revenue[lo], (bought[hi] - bought[lo]).astype("float64")
