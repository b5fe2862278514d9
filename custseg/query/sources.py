"""Where the engine reads what a snapshot does not hold: the orders (order-based figures), the
customers' attributes (country, industry, … of the company's data) and the stored snapshots
(trends of labels, movements).

Everything loads on first use and is kept: a chat's first answer does not wait for ten million
orders unless its question needs them.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Protocol

import numpy as np
import pandas as pd

from custseg.snapshot.frame import Snapshot
from custseg.snapshot.storage import list_snapshots, load_snapshot
from custseg.store.db import Store
from custseg.store.orders import read_customer_attributes, read_orders

Orders = tuple[np.ndarray, np.ndarray, np.ndarray]


class BookData(Protocol):
    """What an engine may read besides its snapshot."""

    def orders(self, until: dt.date) -> Orders:
        """Customer ids, days (datetime64[D]) and amounts of the orders up to ``until``."""
        ...

    def attributes(self) -> pd.DataFrame:
        """The customers' other attributes, one column each, indexed by customer id."""
        ...

    def snapshot_dates(self) -> list[dt.date]:
        """The as-of dates of the stored snapshots, oldest first."""
        ...

    def snapshot(self, as_of: dt.date) -> Snapshot:
        """The stored snapshot of ``as_of`` (one of ``snapshot_dates``)."""
        ...


class StoredBook:
    """``BookData`` from our own store, each part read once and kept (snapshots by date)."""

    def __init__(self, store: Store):
        self.store = store
        self._lock = threading.Lock()
        self._orders: tuple[dt.date, Orders] | None = None
        self._attributes: pd.DataFrame | None = None
        self._dates: list[dt.date] | None = None
        self._snapshots: dict[dt.date, Snapshot] = {}

    def orders(self, until: dt.date) -> Orders:
        with self._lock:
            # One read serves every earlier day too: the ledger leaves out orders after its as-of date.
            if self._orders is None or self._orders[0] < until:
                self._orders = (until, read_orders(self.store, until))
            return self._orders[1]

    def attributes(self) -> pd.DataFrame:
        with self._lock:
            if self._attributes is None:
                self._attributes = read_customer_attributes(self.store)
            return self._attributes

    def snapshot_dates(self) -> list[dt.date]:
        with self._lock:
            if self._dates is None:
                self._dates = sorted(list_snapshots(self.store)["as_of"].tolist())
            return self._dates

    def snapshot(self, as_of: dt.date) -> Snapshot:
        with self._lock:
            if as_of not in self._snapshots:
                self._snapshots[as_of] = load_snapshot(self.store, as_of=as_of)
            return self._snapshots[as_of]


class FrameBook:
    """``BookData`` held in memory: an orders frame (``customer_id``, ``ordered_at``, ``amount``),
    optional attributes and snapshots (for benchmarks and books segmented from a file)."""

    def __init__(
        self,
        orders: pd.DataFrame,
        attributes: pd.DataFrame | None = None,
        snapshots: list[Snapshot] | None = None,
    ):
        self._orders: Orders = (
            orders["customer_id"].to_numpy(dtype=object),
            orders["ordered_at"].to_numpy().astype("datetime64[D]"),
            orders["amount"].to_numpy(dtype="float64"),
        )
        self._attributes = attributes if attributes is not None else pd.DataFrame()
        self._snapshots = {s.as_of: s for s in snapshots or []}

    def orders(self, until: dt.date) -> Orders:
        return self._orders

    def attributes(self) -> pd.DataFrame:
        return self._attributes

    def snapshot_dates(self) -> list[dt.date]:
        return sorted(self._snapshots)

    def snapshot(self, as_of: dt.date) -> Snapshot:
        return self._snapshots[as_of]
