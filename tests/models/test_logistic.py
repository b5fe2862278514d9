"""The churn model's logistic regression and its figures (custseg.models.churn.logistic), checked
against what they must equal by definition, not against another library."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from custseg.models.churn.logistic import brier, fit_logistic, roc_auc, stratified_folds


def _simulated(n: int, coef: np.ndarray, intercept: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, len(coef)))
    p = 1 / (1 + np.exp(-(X @ coef + intercept)))
    return X, (rng.random(n) < p).astype(np.int8)


def test_the_regression_recovers_the_coefficients_that_made_the_labels():
    truth = np.array([1.5, -0.8, 0.0, 0.4])
    X, y = _simulated(200_000, truth, -0.5)
    coef, intercept = fit_logistic(X, y, C=1e6)
    assert coef == pytest.approx(truth, abs=0.03)
    assert intercept == pytest.approx(-0.5, abs=0.03)


def test_the_fit_is_the_optimum_of_the_penalised_likelihood():
    X, y = _simulated(2_000, np.array([2.0, -1.0]), 0.3, seed=1)
    C = 0.05
    coef, intercept = fit_logistic(X, y, C=C)
    beta = np.r_[coef, intercept]
    design = np.column_stack([X, np.ones(len(X))])
    p = 1 / (1 + np.exp(-(design @ beta)))
    # The gradient of 0.5·|coef|² + C·Σ log-loss vanishes there (the intercept is not penalised).
    gradient = C * design.T @ (p - y) + np.r_[coef, 0.0]
    assert np.abs(gradient).max() < 1e-8
    # A stronger penalty pulls the coefficients towards zero.
    weaker, _ = fit_logistic(X, y, C=10.0)
    assert np.abs(coef).sum() < np.abs(weaker).sum()


def test_nearly_separable_labels_still_converge_to_finite_coefficients():
    X = np.linspace(-3, 3, 400)[:, None]
    y = (X[:, 0] > 0).astype(np.int8)
    y[[10, 390]] = 1 - y[[10, 390]]  # two exceptions keep the optimum finite
    coef, intercept = fit_logistic(X, y, C=1e6)
    assert np.isfinite(coef).all() and np.isfinite(intercept) and coef[0] > 1


def test_roc_auc_is_the_share_of_positive_negative_pairs_ranked_right_ties_half():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 60)
    score = rng.integers(0, 6, 60).astype(float)  # many ties
    pairs = [
        1.0 if score[i] > score[j] else 0.5 if score[i] == score[j] else 0.0
        for i, j in itertools.product(np.flatnonzero(y == 1), np.flatnonzero(y == 0))
    ]
    assert roc_auc(y, score) == pytest.approx(np.mean(pairs), abs=1e-12)
    assert np.isnan(roc_auc(np.ones(5), np.arange(5.0)))


def test_brier_and_folds():
    assert brier(np.array([1, 0, 1]), np.array([0.8, 0.1, 0.4])) == pytest.approx((0.04 + 0.01 + 0.36) / 3)
    y = np.r_[np.ones(103, dtype=int), np.zeros(497, dtype=int)]
    folds = stratified_folds(y, 5, random_state=0)
    assert sorted(np.unique(folds)) == [0, 1, 2, 3, 4]
    for fold in range(5):
        assert abs(int(y[folds == fold].sum()) - 103 / 5) <= 1  # every fold has its share of churners
    assert (stratified_folds(y, 5, random_state=0) == folds).all()
