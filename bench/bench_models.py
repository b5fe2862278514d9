"""Benchmark: BG/NBD + Gamma-Gamma fit and scoring on 1M customers, next to lifetimes in the same run.

Target (issue "predictive layer"): 1M customers, fit + scoring ≤ 10 s on the 2-core machine and
faster than lifetimes' BetaGeoFitter + GammaGammaFitter on the same summary.

The summary comes from the synthetic 10M-order / 1M-customer book (``synthetic.py``), through the
snapshot's own aggregation (x = purchase days − 1, t_x, T in days; spend = mean gross value per
purchase day of repeat buyers). It is written to Parquet once and read by both sides.

Scoring = P(alive), expected purchases in the next 90 days, expected order value, 12-month CLV.
lifetimes runs in bench/.venv-bench on the first ``--lifetimes-customers`` customers of the same
summary (default all; it is slow) and custseg is timed on that same subset as well.

Usage::

    .venv/bin/python bench/bench_models.py                           # 1M customers
    .venv/bin/python bench/bench_models.py --lifetimes-customers 200000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import synthetic  # noqa: E402
from _util import BENCH_VENV_PY, fmt_s, machine, print_table, run_child, verdict  # noqa: E402

TARGET_S = 10.0


def make_summary(orders_path: Path, out: Path) -> None:
    """Per-customer (x, t_x, T, monetary) in days from the synthetic order file."""
    import numpy as np
    import pandas as pd

    from custseg.ingest.aggregate import aggregate_frame
    from custseg.ingest.parquet import read_orders_fast

    orders = read_orders_fast(orders_path)
    assert orders is not None
    agg = aggregate_frame(orders, synthetic.AS_OF)
    day = np.datetime64(synthetic.AS_OF, "D")
    first = agg["first_order"].to_numpy().astype("datetime64[D]")
    last = agg["last_order"].to_numpy().astype("datetime64[D]")
    keep = agg["frequency"].to_numpy() > 0
    x = np.maximum(agg["purchase_days"].to_numpy() - 1, 0)
    gross = (agg["revenue"] + agg["returns"]).to_numpy()
    frame = pd.DataFrame(
        {
            "x": x.astype("float64"),
            "t_x": (last - first).astype("float64"),
            "T": (day - first).astype("float64"),
            "monetary": np.where(x > 0, gross / np.maximum(agg["purchase_days"].to_numpy(), 1), 0.0),
        }
    )[keep]
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.reset_index(drop=True).to_parquet(out)


def child_ours(path: str, n: int) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    from custseg.models import BetaGeoModel, GammaGammaModel
    from custseg.models.clv import lifetime_value

    s = pd.read_parquet(path).iloc[:n]
    x, t_x, T, m = (s[c].to_numpy() for c in ("x", "t_x", "T", "monetary"))
    times: dict[str, float] = {}
    c0 = time.process_time()
    t0 = time.perf_counter()
    bg = BetaGeoModel().fit(x, t_x, T)
    times["fit BG/NBD"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    rep = x > 0
    gg = GammaGammaModel().fit(x[rep] + 1, m[rep])
    times["fit Gamma-Gamma"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    p_alive = bg.probability_alive(x, t_x, T)
    expected = bg.expected_purchases(90.0, x, t_x, T)
    value = gg.conditional_expected_value(np.where(rep, x + 1, 0), m)
    clv = lifetime_value(bg, x, t_x, T, value, horizon_months=12, period_days=1.0, annual_discount_rate=0.1)
    times["score (P(alive), E[90 d], order value, 12-month CLV)"] = time.perf_counter() - t1
    return {
        "total": time.perf_counter() - t0,
        "cpu": time.process_time() - c0,
        "times": times,
        "customers": len(s),
        "rows": bg.n_rows_,
        "bg": bg.params_,
        "ll": bg.log_likelihood_,
        "gg": gg.params_,
        "checks": [float(p_alive.mean()), float(expected.sum()), float(clv.sum())],
    }


def child_lifetimes(path: str, n: int) -> dict[str, Any]:
    import warnings

    import numpy as np
    import pandas as pd

    warnings.simplefilter("ignore")
    import lifetimes
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    s = pd.read_parquet(path).iloc[:n]
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    bg = BetaGeoFitter().fit(s["x"], s["t_x"], s["T"])
    times["fit BG/NBD"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    rep = s[s["x"] > 0]
    gg = GammaGammaFitter().fit(rep["x"] + 1, rep["monetary"])
    times["fit Gamma-Gamma"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    p_alive = bg.conditional_probability_alive(s["x"], s["t_x"], s["T"])
    expected = bg.conditional_expected_number_of_purchases_up_to_time(90, s["x"], s["t_x"], s["T"])
    freq = np.where(s["x"] > 0, s["x"] + 1, 0)
    value = gg.conditional_expected_average_profit(pd.Series(freq), s["monetary"])
    clv = gg.customer_lifetime_value(
        bg, s["x"], s["t_x"], s["T"], s["monetary"], time=12, freq="D", discount_rate=0.1 / 12
    )
    times["score (P(alive), E[90 d], order value, 12-month CLV)"] = time.perf_counter() - t1
    return {
        "total": time.perf_counter() - t0,
        "times": times,
        "customers": len(s),
        "version": lifetimes.__version__,
        "bg": {k: float(v) for k, v in bg.params_.items()},
        "gg": {k: float(v) for k, v in gg.params_.items()},
        "checks": [
            float(np.mean(p_alive)),
            float(np.sum(expected)),
            float(np.sum(clv)),
            float(np.mean(value)),
        ],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=10_000_000)
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--lifetimes-customers", type=int, default=None, help="default: all")
    ap.add_argument("--skip-lifetimes", action="store_true")
    ap.add_argument("--child", nargs="+")
    args = ap.parse_args()
    if args.child:
        import json

        kind, path, n = args.child[0], args.child[1], int(args.child[2])
        print(json.dumps(child_ours(path, n) if kind == "ours" else child_lifetimes(path, n)))
        return

    orders, _ = synthetic.ensure_parquet(args.orders, args.customers)
    summary = orders.with_name(orders.stem + "_model_summary.parquet")
    if not summary.exists():
        make_summary(orders, summary)
    print(f"machine: {machine()}")
    here = str(Path(__file__).resolve())
    ours = run_child([here, "--child", "ours", str(summary), str(10**12)])
    print(
        f"\ncustseg on {ours['customers']:,} customers ({ours['rows']:,} distinct (x, t_x, T) rows): "
        f"BG/NBD {ours['bg']}, LL {ours['ll']:.1f}; Gamma-Gamma {ours['gg']}"
    )
    for k, v in ours["times"].items():
        print(f"  {k}: {fmt_s(v)}")
    rows = [
        [
            f"BG/NBD + Gamma-Gamma fit + scoring, {ours['customers']:,} customers",
            f"{fmt_s(ours['total'])} (CPU {fmt_s(ours['cpu'])})",
            "-",
            "-",
            f"≤ {TARGET_S:g} s",
            verdict(ours["total"] <= TARGET_S),
        ]
    ]
    if not args.skip_lifetimes and BENCH_VENV_PY.exists():
        n = args.lifetimes_customers or ours["customers"]
        lt = run_child(
            [here, "--child", "lifetimes", str(summary), str(n)], python=BENCH_VENV_PY, timeout=3600
        )
        same = ours if n >= ours["customers"] else run_child([here, "--child", "ours", str(summary), str(n)])
        print(
            f"\nlifetimes {lt['version']} on {lt['customers']:,} customers: BG/NBD {lt['bg']}; Gamma-Gamma {lt['gg']}"
        )
        for k, v in lt["times"].items():
            print(f"  {k}: {fmt_s(v)}   (custseg: {fmt_s(same['times'][k])})")
        print(
            f"  checks (mean P(alive), Σ E[90 d], Σ CLV): custseg {same['checks']}, lifetimes {lt['checks'][:3]}"
        )
        rows.append(
            [
                f"same vs lifetimes {lt['version']}, {lt['customers']:,} customers",
                fmt_s(same["total"]),
                fmt_s(lt["total"]),
                f"{lt['total'] / same['total']:.1f}× faster",
                "faster",
                verdict(same["total"] < lt["total"]),
            ]
        )
    elif not args.skip_lifetimes:
        print("\nbench/.venv-bench is missing (bench/setup.sh): lifetimes not measured")
    print_table("Models: fit + scoring", rows)


if __name__ == "__main__":
    main()
