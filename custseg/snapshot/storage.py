"""Snapshots in our own database: save (replacing one of the same day), list, load."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import delete, insert, select

from custseg.errors import NoSnapshotError, StoreError
from custseg.snapshot.build import COLUMNS, Snapshot
from custseg.store.db import Store
from custseg.store.models import SNAPSHOT_CUSTOMERS, SNAPSHOTS


def _to_rows(snapshot_id: int, frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = frame.reset_index()
    out.insert(0, "snapshot_id", snapshot_id)
    out["first_order"] = pd.to_datetime(out["first_order"]).dt.date
    out["last_order"] = pd.to_datetime(out["last_order"]).dt.date
    out["expected_next_order"] = pd.to_datetime(out["expected_next_order"]).dt.date
    out = out.astype(object).where(out.notna(), None)
    return out.to_dict("records")


def save_snapshot(store: Store, snap: Snapshot, chunk: int = 20_000) -> int:
    """Store a snapshot, replacing any earlier one with the same as-of date, in one transaction."""
    created = dt.datetime.now().replace(microsecond=0)
    with store.begin() as conn:
        conn.execute(delete(SNAPSHOTS).where(SNAPSHOTS.c.as_of == snap.as_of))
        snap_id = conn.execute(
            insert(SNAPSHOTS)
            .values(
                as_of=snap.as_of,
                created_at=created,
                source=snap.source,
                n_customers=len(snap.customers),
                params=snap.params,
                notes=snap.notes,
            )
            .returning(SNAPSHOTS.c.id)
        ).scalar_one()
        table = SNAPSHOT_CUSTOMERS
        for start in range(0, len(snap.customers), chunk):
            conn.execute(insert(table), _to_rows(snap_id, snap.customers.iloc[start : start + chunk]))
    snap.id, snap.created_at = snap_id, created
    return snap_id


def list_snapshots(store: Store) -> pd.DataFrame:
    """All stored snapshots, newest first: id, as_of, created_at, source, n_customers."""
    t = SNAPSHOTS
    with store.connect() as conn:
        rows = conn.execute(
            select(t.c.id, t.c.as_of, t.c.created_at, t.c.source, t.c.n_customers).order_by(t.c.as_of.desc())
        ).all()
    return pd.DataFrame(rows, columns=["id", "as_of", "created_at", "source", "n_customers"])


def load_snapshot(store: Store, as_of: dt.date | None = None, before: dt.date | None = None) -> Snapshot:
    """The snapshot of ``as_of``, or the latest one (strictly before ``before`` if given).

    Raises
    ------
    NoSnapshotError
        When there is none.
    """
    t = SNAPSHOTS
    stmt = select(t)
    if as_of is not None:
        stmt = stmt.where(t.c.as_of == as_of)
    if before is not None:
        stmt = stmt.where(t.c.as_of < before)
    with store.connect() as conn:
        head = conn.execute(stmt.order_by(t.c.as_of.desc()).limit(1)).mappings().first()
        if head is None:
            if as_of is not None:
                raise StoreError(
                    f"There is no snapshot as of {as_of}. Build it with `custseg segment --as-of {as_of}`."
                )
            raise NoSnapshotError()
        ct = SNAPSHOT_CUSTOMERS
        result = conn.execute(
            select(*[ct.c[c] for c in COLUMNS])
            .where(ct.c.snapshot_id == head["id"])
            .order_by(ct.c.customer_id)
        )
        frame = pd.DataFrame(result.fetchall(), columns=COLUMNS).set_index("customer_id")
    frame["key_account"] = frame["key_account"].astype(bool)
    for col in ("first_order", "last_order", "expected_next_order"):
        frame[col] = pd.to_datetime(frame[col]).to_numpy().astype("datetime64[D]")
    for col in ("p_alive", "expected_purchases", "expected_order_value", "clv"):
        frame[col] = frame[col].astype("float64")
    return Snapshot(
        as_of=head["as_of"],
        customers=frame,
        source=head["source"],
        params=head["params"],
        notes=head["notes"],
        id=head["id"],
        created_at=head["created_at"],
    )
