"""Orders in our own store: the column mapping of its ``orders`` table, and a customer's latest orders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from config.mappings import ColumnMapping
from custseg.store.db import Store
from custseg.store.models import ORDERS

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
