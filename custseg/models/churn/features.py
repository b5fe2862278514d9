"""Churn model inputs as of a cutoff day, and the labels: did the customer order in the next H days.

Everything is computed from the per-customer aggregates of the orders up to the end of the cutoff
day only, so nothing that happened later can leak in. Days are whole days.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from config.sections import LifecycleSettings
from config.settings import Settings
from custseg.segmentation.figures import derive
from custseg.segmentation.lifecycle import Lifecycle, purchase_days

FEATURES: tuple[str, ...] = (
    "recency",
    "frequency",
    "tenure",
    "typical_gap",
    "overdue",
    "order_value",
    "spend_pace",
    "trend",
    "returns_share",
)
# Columns of a snapshot-like frame the features are computed from (all stored in every snapshot,
# so an explanation can recompute a customer's features from their snapshot row).
PROFILE_COLUMNS: tuple[str, ...] = (
    "recency_days",
    "frequency",
    "tenure_days",
    "typical_gap_days",
    "overdue_ratio",
    "avg_order_value",
    "revenue",
    "returns",
    "revenue_90d",
    "trend_90d",
)


def profile_at(aggregates: pd.DataFrame, as_of: dt.date, lifecycle: LifecycleSettings) -> pd.DataFrame:
    """The snapshot's per-customer figures as of a day, for the customers who had bought by then.

    Parameters
    ----------
    aggregates : DataFrame
        ``aggregate_frame`` / ``aggregate_sql`` output cut at ``as_of`` (indexed by customer id).

    Returns
    -------
    DataFrame
        ``PROFILE_COLUMNS`` plus ``first_order`` / ``last_order``, exactly as ``build_snapshot``
        computes them (days, currency units).
    """
    frame = derive(aggregates[aggregates["frequency"].to_numpy() > 0], as_of)
    stages = Lifecycle(lifecycle).fit(frame).predict(frame)
    frame["typical_gap_days"] = stages["typical_gap_days"].to_numpy()
    frame["overdue_ratio"] = stages["overdue_ratio"].to_numpy()
    return frame


def churn_features(profile: pd.DataFrame) -> pd.DataFrame:
    """Model inputs from snapshot-like figures (``PROFILE_COLUMNS``); one row per customer.

    Counts and amounts enter on a log scale (log1p) so a handful of huge accounts do not dominate;
    ratios are clipped to a plausible range. ``spend_pace`` is the last 90 days' net revenue over
    what the customer's lifetime average pace would give in 90 days; ``trend`` is the relative
    90-day revenue change (0 when there was nothing to compare with).
    """
    p = profile
    revenue = p["revenue"].to_numpy(dtype="float64")
    returns = p["returns"].to_numpy(dtype="float64")
    gross = np.maximum(revenue + returns, 1e-9)
    tenure = p["tenure_days"].to_numpy(dtype="float64")
    usual_90d = revenue / np.maximum(tenure + 1.0, 90.0) * 90.0
    with np.errstate(divide="ignore", invalid="ignore"):
        pace = np.where(usual_90d > 0, p["revenue_90d"].to_numpy(dtype="float64") / usual_90d, 0.0)
    trend = p["trend_90d"].to_numpy(dtype="float64", na_value=np.nan)
    out = pd.DataFrame(
        {
            "recency": np.log1p(p["recency_days"].to_numpy(dtype="float64")),
            "frequency": np.log1p(p["frequency"].to_numpy(dtype="float64")),
            "tenure": np.log1p(tenure),
            "typical_gap": np.log1p(p["typical_gap_days"].to_numpy(dtype="float64")),
            "overdue": np.log1p(p["overdue_ratio"].to_numpy(dtype="float64")),
            "order_value": np.log1p(np.maximum(p["avg_order_value"].to_numpy(dtype="float64"), 0.0)),
            "spend_pace": np.clip(np.nan_to_num(pace), 0.0, 3.0),
            "trend": np.clip(np.nan_to_num(trend, nan=0.0), -1.0, 3.0),
            "returns_share": np.clip(returns / gross, 0.0, 1.0),
        },
        index=p.index,
    )
    return out[list(FEATURES)]


def churn_labels(later: pd.DataFrame, cutoff: dt.date, customers: pd.Index) -> np.ndarray:
    """1 for each customer with no purchase after the end of ``cutoff`` up to ``later``'s as-of day.

    Parameters
    ----------
    later : DataFrame
        Aggregates cut at ``cutoff + H`` (their ``last_order`` is the last purchase by then).
    customers : Index
        The customers scored at the cutoff.
    """
    last = later["last_order"].reindex(customers).to_numpy(dtype="datetime64[ns]")
    start = np.datetime64(cutoff + dt.timedelta(days=1), "ns")
    bought = ~np.isnat(last) & (last >= start)
    return (~bought).astype(np.int8)


def default_horizon(profile: pd.DataFrame, history_days: int, settings: Settings) -> int:
    """H in days from the book's rhythm (see the module docstring for the rule)."""
    c = settings.churn
    if c.horizon_days is not None:
        return c.horizon_days
    own = purchase_days(profile) >= settings.lifecycle.min_orders_for_rhythm
    gaps = profile["typical_gap_days"].to_numpy()[own]
    # Without any customer who has a rhythm yet, a quarter is the conventional review period.
    median_gap = float(np.median(gaps)) if len(gaps) else 45.0
    horizon = round(c.horizon_gaps * median_gap)
    horizon = min(max(horizon, c.min_horizon_days), c.max_horizon_days)
    return int(max(1, min(horizon, history_days // 3)))
