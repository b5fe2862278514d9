"""Why one customer's churn risk is what it is: the few factors that push it up or down.

A factor's effect is honest and model-agnostic: the change in the customer's predicted churn
probability when that factor's inputs are set to a reference, everything else kept as it is.
Positive effects push the risk up. For timing the reference is the customer *on their own rhythm*
(last order exactly one usual gap ago): in a book where most customers have long gone, the median
customer is a lapsed one, and "41 days since the last order vs. a usual 12" must count against a
customer, not for them. For the other factors it is the book's typical (median) training value. The model comes from the snapshot notes
(``churn_model_params``) and the customer's inputs from their snapshot row, so an explanation on a
stored snapshot uses exactly the model that scored it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from custseg.models.churn.baseline import BASELINE, bgnbd_no_purchase
from custseg.models.churn.classifier import CLASSIFIER, ChurnClassifier
from custseg.models.churn.features import PROFILE_COLUMNS, churn_features

# Factors as the account manager thinks of them, each a group of model inputs.
GROUPS: dict[str, tuple[str, ...]] = {
    "timing": ("recency", "overdue", "typical_gap"),
    "frequency": ("frequency",),
    "tenure": ("tenure",),
    "order_value": ("order_value",),
    "spend": ("spend_pace", "trend"),
    "returns": ("returns_share",),
}
# Effects smaller than this (probability points) are not worth a sentence.
MIN_EFFECT = 0.02


def _facts(
    factor: str, row: Mapping[str, Any], features: pd.Series, typical: Mapping[str, float]
) -> dict[str, Any]:
    """The customer's own figures a sentence about ``factor`` needs (days, currency units, shares)."""
    if factor == "timing":
        return {"recency_days": int(row["recency_days"]), "typical_gap_days": float(row["typical_gap_days"])}
    if factor == "frequency":
        return {"frequency": int(row["frequency"])}
    if factor == "tenure":
        return {"tenure_days": int(row["tenure_days"])}
    if factor == "order_value":
        return {
            "avg_order_value": float(row["avg_order_value"]),
            "typical_order_value": round(float(np.expm1(typical["order_value"])), 2),
        }
    if factor == "spend":
        trend = row.get("trend_90d")
        return {
            "trend_90d": None if trend is None or trend != trend else float(trend),
            "spend_pace": round(float(features["spend_pace"]), 3),
        }
    return {"returns_share": round(float(features["returns_share"]), 3)}


def _classifier_effects(
    params: dict[str, Any], row: Mapping[str, Any]
) -> tuple[float, dict[str, float], pd.Series, dict[str, float]]:
    model = ChurnClassifier.from_params(params)
    profile = pd.DataFrame([{c: row.get(c) for c in PROFILE_COLUMNS}])
    profile["trend_90d"] = pd.to_numeric(profile["trend_90d"], errors="coerce")
    x = churn_features(profile)
    typical = dict(zip(params["features"], model.typical_, strict=True))
    base = float(model.predict_proba(x)[0, 1])
    effects = {}
    for factor, names in GROUPS.items():
        if factor == "timing":
            on_rhythm = profile.assign(recency_days=profile["typical_gap_days"], overdue_ratio=1.0)
            moved = churn_features(on_rhythm)
        else:
            moved = x.copy()
            for n in names:
                moved[n] = typical[n]
        effects[factor] = base - float(model.predict_proba(moved)[0, 1])
    return base, effects, x.iloc[0], typical


def _bgnbd_effects(params: dict[str, Any], row: Mapping[str, Any]) -> tuple[float, dict[str, float]]:
    T = float(row["tenure_days"])
    recency = float(row["recency_days"])
    x = float(row["frequency"]) - 1

    def prob(x: float, T: float, recency: float) -> float:
        t_x = min(max(T - recency, 0.0), T) if x > 0 else 0.0
        frame = pd.DataFrame({"x": [x], "t_x": [t_x], "T": [T]})
        return float(bgnbd_no_purchase(params, params["horizon_days"], frame)[0])

    typ = params["typical"]
    base = prob(x, T, recency)
    effects = {
        "timing": base - prob(x, T, min(float(row["typical_gap_days"]), T)),
        "frequency": base - prob(float(round(typ["x"])), T, recency),
        "tenure": base - prob(x, max(typ["T"], recency), recency),
    }
    return base, effects


def churn_drivers(
    params: dict[str, Any] | None, row: Mapping[str, Any], limit: int = 3
) -> list[dict[str, Any]]:
    """The factors that move one customer's churn probability most, strongest first.

    Parameters
    ----------
    params : dict or None
        The snapshot's ``churn_model_params``; None (the lifecycle rule scored churn) gives [].
    row : mapping
        The customer's snapshot row (``PROFILE_COLUMNS``).

    Returns
    -------
    list of dict
        ``factor`` (timing, frequency, tenure, order_value, spend, returns), ``direction`` ("up" or
        "down"), ``effect`` (probability points, signed) and the customer's figures behind it.
    """
    if not params:
        return []
    if params["kind"] == CLASSIFIER:
        _, effects, features, typical = _classifier_effects(params, row)
    elif params["kind"] == BASELINE:
        _, effects = _bgnbd_effects(params, row)
        features, typical = pd.Series({"spend_pace": 0.0, "returns_share": 0.0}), {}
    else:
        return []
    ranked = sorted(effects.items(), key=lambda kv: -abs(kv[1]))
    return [
        {
            "factor": factor,
            "direction": "up" if effect > 0 else "down",
            "effect": round(effect, 3),
            **_facts(factor, row, features, typical),
        }
        for factor, effect in ranked[:limit]
        if abs(effect) >= MIN_EFFECT
    ]
