"""Write validated order and customer files into the store: one transaction, idempotent.

Orders are upserted by id through a temporary staging table, so a reload of the same file changes
nothing, a corrected file updates exactly the orders that changed, and any failure leaves the
database as it was.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    MetaData,
    String,
    Table,
    and_,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError

from custseg.errors import InputFileError
from custseg.ingest.readers import OrderFile
from custseg.progress import Progress, Silent
from custseg.store.db import Store
from custseg.store.models import CUSTOMERS, LOAD_BATCHES, ORDERS, Money

CHUNK = 20_000


@dataclass(frozen=True)
class LoadSummary:
    """What one load did. ``skipped`` maps reason → lines."""

    path: str
    lines_read: int
    orders_in_file: int
    added: int
    changed: int
    unchanged: int
    customers_added: int
    skipped: dict[str, int]
    seconds: float
    already_loaded_at: dt.datetime | None = None
    warnings: tuple[str, ...] = ()

    def one_line(self) -> str:
        skipped = ", ".join(f"{n:,} skipped ({why})" for why, n in self.skipped.items())
        again = (
            f" (this exact file was loaded before, on {self.already_loaded_at:%Y-%m-%d %H:%M})"
            if self.already_loaded_at
            else ""
        )
        return (
            f"Loaded {self.path}: {self.lines_read:,} lines → {self.orders_in_file:,} orders; "
            f"{self.added:,} new, {self.changed:,} changed, {self.unchanged:,} already present"
            + (f"; {skipped}" if skipped else "")
            + f"; {self.customers_added:,} new customers; {self.seconds:.1f}s{again}"
        )

    def report(self) -> str:
        """``one_line()`` followed by one ``warning: file:line: …`` line per warning."""
        return "\n".join([self.one_line(), *(f"  warning: {w}" for w in self.warnings)])


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = frame.astype(object).where(frame.notna(), None)
    return out.to_dict("records")


def _chunks(frame: pd.DataFrame):
    for start in range(0, len(frame), CHUNK):
        yield frame.iloc[start : start + CHUNK]


def _upsert_customers(conn: Connection, customers: pd.DataFrame) -> int:
    """Insert unknown customers, update name/owner/region/attributes given for known ones."""
    table = CUSTOMERS
    known: set[str] = set()
    ids = customers["customer_id"].tolist()
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        known.update(conn.execute(select(table.c.id).where(table.c.id.in_(part))).scalars())
    attr_cols = [c for c in customers.columns if c not in {"customer_id", "name", "owner", "region"}]
    fields = [c for c in ("name", "owner", "region") if c in customers.columns]

    def row(rec: dict[str, Any]) -> dict[str, Any]:
        out = {"id": rec["customer_id"], **{f: rec.get(f) for f in fields}}
        if attr_cols:
            out["attributes"] = {c: rec[c] for c in attr_cols if rec.get(c) not in (None, "")}
        return out

    new_rows: list[dict[str, Any]] = []
    old_rows: list[dict[str, Any]] = []
    for rec in _records(customers):
        (old_rows if rec["customer_id"] in known else new_rows).append(row(rec))
    if new_rows:
        conn.execute(insert(table), new_rows)
    for rec in old_rows:
        values = {k: v for k, v in rec.items() if k != "id" and v is not None}
        if values:
            conn.execute(update(table).where(table.c.id == rec["id"]).values(**values))
    return len(new_rows)


def save_customers(store: Store, customers: pd.DataFrame) -> tuple[int, int]:
    """Upsert a customer list (see ``read_customer_file``). Returns (added, updated)."""
    with store.begin() as conn:
        added = _upsert_customers(conn, customers)
    return added, len(customers) - added


def save_order_file(store: Store, order_file: OrderFile, progress: Progress | None = None) -> LoadSummary:
    """Write one validated order file into the store in a single transaction.

    Returns
    -------
    LoadSummary
        Counts of new, changed and unchanged orders; a reload of the same file has only unchanged ones.
    """
    try:
        return _save_order_file(store, order_file, progress or Silent())
    except DBAPIError as err:
        if not isinstance(err, DataError | IntegrityError):
            raise
        # The reader refuses what the store cannot hold; this is the last line of defence, and the
        # transaction has been rolled back. The database's own words, without the SQL and its values.
        reason = str(err.orig).strip().splitlines()[0] if err.orig is not None else type(err).__name__
        raise InputFileError(str(order_file.path), [(None, f"the database refused it: {reason}")]) from None


def _save_order_file(store: Store, order_file: OrderFile, progress: Progress) -> LoadSummary:
    orders = order_file.orders
    batches = LOAD_BATCHES
    target = ORDERS
    with store.begin() as conn:
        previous = conn.execute(
            select(func.max(batches.c.loaded_at)).where(batches.c.sha256 == order_file.sha256)
        ).scalar()

        progress.stage("saving customers", rows=len(order_file.customers))
        customers_added = _upsert_customers(conn, order_file.customers)

        staging = Table(
            "custseg_staging_orders",
            MetaData(),
            Column("id", String(128), primary_key=True),
            Column("customer_id", String(64), nullable=False),
            Column("ordered_at", DateTime, nullable=False),
            Column("amount", Money, nullable=False),
            prefixes=["TEMPORARY"],
        )
        staging.drop(conn, checkfirst=True)
        staging.create(conn)
        done = 0
        for part in _chunks(orders):
            rows = _records(part.rename(columns={"order_id": "id"}))
            for rec in rows:
                rec["ordered_at"] = rec["ordered_at"].to_pydatetime()
            conn.execute(insert(staging), rows)
            done += len(part)
            progress.stage("staging orders", rows=done)

        same_id = target.c.id == staging.c.id
        differs = or_(
            target.c.customer_id != staging.c.customer_id,
            target.c.ordered_at != staging.c.ordered_at,
            target.c.amount != staging.c.amount,
        )
        progress.stage("comparing with stored orders", rows=len(orders))
        present = conn.execute(select(func.count()).select_from(staging.join(target, same_id))).scalar_one()
        changed = conn.execute(
            select(func.count()).select_from(staging.join(target, same_id)).where(differs)
        ).scalar_one()

        batch_id = conn.execute(
            insert(batches)
            .values(
                path=str(order_file.path),
                sha256=order_file.sha256,
                mapping=order_file.mapping.name,
                loaded_at=dt.datetime.now().replace(microsecond=0),
                lines_read=order_file.lines_read,
                orders_added=len(orders) - present,
                orders_changed=changed,
                orders_unchanged=present - changed,
                skipped=order_file.skipped,
            )
            .returning(batches.c.id)
        ).scalar_one()

        if changed:
            progress.stage("updating changed orders", rows=changed)
            conn.execute(
                update(target)
                .where(and_(same_id, differs))
                .values(
                    customer_id=staging.c.customer_id,
                    ordered_at=staging.c.ordered_at,
                    amount=staging.c.amount,
                    batch_id=batch_id,
                )
            )
        progress.stage("adding new orders", rows=len(orders) - present)
        conn.execute(
            insert(target).from_select(
                ["id", "customer_id", "ordered_at", "amount", "batch_id"],
                select(
                    staging.c.id,
                    staging.c.customer_id,
                    staging.c.ordered_at,
                    staging.c.amount,
                    literal(batch_id),
                ).where(~exists().where(same_id)),
            )
        )
        staging.drop(conn)
    progress.done()
    return LoadSummary(
        path=str(order_file.path),
        lines_read=order_file.lines_read,
        orders_in_file=len(orders),
        added=len(orders) - present,
        changed=changed,
        unchanged=present - changed,
        customers_added=customers_added,
        skipped=dict(order_file.skipped),
        seconds=progress.elapsed,
        already_loaded_at=previous,
        warnings=tuple(order_file.warnings),
    )
