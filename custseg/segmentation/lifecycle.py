"""Lifecycle stages judged against each customer's own buying rhythm.

A customer who orders every 2 days is overdue after ~4 days and gone after ~15; one who orders
quarterly is not dormant after a month. The yardstick is the customer's typical gap between
purchases (days): the mean gap, (last − first purchase) / (purchase days − 1), where several
orders on one calendar day are one purchase (as in BG/NBD: five orders on one day are no 1-day
rhythm). Customers who bought on too few days to have a rhythm are measured against the
population's median gap instead.

How the stages rank on real books: *declining*, *dormant* and *lost* rank customers by how far past
their yardstick they are, not by how likely they are to come back, and with two yardsticks the two
orders differ. Against the same yardstick the stages are ordered: on CDNOW (customers as of
1998-01-26, no order in the next 155 days) 38 % of the *active* with a rhythm of their own stopped,
52 % of the *declining*, 62 % of the *dormant* and 77 % of the *lost*; of those measured against the
population's gap (one or two purchase days) 70 %, 71 % and 92 % (*active*, *declining*, *dormant*).
Mixed, *lost* (77 %, all with a rhythm of their own) is below *dormant* (91 %, nearly all one-time
buyers): a customer who bought several times quickly and then went silent is far past their rhythm
sooner than a one-time buyer, yet comes back more often. On UCI Online Retail the mixed order holds
(*dormant* 62 %, *lost* 68 %). For the chance of coming back, use ``churn_probability``: it is trained
and checked for exactly that.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from config.labels import REASONS, STAGES
from config.sections import LifecycleSettings


def purchase_days(summary: pd.DataFrame) -> np.ndarray:
    """Calendar days with a purchase per customer (``purchase_days``; ``frequency`` when the summary
    has no such column). A rhythm needs ``min_orders_for_rhythm`` of them."""
    return summary["purchase_days" if "purchase_days" in summary else "frequency"].to_numpy()


class Lifecycle:
    """Assign lifecycle stages.

    Parameters
    ----------
    settings : LifecycleSettings
        Thresholds in multiples of the typical gap, and the new-customer window in days.

    Attributes
    ----------
    population_gap_days_ : float
        Median typical gap (days) of customers with a rhythm of their own; used for the others.
    """

    def __init__(self, settings: LifecycleSettings | None = None):
        self.settings = settings or LifecycleSettings()

    def fit(self, summary: pd.DataFrame) -> Lifecycle:
        """Learn the population gap from a summary with ``frequency`` (or ``purchase_days``) and
        ``own_gap_days``."""
        s = self.settings
        has_rhythm = purchase_days(summary) >= s.min_orders_for_rhythm
        gaps = summary["own_gap_days"].to_numpy()[has_rhythm]
        if len(gaps):
            self.population_gap_days_ = float(max(np.median(gaps), s.min_gap_days))
        else:
            # No one has a rhythm yet (a very young book): a month is the conventional B2B default.
            self.population_gap_days_ = 30.0
        return self

    def predict(
        self, summary: pd.DataFrame, p_alive: np.ndarray | None = None, dormant_p_alive: float = 0.3
    ) -> pd.DataFrame:
        """Stage, reason, the gap used and how overdue each customer is.

        Parameters
        ----------
        summary : DataFrame
            ``purchase_days`` (or ``frequency``), ``own_gap_days``, ``recency_days``, ``tenure_days``,
            ``trend_90d``.
        p_alive : array of float, optional
            Probability of still being active from the frequency model, NaN where it does not
            apply (no repeat purchase). Where it applies, a customer the rhythm rule calls active or
            declining is dormant when ``p_alive`` is below ``dormant_p_alive`` (reason
            ``unlikely_alive``): the model catches customers whose own rhythm hides that they
            stopped. New, dormant and lost by the rule are left as they are.

        Returns
        -------
        DataFrame
            ``typical_gap_days`` (days), ``gap_basis`` ("own" or "population"), ``overdue_ratio``
            (days since last order / typical gap), ``lifecycle``, ``lifecycle_reason``.
        """
        s = self.settings
        own = purchase_days(summary) >= s.min_orders_for_rhythm
        gap = np.where(own, summary["own_gap_days"].to_numpy(), self.population_gap_days_)
        gap = np.maximum(gap, s.min_gap_days)
        ratio = summary["recency_days"].to_numpy() / gap
        trend = summary["trend_90d"].to_numpy(dtype="float64", na_value=np.nan)
        young = summary["tenure_days"].to_numpy() <= s.new_window_days

        conditions = [
            # A young account that is already overdue is flagged as slipping, not merely new.
            young & (ratio <= s.declining_after),
            ratio > s.lost_after,
            ratio > s.dormant_after,
            ratio > s.declining_after,
            own & (trend <= s.trend_decline),
        ]
        # Selecting integer codes and naming them once is ~10× faster than selecting strings.
        stage_code = np.select(
            conditions,
            [STAGES.index(s) for s in ("new", "lost", "dormant", "declining", "declining")],
            STAGES.index("active"),
        )
        reason_code = np.select(
            conditions,
            [
                REASONS.index(r)
                for r in ("recent_first_order", "gone", "long_overdue", "overdue", "revenue_down")
            ],
            REASONS.index("on_rhythm"),
        )
        if p_alive is not None:
            judged = (stage_code == STAGES.index("active")) | (stage_code == STAGES.index("declining"))
            unlikely = judged & np.isfinite(p_alive) & (p_alive < dormant_p_alive)
            stage_code = np.where(unlikely, STAGES.index("dormant"), stage_code)
            reason_code = np.where(unlikely, REASONS.index("unlikely_alive"), reason_code)
        stage = np.asarray(STAGES, dtype=object)[stage_code]
        reason = np.asarray(REASONS, dtype=object)[reason_code]
        return pd.DataFrame(
            {
                "typical_gap_days": gap.round(1),
                # Indexing an object array: np.where with two strings makes a fixed-width unicode
                # array that pandas then converts string by string (0.5 s per million customers).
                "gap_basis": np.asarray(["population", "own"], dtype=object)[own.astype(np.intp)],
                "overdue_ratio": ratio.round(3),
                "lifecycle": stage,
                "lifecycle_reason": reason,
            },
            index=summary.index,
        )


# Until a churn model is fitted, risk follows the lifecycle stage: how far past their own rhythm
# a customer is, which is what the stage measures.
RISK_BY_STAGE: dict[str, str] = {
    "new": "low",
    "active": "low",
    "declining": "medium",
    "dormant": "high",
    "lost": "high",
}
