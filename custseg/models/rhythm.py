"""Expected purchases and lifetime value from each customer's own rhythm: the fallback when the
frequency model (BG/NBD) cannot tell who has stopped buying.

It is a rule, not a fitted model, and the snapshot notes say so (``clv_basis = "rhythm"``):

- **pace** (purchases per day): purchase days ÷ (tenure + one typical gap). Tenure runs from the first
  purchase to the as-of date, so a long silence lowers the pace; the extra gap stands for the wait
  until the next purchase and keeps a brand-new customer's pace finite.
- **share still counted on**: 1 up to one typical gap since the last purchase, falling in a straight
  line to 0 at the lifecycle rule's *lost* threshold (7.5 gaps), 0 beyond. It only falls with the
  overdue ratio, so a lost customer never carries more expected value than a dormant one on the same pace.
- expected purchases in the next t days = t × pace × share; lifetime value = the same month by month
  × expected order value × margin × (1 − return share), discounted as ``custseg.models.clv`` does.

Days throughout; money in currency units.
"""

from __future__ import annotations

import numpy as np

from custseg.models.clv import DAYS_PER_MONTH

RHYTHM_LABEL = (
    "Expected purchases and lifetime value are therefore a rhythm-based estimate, not a model forecast: "
    "each customer's pace to date (purchase days over tenure plus one usual gap), counted in full up to "
    "one usual gap since the last purchase and down to nothing at {lost_after:g} gaps (lost)."
)


def rhythm_pace(purchase_days: np.ndarray, tenure_days: np.ndarray, gap_days: np.ndarray) -> np.ndarray:
    """Purchases per day: purchase days ÷ (tenure + one typical gap), all in days."""
    span = np.asarray(tenure_days, dtype="float64") + np.maximum(np.asarray(gap_days, dtype="float64"), 1.0)
    return np.asarray(purchase_days, dtype="float64") / span


def rhythm_share(overdue_ratio: np.ndarray, lost_after: float = 7.5) -> np.ndarray:
    """Share of the pace still counted on: 1 up to one typical gap overdue, 0 from ``lost_after``."""
    if lost_after <= 1:
        raise ValueError("lost_after must be more than one typical gap")
    r = np.asarray(overdue_ratio, dtype="float64")
    return np.clip((lost_after - r) / (lost_after - 1.0), 0.0, 1.0)


def rhythm_lifetime_value(
    pace: np.ndarray,
    share: np.ndarray,
    expected_order_value: np.ndarray,
    horizon_months: int = 12,
    margin: float = 1.0,
    annual_discount_rate: float = 0.1,
    return_share: float = 0.0,
) -> np.ndarray:
    """Discounted value over ``horizon_months`` months of purchases at ``pace × share`` a day
    (currency units), each month discounted at its end like ``custseg.models.clv.lifetime_value``."""
    if horizon_months < 1:
        raise ValueError("the horizon must be at least one month")
    if not 0 <= return_share < 1:
        raise ValueError("return_share must be in [0, 1)")
    discount = (1.0 + annual_discount_rate) ** (-np.arange(1, horizon_months + 1) / 12.0)
    per_month = np.asarray(pace, dtype="float64") * np.asarray(share, dtype="float64") * DAYS_PER_MONTH
    value = np.asarray(expected_order_value, dtype="float64") * margin * (1.0 - return_share)
    return per_month * float(discount.sum()) * value
