"""Benchmark: find / count / overview queries on a 1M-customer snapshot (target: p95 ≤ 100 ms).

Builds the snapshot in memory from the cached synthetic orders (read + ``aggregate_frame`` +
``build_snapshot`` with customer master data: names, owners, regions), then runs ~200 varied
queries through ``QueryEngine.run`` — several filters, sorts, limits, paging, counts, overviews —
and the same filters as a naive pandas baseline (boolean indexing on the DataFrame +
``sort_values``). Latencies are per query, wall clock, after a few untimed warm-up queries.

Usage::

    .venv/bin/python bench/bench_query.py                    # 10M orders / 1M customers
    .venv/bin/python bench/bench_query.py --queries 400 --orders 1000000 --customers 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any, ClassVar

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import synthetic  # noqa: E402
from _util import ROOT, fmt_s, machine, pct, peak_rss_mb, print_table, verdict  # noqa: E402

from config import labels  # noqa: E402
from custseg import schema  # noqa: E402

P95_TARGET_S = 0.100
SEGMENTS, TIERS, STAGES, RISKS = labels.SEGMENTS, labels.LEVELS, labels.STAGES, labels.LEVELS
SORTS = [*schema.SORTS, None]


def make_queries(n: int, seed: int = 3) -> list[tuple[dict[str, Any], int]]:
    """``n`` varied (query, offset) pairs: ~55 % find, ~35 % count, ~10 % overview."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        u = rng.random()
        intent = "find_customers" if u < 0.55 else "count_customers" if u < 0.9 else "segment_overview"
        filters: dict[str, Any] = {}
        n_filters = int(rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4]))
        keys = rng.choice(
            list(schema.FILTERS),
            size=n_filters,
            replace=False,
        )
        for k in keys:
            if k == "segment":
                filters[k] = str(rng.choice(SEGMENTS))
            elif k == "value_tier":
                filters[k] = str(rng.choice(TIERS))
            elif k == "lifecycle":
                filters[k] = str(rng.choice(STAGES))
            elif k == "churn_risk":
                filters[k] = str(rng.choice(RISKS))
            elif k == "key_account":
                filters[k] = True
            elif k == "owner":  # as the NLU gives it: lower-cased, first name or full name
                name = str(rng.choice(synthetic.OWNERS)).lower()
                filters[k] = name if rng.random() < 0.5 else name.split()[0]
            elif k == "region":
                filters[k] = str(rng.choice(synthetic.REGIONS)).lower()
            elif k == "min_revenue":
                filters[k] = int(rng.choice([500, 1000, 5000, 10000, 50000]))
            elif k == "inactive_days":
                filters[k] = int(rng.choice([30, 60, 90, 180, 365]))
        query: dict[str, Any] = {"intent": intent, "filters": filters}
        offset = 0
        if intent == "find_customers":
            sort = SORTS[int(rng.integers(len(SORTS)))]
            if sort:
                query["sort"] = sort
            if rng.random() < 0.8:
                query["limit"] = int(rng.choice([5, 10, 10, 20, 50, 200]))
            if rng.random() < 0.15:
                offset = int(rng.choice([10, 50, 200]))
        out.append((query, offset))
    return out


class NaiveBaseline:
    """The same queries the obvious pandas way: boolean masks on the DataFrame, then sort_values."""

    RISK_RANK: ClassVar[dict[str, int]] = {"high": 0, "medium": 1, "low": 2}

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame

    def _mask(self, filters: dict[str, Any]) -> pd.Series:
        f = self.frame
        mask = pd.Series(True, index=f.index)
        for k, v in filters.items():
            if k in ("segment", "value_tier", "lifecycle", "churn_risk"):
                mask &= f[k] == v
            elif k == "key_account":
                mask &= f["key_account"] == bool(v)
            elif k == "owner":  # case-insensitive, full or first name (the engine also forgives typos)
                low = f["owner"].str.lower()
                mask &= (low == v) | low.str.split().str[0].eq(v) if " " not in v else low == v
            elif k == "region":
                mask &= f["region"].str.lower() == v
            elif k == "min_revenue":
                mask &= f["revenue"] >= v
            elif k == "inactive_days":
                mask &= f["recency_days"] >= v
        return mask

    def run(self, query: dict[str, Any], offset: int) -> Any:
        sub = self.frame[self._mask(query.get("filters", {}))]
        intent = query["intent"]
        if intent == "count_customers":
            return {"count": len(sub), "revenue": float(sub["revenue"].sum())}
        if intent == "segment_overview":
            return {
                col: sub.groupby(col)["revenue"].agg(["size", "sum"])
                for col in ("segment", "value_tier", "lifecycle")
            }
        sort = query.get("sort") or "revenue"
        limit = min(int(query.get("limit") or 10), 200)
        if sort == "recency":
            ordered = sub.sort_values(["recency_days", "revenue"], ascending=[True, False])
        elif sort == "frequency":
            ordered = sub.sort_values(["frequency", "revenue"], ascending=[False, False])
        elif sort == "churn_risk":
            ordered = sub.assign(_r=sub["churn_risk"].map(self.RISK_RANK)).sort_values(
                ["_r", "overdue_ratio", "revenue"], ascending=[True, False, False]
            )
        else:
            ordered = sub.sort_values("revenue", ascending=False)
        return ordered.iloc[offset : offset + limit].reset_index().to_dict("records")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=10_000_000)
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=5)
    args = ap.parse_args()

    from config.settings import load_settings
    from custseg.ingest.aggregate import aggregate_frame
    from custseg.ingest.parquet import read_orders_fast
    from custseg.query import QueryEngine
    from custseg.snapshot.build import build_snapshot

    started = time.perf_counter()
    print(f"custseg query benchmark — {dt.datetime.now():%Y-%m-%d %H:%M}")
    print(f"machine: {machine()}")
    path, made = synthetic.ensure_parquet(args.orders, args.customers, args.seed)
    settings = load_settings(env={})
    t0 = time.perf_counter()
    orders = read_orders_fast(path)
    summary = aggregate_frame(orders, synthetic.AS_OF, settings.lifecycle.trend_window_days)
    del orders
    attrs = synthetic.make_customers(args.customers, args.seed)
    snap = build_snapshot(summary, synthetic.AS_OF, settings, attributes=attrs, source="bench")
    del summary
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    engine = QueryEngine(snap)
    t_engine = time.perf_counter() - t0
    print(
        f"snapshot: {len(snap):,} customers from {path.relative_to(ROOT)} "
        f"({'generated now' if made else 'cached'}), built in {t_build:.1f} s (setup, not measured); "
        f"QueryEngine(snapshot) construction {fmt_s(t_engine)}"
    )

    baseline = NaiveBaseline(snap.customers)
    queries = make_queries(args.queries + args.warmup)
    warm, timed = queries[: args.warmup], queries[args.warmup :]
    for q, off in warm:
        engine.run_json(q, offset=off)
        baseline.run(q, off)

    kinds = {"find_customers": "find", "count_customers": "count", "segment_overview": "overview"}
    ours: dict[str, list[float]] = {k: [] for k in kinds.values()}
    base: dict[str, list[float]] = {k: [] for k in kinds.values()}
    slowest: list[tuple[float, dict[str, Any]]] = []
    mismatches, answered = 0, {"customers": 0, "count": 0, "overview": 0, "other": 0}
    for q, off in timed:
        kind = kinds[q["intent"]]
        t0 = time.perf_counter()
        res = engine.run_json(q, offset=off)
        dt_ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        ref = baseline.run(q, off)
        dt_base = time.perf_counter() - t0
        ours[kind].append(dt_ours)
        base[kind].append(dt_base)
        slowest.append((dt_ours, q))
        answered[res["kind"] if res["kind"] in answered else "other"] += 1
        if res["kind"] == "count" and res["count"] != ref["count"]:
            mismatches += 1

    rows = []
    for kind in ("find", "count", "overview"):
        o, b = ours[kind], base[kind]
        if not o:
            continue
        target = f"p95 ≤ {P95_TARGET_S * 1000:.0f} ms" if kind != "overview" else "report"
        ok = pct(o, 95) <= P95_TARGET_S if kind != "overview" else None
        for stat, q in (("p50", 50), ("p95", 95), ("max", 100)):
            rows.append(
                [
                    f"{kind} ({len(o)} queries) {stat}",
                    fmt_s(pct(o, q)),
                    fmt_s(pct(b, q)),
                    f"{pct(b, q) / pct(o, q):.1f}× faster" if pct(o, q) > 0 else "-",
                    target if stat == "p95" else "",
                    verdict(ok) if stat == "p95" else "",
                ]
            )
    rows.append(["QueryEngine(snapshot) construction (once)", fmt_s(t_engine), "-", "-", "report", "-"])
    print_table(
        f"Query latency on a {len(snap):,}-customer snapshot (baseline: naive pandas mask + sort_values)",
        rows,
    )
    print(
        f"answers: {answered}; count mismatches vs baseline: {mismatches} "
        f"(owner names are matched fuzzily by the engine, exactly by the baseline)"
    )
    print("slowest 5 queries (ours):")
    for sec, q in sorted(slowest, key=lambda x: -x[0])[:5]:
        print(f"  {fmt_s(sec):>9}  {q}")
    print(
        f"peak RSS of this process {peak_rss_mb():,.0f} MiB; total benchmark time {time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
