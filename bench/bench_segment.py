"""Benchmark: `custseg segment --file orders.parquet` exactly as a user runs it, next to its baselines.

Every measurement is a fresh child process, timed from its start to its exit (interpreter start and
imports included, as a user waits for them); rounds are interleaved (a, b, c, d, e, then again) and
the table shows medians, so a slow minute of the shared machine hits every case alike.

(a) ``custseg segment --file X.parquet --as-of D`` into a fresh SQLite store (store write included);
(b) the nightly run: the same file with ``--as-of D+1`` into a store that already holds D's snapshot;
(c) the DuckDB SQL pipeline: read, aggregate, NTILE R/F/M scores and the 11 segments, in DuckDB;
(d) lifetimes (bench/.venv-bench): ``summary_data_from_transaction_data`` + BG/NBD + Gamma-Gamma fits;
(e) the floor: DuckDB reading the three columns, and one group-by pass;
(f) cost per order of (a) at each ``--sizes`` (orders; customers are a tenth of them);
(g) custseg's own steps for the scope of (c) only, in a fresh process: the fast Parquet read, the
    aggregates, the R/F/M quintile scores and the 11 segments (no models, no store). It tells how
    much of (a) / (c) is the same work done slower and how much is work (c) does not do.

Peak memory is the child's own VmHWM (``_util.peak_rss_mb``), read just before it exits.

Usage::

    .venv/bin/python bench/bench_segment.py --sizes 1000000 --rounds 3          # quick
    .venv/bin/python bench/bench_segment.py --sizes 1000000,10000000,30000000  # the issue's sizes
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _util import BENCH_VENV_PY, ROOT, fmt_s, peak_rss_mb, print_table, verdict

AS_OF = dt.date(2025, 12, 31)  # synthetic.AS_OF, without importing pandas into every child
CLI_PY = ROOT / ".venv" / "bin" / "python"

# The 11 RFM segments on R and F quintiles, the usual published grid (as custseg.segmentation.rfm).
SEGMENT_SQL = """CASE
  WHEN r >= 4 AND f >= 4 THEN 'champions'
  WHEN r >= 3 AND f >= 4 THEN 'loyal'
  WHEN r >= 4 AND f >= 2 THEN 'potential loyalist'
  WHEN r = 5 AND f = 1 THEN 'new customers'
  WHEN r = 4 AND f = 1 THEN 'promising'
  WHEN r = 3 AND f = 3 THEN 'need attention'
  WHEN r = 3 AND f <= 2 THEN 'about to sleep'
  WHEN r <= 2 AND f >= 5 THEN 'cannot lose them'
  WHEN r <= 2 AND f >= 3 THEN 'at risk'
  WHEN r = 2 AND f <= 2 THEN 'hibernating'
  ELSE 'lost' END"""


def _done(extra: dict[str, Any]) -> None:
    print(json.dumps({**extra, "peak_mb": peak_rss_mb()}), flush=True)


def child_cli(*argv: str) -> None:
    from adapters.cli.main import main

    rc = main(list(argv))
    if rc:
        raise SystemExit(rc)
    _done({})


def child_duckdb(path: str) -> None:
    import duckdb

    con = duckdb.connect()
    cutoff = dt.datetime.combine(AS_OF + dt.timedelta(days=1), dt.time())
    table = con.sql(
        f"""
        WITH agg AS (
          SELECT customer_id, max(ordered_at) AS last_order, count(*) AS frequency, sum(amount) AS revenue
          FROM read_parquet('{path}') WHERE amount >= 0 AND ordered_at < TIMESTAMP '{cutoff}'
          GROUP BY customer_id),
        scored AS (
          SELECT *, NTILE(5) OVER (ORDER BY last_order) AS r, NTILE(5) OVER (ORDER BY frequency) AS f,
                 NTILE(5) OVER (ORDER BY revenue) AS m FROM agg)
        SELECT customer_id, r, f, m, {SEGMENT_SQL} AS segment FROM scored"""
    ).to_arrow_table()
    _done({"customers": table.num_rows})


def child_floor(path: str) -> None:
    import duckdb

    con = duckdb.connect()
    t0 = time.perf_counter()
    read = con.sql(f"SELECT customer_id, ordered_at, amount FROM read_parquet('{path}')").to_arrow_table()
    t1 = time.perf_counter()
    del read
    grouped = con.sql(
        f"SELECT customer_id, count(*), sum(amount), max(ordered_at) FROM read_parquet('{path}') GROUP BY 1"
    ).to_arrow_table()
    _done({"read_s": t1 - t0, "groupby_s": time.perf_counter() - t1, "customers": grouped.num_rows})


def child_lifetimes(path: str) -> None:
    import warnings

    import pandas as pd

    warnings.simplefilter("ignore")
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import summary_data_from_transaction_data

    orders = pd.read_parquet(path, columns=["customer_id", "ordered_at", "amount"])
    s = summary_data_from_transaction_data(
        orders,
        "customer_id",
        "ordered_at",
        monetary_value_col="amount",
        observation_period_end=pd.Timestamp(AS_OF),
    )
    BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
    rep = s[(s["frequency"] > 0) & (s["monetary_value"] > 0)]
    GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
    _done({"customers": len(s)})


def child_scope(path: str) -> None:
    from custseg.ingest.aggregate import aggregate_frame
    from custseg.ingest.parquet import read_orders_fast
    from custseg.segmentation.figures import derive
    from custseg.segmentation.rfm import rfm_scores, segment_of

    orders = read_orders_fast(Path(path))
    assert orders is not None
    agg = aggregate_frame(orders, AS_OF)
    del orders
    frame = derive(agg[agg["frequency"].to_numpy() > 0], AS_OF)
    scores = rfm_scores(
        frame["recency_days"].to_numpy(), frame["frequency"].to_numpy(), frame["revenue"].to_numpy()
    )
    segments = segment_of(scores["r_score"].to_numpy(), scores["f_score"].to_numpy())
    _done({"customers": len(segments)})


CHILDREN = {
    "cli": child_cli,
    "duckdb": child_duckdb,
    "floor": child_floor,
    "lifetimes": child_lifetimes,
    "scope": child_scope,
}


def timed_child(argv: list[str], python: Path = CLI_PY, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run this script as a child (``--child …``) and time it from start to exit, seconds."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(python), str(Path(__file__).resolve()), "--child", *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=full_env,
        timeout=3600,
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"child {argv} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return {**json.loads(proc.stdout.strip().splitlines()[-1]), "wall": wall}


def median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def bench_size(n_orders: int, rounds: int, work: Path, lifetimes: bool) -> dict[str, list[dict[str, Any]]]:
    import synthetic

    path = synthetic.ensure_parquet(n_orders, n_orders // 10)[0]
    seed_db = work / f"seed_{n_orders}.db"
    runs: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("segment", "nightly", "duckdb", "lifetimes", "floor", "scope")
    }
    day, next_day = str(AS_OF), str(AS_OF + dt.timedelta(days=1))
    for i in range(rounds):
        fresh = work / f"fresh_{n_orders}_{i}.db"
        runs["segment"].append(
            timed_child(
                ["cli", "--database", f"sqlite:///{fresh}", "segment", "--file", str(path), "--as-of", day]
            )
        )
        if i == 0:
            shutil.copy(fresh, seed_db)  # the store as it is after the first night
        fresh.unlink()
        nightly = work / f"nightly_{n_orders}_{i}.db"
        shutil.copy(seed_db, nightly)
        runs["nightly"].append(
            timed_child(
                [
                    "cli",
                    "--database",
                    f"sqlite:///{nightly}",
                    "segment",
                    "--file",
                    str(path),
                    "--as-of",
                    next_day,
                ]
            )
        )
        nightly.unlink()
        runs["duckdb"].append(timed_child(["duckdb", str(path)]))
        runs["floor"].append(timed_child(["floor", str(path)]))
        runs["scope"].append(timed_child(["scope", str(path)]))
        if lifetimes:
            runs["lifetimes"].append(timed_child(["lifetimes", str(path)], python=BENCH_VENV_PY))
        print(f"  {n_orders:,} orders: round {i + 1}/{rounds} done", flush=True)
    return runs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000000,10000000", help="order counts, comma-separated")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--skip-lifetimes", action="store_true")
    ap.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        CHILDREN[args.child[0]](*args.child[1:])
        return
    lifetimes = not args.skip_lifetimes and BENCH_VENV_PY.exists()
    if not lifetimes and not args.skip_lifetimes:
        print("lifetimes: bench/.venv-bench missing, run bench/setup.sh (baseline skipped)")
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-segment-") as tmp:
        for n in sizes:
            results[n] = bench_size(n, args.rounds, Path(tmp), lifetimes)
    per_order = {}
    for n, runs in results.items():
        seg, night, duck = (
            median(runs["segment"], "wall"),
            median(runs["nightly"], "wall"),
            median(runs["duckdb"], "wall"),
        )
        seg_mb, night_mb = (
            max(r["peak_mb"] for r in runs["segment"]),
            max(r["peak_mb"] for r in runs["nightly"]),
        )
        lt = median(runs["lifetimes"], "wall") if runs["lifetimes"] else None
        floor = runs["floor"]
        per_order[n] = seg / n * 1e6
        rows = [
            [
                "(a) custseg segment --file",
                fmt_s(seg),
                f"DuckDB pipeline {fmt_s(duck)}",
                f"{seg / duck:.2f}×",
                "≤ 2.5×",
                verdict(seg / duck <= 2.5),
            ],
            [
                "(a) vs lifetimes",
                fmt_s(seg),
                fmt_s(lt),
                "-" if lt is None else f"{lt / seg:.2f}× faster",
                "≥ 4× (≥ 1× at 1M)",
                verdict(None if lt is None else lt / seg >= (1.0 if n <= 1_000_000 else 4.0)),
            ],
            ["(a) peak RSS", f"{seg_mb:,.0f} MB", "-", "-", "≤ 2,048 MB", verdict(seg_mb <= 2048)],
            [
                "(b) nightly, previous snapshot",
                fmt_s(night),
                f"first run {fmt_s(seg)}",
                f"{night / seg:.2f}×",
                "≤ 1.2×",
                verdict(night / seg <= 1.2),
            ],
            [
                "(b) nightly peak RSS",
                f"{night_mb:,.0f} MB",
                "-",
                "-",
                "≤ 2,560 MB",
                verdict(night_mb <= 2560),
            ],
            [
                "(e) floor: read 3 columns / group-by",
                f"{fmt_s(median(floor, 'read_s'))} / {fmt_s(median(floor, 'groupby_s'))}",
                f"child wall {fmt_s(median(floor, 'wall'))}",
                f"{seg / median(floor, 'wall'):.1f}×",
                "-",
                "-",
            ],
            ["(f) cost per order", f"{per_order[n]:.2f} µs", "-", "-", "flat", "-"],
            [
                "(g) ours, (c)'s scope only",
                fmt_s(median(runs["scope"], "wall")),
                f"DuckDB pipeline {fmt_s(duck)}",
                f"{median(runs['scope'], 'wall') / duck:.2f}×",
                "-",
                "-",
            ],
        ]
        print_table(
            f"{n:,} orders / {n // 10:,} customers, medians of {args.rounds} interleaved rounds", rows
        )
    if len(per_order) > 1:
        small, big = min(per_order), max(per_order)
        ratio = per_order[big] / per_order[small]
        print(
            f"\n(f) cost per order {big:,} vs {small:,} orders: {ratio:.2f}× (flat: ≤ 1.2×) {verdict(ratio <= 1.2)}"
        )


if __name__ == "__main__":
    main()
