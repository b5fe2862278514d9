"""Churn risk: a calibrated classifier trained on time-split history, checked against BG/NBD.

The question is the one an account manager asks: *will this customer order nothing in the next
H days?* Everything is measured in whole days.

- **Features** are taken as of a cutoff day from the per-customer aggregates of the orders up to the
  end of that day only (``aggregate_frame`` / ``aggregate_sql`` cut there), so nothing that happened
  later can leak in: days since the last purchase, purchases, tenure, the customer's own typical gap
  and how overdue they are against it (the lifecycle rule's yardstick), average order value, spend
  pace of the last 90 days, the 90-day revenue trend and the share of value returned.
- **Label** for a cutoff ``c``: 1 when the customer makes no purchase in ``(c, c + H]`` (returns
  are not purchases).
- **Horizon H**: ``[churn] horizon_days`` if set; otherwise ``horizon_gaps`` (2) × the median
  typical gap of customers with a rhythm of their own (≥ ``min_orders_for_rhythm`` purchases), the
  same "two usual gaps missed" that makes a customer *declining* in the lifecycle rule, clipped to
  ``[min_horizon_days, max_horizon_days]`` and to a third of the history so a training window fits.
- **Time split**: train on cutoff ``c1 = as_of − 2H`` with labels from ``(c1, c1 + H]``; evaluate
  on the later cutoff ``c2 = as_of − H`` with labels from ``(c2, as_of]``, which the training never
  saw. The classifier is compared there with the BG/NBD baseline fitted on the history up to ``c2``;
  the better one (higher ROC-AUC; within ``AUC_TIE`` the lower Brier score) is refitted on the most
  recent labelled window (cutoff ``c2``) and scores every customer as of ``as_of``.
- **Too small**: the classifier needs ``min_events_per_feature`` (10, the usual events-per-variable
  rule for logistic regression) churners *and* as many non-churners per feature in the training
  window, and 30 of each in the holdout; otherwise the snapshot keeps the lifecycle rule and says why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from config.settings import ChurnSettings, LifecycleSettings, Settings
from custseg.errors import ModelError
from custseg.lifecycle import Lifecycle, purchase_days
from custseg.snapshot import derive

# Aggregates (``aggregate_frame`` columns) of the orders up to the end of a given day.
History = Callable[[dt.date], pd.DataFrame]

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
# Two ROC-AUCs closer than this are a tie (the standard error of an AUC on a few thousand customers
# is about 0.01); the tie goes to the better-calibrated model (lower Brier score).
AUC_TIE = 0.01
MIN_HOLDOUT_PER_CLASS = 30
BGNBD_PENALIZER = 1e-3
CLASSIFIER = "classifier"
BASELINE = "bgnbd"
MODEL_LABEL = {
    CLASSIFIER: "logistic regression on order-history features, Platt-calibrated",
    BASELINE: "BG/NBD: chance of no purchase in the horizon (1 − P(alive), plus alive but quiet)",
}


# Customers a past window is computed for, at most (2 × the classifier's training sample: one half
# fits the regression, the other calibrates it).
MAX_HISTORY_CUSTOMERS = 400_000


# --------------------------------------------------------------------------------------------------
# Features and labels
# --------------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------------
class ChurnClassifier(ClassifierMixin, BaseEstimator):
    """Logistic regression on standardised churn features, Platt-calibrated on unseen customers.

    The calibration map is always fitted on scores of customers the regression did not see. Up to
    ``max_samples`` training rows, those are 5-fold out-of-fold scores and the final regression is
    fitted on all rows. A larger book has enough customers to set a separate random sample aside:
    the regression is fitted on ``max_samples`` customers and the map on up to ``max_samples``
    others, which needs one fit instead of six.
    The fitted model is a handful of numbers (``to_params``), stored with the snapshot so a
    customer's explanation can be recomputed later from their snapshot row.

    Parameters
    ----------
    C : float
        Inverse L2 regularisation strength of the regression.
    max_samples : int
        Fit on a random sample of at most this many customers (a million-customer book gains no
        accuracy from more, and the nightly snapshot has a time budget); calibrate on at most as
        many others.
    random_state : int
        Seed for the sample and the folds.

    Attributes
    ----------
    mean_, scale_ : ndarray
        Standardisation of each feature.
    coef_ : ndarray
        Regression coefficients on the standardised features (log-odds of churn per SD).
    intercept_ : float
    platt_ : tuple of float
        ``(slope, offset)``: churn probability = 1 / (1 + exp(−(slope · score + offset))).
    typical_ : ndarray
        Median of each feature in the training rows: the reference "typical customer".
    low_, high_ : ndarray
        Range of each feature in the training rows; inputs are clipped to it when scoring.
    n_train_ : int
    """

    def __init__(self, C: float = 1.0, max_samples: int = 200_000, random_state: int = 0):
        self.C = C
        self.max_samples = max_samples
        self.random_state = random_state

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> ChurnClassifier:
        all_values = X[list(FEATURES)].to_numpy(dtype="float64")
        all_y = np.asarray(y, dtype=np.int8)
        pipe = make_pipeline(StandardScaler(), LogisticRegression(C=self.C, max_iter=1000))
        if len(all_values) > self.max_samples:
            order = np.random.default_rng(self.random_state).permutation(len(all_values))
            fit_rows = np.sort(order[: self.max_samples])
            calibration_rows = np.sort(order[self.max_samples : 2 * self.max_samples])
            values, y = all_values[fit_rows], all_y[fit_rows]
            pipe.fit(values, y)
            held_out = pipe.decision_function(all_values[calibration_rows])
            platt = LogisticRegression(C=1e6).fit(held_out[:, None], all_y[calibration_rows])
        else:
            values, y = all_values, all_y
            folds = StratifiedKFold(5, shuffle=True, random_state=self.random_state)
            oof = cross_val_predict(pipe, values, y, cv=folds, method="decision_function")
            platt = LogisticRegression(C=1e6).fit(oof[:, None], y)
            pipe.fit(values, y)
        scaler, reg = pipe[0], pipe[-1]
        self.mean_ = scaler.mean_.copy()
        self.scale_ = scaler.scale_.copy()
        self.coef_ = reg.coef_[0].copy()
        self.intercept_ = float(reg.intercept_[0])
        self.platt_ = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))
        self.typical_ = np.median(values, axis=0)
        self.low_, self.high_ = values.min(axis=0), values.max(axis=0)
        self.classes_ = np.array([0, 1])
        self.n_train_ = len(values)
        return self

    def score_logit(self, X: pd.DataFrame | np.ndarray) -> np.ndarray:
        """Calibrated log-odds of churn."""
        values = X[list(FEATURES)].to_numpy(dtype="float64") if isinstance(X, pd.DataFrame) else X
        # No extrapolation: a cohort book scored later has tenures beyond any seen in training.
        values = np.clip(values, self.low_, self.high_)
        raw = ((values - self.mean_) / self.scale_) @ self.coef_ + self.intercept_
        slope, offset = self.platt_
        return slope * raw + offset

    def predict_proba(self, X: pd.DataFrame | np.ndarray) -> np.ndarray:
        """Columns: P(orders in the horizon), P(no order in the horizon)."""
        p = 1.0 / (1.0 + np.exp(-self.score_logit(X)))
        return np.column_stack([1.0 - p, p])

    def to_params(self) -> dict[str, Any]:
        """The fitted model as JSON-friendly numbers (stored in the snapshot notes)."""
        return {
            "kind": CLASSIFIER,
            "features": list(FEATURES),
            "mean": [round(float(v), 6) for v in self.mean_],
            "scale": [round(float(v), 6) for v in self.scale_],
            "coef": [round(float(v), 6) for v in self.coef_],
            "intercept": round(self.intercept_, 6),
            "platt": [round(v, 6) for v in self.platt_],
            "typical": [round(float(v), 6) for v in self.typical_],
            "low": [round(float(v), 6) for v in self.low_],
            "high": [round(float(v), 6) for v in self.high_],
        }

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> ChurnClassifier:
        """The model ``to_params`` described (for explanations on a stored snapshot)."""
        model = cls()
        model.mean_ = np.asarray(params["mean"], dtype="float64")
        model.scale_ = np.asarray(params["scale"], dtype="float64")
        model.coef_ = np.asarray(params["coef"], dtype="float64")
        model.intercept_ = float(params["intercept"])
        model.platt_ = (float(params["platt"][0]), float(params["platt"][1]))
        model.typical_ = np.asarray(params["typical"], dtype="float64")
        model.low_ = np.asarray(params["low"], dtype="float64")
        model.high_ = np.asarray(params["high"], dtype="float64")
        model.classes_ = np.array([0, 1])
        model.n_train_ = 0
        return model


@dataclass
class OrderHistory:
    """How to see the book as of any past day, without looking past it.

    Attributes
    ----------
    aggregates : callable
        Day → per-customer aggregates of the orders up to the end of that day
        (``custseg.aggregate``), from memory or computed inside the database alike.
    sampled : tuple of int, optional
        (customers kept, customers in the book) when the history covers a random sample only.
    """

    aggregates: History
    sampled: tuple[int, int] | None = None

    @classmethod
    def from_orders(
        cls,
        orders: pd.DataFrame,
        window_days: int = 90,
        max_customers: int = MAX_HISTORY_CUSTOMERS,
        random_state: int = 0,
    ) -> OrderHistory:
        """The history of an order frame held in memory (``customer_id``, ``ordered_at``, ``amount``).

        A book of more than ``max_customers`` customers is seen through a random sample of that
        many (fixed seed): the model is trained and checked on them, and every customer is scored.
        Past windows then cost a fraction of a full pass over the orders, and the classifier and its
        holdout figures gain nothing measurable from more customers.
        """
        from custseg.aggregate import aggregate_frame

        ids = orders["customer_id"]
        if isinstance(ids.dtype, pd.CategoricalDtype):
            codes, k = ids.cat.codes.to_numpy(), len(ids.cat.categories)
        else:
            codes, uniques = pd.factorize(ids, sort=False)
            k = len(uniques)
        if k <= max_customers:
            return cls(aggregates=lambda day: aggregate_frame(orders, day, window_days))
        keep = np.zeros(k, dtype=bool)
        keep[np.random.default_rng(random_state).choice(k, max_customers, replace=False)] = True
        sample = orders[keep[codes]]
        if isinstance(sample["customer_id"].dtype, pd.CategoricalDtype):
            sample = sample.assign(customer_id=sample["customer_id"].cat.remove_unused_categories())
        return cls(
            aggregates=lambda day: aggregate_frame(sample, day, window_days),
            sampled=(max_customers, k),
        )


def bgnbd_inputs(aggregates: pd.DataFrame, day: dt.date, customers: pd.Index) -> pd.DataFrame:
    """x, t_x, T (days) as of ``day`` for ``customers``, from their aggregates.

    The same definitions as ``custseg.models.summary.rfm_summary``: purchases on one calendar day
    are one occasion (x = purchase days − 1), and times are between calendar days.
    """
    a = aggregates.reindex(customers)
    end = np.datetime64(day, "D")
    first = a["first_order"].to_numpy().astype("datetime64[D]")
    last = a["last_order"].to_numpy().astype("datetime64[D]")
    x = a["purchase_days"].to_numpy(dtype="float64") - 1
    t_x = np.where(x > 0, (last - first).astype("float64"), 0.0)
    return pd.DataFrame({"x": x, "t_x": t_x, "T": (end - first).astype("float64")}, index=customers)


class BgNbdChurn:
    """The BG/NBD baseline: probability of no purchase in the next ``horizon_days``.

    In BG/NBD a customer drops out only right after a purchase, so a customer alive now makes no
    purchase in the next H days with probability ((α + T) / (α + T + H))^(r + x) (the posterior
    Poisson rate has no event). Hence P(no purchase) = 1 − P(alive) · (1 − that). Plain
    1 − P(alive) is 0 for every one-time buyer and is reported alongside for reference.

    Attributes
    ----------
    model_ : BetaGeoModel
    penalizer_ : float
        0 for the maximum-likelihood fit; ``BGNBD_PENALIZER`` when that sat on a parameter bound.
    typical_ : dict
        Median x and T (days): the reference for explanations.
    """

    def __init__(self, horizon_days: int, max_samples: int = 200_000, random_state: int = 0):
        self.horizon_days = horizon_days
        self.max_samples = max_samples
        self.random_state = random_state

    def fit(self, summary: pd.DataFrame) -> BgNbdChurn:
        from custseg.models.bgnbd import BetaGeoModel

        if len(summary) > self.max_samples:
            # Four parameters are pinned down by a 200k-customer sample as well as by the whole book.
            rows = np.random.default_rng(self.random_state).choice(
                len(summary), self.max_samples, replace=False
            )
            summary = summary.iloc[np.sort(rows)]
        try:
            self.model_ = BetaGeoModel().fit(summary["x"], summary["t_x"], summary["T"])
            self.penalizer_ = 0.0
        except ModelError:
            # A maximum on a parameter bound (typically a → 0: no visible drop-out) is what the L2
            # penalty lifetimes recommends for is for; the note says the baseline was penalised.
            self.model_ = BetaGeoModel(penalizer=BGNBD_PENALIZER).fit(
                summary["x"], summary["t_x"], summary["T"]
            )
            self.penalizer_ = BGNBD_PENALIZER
        self.typical_ = {"x": float(summary["x"].median()), "T": float(summary["T"].median())}
        return self

    def predict_proba(self, summary: pd.DataFrame) -> np.ndarray:
        """P(no purchase in the horizon) per row of an (x, t_x, T) summary (days)."""
        return bgnbd_no_purchase(self.model_.params_, self.horizon_days, summary)

    def one_minus_alive(self, summary: pd.DataFrame) -> np.ndarray:
        return 1.0 - self.model_.probability_alive(summary["x"], summary["t_x"], summary["T"])

    def to_params(self) -> dict[str, Any]:
        return {
            "kind": BASELINE,
            **{k: round(v, 6) for k, v in self.model_.params_.items()},
            "penalizer": self.penalizer_,
            "horizon_days": self.horizon_days,
            "typical": self.typical_,
        }


def bgnbd_no_purchase(params: dict[str, float], horizon_days: float, summary: pd.DataFrame) -> np.ndarray:
    """P(no purchase in the next ``horizon_days``) under BG/NBD with ``params`` (r, alpha, a, b; days)."""
    from custseg.models.bgnbd import BetaGeoModel

    model = BetaGeoModel()
    model.params_ = {k: float(params[k]) for k in ("r", "alpha", "a", "b")}
    x, t_x, T = (summary[c].to_numpy(dtype="float64") for c in ("x", "t_x", "T"))
    alive = model.probability_alive(x, t_x, T)
    r, alpha = model.params_["r"], model.params_["alpha"]
    quiet = np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + horizon_days)))
    return 1.0 - alive * (1.0 - quiet)


# --------------------------------------------------------------------------------------------------
# Holdout evaluation
# --------------------------------------------------------------------------------------------------
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
        roc_auc=float(roc_auc_score(y, p)),
        brier=float(brier_score_loss(y, p)),
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


def _window(history: OrderHistory, cutoff: dt.date, later: pd.DataFrame, settings: Settings) -> _Window:
    agg = history.aggregates(cutoff)
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
    holdout = _window(history, holdout_cut, current, settings)
    train = _window(history, train_cut, holdout.aggregates, settings)
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
        alive_auc = float(roc_auc_score(holdout.labels, base.one_minus_alive(summary)))
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
        recency_only_auc=float(roc_auc_score(holdout.labels, holdout.profile["recency_days"].to_numpy())),
    )
    return evaluation, holdout


# --------------------------------------------------------------------------------------------------
# Scoring for the snapshot
# --------------------------------------------------------------------------------------------------
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
) -> ChurnScores:
    """Choose the churn model on a time-split holdout and score every customer as of ``as_of``.

    The chosen model is refitted on the most recent labelled window (cutoff ``as_of − H``, labels
    up to ``as_of``) before scoring, so the scores use all the history; the recorded figures are
    those of the holdout, where the model had not seen the labels.
    """
    current = history.aggregates(as_of) if current is None else current
    now = profile_at(current, as_of, settings.lifecycle)
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
