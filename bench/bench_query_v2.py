"""Benchmark: the version-2 data intents on a big book, next to a naive pandas baseline in the same run.

Targets: p95 ≤ 100 ms for aggregate / breakdown / list, ≤ 1 s for a 12-month trend, on a
1M-customer snapshot with 10M orders. The snapshot is synthesised directly (per-customer aggregates
of the synthetic orders by ``np.bincount``, labels drawn at random), not built through the models,
which would take minutes and is not what is measured; an earlier stored snapshot (10 % of labels
changed) lets movements and label trends run. The engine reads the orders through ``FrameBook``;
building its ledger (once per engine, on the first order-based question) is reported apart.

The baseline does what an obvious pandas implementation would: boolean masks on the snapshot
frame, ``isin`` on the orders frame for the selected customers, ``groupby`` for groups and months.

Usage::

    .venv/bin/python bench/bench_query_v2.py                                   # 10M orders / 1M customers
    .venv/bin/python bench/bench_query_v2.py --orders 2000000 --customers 200000 --queries 100
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import synthetic  # noqa: E402
from _util import fmt_s, machine, pct, peak_rss_mb, print_table, verdict  # noqa: E402

from config import labels  # noqa: E402

TARGETS = {"aggregate": 0.100, "breakdown": 0.100, "list": 0.100, "trend": 1.0, "movements": None}
COUNTRIES = ["Germany", "France", "United Kingdom", "Spain", "Italy", "Austria", "Netherlands", "Poland"]
INDUSTRIES = ["Retail", "Manufacturing", "Logistics", "Technology", "Healthcare", "Food & Beverage"]
AS_OF = synthetic.AS_OF


def make_snapshot(orders: pd.DataFrame, attrs: pd.DataFrame, seed: int):
    """A snapshot of every customer with orders: figures from the orders, labels at random."""
    from custseg.snapshot.build import COLUMNS, Snapshot

    rng = np.random.default_rng(seed)
    ids = np.sort(orders["customer_id"].unique())
    index = pd.Index(ids, name="customer_id")
    rows = index.get_indexer(orders["customer_id"].to_numpy())
    amount = orders["amount"].to_numpy()
    days = orders["ordered_at"].to_numpy().astype("datetime64[D]")
    n = len(ids)
    bought = amount > 0
    revenue = np.bincount(rows, weights=amount, minlength=n)
    frequency = np.bincount(rows[bought], minlength=n)
    day_num = days.astype(np.int64)
    first = np.full(n, np.iinfo(np.int64).max)
    last = np.full(n, np.iinfo(np.int64).min)
    np.minimum.at(first, rows[bought], day_num[bought])
    np.maximum.at(last, rows[bought], day_num[bought])
    as_of = np.datetime64(AS_OF, "D").astype(np.int64)
    first = np.where(first > as_of, last, first)
    frame = pd.DataFrame(index=index)
    frame["name"] = [f"Customer {i}" for i in range(n)]
    frame["owner"] = attrs["owner"].reindex(index).to_numpy()
    frame["region"] = attrs["region"].reindex(index).to_numpy()
    frame["first_order"] = first.astype("datetime64[D]")
    frame["last_order"] = last.astype("datetime64[D]")
    frame["recency_days"] = as_of - last
    frame["tenure_days"] = as_of - first
    frame["frequency"] = frequency
    frame["revenue"] = revenue.round(2)
    frame["avg_order_value"] = (revenue / np.maximum(frequency, 1)).round(2)
    frame["typical_gap_days"] = rng.gamma(2.0, 30.0, n)
    frame["overdue_ratio"] = frame["recency_days"] / frame["typical_gap_days"]
    frame["segment"] = rng.choice(labels.SEGMENTS, n)
    frame["value_tier"] = rng.choice(labels.LEVELS, n, p=[0.1, 0.3, 0.6])
    frame["lifecycle"] = rng.choice(labels.STAGES, n)
    frame["churn_risk"] = rng.choice(labels.LEVELS, n)
    frame["churn_probability"] = rng.random(n)
    frame["key_account"] = rng.random(n) < 0.02
    frame["clv"] = rng.lognormal(6.0, 1.2, n)
    for col in COLUMNS:
        if col not in frame and col != "customer_id":
            frame[col] = 0
    snap = Snapshot(as_of=AS_OF, customers=frame, source="bench", notes={"clv_available": True})
    before = frame.copy()
    change = rng.random(n) < 0.1
    before.loc[change, "segment"] = rng.choice(labels.SEGMENTS, int(change.sum()))
    earlier = Snapshot(as_of=AS_OF - dt.timedelta(weeks=1), customers=before, source="bench", notes={})
    return snap, earlier


def make_queries(n: int, seed: int = 5) -> list[tuple[str, dict[str, Any]]]:
    rng = np.random.default_rng(seed)
    out: list[tuple[str, dict[str, Any]]] = []
    kinds = ["aggregate", "breakdown", "list", "trend", "movements"]
    for i in range(n):
        kind = kinds[i % len(kinds)]
        filters: dict[str, Any] = {}
        for key in rng.choice(["segment", "region", "country", "min_orders", "key_account", "none"], 2):
            if key == "segment":
                filters["segment"] = [str(s) for s in rng.choice(labels.SEGMENTS, 2, replace=False)]
            elif key == "region":
                filters["region"] = str(rng.choice(synthetic.REGIONS)).lower()
            elif key == "country":
                filters["country"] = str(rng.choice(COUNTRIES)).lower()
            elif key == "min_orders":
                filters["min_orders"] = int(rng.choice([2, 5, 10]))
            elif key == "key_account":
                filters["key_account"] = False
        period = [None, {"unit": "year", "offset": 0}, {"days": 90}, {"unit": "quarter", "offset": -1}]
        chosen = period[int(rng.integers(len(period)))]
        if kind == "aggregate":
            q: dict[str, Any] = {
                "intent": "aggregate",
                "measure": str(rng.choice(["revenue", "orders", "aov", "clv", "customers"])),
                "filters": filters,
            }
            if rng.random() < 0.3:
                q["stat"] = str(rng.choice(["mean", "median", "share"]))
        elif kind == "breakdown":
            q = {
                "intent": "breakdown",
                "measure": str(rng.choice(["revenue", "customers", "clv", "orders"])),
                "group_by": str(rng.choice(["segment", "region", "country", "industry", "owner"])),
                "filters": filters,
            }
        elif kind == "list":
            q = {
                "intent": "find_customers",
                "sort": str(rng.choice(["revenue", "clv", "orders", "aov", "recency"])),
                "limit": 10,
                "filters": filters,
            }
            if rng.random() < 0.3:
                q["order"] = "asc"
        elif kind == "trend":
            q = {"intent": "trend", "measure": "revenue", "interval": "month", "filters": filters}
            filters.pop("segment", None)
            filters.pop("key_account", None)
            chosen = None
        else:
            q = {
                "intent": "movements",
                "to": {"segment": str(rng.choice(labels.SEGMENTS))},
                "filters": filters,
            }
            chosen = None
        if chosen is not None and q.get("measure") in ("revenue", "orders", "aov"):
            q["period"] = chosen
        out.append((kind, q))
    return out


class Naive:
    """The same figures the obvious pandas way, from the snapshot frame and the orders frame."""

    def __init__(self, frame: pd.DataFrame, orders: pd.DataFrame, earlier: pd.DataFrame):
        self.frame, self.orders, self.earlier = frame, orders, earlier

    def mask(self, f: dict[str, Any]) -> pd.Series:
        fr = self.frame
        m = pd.Series(True, index=fr.index)
        for k, v in f.items():
            if k == "segment":
                m &= fr["segment"].isin(v)
            elif k == "region":
                m &= fr["region"].str.lower() == v
            elif k == "country":
                m &= fr["country"].str.lower() == v
            elif k == "min_orders":
                m &= fr["frequency"] >= v
            elif k == "key_account":
                m &= fr["key_account"] == v
        return m

    def window(self, period: dict[str, Any] | None) -> pd.DataFrame:
        o = self.orders
        if period is None:
            return o
        end = pd.Timestamp(AS_OF) + pd.Timedelta(days=1)
        if "days" in period:
            start = end - pd.Timedelta(days=period["days"])
        elif period["unit"] == "year":
            start = pd.Timestamp(AS_OF.year, 1, 1)
        else:
            q0 = pd.Timestamp(AS_OF).to_period("Q") - 1
            start, end = q0.start_time, q0.end_time
        return o[(o["ordered_at"] >= start) & (o["ordered_at"] < end)]

    def run(self, q: dict[str, Any]) -> Any:
        sel = self.frame[self.mask(q.get("filters", {}))]
        measure = q.get("measure", "customers")
        if q["intent"] == "find_customers":
            col = {"orders": "frequency", "aov": "avg_order_value", "recency": "recency_days"}.get(
                q["sort"], q["sort"]
            )
            return sel.sort_values(col, ascending=q.get("order") == "asc").head(10).index.tolist()
        if q["intent"] == "movements":
            old = self.earlier["segment"].reindex(sel.index)
            moved = sel[(old != sel["segment"]) & (sel["segment"] == q["to"]["segment"])]
            return len(moved), moved.sort_values("clv", ascending=False).head(10).index.tolist()
        if q["intent"] == "trend":
            o = self.orders[self.orders["customer_id"].isin(sel.index)]
            o = o[o["ordered_at"] >= pd.Timestamp("2025-01-01")]
            return o.groupby(o["ordered_at"].dt.to_period("M"))["amount"].sum()
        if measure in ("revenue", "orders", "aov"):
            o = self.window(q.get("period"))
            o = o[o["customer_id"].isin(sel.index)]
            per = o.groupby("customer_id")["amount"].agg(["sum", lambda a: (a > 0).sum()])
            sel = sel.join(per)
        if q["intent"] == "breakdown":
            col = "sum" if measure in ("revenue", "orders", "aov") else "clv"
            return sel.groupby(q["group_by"])[col if measure != "customers" else "revenue"].agg(
                ["size", "sum"]
            )
        if measure == "customers":
            return len(sel)
        return sel["sum" if measure in ("revenue", "orders", "aov") else "clv"].sum()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=10_000_000)
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--queries", type=int, default=150)
    args = ap.parse_args()

    from custseg.query import Query, QueryEngine
    from custseg.query.sources import FrameBook

    started = time.perf_counter()
    print(f"custseg v2 query benchmark — {dt.datetime.now():%Y-%m-%d %H:%M}")
    print(f"machine: {machine()}")
    t0 = time.perf_counter()
    orders = synthetic.make_orders(args.orders, args.customers, args.seed)
    attrs = synthetic.make_customers(args.customers, args.seed)
    rng = np.random.default_rng(args.seed)
    extra = pd.DataFrame(
        {"country": rng.choice(COUNTRIES, len(attrs)), "industry": rng.choice(INDUSTRIES, len(attrs))},
        index=attrs.index,
    )
    snap, earlier = make_snapshot(orders, attrs, args.seed)
    print(
        f"book: {len(snap):,} customers, {len(orders):,} orders, synthesised in {time.perf_counter() - t0:.1f} s"
    )
    engine = QueryEngine(snap, data=FrameBook(orders, extra, [earlier, snap]))
    t0 = time.perf_counter()
    ledger = engine.ledger
    t_ledger = time.perf_counter() - t0
    naive = Naive(snap.customers.join(extra), orders, earlier.customers)

    queries = make_queries(args.queries)
    for _, q in queries[:5]:  # warm-up: attribute columns, the earlier snapshot's engine
        engine.run(Query.from_json(q))
    ours: dict[str, list[float]] = {k: [] for k in TARGETS}
    base: dict[str, list[float]] = {k: [] for k in TARGETS}
    for kind, q in queries:
        query = Query.from_json(q)
        t0 = time.perf_counter()
        engine.run(query)
        ours[kind].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        naive.run(q)
        base[kind].append(time.perf_counter() - t0)

    rows = []
    for kind, target in TARGETS.items():
        o, b = ours[kind], base[kind]
        for stat, q in (("p50", 50), ("p95", 95)):
            ok = None if target is None else pct(o, 95) <= target
            rows.append(
                [
                    f"{kind} ({len(o)} queries) {stat}",
                    fmt_s(pct(o, q)),
                    fmt_s(pct(b, q)),
                    f"{pct(b, q) / pct(o, q):.1f}×" if pct(o, q) > 0 else "-",
                    (f"p95 ≤ {fmt_s(target)}" if target else "report") if stat == "p95" else "",
                    verdict(ok) if stat == "p95" else "",
                ]
            )
    rows.append(
        [f"ledger of {len(ledger):,} orders (once per engine)", fmt_s(t_ledger), "-", "-", "report", "-"]
    )
    print_table(
        f"v2 query latency, {len(snap):,} customers / {len(orders):,} orders (baseline: naive pandas)",
        rows,
        ("measure", "ours", "naive", "speed-up", "target", "verdict"),
    )
    print(f"peak RSS {peak_rss_mb():,.0f} MiB; total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
