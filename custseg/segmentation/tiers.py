"""Value tiers, Pareto style: the few customers that make most of the value are "high"."""

from __future__ import annotations

import numpy as np
import pandas as pd

from config.labels import LEVELS as TIERS


def value_basis(frame: pd.DataFrame, basis: str, clv_fitted: bool, margin: float) -> tuple[np.ndarray, str]:
    """The value customers are ranked by for tiers, and the basis actually used.

    ``revenue``: net revenue to date. ``clv``: expected lifetime value over the model horizon.
    ``revenue_plus_clv``: revenue to date plus the revenue expected over the horizon (CLV ÷ margin,
    so both parts are revenue). The model bases need a fitted lifetime value; without one the
    basis is revenue.
    """
    revenue = frame["revenue"].to_numpy(dtype="float64")
    if basis == "revenue" or not clv_fitted:
        return revenue, "revenue"
    clv = np.nan_to_num(frame["clv"].to_numpy(dtype="float64"))
    if basis == "clv":
        return clv, "clv"
    return revenue + clv / margin, "revenue_plus_clv"


class ValueTiers:
    """Rank customers by value; those making the first ``high_share`` of the total are high value,
    up to ``medium_share`` medium, the rest (and anyone with no positive value) low.

    Parameters
    ----------
    high_share, medium_share : float
        Cumulative shares of total positive value, 0 < high_share < medium_share < 1.

    Attributes
    ----------
    high_min_ : float
        Smallest value (currency units) of a high-tier customer; NaN if there is none.
    medium_min_ : float
        Smallest value of a medium-tier customer; NaN if there is none.
    """

    def __init__(self, high_share: float = 0.5, medium_share: float = 0.8):
        self.high_share = high_share
        self.medium_share = medium_share

    def fit(self, value: np.ndarray | pd.Series, ids: np.ndarray | pd.Index | None = None) -> ValueTiers:
        """Learn the tier of every customer. ``ids`` break ties in value deterministically."""
        v = np.asarray(value, dtype="float64")
        keys = np.arange(len(v)) if ids is None else np.asarray(ids)
        order = np.lexsort((keys, -v))
        positive = np.clip(v[order], 0, None)
        total = positive.sum()
        before = (np.cumsum(positive) - positive) / total if total > 0 else np.ones(len(v))
        tier_sorted = np.where(
            (before < self.high_share) & (positive > 0),
            0,
            np.where((before < self.medium_share) & (positive > 0), 1, 2),
        )
        codes = np.empty(len(v), dtype=np.int8)
        codes[order] = tier_sorted
        self.codes_ = codes
        self.high_min_ = float(v[codes == 0].min()) if (codes == 0).any() else float("nan")
        self.medium_min_ = float(v[codes == 1].min()) if (codes == 1).any() else float("nan")
        return self

    def tiers(self) -> np.ndarray:
        """The tier name of each customer given to ``fit``."""
        return np.asarray(TIERS, dtype=object)[self.codes_]
