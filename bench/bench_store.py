"""Benchmark: saving and loading a 1M-customer snapshot, old row store vs the Parquet parts.

Targets (issue 21, 2-core machine), each next to its baseline in the same run:

- save ≤ 1.5 s and full load ≤ 1.5 s for 1M customers, on SQLite and on PostgreSQL;
- peak memory during a save (above the process before it) ≤ 1.5 × the frame's own size;
- the previous snapshot's needed columns only (``key_accounts``' inputs) loaded in a fraction of a
  full load.

The baseline is the row path as it was before migration 0014 (one ``snapshot_customers`` row per
customer: pandas record dicts and SQLAlchemy ``executemany`` in chunks of 20,000; load by one
``SELECT`` into a DataFrame), reimplemented here in a table of its own (``bench_snapshot_rows``).
Store size per snapshot is the SQLite file's growth and PostgreSQL's ``pg_total_relation_size``.

Usage::

    .venv/bin/python bench/bench_store.py                          # 1M customers, SQLite
    .venv/bin/python bench/bench_store.py --pg-url postgresql+psycopg://…   # and PostgreSQL
    .venv/bin/python bench/bench_store.py --customers 100000        # quick

Every measurement runs in its own fresh child process (so memory figures are that step's alone).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from _util import fmt_s, machine, print_table, run_child, verdict  # noqa: E402

from config.labels import LEVELS, REASONS, SEGMENTS, STAGES  # noqa: E402
from custseg.segmentation.key_accounts import PREVIOUS_COLUMNS  # noqa: E402
from custseg.snapshot.columns import COLUMNS, DATE_COLUMNS, FLOAT_COLUMNS, INT_COLUMNS  # noqa: E402
from custseg.snapshot.frame import Snapshot  # noqa: E402
from custseg.snapshot.storage import load_snapshot, save_snapshot  # noqa: E402
from custseg.store.db import open_store  # noqa: E402

SAVE_S = 1.5
LOAD_S = 1.5
SAVE_MEMORY_RATIO = 1.5
AS_OF = dt.date(2026, 11, 30)

# The row table exactly as snapshot_customers was at migration 0013.
_META = sa.MetaData()
_SQL_TYPES = {**{c: sa.Date() for c in DATE_COLUMNS}, **{c: sa.Integer() for c in INT_COLUMNS}}
_SQL_TYPES.update({c: sa.Float() for c in FLOAT_COLUMNS})
_SQL_TYPES["key_account"] = sa.Boolean()
ROWS = sa.Table(
    "bench_snapshot_rows",
    _META,
    sa.Column("snapshot_id", sa.Integer(), primary_key=True),
    *[sa.Column(c, _SQL_TYPES.get(c, sa.String(255)), primary_key=c == "customer_id") for c in COLUMNS],
)


def synthetic_customers(n: int, seed: int = 42) -> pd.DataFrame:
    """A snapshot-shaped frame of ``n`` customers: realistic label cardinalities, some NaN and NaT."""
    rng = np.random.default_rng(seed)
    ids = pd.Index(np.char.add("C", np.arange(n).astype("U8")).astype(object), name="customer_id")
    day = np.datetime64(AS_OF, "D")
    last = day - rng.integers(0, 720, n).astype("timedelta64[D]")
    frame = pd.DataFrame(index=ids)
    frame["name"] = np.char.add("Customer ", np.arange(n).astype("U8")).astype(object)
    frame["owner"] = np.array([f"Owner {i}" for i in range(60)], dtype=object)[rng.integers(0, 60, n)]
    frame["region"] = np.array(["North", "South", "East", "West", "Central"], dtype=object)[
        rng.integers(0, 5, n)
    ]
    frame["first_order"] = (last - rng.integers(0, 1500, n).astype("timedelta64[D]")).astype("datetime64[s]")
    frame["last_order"] = last.astype("datetime64[s]")
    for col in (
        "recency_days",
        "tenure_days",
        "frequency",
        "r_score",
        "f_score",
        "m_score",
        "key_account_misses",
    ):
        frame[col] = rng.integers(0, 400, n)
    for col in FLOAT_COLUMNS:
        frame[col] = rng.gamma(2.0, 150.0, n)
    for col in (
        "trend_90d",
        "churn_probability",
        "p_alive",
        "expected_purchases",
        "expected_order_value",
        "clv",
    ):
        frame.loc[rng.random(n) < 0.2, col] = np.nan
    frame["gap_basis"] = np.array(["own", "population"], dtype=object)[rng.integers(0, 2, n)]
    frame["segment"] = np.array(SEGMENTS, dtype=object)[rng.integers(0, len(SEGMENTS), n)]
    frame["value_tier"] = np.array(LEVELS, dtype=object)[rng.integers(0, 3, n)]
    frame["lifecycle"] = np.array(STAGES, dtype=object)[rng.integers(0, len(STAGES), n)]
    frame["lifecycle_reason"] = np.array(REASONS, dtype=object)[rng.integers(0, len(REASONS), n)]
    frame["churn_risk"] = np.array(LEVELS, dtype=object)[rng.integers(0, 3, n)]
    frame["key_account"] = rng.random(n) < 0.02
    nxt = (day + rng.integers(1, 200, n).astype("timedelta64[D]")).astype("datetime64[s]")
    nxt[rng.random(n) < 0.2] = np.datetime64("NaT")
    frame["expected_next_order"] = nxt
    return frame[COLUMNS[1:]]


# --- the old row path (baseline), as custseg/snapshot/storage.py had it before migration 0014 -------


def _to_rows(snapshot_id: int, frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = frame.reset_index()
    out.insert(0, "snapshot_id", snapshot_id)
    for col in DATE_COLUMNS:
        out[col] = pd.to_datetime(out[col]).dt.date
    out = out.astype(object).where(out.notna(), None)
    return out.to_dict("records")


def save_rows(engine: sa.Engine, frame: pd.DataFrame, chunk: int = 20_000) -> None:
    with engine.begin() as conn:
        conn.execute(sa.delete(ROWS))
        for start in range(0, len(frame), chunk):
            conn.execute(sa.insert(ROWS), _to_rows(1, frame.iloc[start : start + chunk]))


def load_rows(engine: sa.Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(sa.select(*[ROWS.c[c] for c in COLUMNS]).order_by(ROWS.c.customer_id))
        frame = pd.DataFrame(result.fetchall(), columns=COLUMNS).set_index("customer_id")
    frame["key_account"] = frame["key_account"].astype(bool)
    for col in DATE_COLUMNS:
        frame[col] = pd.to_datetime(frame[col]).to_numpy().astype("datetime64[D]")
    for col in ("p_alive", "expected_purchases", "expected_order_value", "clv"):
        frame[col] = frame[col].astype("float64")
    return frame


# --- child processes (each prints one JSON line) ---------------------------------------------------


def _vm(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> None:
    # Writing 5 to clear_refs resets VmHWM (Linux ≥ 4.0), so the peak is this step's own.
    Path("/proc/self/clear_refs").write_text("5")


def _size_mb(url: str, table: str) -> float:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            size = conn.execute(sa.text(f"SELECT pg_total_relation_size('{table}')")).scalar_one()
        else:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            size = conn.execute(
                sa.text(f"SELECT sum(pgsize) FROM dbstat WHERE name LIKE '%{table}%'")
            ).scalar_one()
    engine.dispose()
    return float(size or 0) / 2**20


def child(step: str, url: str, n: int) -> dict[str, Any]:
    store = open_store(url)
    out: dict[str, Any] = {}
    if step.startswith("save"):
        frame = synthetic_customers(n)
        out["frame_mb"] = frame.memory_usage(deep=True).sum() / 2**20
        if step == "save-rows":
            with store.engine.begin() as conn:
                ROWS.create(conn, checkfirst=True)
        before = _vm("VmRSS:")
        _reset_peak()
        start = time.perf_counter()
        if step == "save-rows":
            save_rows(store.engine, frame)
        else:
            save_snapshot(store, Snapshot(as_of=AS_OF, customers=frame, source="bench"))
        out["s"] = time.perf_counter() - start
        out["extra_mb"] = _vm("VmHWM:") - before
        out["store_mb"] = _size_mb(url, "bench_snapshot_rows" if step == "save-rows" else "snapshot_parts")
    else:
        start = time.perf_counter()
        if step == "load-rows":
            loaded = load_rows(store.engine)
        else:
            cols = list(PREVIOUS_COLUMNS) if step == "load-previous" else None
            loaded = load_snapshot(store, columns=cols).customers
        out["s"] = time.perf_counter() - start
        out["resident_mb"] = loaded.memory_usage(deep=True).sum() / 2**20
        out["rows"] = len(loaded)
    store.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument(
        "--pg-url", help="an empty PostgreSQL database to use (its snapshot tables are overwritten)"
    )
    ap.add_argument("--child", nargs=3, metavar=("STEP", "URL", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        import json

        print(json.dumps(child(args.child[0], args.child[1], int(args.child[2]))))
        return

    print(machine())
    n = args.customers
    with tempfile.TemporaryDirectory() as tmp:
        backends = [("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}")]
        if args.pg_url:
            backends.append(("PostgreSQL", args.pg_url))
        for label, url in backends:
            open_store(url).ensure_schema().dispose()
            me = str(Path(__file__).resolve())
            r = {
                step: run_child([me, "--child", step, url, str(n)])
                for step in ("save-rows", "load-rows", "save-parts", "load-parts", "load-previous")
            }
            with sa.create_engine(url).begin() as conn:
                ROWS.drop(conn, checkfirst=True)
            frame_mb = r["save-parts"]["frame_mb"]
            rows = [
                [
                    "save",
                    fmt_s(r["save-rows"]["s"]),
                    fmt_s(r["save-parts"]["s"]),
                    f"{r['save-rows']['s'] / r['save-parts']['s']:.1f}×",
                    verdict(r["save-parts"]["s"] <= SAVE_S),
                ],
                [
                    "load (all columns)",
                    fmt_s(r["load-rows"]["s"]),
                    fmt_s(r["load-parts"]["s"]),
                    f"{r['load-rows']['s'] / r['load-parts']['s']:.1f}×",
                    verdict(r["load-parts"]["s"] <= LOAD_S),
                ],
                [
                    "load previous (key-account columns)",
                    fmt_s(r["load-rows"]["s"]),
                    fmt_s(r["load-previous"]["s"]),
                    f"{r['load-rows']['s'] / r['load-previous']['s']:.1f}×",
                    "",
                ],
                [
                    "store size per snapshot",
                    f"{r['save-rows']['store_mb']:.0f} MB",
                    f"{r['save-parts']['store_mb']:.0f} MB",
                    f"{r['save-rows']['store_mb'] / r['save-parts']['store_mb']:.1f}×",
                    "",
                ],
                [
                    "save: peak above the process before",
                    f"{r['save-rows']['extra_mb']:.0f} MB",
                    f"{r['save-parts']['extra_mb']:.0f} MB",
                    f"frame {frame_mb:.0f} MB",
                    verdict(r["save-parts"]["extra_mb"] <= SAVE_MEMORY_RATIO * frame_mb),
                ],
                [
                    "loaded frame, memory_usage(deep=True)",
                    f"{r['load-rows']['resident_mb']:.0f} MB",
                    f"{r['load-parts']['resident_mb']:.0f} MB",
                    f"{r['load-rows']['resident_mb'] / r['load-parts']['resident_mb']:.1f}×",
                    "",
                ],
                [
                    "loaded previous (key-account columns)",
                    "",
                    f"{r['load-previous']['resident_mb']:.0f} MB",
                    "",
                    "",
                ],
            ]
            print_table(
                f"{label}: snapshot of {n:,} customers",
                rows,
                ("", "rows (old)", "parts (new)", "ratio", "target"),
            )


if __name__ == "__main__":
    main()
