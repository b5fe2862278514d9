"""Benchmark: a full snapshot of 10M orders / 1M customers, from Parquet and from the stores.

Targets (issue "performance targets", 2-core machine), each printed next to its baseline:

1. From a Parquet file: read + ``aggregate_frame`` + ``build_snapshot`` (not saved) ≤ 15 s wall
   and ≤ 3 GB peak RSS, measured in a fresh process that does only that. The aggregation alone
   within 1.5× of a bare pandas ``groupby`` of the same orders, and ≥ 5× faster than
   ``lifetimes.utils.summary_data_from_transaction_data`` (run in bench/.venv-bench, see setup.sh).
   The churn model (``score_churn``), which ``custseg run`` adds to every snapshot since the
   predictive layer, is timed in the same process and printed beside it (no target of its own).
2. The same snapshot from the SQLite store and from PostgreSQL: ``summarize_store`` (aggregation
   inside the database via ``aggregate_sql_many``) + ``build_snapshot``. Loading the orders into the
   stores is setup, not measured; the stores are cached between runs.

Usage::

    .venv/bin/python bench/bench_snapshot.py                      # 10M / 1M, DB part on 2M orders
    .venv/bin/python bench/bench_snapshot.py --orders 1000000 --customers 100000 --skip-db
    .venv/bin/python bench/bench_snapshot.py --db-orders 10000000 # DB part on the full data

Every measurement runs in its own fresh child process (so peak memory is that step's alone).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import synthetic  # noqa: E402
from _util import (  # noqa: E402
    BENCH_VENV_PY,
    ROOT,
    Timer,
    fmt_s,
    machine,
    peak_rss_mb,
    pg_url,
    print_table,
    run_child,
    verdict,
)

SNAPSHOT_S = 15.0
SNAPSHOT_MB = 3000.0
VS_GROUPBY = 1.5
VS_LIFETIMES = 5.0
LIFETIMES_BUDGET_S = 300.0  # above this (estimated) lifetimes is timed on a 10 % customer subset


# ------------------------------------------------------------------------------------------------
# Child processes (each prints one JSON line)
# ------------------------------------------------------------------------------------------------
def child_snapshot(path: str) -> dict[str, Any]:
    """Read Parquet + aggregate_frame + build_snapshot, with every step timed from the outside."""
    import pandas as pd

    import custseg.ingest.aggregate as agg_mod
    import custseg.snapshot.build as snap_mod
    from config.settings import load_settings
    from custseg.ingest.parquet import read_orders_fast
    from custseg.models.churn.history import OrderHistory
    from custseg.models.churn.scoring import score_churn
    from custseg.segmentation.lifecycle import Lifecycle
    from custseg.segmentation.tiers import ValueTiers

    settings = load_settings(env={})
    t = Timer()
    # Wrap the project's own step functions (looked up as module globals at call time), so the
    # real aggregate_frame / build_snapshot run unchanged and we learn where their time goes.
    pd.factorize = t.wrap("  agg: factorize customer ids", pd.factorize)
    agg_mod._finish = t.wrap("  agg: _finish (ids→str, astype, round, sort_index)", agg_mod._finish)
    snap_mod.derive = t.wrap("  snap: derive", snap_mod.derive)
    snap_mod.rfm_scores = t.wrap("  snap: rfm_scores", snap_mod.rfm_scores)
    snap_mod.segment_of = t.wrap("  snap: segment_of", snap_mod.segment_of)
    ValueTiers.fit = t.wrap("  snap: value tiers (ValueTiers.fit)", ValueTiers.fit)
    ValueTiers.tiers = t.wrap("  snap: value tiers (ValueTiers.fit)", ValueTiers.tiers)
    Lifecycle.fit = t.wrap("  snap: lifecycle (fit + predict)", Lifecycle.fit)
    Lifecycle.predict = t.wrap("  snap: lifecycle (fit + predict)", Lifecycle.predict)
    snap_mod.key_accounts = t.wrap("  snap: key_accounts", snap_mod.key_accounts)

    t0 = time.perf_counter()
    with t("read Parquet (read_orders_fast)"):
        orders = read_orders_fast(Path(path))
    with t("aggregate_frame"):
        summary = agg_mod.aggregate_frame(orders, synthetic.AS_OF, settings.lifecycle.trend_window_days)
    # The churn model runs in every real snapshot (custseg.pipeline.segment), so it is timed here too.
    with t("churn model (score_churn: time-split training + holdout)"):
        churn = score_churn(
            OrderHistory.from_orders(orders, settings.lifecycle.trend_window_days),
            synthetic.AS_OF,
            settings,
            summary,
        )
    with t("build_snapshot"):
        snap = snap_mod.build_snapshot(summary, synthetic.AS_OF, settings, source="bench", churn=churn)
    wall = time.perf_counter() - t0
    import resource

    ru = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "wall": wall,
        "cpu": ru.ru_utime + ru.ru_stime,
        "peak_mb": peak_rss_mb(),
        "times": t.times,
        "orders": len(orders),
        "customers": len(summary),
        "snapshot_rows": len(snap),
        "id_dtype": str(orders["customer_id"].dtype),
        "segments": snap.customers["segment"].value_counts().to_dict(),
    }


def pandas_groupby(orders):  # the baseline, verbatim
    return orders.groupby("customer_id").agg(
        first=("ordered_at", "min"),
        last=("ordered_at", "max"),
        frequency=("amount", "size"),
        revenue=("amount", "sum"),
    )


def child_aggcompare(path: str, repeats: int) -> dict[str, Any]:
    """aggregate_frame vs the bare pandas groupby on the same in-memory orders (best of N)."""
    import gc

    from config.settings import load_settings
    from custseg.ingest.aggregate import aggregate_frame
    from custseg.ingest.parquet import read_orders_fast

    window = load_settings(env={}).lifecycle.trend_window_days
    orders = read_orders_fast(Path(path))
    best = {"ours": float("inf"), "groupby": float("inf")}
    for _ in range(repeats):
        for name, fn in (
            ("groupby", lambda: pandas_groupby(orders)),
            ("ours", lambda: aggregate_frame(orders, synthetic.AS_OF, window)),
        ):
            gc.collect()
            t0 = time.perf_counter()
            out = fn()
            best[name] = min(best[name], time.perf_counter() - t0)
            del out
    return {"orders": len(orders), **best}


def child_lifetimes(path: str) -> dict[str, Any]:
    """lifetimes' summary_data_from_transaction_data on the same Parquet file (bench/.venv-bench)."""
    import warnings

    import pandas as pd
    import pyarrow.parquet as pq

    warnings.simplefilter("ignore")
    import lifetimes
    from lifetimes.utils import summary_data_from_transaction_data

    orders = pq.read_table(path, columns=["customer_id", "ordered_at", "amount"]).to_pandas()
    t0 = time.perf_counter()
    out = summary_data_from_transaction_data(
        orders,
        "customer_id",
        "ordered_at",
        monetary_value_col="amount",
        observation_period_end=pd.Timestamp(synthetic.AS_OF),
    )
    return {
        "seconds": time.perf_counter() - t0,
        "orders": len(orders),
        "customers": len(out),
        "version": lifetimes.__version__,
        "pandas": pd.__version__,
        "peak_mb": peak_rss_mb(),
    }


def child_db(url: str) -> dict[str, Any]:
    """summarize_store (aggregate_sql_many inside the DB + customer attributes) + build_snapshot."""
    import custseg.pipeline as pipe
    from config.settings import load_settings
    from custseg.snapshot.build import build_snapshot
    from custseg.store import open_store

    settings = load_settings(env={})
    t = Timer()
    pipe.aggregate_sql_many = t.wrap(
        "  aggregate_sql_many (GROUP BY in the database + fetch)", pipe.aggregate_sql_many
    )
    pipe._store_attributes = t.wrap("  customer attributes (SELECT customers)", pipe._store_attributes)
    store = open_store(url)
    t0 = time.perf_counter()
    with t("summarize_store"):
        summary = pipe.summarize_store(store, settings, synthetic.AS_OF)
    with t("build_snapshot"):
        snap = build_snapshot(
            summary.aggregates, summary.as_of, settings, summary.attributes, None, summary.source
        )
    wall = time.perf_counter() - t0
    with store.connect() as conn:
        from sqlalchemy import text

        n_orders = conn.execute(text("select count(*) from orders")).scalar_one()
    store.dispose()
    return {
        "wall": wall,
        "times": t.times,
        "peak_mb": peak_rss_mb(),
        "orders": n_orders,
        "customers": len(summary.aggregates),
        "snapshot_rows": len(snap),
    }


# ------------------------------------------------------------------------------------------------
# Store population (setup, not measured)
# ------------------------------------------------------------------------------------------------
def _order_rows(orders):
    """(ids, customer ids, timestamps as SQLAlchemy's SQLite text format, amounts) as Python lists."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(orders)
    ts = pa.array(orders["ordered_at"].to_numpy().astype("datetime64[s]"))
    ts_txt = pc.binary_join_element_wise(pc.strftime(ts, format="%Y-%m-%d %H:%M:%S"), ".000000", "")
    ids = pc.binary_join_element_wise("O", pc.cast(pa.array(range(n)), pa.string()), "")
    return ids, pa.array(orders["customer_id"].astype(str).to_numpy()), ts_txt, pa.array(orders["amount"])


def _marker(orders_path: Path, n: int) -> str:
    return f"{orders_path.name}:{n}"


def _read_marker(url: str) -> str | None:
    from sqlalchemy import create_engine, text

    eng = create_engine(url)
    try:
        with eng.connect() as conn:
            return conn.execute(text("select value from bench_meta where key = 'dataset'")).scalar()
    except Exception:
        return None
    finally:
        eng.dispose()


def populate(url: str, orders, customers, marker: str) -> float | None:
    """Fill the store's customers and orders tables (bulk paths); None when already filled."""
    if _read_marker(url) == marker:
        return None
    from custseg.store import open_store

    t0 = time.perf_counter()
    store = open_store(url)  # runs the migrations: the real schema, with its keys and indexes
    used = customers.loc[customers.index.isin(orders["customer_id"].astype(str).unique())]
    ids, cust, ts_txt, amount = _order_rows(orders)
    if store.dialect == "sqlite":
        import sqlite3

        path = store.engine.url.database
        store.dispose()
        con = sqlite3.connect(path)
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA cache_size=-1000000")
        with con:
            con.execute("DELETE FROM snapshot_customers")
            con.execute("DELETE FROM snapshots")
            con.execute("DELETE FROM orders")
            con.execute("DELETE FROM customers")
            con.execute("DROP TABLE IF EXISTS bench_meta")
            con.executemany(
                "INSERT INTO customers (id, name, owner, region) VALUES (?, ?, ?, ?)",
                zip(
                    used.index.tolist(),
                    used["name"].tolist(),
                    used["owner"].tolist(),
                    used["region"].tolist(),
                    strict=True,
                ),
            )
            step = 1_000_000
            for s in range(0, len(orders), step):
                con.executemany(
                    "INSERT INTO orders (id, customer_id, ordered_at, amount) VALUES (?, ?, ?, ?)",
                    zip(
                        ids[s : s + step].to_pylist(),
                        cust[s : s + step].to_pylist(),
                        ts_txt[s : s + step].to_pylist(),
                        amount[s : s + step].to_pylist(),
                        strict=True,
                    ),
                )
            con.execute("CREATE TABLE bench_meta (key TEXT PRIMARY KEY, value TEXT)")
            con.execute("INSERT INTO bench_meta VALUES ('dataset', ?)", (marker,))
        con.execute("ANALYZE")
        con.close()
    else:
        import io

        import pyarrow as pa
        import pyarrow.csv as pacsv

        raw = store.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("TRUNCATE snapshot_customers, snapshots, orders, customers CASCADE")
            cur.execute("DROP TABLE IF EXISTS bench_meta")

            def copy(sql: str, table: pa.Table) -> None:
                step = 1_000_000
                with cur.copy(sql) as cp:
                    for s in range(0, table.num_rows, step):
                        buf = io.BytesIO()
                        pacsv.write_csv(table.slice(s, step), buf, pacsv.WriteOptions(include_header=False))
                        cp.write(buf.getvalue())

            copy(
                "COPY customers (id, name, owner, region) FROM STDIN (FORMAT csv)",
                pa.table(
                    {
                        "id": used.index.to_numpy().astype(str),
                        "name": used["name"].to_numpy(),
                        "owner": pa.array(used["owner"].tolist(), pa.string()),
                        "region": used["region"].to_numpy(),
                    }
                ),
            )
            copy(
                "COPY orders (id, customer_id, ordered_at, amount) FROM STDIN (FORMAT csv)",
                pa.table({"id": ids, "customer_id": cust, "ordered_at": ts_txt, "amount": amount}),
            )
            cur.execute("CREATE TABLE bench_meta (key TEXT PRIMARY KEY, value TEXT)")
            cur.execute("INSERT INTO bench_meta VALUES ('dataset', %s)", (marker,))
            raw.commit()
            cur.execute("ANALYZE orders")
            cur.execute("ANALYZE customers")
            raw.commit()
        finally:
            raw.close()
            store.dispose()
    return time.perf_counter() - t0


# ------------------------------------------------------------------------------------------------
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=10_000_000)
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--id-kind", choices=["str", "int"], default="str", help="customer_id type in the file")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--repeats", type=int, default=2, help="best-of-N for aggregate vs groupby")
    ap.add_argument(
        "--snapshot-runs", type=int, default=2, help="fresh-process snapshot runs (best wall, max RSS)"
    )
    ap.add_argument("--skip-db", action="store_true")
    ap.add_argument(
        "--db-orders",
        type=int,
        default=2_000_000,
        help="orders in the SQLite/PostgreSQL stores (a customer subset of the same data)",
    )
    ap.add_argument("--skip-sqlite", action="store_true")
    ap.add_argument("--skip-pg", action="store_true")
    ap.add_argument("--skip-lifetimes", action="store_true")
    ap.add_argument(
        "--lifetimes-full", action="store_true", help="time lifetimes on the full data whatever it costs"
    )
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        kind, *rest = args.child
        fn = {
            "snapshot": lambda: child_snapshot(rest[0]),
            "aggcompare": lambda: child_aggcompare(rest[0], int(rest[1])),
            "lifetimes": lambda: child_lifetimes(rest[0]),
            "db": lambda: child_db(rest[0]),
        }[kind]
        print(json.dumps(fn(), default=str))
        return 0

    started = time.perf_counter()
    me = str(Path(__file__).resolve())
    print(f"custseg snapshot benchmark — {dt.datetime.now():%Y-%m-%d %H:%M}")
    print(f"machine: {machine()}")
    path, made = synthetic.ensure_parquet(args.orders, args.customers, args.seed, args.id_kind)
    print(
        f"data: {path.relative_to(ROOT)} ({'generated now' if made else 'cached'}, "
        f"{path.stat().st_size / 2**20:.0f} MiB); {args.orders:,} orders, {args.customers:,} customers, "
        f"customer_id {args.id_kind}, as of {synthetic.AS_OF}"
    )

    # --- 1. snapshot from Parquet, alone in a fresh process ------------------------------------
    print(
        f"load average before measuring: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
        "(other processes on the 2 cores inflate wall times; best of --snapshot-runs is reported)",
        flush=True,
    )
    runs = [run_child([me, "--child", "snapshot", str(path)]) for _ in range(args.snapshot_runs)]
    snap = min(runs, key=lambda r: r["wall"])
    snap["peak_mb"] = max(r["peak_mb"] for r in runs)
    print(
        "snapshot runs (fresh process each): "
        + ", ".join(
            f"{fmt_s(r['wall'])} wall / {r['cpu']:.1f} s CPU incl. imports / {r['peak_mb']:,.0f} MiB peak"
            for r in runs
        )
    )
    comp = run_child([me, "--child", "aggcompare", str(path), str(args.repeats)])
    tm = snap["times"]
    agg, build = tm["aggregate_frame"], tm["build_snapshot"]
    agg_inner = sum(v for k, v in tm.items() if k.startswith("  agg:"))
    snap_inner = sum(v for k, v in tm.items() if k.startswith("  snap:"))
    tm = {
        "read Parquet (read_orders_fast)": tm["read Parquet (read_orders_fast)"],
        "aggregate_frame": agg,
        **{k: v for k, v in tm.items() if k.startswith("  agg:")},
        "  agg: rest (cut-off filter, ufunc.at min/max, 5× bincount, DataFrame)": agg - agg_inner,
        "churn model (score_churn: time-split training + holdout)": tm[
            "churn model (score_churn: time-split training + holdout)"
        ],
        "build_snapshot": build,
        **{k: v for k, v in tm.items() if k.startswith("  snap:")},
        "  snap: rest (buyers filter, attribute columns, churn map, column select)": build - snap_inner,
    }
    steps = [[name, fmt_s(sec), f"{100 * sec / snap['wall']:.0f} %"] for name, sec in tm.items()]
    steps.append(
        ["total (fresh process, excluding interpreter start and imports)", fmt_s(snap["wall"]), "100 %"]
    )
    print_table(
        f"Step timings, snapshot from Parquet (one fresh process; {snap['orders']:,} orders → "
        f"{snap['customers']:,} customers, id dtype {snap['id_dtype']})",
        steps,
        header=("step", "wall", "share"),
    )

    leaves = {k: v for k, v in tm.items() if k.startswith("  ") or k.startswith("read")}
    top = sorted(leaves.items(), key=lambda kv: -kv[1])[:4]
    print("largest steps: " + "; ".join(f"{k.strip()} {fmt_s(v)}" for k, v in top))
    churn_s = snap["times"]["churn model (score_churn: time-split training + holdout)"]
    rows = [
        [
            "snapshot from Parquet: wall (read+aggregate+build, the issue's scope)",
            fmt_s(snap["wall"] - churn_s),
            "-",
            "-",
            f"≤ {SNAPSHOT_S:.0f} s",
            verdict(snap["wall"] - churn_s <= SNAPSHOT_S),
        ],
        [
            "  + the churn model, as custseg run does (no target)",
            fmt_s(snap["wall"]),
            "-",
            "-",
            "-",
            "-",
        ],
        [
            "snapshot from Parquet: peak RSS (fresh process)",
            f"{snap['peak_mb']:,.0f} MiB",
            "-",
            "-",
            f"≤ {SNAPSHOT_MB:,.0f} MB",
            verdict(snap["peak_mb"] * 1.048576 <= SNAPSHOT_MB),
        ],
        [
            f"aggregation vs pandas groupby (best of {args.repeats})",
            fmt_s(comp["ours"]),
            fmt_s(comp["groupby"]),
            f"{comp['ours'] / comp['groupby']:.2f}×",
            f"≤ {VS_GROUPBY}× groupby",
            verdict(comp["ours"] <= VS_GROUPBY * comp["groupby"]),
        ],
    ]

    # --- lifetimes baseline (its own venv) ------------------------------------------------------
    notes: list[str] = []
    if not args.skip_lifetimes:
        if not BENCH_VENV_PY.exists():
            notes.append("lifetimes: bench/.venv-bench missing — run bench/setup.sh (baseline skipped)")
        else:
            sub = synthetic.ensure_subset(path, 0.1)
            lt_sub = run_child([me, "--child", "lifetimes", str(sub)], python=BENCH_VENV_PY, timeout=1800)
            estimate = lt_sub["seconds"] * args.orders / lt_sub["orders"] * 1.1
            lt_full = None
            if args.lifetimes_full or estimate <= LIFETIMES_BUDGET_S:
                lt_full = run_child(
                    [me, "--child", "lifetimes", str(path)], python=BENCH_VENV_PY, timeout=3600
                )
            if lt_full:
                ours_lt, lt, size = comp["ours"], lt_full, f"full {lt_full['orders']:,} orders"
            else:
                comp_sub = run_child([me, "--child", "aggcompare", str(sub), str(args.repeats)])
                ours_lt, lt, size = comp_sub["ours"], lt_sub, f"SUBSET {lt_sub['orders']:,} orders"
                notes.append(
                    f"lifetimes was timed on a 10 % customer subset ({lt_sub['orders']:,} orders, "
                    f"{lt_sub['customers']:,} customers; same per-customer shape) because 10M rows would take "
                    f"~{estimate:.0f} s; custseg's aggregation was timed on the same subset: "
                    f"{fmt_s(comp_sub['ours'])} (pandas groupby {fmt_s(comp_sub['groupby'])})."
                )
            rows.append(
                [
                    f"aggregation vs lifetimes {lt['version']} ({size})",
                    fmt_s(ours_lt),
                    fmt_s(lt["seconds"]),
                    f"{lt['seconds'] / ours_lt:.1f}× faster",
                    f"≥ {VS_LIFETIMES:.0f}× faster",
                    verdict(lt["seconds"] >= VS_LIFETIMES * ours_lt),
                ]
            )
            notes.append(
                f"lifetimes ran in bench/.venv-bench (pandas {lt['pandas']}); subset timing "
                f"{fmt_s(lt_sub['seconds'])} on {lt_sub['orders']:,} orders"
                + (f", full timing {fmt_s(lt_full['seconds'])}" if lt_full else "")
                + "."
            )

    # --- 2. the same snapshot from the stores ---------------------------------------------------
    db_rows: list[list[str]] = []
    if not args.skip_db:
        import pandas as pd

        fraction = min(1.0, args.db_orders / args.orders)
        db_path = path if fraction >= 1.0 else synthetic.ensure_subset(path, fraction)
        orders = pd.read_parquet(db_path)
        customers = synthetic.make_customers(args.customers, args.seed, args.id_kind)
        marker = _marker(path, len(orders))
        print(
            f"\nDB part: {len(orders):,} orders of {orders['customer_id'].nunique():,} customers "
            f"(--db-orders {args.db_orders:,}; customer subset of the same data)",
            flush=True,
        )
        targets = []
        if not args.skip_sqlite:
            db_file = synthetic.DATA_DIR / f"store_{path.stem}_{len(orders)}.db"
            targets.append(("SQLite", f"sqlite:///{db_file}"))
        if not args.skip_pg:
            try:
                targets.append(("PostgreSQL", pg_url()))
            except subprocess.CalledProcessError as err:
                notes.append(f"PostgreSQL unavailable ({err.stderr.strip()[-200:]}); skipped")
        mem = run_child([me, "--child", "snapshot", str(db_path)]) if targets else None
        for label, url in targets:
            loaded = populate(url, orders, customers, marker)
            print(
                f"  {label}: {'loaded in ' + fmt_s(loaded) if loaded is not None else 'store reused (already loaded)'}",
                flush=True,
            )
            res = run_child([me, "--child", "db", url])
            per_m = res["wall"] / res["orders"] * 1e6
            db_rows.append(
                [
                    f"{label}: summarize_store + build_snapshot",
                    fmt_s(res["wall"]),
                    fmt_s(mem["wall"]),
                    f"{res['wall'] / mem['wall']:.1f}× in-memory",
                    f"report ({per_m:.2f} s per 1M orders)",
                    "-",
                ]
            )
            t = res["times"]
            for name in ("summarize_store", *[k for k in t if k.startswith("  ")], "build_snapshot"):
                db_rows.append([f"  {name}", fmt_s(t[name]), "", "", "", ""])
            db_rows.append(
                [
                    f"  peak RSS ({res['orders']:,} orders → {res['customers']:,} customers)",
                    f"{res['peak_mb']:,.0f} MiB",
                    "",
                    "",
                    "",
                    "",
                ]
            )
        if db_rows:
            notes.append(
                f"DB rows: baseline = the in-memory path (read Parquet + aggregate_frame + build_snapshot) on the "
                f"same {len(orders):,} orders, fresh process: {fmt_s(mem['wall'])}."
            )

    print_table(f"Results ({args.orders:,} orders / {args.customers:,} customers)", rows + db_rows)
    for n in notes:
        print(f"note: {n}")
    print(f"total benchmark time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
