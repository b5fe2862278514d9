"""Per-customer figures derived from the aggregates: recency, tenure, typical gap, average order
value and 90-day trend (whole days up to the as-of date; money in the data's currency units)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def derive(summary: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Add recency, tenure, typical gap, average order value and 90-day trend to aggregates.

    Returns
    -------
    DataFrame
        ``recency_days`` / ``tenure_days`` (whole days from the last / first purchase to the as-of
        date), ``own_gap_days`` (mean days between purchase days, (last − first) / (purchase days − 1):
        several orders on one day are one purchase, as in BG/NBD; NaN with one purchase day),
        ``avg_order_value`` (net revenue / purchases), ``trend_90d`` (relative change of the value
        bought, last 90 days vs the 90 before, returns left out so that a return is not "buying
        less"; NaN when the earlier window had no purchase).

    Aggregates without ``purchase_days`` (or ``bought_90d`` / ``bought_prev_90d``) fall back to
    ``frequency`` (or net revenue).
    """
    out = summary.copy()
    day = np.datetime64(as_of, "D")
    first = out["first_order"].to_numpy().astype("datetime64[D]")
    last = out["last_order"].to_numpy().astype("datetime64[D]")
    out["first_order"] = first
    out["last_order"] = last
    out["recency_days"] = (day - last).astype("int64")
    out["tenure_days"] = (day - first).astype("int64")
    days = out["purchase_days" if "purchase_days" in out else "frequency"].to_numpy()
    span = (last - first).astype("float64")
    recent, earlier = (
        ("bought_90d", "bought_prev_90d") if "bought_90d" in out else ("revenue_90d", "revenue_prev_90d")
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["own_gap_days"] = np.where(days > 1, span / (days - 1), np.nan)
        prev = out[earlier].to_numpy()
        out["trend_90d"] = np.where(prev > 0, (out[recent].to_numpy() - prev) / prev, np.nan).round(4)
    out["avg_order_value"] = (out["revenue"] / out["frequency"]).round(2)
    return out
