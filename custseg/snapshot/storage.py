"""Snapshots in our own database: save (replacing one of the same day), list, load.

A snapshot's customers are stored as Parquet parts (``snapshot_parts``, columns and types in
``custseg.snapshot.columns``): written from Arrow arrays and read back with column projection, so a
reader that needs two columns decodes only those (bench/bench_store.py, 1M customers on SQLite:
save 7.7 s and load 3.9 s, against 103 s and 36 s as one row per customer, before the load let
Arrow convert straight into pandas' blocks: ``decode_parts`` of that book now takes 1.4 s).
"""

from __future__ import annotations

import datetime as dt
import io
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import delete, insert, select

from custseg.errors import NoSnapshotError, StoreError
from custseg.snapshot.columns import CATEGORY_COLUMNS, COLUMNS, DATE_COLUMNS, INT_COLUMNS, SCHEMA
from custseg.snapshot.frame import Snapshot
from custseg.store.db import Store
from custseg.store.models import SNAPSHOT_PARTS, SNAPSHOTS

# Customers per Parquet part: large enough that Parquet's per-file overhead is negligible, small
# enough that encoding one part at a time keeps the extra memory of a save to a fraction of the frame.
PART_ROWS = 250_000
# zstd level 3 (its default) compresses the repetitive label columns ~10× at ~300 MB/s per core.
_COMPRESSION = "zstd"
# Dictionary pages only where a handful of values repeat: hashing every float and id of a part
# for a dictionary that Parquet then abandons as too large was a third of the encoding time.
_DICTIONARY_COLUMNS = [*CATEGORY_COLUMNS, "owner", "region", "r_score", "f_score", "m_score"]
# Parts encoded side by side while saving.
_ENCODE_THREADS = 2


def encode_part(frame: pd.DataFrame) -> bytes:
    """One Parquet file (zstd) of snapshot customers, ``customer_id`` as the first column.

    Parameters
    ----------
    frame : DataFrame
        Indexed by customer id, the columns of ``custseg.snapshot.columns.SCHEMA``.

    Raises
    ------
    StoreError
        When a column is missing or has values its type cannot hold.
    """
    missing = [c for c in COLUMNS[1:] if c not in frame.columns]
    if missing:
        raise StoreError(f"The snapshot has no column(s) {', '.join(missing)}; it cannot be stored.")
    arrays = [pa.array(frame.index.to_numpy(dtype=object), pa.string())]
    for field in list(SCHEMA)[1:]:
        values = frame[field.name]
        if field.name in DATE_COLUMNS:
            # Whole days: datetime64 of any unit, datetime.date objects or NaT all become date32.
            values = pd.to_datetime(values).to_numpy().astype("datetime64[D]")
        elif isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        try:
            arrays.append(pa.array(values, field.type, from_pandas=True))
        except (pa.ArrowInvalid, pa.ArrowTypeError) as err:
            raise StoreError(
                f"The snapshot's column {field.name} cannot be stored as {field.type}: {err}"
            ) from None
    table = pa.Table.from_arrays(arrays, schema=SCHEMA)
    sink = io.BytesIO()
    # No column statistics: a part is always read whole, never filtered by them.
    pq.write_table(
        table, sink, compression=_COMPRESSION, use_dictionary=_DICTIONARY_COLUMNS, write_statistics=False
    )
    return sink.getvalue()


def save_snapshot(store: Store, snap: Snapshot, part_rows: int = PART_ROWS) -> int:
    """Store a snapshot, replacing any earlier one with the same as-of date, in one transaction.

    A failure half-way (a bad column, a lost connection) leaves the store as it was.
    """
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
        # Sorted by customer id so parts are ordered ranges and a load needs no sort of its own.
        frame = (
            snap.customers if snap.customers.index.is_monotonic_increasing else snap.customers.sort_index()
        )
        # Parts are encoded on two threads (Parquet's writer releases the GIL, and it is most of a
        # save) and inserted in order as they are ready; at most two parts are in flight, so the
        # save holds two parts' bytes beside the frame.
        starts = range(0, len(frame), part_rows)

        def encode(start: int) -> tuple[int, bytes]:
            piece = frame.iloc[start : start + part_rows]
            return len(piece), encode_part(piece)

        def store_part(number: int, done: Future[tuple[int, bytes]]) -> None:
            n_rows, payload = done.result()
            conn.execute(
                insert(SNAPSHOT_PARTS).values(
                    snapshot_id=snap_id, part=number, n_rows=n_rows, payload=payload
                )
            )

        with ThreadPoolExecutor(max_workers=_ENCODE_THREADS) as pool:
            pending: deque[tuple[int, Future[tuple[int, bytes]]]] = deque()
            for number, start in enumerate(starts):
                pending.append((number, pool.submit(encode, start)))
                if len(pending) == _ENCODE_THREADS:
                    store_part(*pending.popleft())
            while pending:
                store_part(*pending.popleft())
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


def decode_parts(payloads: Sequence[bytes], columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The customers of a snapshot's parts as the frame ``build_snapshot`` makes.

    Parameters
    ----------
    payloads : sequence of bytes
        The parts' Parquet files, in part order.
    columns : sequence of str, optional
        Only these columns (besides the ``customer_id`` index) are decoded; all when None.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id`` (str); dates as datetime64 (whole days, NaT where missing),
        ``key_account`` bool, counts int64, figures float64 with NaN where missing, the
        low-cardinality labels (``CATEGORY_COLUMNS``) as categoricals, names as str or None.
    """
    wanted = COLUMNS[1:] if columns is None else list(dict.fromkeys(columns))
    unknown = [c for c in wanted if c not in COLUMNS]
    if unknown:
        raise StoreError(
            f"A snapshot has no column(s) {', '.join(unknown)}; it has {', '.join(COLUMNS[1:])}."
        )
    read = ["customer_id", *[c for c in wanted if c != "customer_id"]]
    dictionary = [c for c in read if c in CATEGORY_COLUMNS]

    def decode(payload: bytes) -> pa.Table:
        return pq.read_table(pa.BufferReader(payload), columns=read, read_dictionary=dictionary)

    # Parquet decoding releases the GIL, so parts decode side by side on every core.
    with ThreadPoolExecutor(max_workers=min(len(payloads), 4) or 1) as pool:
        tables = list(pool.map(decode, payloads))
    if tables:
        # Each part has its own dictionary; unify them so the concatenated column is one categorical.
        table = pa.concat_tables(tables).unify_dictionaries()
        del tables
    else:
        table = SCHEMA.empty_table().select(read)
    index = pd.Index(table.column("customer_id").to_pandas().to_numpy(), name="customer_id", dtype=object)
    table = table.drop_columns(["customer_id"])
    # Arrow converts the columns on every core, straight into pandas' blocks, and frees each
    # column as it goes (``self_destruct``): the load holds about one copy of the book, not three.
    table = table.cast(
        pa.schema(
            [
                pa.field(f.name, pa.timestamp("s") if f.name in DATE_COLUMNS else pa.int64())
                if f.name in DATE_COLUMNS or f.name in INT_COLUMNS
                else f
                for f in table.schema
            ]
        )
    )
    frame = table.to_pandas(self_destruct=True, split_blocks=True, use_threads=True)
    del table
    frame.index = index
    # Arrow's allocator keeps freed pages for reuse; a long-running chat process never needs them.
    pa.default_memory_pool().release_unused()
    return frame


def load_snapshot(
    store: Store,
    as_of: dt.date | None = None,
    before: dt.date | None = None,
    columns: Sequence[str] | None = None,
) -> Snapshot:
    """The snapshot of ``as_of``, or the latest one (strictly before ``before`` if given).

    Parameters
    ----------
    columns : sequence of str, optional
        Load only these customer columns (the index is always there); all when None. A nightly
        run comparing with the previous snapshot asks for the few it needs, which costs a
        fraction of the time and memory of the whole snapshot.

    Raises
    ------
    NoSnapshotError
        When there is none.
    StoreError
        When ``as_of`` has no snapshot, or ``columns`` names one a snapshot does not have.
    """
    return snapshot_of(*fetch_parts(store, as_of, before), columns)


def fetch_parts(
    store: Store, as_of: dt.date | None = None, before: dt.date | None = None
) -> tuple[dict[str, Any], list[bytes]]:
    """The stored row of the snapshot ``load_snapshot`` would load, and its parts' bytes (not
    decoded): for a reader that decodes some columns first and the rest after
    (``snapshot_of``). Raises as ``load_snapshot``."""
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
        pt = SNAPSHOT_PARTS
        payloads = (
            conn.execute(select(pt.c.payload).where(pt.c.snapshot_id == head["id"]).order_by(pt.c.part))
            .scalars()
            .all()
        )
    return dict(head), list(payloads)


def snapshot_of(
    head: dict[str, Any], payloads: Sequence[bytes], columns: Sequence[str] | None = None
) -> Snapshot:
    """The ``Snapshot`` of ``fetch_parts``' row and parts (``columns`` as in ``load_snapshot``)."""
    return Snapshot(
        as_of=head["as_of"],
        customers=decode_parts(payloads, columns),
        source=head["source"],
        params=head["params"],
        notes=head["notes"],
        id=head["id"],
        created_at=head["created_at"],
    )
