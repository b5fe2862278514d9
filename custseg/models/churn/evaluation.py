"""The time-split check behind the churn model choice: train on one cutoff, test on the next,
compare the classifier with the BG/NBD baseline (whole days; cutoffs are inclusive)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from config.sections import ChurnSettings
from config.settings import Settings
from custseg.errors import ModelError
from custseg.models.churn.baseline import BASELINE, BgNbdChurn, bgnbd_inputs
from custseg.models.churn.classifier import CLASSIFIER, ChurnClassifier
from custseg.models.churn.features import FEATURES, churn_features, churn_labels, default_horizon, profile_at
from custseg.models.churn.history import OrderHistory
from custseg.models.churn.logistic import brier, roc_auc

# Two ROC-AUCs closer than this are a tie (the standard error of an AUC on a few thousand customers
# is about 0.01); the tie goes to the better-calibrated model (lower Brier score).
AUC_TIE = 0.01
MIN_HOLDOUT_PER_CLASS = 30
MODEL_LABEL = {
    CLASSIFIER: "logistic regression on order-history features, Platt-calibrated",
    BASELINE: "BG/NBD: chance of no purchase in the horizon (1 − P(alive), plus alive but quiet)",
}


@dataclass
class HoldoutMetrics:
    """How one model did on the later holdout window.

    ``precision`` / ``recall`` / ``error_rate`` (1 − precision: flagged customers who did order) /
    ``missing_ratio`` (1 − recall: real churners not flagged) are for flagging customers whose
    probability is at least ``threshold`` (the high-risk band). ``reliability`` has one row per
    decile of predicted probability: customers, mean predicted, share that really churned.
    """

    model: str
    n: int
    churn_rate: float
    threshold: float
    roc_auc: float
    brier: float
    precision: float
    recall: float
    error_rate: float
    missing_ratio: float
    flagged_share: float
    reliability: pd.DataFrame

    def summary(self) -> dict[str, Any]:
        """The figures as rounded plain numbers (for snapshot notes and JSON)."""
        keys = ("roc_auc", "brier", "precision", "recall", "error_rate", "missing_ratio", "flagged_share")
        out: dict[str, Any] = {
            "model": self.model,
            "customers": self.n,
            "churn_rate": round(self.churn_rate, 4),
        }
        out.update(
            {k: None if np.isnan(getattr(self, k)) else round(float(getattr(self, k)), 4) for k in keys}
        )
        out["threshold"] = self.threshold
        return out


def holdout_metrics(y: np.ndarray, p: np.ndarray, threshold: float, model: str) -> HoldoutMetrics:
    """Metrics of churn probabilities ``p`` against labels ``y`` (1 = no order in the horizon)."""
    y = np.asarray(y, dtype=np.int8)
    p = np.asarray(p, dtype="float64")
    flagged = p >= threshold
    hits = int((flagged & (y == 1)).sum())
    precision = hits / flagged.sum() if flagged.any() else float("nan")
    recall = hits / (y == 1).sum() if (y == 1).any() else float("nan")
    ranks = pd.Series(p).rank(method="first").to_numpy()
    decile = np.minimum((ranks - 1) * 10 // len(p), 9).astype(int) + 1
    table = (
        pd.DataFrame({"decile": decile, "p": p, "y": y})
        .groupby("decile")
        .agg(customers=("y", "size"), mean_predicted=("p", "mean"), observed=("y", "mean"))
        .reset_index()
    )
    return HoldoutMetrics(
        model=model,
        n=len(y),
        churn_rate=float(y.mean()),
        threshold=threshold,
        roc_auc=roc_auc(y, p),
        brier=brier(y, p),
        precision=float(precision),
        recall=float(recall),
        error_rate=float(1 - precision),
        missing_ratio=float(1 - recall),
        flagged_share=float(flagged.mean()),
        reliability=table,
    )


def better(a: HoldoutMetrics, b: HoldoutMetrics | None) -> bool:
    """Whether ``a`` beats ``b``: higher ROC-AUC; within ``AUC_TIE`` a lower Brier score."""
    if b is None:
        return True
    if abs(a.roc_auc - b.roc_auc) >= AUC_TIE:
        return a.roc_auc > b.roc_auc
    return a.brier <= b.brier


@dataclass
class ChurnEvaluation:
    """The time-split comparison behind a churn model choice (days; cutoffs are inclusive)."""

    as_of: dt.date
    horizon_days: int
    train_cutoff: dt.date
    holdout_cutoff: dt.date
    n_train: int
    train_churn_rate: float
    classifier: HoldoutMetrics
    baseline: HoldoutMetrics | None
    baseline_note: str | None
    alive_only_auc: float | None
    chosen: str
    sampled: tuple[int, int] | None = None  # (customers used, customers in the book)
    recency_only_auc: float | None = None  # ranking by days since the last order alone, on the holdout

    @property
    def chosen_metrics(self) -> HoldoutMetrics:
        if self.chosen == BASELINE and self.baseline is not None:
            return self.baseline
        return self.classifier

    def summary(self) -> dict[str, Any]:
        """What the snapshot notes record about the choice."""
        return {
            "model": self.chosen,
            "model_label": MODEL_LABEL[self.chosen],
            "horizon_days": self.horizon_days,
            "train_cutoff": str(self.train_cutoff),
            "holdout_cutoff": str(self.holdout_cutoff),
            "choice_rule": f"higher holdout ROC-AUC; within {AUC_TIE} the lower Brier score",
            "sample": None
            if self.sampled is None
            else f"trained and checked on a random {self.sampled[0]:,} of {self.sampled[1]:,} customers",
            "holdout": self.chosen_metrics.summary(),
            "other": (self.baseline if self.chosen == CLASSIFIER else self.classifier).summary()
            if self.baseline is not None
            else None,
            "baseline_note": self.baseline_note,
            "recency_only_auc": None if self.recency_only_auc is None else round(self.recency_only_auc, 4),
        }


@dataclass
class _Window:
    cutoff: dt.date
    profile: pd.DataFrame
    features: pd.DataFrame
    labels: np.ndarray
    aggregates: pd.DataFrame


def _window(agg: pd.DataFrame, cutoff: dt.date, later: pd.DataFrame, settings: Settings) -> _Window:
    profile = profile_at(agg, cutoff, settings.lifecycle)
    return _Window(cutoff, profile, churn_features(profile), churn_labels(later, cutoff, profile.index), agg)


def _too_small(settings: ChurnSettings, train: _Window, holdout: _Window) -> str | None:
    """Why the book cannot train an honest model, or None."""
    need = settings.min_events_per_feature * len(FEATURES)
    for what, window, least in (("training", train, need), ("holdout", holdout, MIN_HOLDOUT_PER_CLASS)):
        churned = int(window.labels.sum())
        stayed = len(window.labels) - churned
        if min(churned, stayed) < least:
            return (
                f"too few customers to learn churn from: the {what} window (cutoff {window.cutoff}) has "
                f"{churned:,} customers who stopped ordering and {stayed:,} who ordered again; the model "
                f"needs at least {least:,} of each"
            )
    return None


def evaluate_churn(
    history: OrderHistory,
    as_of: dt.date,
    settings: Settings,
    current: pd.DataFrame | None = None,
    now: pd.DataFrame | None = None,
) -> tuple[ChurnEvaluation, _Window]:
    """Train on the earlier cutoff, compare with BG/NBD on the later one, choose.

    Parameters
    ----------
    current : DataFrame, optional
        The aggregates as of ``as_of`` if already computed (they give the holdout labels).
    now : DataFrame, optional
        ``profile_at(current, as_of, …)`` if already computed.

    Returns
    -------
    (evaluation, the holdout window: the most recent labelled data, for the final refit)

    Raises
    ------
    ModelError
        When the history is too short or the book too small to train (the message says which).
    """
    current = history.aggregates(as_of) if current is None else current
    now = profile_at(current, as_of, settings.lifecycle) if now is None else now
    if now.empty:
        raise ModelError("there are no purchases to learn churn from")
    span = int(
        (np.datetime64(as_of, "D") - now["first_order"].to_numpy().astype("datetime64[D]").min()).astype(int)
    )
    horizon = default_horizon(now, span, settings)
    holdout_cut = as_of - dt.timedelta(days=horizon)
    train_cut = holdout_cut - dt.timedelta(days=horizon)
    past = history.at([holdout_cut, train_cut])
    holdout = _window(past[holdout_cut], holdout_cut, current, settings)
    train = _window(past[train_cut], train_cut, holdout.aggregates, settings)
    reason = _too_small(settings.churn, train, holdout)
    if reason:
        raise ModelError(reason)

    high = settings.churn.high
    clf = ChurnClassifier(random_state=settings.churn.random_state).fit(train.features, train.labels)
    clf_metrics = holdout_metrics(holdout.labels, clf.predict_proba(holdout.features)[:, 1], high, CLASSIFIER)

    base_metrics: HoldoutMetrics | None = None
    base_note: str | None = None
    alive_auc: float | None = None
    try:
        summary = bgnbd_inputs(holdout.aggregates, holdout_cut, holdout.profile.index)
        base = BgNbdChurn(horizon, random_state=settings.churn.random_state).fit(summary)
        base_metrics = holdout_metrics(holdout.labels, base.predict_proba(summary), high, BASELINE)
        if base.penalizer_:
            base_note = (
                "BG/NBD's maximum-likelihood fit sat on a parameter bound here, so it was fitted with "
                f"the L2 penalty {base.penalizer_:g} (as lifetimes recommends)"
            )
        alive_auc = roc_auc(holdout.labels, base.one_minus_alive(summary))
    except ModelError as err:
        base_note = f"BG/NBD could not be fitted ({err}); the classifier is used"

    chosen = CLASSIFIER if better(clf_metrics, base_metrics) else BASELINE
    evaluation = ChurnEvaluation(
        as_of=as_of,
        horizon_days=horizon,
        train_cutoff=train_cut,
        holdout_cutoff=holdout_cut,
        n_train=len(train.labels),
        train_churn_rate=float(train.labels.mean()),
        classifier=clf_metrics,
        baseline=base_metrics,
        baseline_note=base_note,
        alive_only_auc=alive_auc,
        chosen=chosen,
        sampled=history.sampled,
        # The simplest ranking there is: what the classifier has to beat to earn its complexity.
        recency_only_auc=roc_auc(holdout.labels, holdout.profile["recency_days"].to_numpy()),
    )
    return evaluation, holdout
