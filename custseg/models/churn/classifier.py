"""The churn classifier: calibrated logistic regression on the churn features."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from custseg.models.churn.features import FEATURES

CLASSIFIER = "classifier"


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
        # Each regression multiplies a (rows × 8) matrix a few hundred times: too little work per
        # call to share, so a second BLAS thread only fights the first for the cores (2.5× slower
        # on the 5-fold path of a 100k-customer book on 2 cores). One thread gives the same figures.
        with threadpool_limits(limits=1, user_api="blas"):
            return self._fit(X, y)

    def _fit(self, X: pd.DataFrame, y: np.ndarray) -> ChurnClassifier:
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
