"""The churn classifier: calibrated logistic regression on the churn features."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from custseg.models.churn.features import FEATURES
from custseg.models.churn.logistic import fit_logistic, standardise, stratified_folds

CLASSIFIER = "classifier"


class ChurnClassifier:
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
        # Each Newton step multiplies a (rows × 9) matrix: too little work per call to share, so a
        # second BLAS thread only fights the first for the cores. One thread gives the same figures.
        with threadpool_limits(limits=1, user_api="blas"):
            return self._fit(X, y)

    def _regression(
        self, values: np.ndarray, y: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """Standardisation and L2 logistic regression on the standardised rows."""
        mean, scale = standardise(values)
        coef, intercept = fit_logistic((values - mean) / scale, y, self.C)
        return mean, scale, coef, intercept

    def _fit(self, X: pd.DataFrame, y: np.ndarray) -> ChurnClassifier:
        all_values = X[list(FEATURES)].to_numpy(dtype="float64")
        all_y = np.asarray(y, dtype=np.int8)

        def decision(
            fitted: tuple[np.ndarray, np.ndarray, np.ndarray, float], rows: np.ndarray
        ) -> np.ndarray:
            mean, scale, coef, intercept = fitted
            return ((rows - mean) / scale) @ coef + intercept

        if len(all_values) > self.max_samples:
            order = np.random.default_rng(self.random_state).permutation(len(all_values))
            fit_rows = np.sort(order[: self.max_samples])
            calibration_rows = np.sort(order[self.max_samples : 2 * self.max_samples])
            values, y = all_values[fit_rows], all_y[fit_rows]
            fitted = self._regression(values, y)
            held_out, held_y = decision(fitted, all_values[calibration_rows]), all_y[calibration_rows]
        else:
            values, y = all_values, all_y
            folds = stratified_folds(y, 5, self.random_state)
            held_out, held_y = np.empty(len(values)), y
            for fold in range(5):
                test = folds == fold
                held_out[test] = decision(self._regression(values[~test], y[~test]), values[test])
            fitted = self._regression(values, y)
        slope, offset = fit_logistic(held_out[:, None], held_y, C=1e6)
        self.mean_, self.scale_, self.coef_, self.intercept_ = fitted
        self.platt_ = (float(slope[0]), offset)
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
