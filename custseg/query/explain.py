"""Why one customer has its labels: the rules and figures behind each, as structured factors.

Wording belongs to the bot; these are the facts it words (``bot/handlers/one_customer.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from custseg.query.answers import Factor
from custseg.segmentation.rfm import RF_GRID
from custseg.snapshot.frame import Snapshot


def plain_value(value: Any) -> Any:
    """numpy / pandas scalars → JSON-friendly Python values."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return str(pd.Timestamp(value).date())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def factors(snapshot: Snapshot, customer_id: str) -> list[Factor]:
    """The factors behind each of one customer's labels, one per topic: segment, lifecycle,
    churn_risk, value_tier, key_account."""
    # The churn model's code is imported on the first explanation, not with the query engine: a
    # chat process starts without it.
    from custseg.models.explain import churn_drivers

    frame = snapshot.customers
    row = frame.loc[customer_id]
    n = len(frame)
    r, f = int(row["r_score"]), int(row["f_score"])
    cell = next(
        (
            f"R {rs.start}–{rs.stop - 1}, F {fs.start}–{fs.stop - 1}"
            for rs, fs, name in RF_GRID
            if name == row["segment"] and r in rs and f in fs
        ),
        "",
    )
    recency = frame["recency_days"].to_numpy(dtype="float64")
    freq = frame["frequency"].to_numpy(dtype="float64")
    notes = snapshot.notes
    return [
        {
            "topic": "segment",
            "label": row["segment"],
            "rule": cell,
            "r_score": r,
            "f_score": f,
            "m_score": int(row["m_score"]),
            "recency_days": int(row["recency_days"]),
            "share_more_recent": round(float((recency < row["recency_days"]).sum()) / n, 3),
            "frequency": int(row["frequency"]),
            "share_more_frequent": round(float((freq > row["frequency"]).sum()) / n, 3),
        },
        {
            "topic": "lifecycle",
            "label": row["lifecycle"],
            "reason": row["lifecycle_reason"],
            "recency_days": int(row["recency_days"]),
            "typical_gap_days": float(row["typical_gap_days"]),
            "gap_basis": row["gap_basis"],
            "overdue_ratio": float(row["overdue_ratio"]),
            "tenure_days": int(row["tenure_days"]),
            "trend_90d": plain_value(row["trend_90d"]),
            "thresholds": snapshot.params.get("lifecycle", {}),
            "p_alive": plain_value(row.get("p_alive")),
            "dormant_p_alive": snapshot.params.get("models", {}).get("dormant_p_alive"),
        },
        {
            "topic": "churn_risk",
            "label": row["churn_risk"],
            "basis": notes.get("churn_risk_basis"),
            "probability": plain_value(row.get("churn_probability")),
            "horizon_days": notes.get("churn_horizon_days"),
            # Only a model-scored customer has drivers; under the lifecycle rule the stage says why.
            "drivers": churn_drivers(notes.get("churn_model_params"), row)
            if plain_value(row.get("churn_probability")) is not None
            else [],
        },
        {
            "topic": "value_tier",
            "label": row["value_tier"],
            "revenue": float(row["revenue"]),
            "clv": plain_value(row.get("clv")),
            "basis": notes.get("value_tier_basis", "revenue"),
            "high_min": notes.get("value_tier_high_min"),
            "medium_min": notes.get("value_tier_medium_min"),
        },
        {
            "topic": "key_account",
            "label": bool(row["key_account"]),
            "misses": int(row["key_account_misses"]),
        },
    ]
