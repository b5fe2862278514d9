"""Our own database: schema (SQLAlchemy models), migrations (Alembic) and the store handle."""

from custseg.store.db import Store, open_store
from custseg.store.models import Base, Customer, LoadBatch, Order, Snapshot, SnapshotPart, Subscription

__all__ = [
    "Base",
    "Customer",
    "LoadBatch",
    "Order",
    "Snapshot",
    "SnapshotPart",
    "Store",
    "Subscription",
    "open_store",
]
