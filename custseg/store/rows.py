"""Row operations every table module shares: times as the database stores them, inserting a row
only once, and storing a row whether or not it exists yet, safely under concurrent writers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Table, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement


def utc(t: dt.datetime | None = None) -> dt.datetime:
    """``t`` (or now) as a naive UTC datetime, the way the database stores it."""
    if t is None:
        return dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return t.astimezone(dt.UTC).replace(tzinfo=None) if t.tzinfo else t


def insert_ignore(conn: Connection, table: Table, values: dict[str, Any], keys: list[str]) -> bool:
    """Insert a row unless one with the same ``keys`` exists; True if inserted.

    ``ON CONFLICT DO NOTHING`` instead of catching the error keeps the surrounding transaction
    usable on both databases (PostgreSQL aborts a transaction after a failed insert).
    """
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).values(**values).on_conflict_do_nothing(index_elements=keys)
    return bool(conn.execute(stmt).rowcount)


def update_or_insert(
    conn: Connection,
    table: Table,
    where: ColumnElement[bool],
    changes: dict[str, Any],
    new_row: dict[str, Any],
) -> bool:
    """Apply ``changes`` to the row matching ``where``, or insert ``new_row`` + ``changes`` when
    there is none; True if inserted.

    A writer inserting the same row at the same moment makes our insert fail on the unique key: it
    is then that row that gets ``changes``. The insert runs in a savepoint, so the surrounding
    transaction stays usable on PostgreSQL.
    """
    if conn.execute(update(table).where(where).values(**changes)).rowcount:
        return False
    try:
        with conn.begin_nested():
            conn.execute(table.insert().values(**{**new_row, **changes}))
        return True
    except IntegrityError:
        conn.execute(update(table).where(where).values(**changes))
        return False
