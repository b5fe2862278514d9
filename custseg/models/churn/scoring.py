"""Churn scores for the snapshot: the chosen model refitted on the latest window, every customer
scored, and the sentence that says what the figures describe."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from config.sections import ChurnSettings
from config.settings import Settings
from custseg.errors import ModelError
from custseg.models.churn.baseline import BgNbdChurn, bgnbd_inputs
from custseg.models.churn.classifier import CLASSIFIER, ChurnClassifier
from custseg.models.churn.evaluation import MODEL_LABEL, ChurnEvaluation, HoldoutMetrics, evaluate_churn
from custseg.models.churn.features import churn_features, profile_at
from custseg.models.churn.history import OrderHistory


@dataclass
class ChurnScores:
    """Churn probability and band per customer, or the reason there are none.

    Attributes
    ----------
    frame : DataFrame or None
        Indexed by customer id: ``churn_probability`` (chance of no purchase in the next
        ``horizon_days`` days, calibrated) and ``churn_risk`` (high / medium / low). None when the
        book is too small: the snapshot keeps the lifecycle rule (``RISK_BY_STAGE``).
    notes : dict
        For the snapshot notes: the basis, the chosen model and its holdout figures, H, and the
        model's parameters (``churn_model_params``) for per-customer explanations.
    """

    frame: pd.DataFrame | None
    notes: dict[str, Any] = field(default_factory=dict)


RULE_BASIS = "lifecycle rule (days since last order vs the customer's own rhythm)"


def risk_bands(probability: np.ndarray, settings: ChurnSettings) -> np.ndarray:
    """high when ≥ ``settings.high``, medium when ≥ ``settings.medium``, else low."""
    return np.select(
        [probability >= settings.high, probability >= settings.medium], ["high", "medium"], "low"
    )


def score_churn(
    history: OrderHistory,
    as_of: dt.date,
    settings: Settings,
    current: pd.DataFrame | None = None,
    now: pd.DataFrame | None = None,
) -> ChurnScores:
    """Choose the churn model on a time-split holdout and score every customer as of ``as_of``.

    ``current`` (the aggregates as of ``as_of``) and ``now`` (their ``profile_at``) are computed
    when not given; the snapshot computes the same profile, so it can hand its own over.

    The chosen model is refitted on the most recent labelled window (cutoff ``as_of − H``, labels
    up to ``as_of``) before scoring, so the scores use all the history; the recorded figures are
    those of the holdout, where the model had not seen the labels.
    """
    current = history.aggregates(as_of) if current is None else current
    now = profile_at(current, as_of, settings.lifecycle) if now is None else now
    try:
        evaluation, recent = evaluate_churn(history, as_of, settings, current, now)
    except ModelError as err:
        return ChurnScores(
            None,
            {
                "churn_risk_basis": f"{RULE_BASIS}; no churn model: {err}",
                "churn_model": None,
            },
        )
    H = evaluation.horizon_days
    model: ChurnClassifier | BgNbdChurn
    if evaluation.chosen == CLASSIFIER:
        model = ChurnClassifier(random_state=settings.churn.random_state).fit(recent.features, recent.labels)
        probability = model.predict_proba(churn_features(now))[:, 1]
    else:
        summary = bgnbd_inputs(current, as_of, now.index)
        model = BgNbdChurn(H, random_state=settings.churn.random_state).fit(summary)
        probability = model.predict_proba(summary)
    m = evaluation.chosen_metrics
    frame = pd.DataFrame(
        {"churn_probability": probability.round(4), "churn_risk": risk_bands(probability, settings.churn)},
        index=now.index,
    )
    flagged_now = float((probability >= settings.churn.high).mean())
    scoring = {
        "model": evaluation.chosen,
        "fitted_on": (
            f"cutoff {evaluation.holdout_cutoff}, labels from the {H} days after it"
            if evaluation.chosen == CLASSIFIER
            else f"the purchase history up to {as_of}"
        ),
        "window_churn_rate": round(float(recent.labels.mean()), 4),
        "flagged_share": round(flagged_now, 4),
        "mean_probability": round(float(probability.mean()), 4),
        "threshold": settings.churn.high,
    }
    notes = {
        "churn_risk_basis": scoring_sentence(
            evaluation, m, flagged_now, float(recent.labels.mean()), settings
        ),
        "churn_model": evaluation.summary(),
        "churn_scoring": scoring,
        "churn_horizon_days": H,
        "churn_model_params": model.to_params(),
    }
    return ChurnScores(frame, notes)


def scoring_sentence(
    evaluation: ChurnEvaluation,
    tested: HoldoutMetrics,
    flagged_now: float,
    window_churn_rate: float,
    settings: Settings,
) -> str:
    """What the churn figures shown describe, in one paragraph: first the model that scores now (a
    refit, whose own accuracy is not known yet), then the holdout test of the same method one
    window earlier, named as such."""
    H, high = evaluation.horizon_days, settings.churn.high
    if evaluation.chosen == CLASSIFIER:
        refit = (
            f"refitted on the latest {H} days of known outcomes (customers as of {evaluation.holdout_cutoff}, "
            f"{100 * window_churn_rate:.0f} % of whom then ordered nothing)"
        )
    else:
        refit = f"refitted on the purchase history up to {evaluation.as_of}"
    text = (
        f"{MODEL_LABEL[evaluation.chosen]}, {refit}; it flags {100 * flagged_now:.1f} % of customers as high "
        f"risk (p ≥ {high:g}). How well this fit does shows only {H} days from now."
    )
    if tested.precision != tested.precision:
        return text
    text += (
        f" The same method trained one window earlier (cutoff {evaluation.train_cutoff}) and tested on the "
        f"holdout after {evaluation.holdout_cutoff} flagged {100 * tested.flagged_share:.0f} % as high risk, "
        f"found {100 * tested.recall:.0f} % of the customers who stopped ordering, and {100 * tested.precision:.0f} % "
        "of those it flagged did stop"
    )
    other = evaluation.baseline if evaluation.chosen == CLASSIFIER else evaluation.classifier
    if other is not None and evaluation.recency_only_auc is not None:
        text += (
            f"; it ranked customers with ROC-AUC {tested.roc_auc:.3f}, against {other.roc_auc:.3f} for the other "
            f"model and {evaluation.recency_only_auc:.3f} for days since the last order alone"
        )
    return text + "."
