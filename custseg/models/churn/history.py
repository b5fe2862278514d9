"""The book as of any past day: per-customer aggregates of the orders up to the end of that day."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from custseg.ingest.aggregate import aggregate_frame

# Aggregates (``aggregate_frame`` columns) of the orders up to the end of a given day.
History = Callable[[dt.date], pd.DataFrame]
# The same for several days at once, in one pass over the orders where the source can (a database
# scans its table once for every cut-off instead of once per cut-off).
HistoryMany = Callable[[Sequence[dt.date]], dict[dt.date, pd.DataFrame]]

# Customers a past window is computed for, at most (2 × the classifier's training sample: one half
# fits the regression, the other calibrates it).
MAX_HISTORY_CUSTOMERS = 400_000


def sample_positions(n_customers: int, max_customers: int, random_state: int = 0) -> np.ndarray:
    """Which customers a history sample keeps: ``max_customers`` positions in the book's customer
    ids sorted as text, drawn with a fixed seed. Every source uses this one rule, so a book gives the
    same churn model from a file as from a table."""
    return np.random.default_rng(random_state).choice(n_customers, max_customers, replace=False)


@dataclass
class OrderHistory:
    """How to see the book as of any past day, without looking past it.

    Attributes
    ----------
    aggregates : callable
        Day → per-customer aggregates of the orders up to the end of that day
        (``custseg.ingest.aggregate``), from memory or computed inside the database alike.
    sampled : tuple of int, optional
        (customers kept, customers in the book) when the history covers a random sample only.
    aggregates_many : callable, optional
        Days → the aggregates of each, computed together; without it ``at`` asks day by day.
    prepare : callable, optional
        Work that does not depend on the day and can be done ahead, on another thread (drawing
        the sample of an order frame); ``aggregates`` does it on first use otherwise.
    """

    aggregates: History
    sampled: tuple[int, int] | None = None
    aggregates_many: HistoryMany | None = None
    prepare: Callable[[], object] | None = None

    def at(self, days: Sequence[dt.date]) -> dict[dt.date, pd.DataFrame]:
        """The aggregates as of each of ``days`` (one pass where the source allows)."""
        if self.aggregates_many is not None:
            return self.aggregates_many(days)
        return {day: self.aggregates(day) for day in days}

    @classmethod
    def from_orders(
        cls,
        orders: pd.DataFrame,
        window_days: int = 90,
        max_customers: int = MAX_HISTORY_CUSTOMERS,
        random_state: int = 0,
    ) -> OrderHistory:
        """The history of an order frame held in memory (``customer_id``, ``ordered_at``, ``amount``).

        A book of more than ``max_customers`` customers is seen through a random sample of that
        many (fixed seed): the model is trained and checked on them, and every customer is scored.
        Past windows then cost a fraction of a full pass over the orders, and the classifier and its
        holdout figures gain nothing measurable from more customers.
        """
        ids = orders["customer_id"]
        # Codes must number the ids in sorted order for sample_positions' rule: the fast Parquet
        # reader's categories are sorted, and factorize sorts when asked.
        codes: np.ndarray | None = None
        if isinstance(ids.dtype, pd.CategoricalDtype) and ids.cat.categories.is_monotonic_increasing:
            k = len(ids.cat.categories)
        else:
            codes, uniques = pd.factorize(ids.astype(str), sort=True)
            k = len(uniques)
        if k <= max_customers:
            return cls(aggregates=lambda day: aggregate_frame(orders, day, window_days))

        # The sample is drawn on first use or by ``prepare``: on the churn model's thread
        # (custseg.pipeline) while the main thread goes on. The whole book's orders are let go once
        # it is drawn, so they do not stay in memory beside the snapshot.
        held: dict[str, pd.DataFrame] = {"orders": orders}
        lock = threading.Lock()

        def sample() -> pd.DataFrame:
            with lock:
                if "sample" not in held:
                    book = held.pop("orders")
                    book_codes = book["customer_id"].cat.codes.to_numpy() if codes is None else codes
                    keep = np.zeros(k, dtype=bool)
                    keep[sample_positions(k, max_customers, random_state)] = True
                    kept = book[keep[book_codes]]
                    if isinstance(kept["customer_id"].dtype, pd.CategoricalDtype):
                        kept = kept.assign(customer_id=kept["customer_id"].cat.remove_unused_categories())
                    held["sample"] = kept
                return held["sample"]

        return cls(
            aggregates=lambda day: aggregate_frame(sample(), day, window_days),
            sampled=(max_customers, k),
            prepare=sample,
        )
