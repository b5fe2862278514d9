"""Orders in our own store: the column mapping of its ``orders`` table, a customer's latest orders,
all orders up to a day (the query engine's ledger) and the customers' attributes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Date, Float, Integer, cast, func, literal, select, type_coerce

from config.mappings import ColumnMapping
from custseg.store.db import Store
from custseg.store.models import CUSTOMERS, ORDERS

# The orders table read like any order source (``custseg.ingest.aggregate``).
STORE_COLUMNS = ColumnMapping(customer_id="customer_id", ordered_at="ordered_at", amount="amount")


def recent_orders_lookup(store: Store) -> Callable[[str, int], list[dict[str, Any]]]:
    """A ``(customer_id, n) -> orders`` function over the store, newest first, for profiles."""
    t = ORDERS

    def lookup(customer_id: str, n: int) -> list[dict[str, Any]]:
        with store.connect() as conn:
            rows = conn.execute(
                select(t.c.id, t.c.ordered_at, t.c.amount)
                .where(t.c.customer_id == customer_id)
                .order_by(t.c.ordered_at.desc())
                .limit(n)
            ).all()
        return [{"order_id": r[0], "ordered_at": r[1], "amount": float(r[2])} for r in rows]

    return lookup


def read_orders(store: Store, until: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every stored order up to the end of ``until``: customer ids (object array), days
    (``datetime64[D]``) and amounts (currency units, returns negative), in no particular order.

    The day is computed in the database as a day number since 1970-01-01, so ten million rows cross
    as plain integers and floats rather than datetime objects built one by one.
    """
    t = ORDERS
    if store.engine.dialect.name == "sqlite":
        day: Any = cast(func.julianday(func.date(t.c.ordered_at)) - 2440587.5, Integer)
    else:
        day = cast(t.c.ordered_at, Date) - literal(dt.date(1970, 1, 1), Date)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time())
    stmt = select(t.c.customer_id, type_coerce(day, Integer), type_coerce(t.c.amount, Float)).where(
        t.c.ordered_at < end
    )
    with store.connect() as conn:
        rows = conn.execute(stmt).all()
    if not rows:
        return np.array([], dtype=object), np.array([], dtype="datetime64[D]"), np.array([], dtype="float64")
    ids, days, amounts = zip(*rows, strict=True)
    return (
        np.array(ids, dtype=object),
        np.array(days, dtype=np.int64).astype("datetime64[D]"),
        np.array(amounts, dtype="float64"),
    )


def read_customer_attributes(store: Store) -> pd.DataFrame:
    """The customers' attributes beyond name, owner and region (``country``, ``industry``, … as the
    company's customer file gave them), one column each, indexed by customer id; None where unset."""
    t = CUSTOMERS
    with store.connect() as conn:
        rows = conn.execute(select(t.c.id, t.c.attributes).where(t.c.attributes.is_not(None))).all()
    records = {cid: attrs for cid, attrs in rows if isinstance(attrs, dict) and attrs}
    frame = pd.DataFrame.from_dict(records, orient="index")
    frame.index.name = "customer_id"
    return frame.astype(object).where(frame.notna(), None)
