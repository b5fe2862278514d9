"""Churn model: leakage-free features, correct labels, honest holdout figures, fallback on small books."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from config import Settings
from custseg.ingest.aggregate import aggregate_frame
from custseg.ingest.readers import read_order_file
from custseg.models.churn.baseline import BASELINE
from custseg.models.churn.classifier import CLASSIFIER
from custseg.models.churn.evaluation import evaluate_churn
from custseg.models.churn.features import churn_features, churn_labels, default_horizon, profile_at
from custseg.models.churn.history import OrderHistory
from custseg.models.churn.scoring import score_churn
from tests.helpers.data import CDNOW_MASTER, RETAIL, need, orders_frame

DAY = dt.date(2024, 6, 30)


def synthetic_book(n: int, seed: int = 1, days: int = 730) -> pd.DataFrame:
    """Customers who buy at their own Poisson rhythm until they quietly leave (exponential lifetime)."""
    rng = np.random.default_rng(seed)
    start = dt.datetime(2023, 1, 1)
    rows = []
    for i in range(n):
        gap = rng.uniform(5, 45)
        t = rng.uniform(0, days / 3)
        leaves = t + rng.exponential(250)
        value = rng.lognormal(4, 0.5)
        while t < min(leaves, days):
            rows.append(
                (f"C{i:04d}", start + dt.timedelta(days=float(t)), round(value * rng.uniform(0.7, 1.3), 2))
            )
            t += rng.exponential(gap)
    frame = pd.DataFrame(rows, columns=["customer_id", "ordered_at", "amount"])
    frame["ordered_at"] = frame["ordered_at"].astype("datetime64[ns]")
    return frame


@pytest.fixture(scope="module")
def book() -> pd.DataFrame:
    return synthetic_book(1500)


@pytest.fixture(scope="module")
def cdnow():
    orders = read_order_file(need(CDNOW_MASTER), "cdnow").orders
    return evaluate_churn(OrderHistory.from_orders(orders), dt.date(1998, 6, 30), Settings())[0]


@pytest.fixture(scope="module")
def retail():
    orders = read_order_file(need(RETAIL), "online_retail").orders
    return evaluate_churn(OrderHistory.from_orders(orders), dt.date(2011, 12, 9), Settings())[0]


def test_features_at_a_cutoff_ignore_every_later_order():
    orders = orders_frame(
        [
            ("1", "A", "2024-01-05", 100.0),
            ("2", "A", "2024-02-05", 120.0),
            ("3", "A", "2024-03-01", -20.0),
            ("4", "B", "2024-02-20", 50.0),
        ]
    )
    later = orders_frame(
        [
            ("6", "A", "2024-03-02 00:00", 500.0),  # the first moment after the cutoff day
            ("7", "B", "2024-05-01 00:00", -50.0),
            ("8", "C", "2024-04-01 00:00", 10.0),
        ]
    )
    settings = Settings()
    cutoff = dt.date(2024, 3, 1)

    def features(frame: pd.DataFrame) -> pd.DataFrame:
        history = OrderHistory.from_orders(frame)
        return churn_features(profile_at(history.aggregates(cutoff), cutoff, settings.lifecycle))

    before = features(orders)
    after = features(pd.concat([orders, later], ignore_index=True))
    pd.testing.assert_frame_equal(before, after)
    assert list(before.index) == ["A", "B"]  # C had not bought yet
    assert before.loc["A", "recency"] == pytest.approx(np.log1p(25))  # 2024-02-05 → 2024-03-01
    assert before.loc["A", "returns_share"] == pytest.approx(20 / 220)  # returned 20 of 220 bought


def test_label_is_no_purchase_in_the_following_h_days():
    orders = orders_frame(
        [
            ("1", "stays", "2024-01-10", 10.0),
            ("2", "stays", "2024-03-31", 10.0),  # the last day of the window counts
            ("3", "leaves", "2024-01-20", 10.0),
            ("4", "leaves", "2024-02-10", -10.0),  # a return is not an order
            ("5", "late", "2024-01-05", 10.0),
            ("6", "late", "2024-04-01", 10.0),  # one day after the window
            ("7", "same_day", "2024-01-31", 10.0),  # on the cutoff day itself: before the window
        ]
    )
    cutoff, horizon = dt.date(2024, 1, 31), 60
    later = OrderHistory.from_orders(orders).aggregates(cutoff + dt.timedelta(days=horizon))
    ids = pd.Index(["stays", "leaves", "late", "same_day", "never_seen"])
    assert churn_labels(later, cutoff, ids).tolist() == [0, 1, 1, 1, 1]


def test_horizon_is_two_usual_gaps_clipped(book):
    settings = Settings()
    profile = profile_at(OrderHistory.from_orders(book).aggregates(DAY), DAY, settings.lifecycle)
    gaps = profile.loc[profile["frequency"] >= 3, "typical_gap_days"]
    assert default_horizon(profile, 720, settings) == round(2 * gaps.median())
    assert default_horizon(profile, 720, Settings(churn={"horizon_days": 45})) == 45
    assert default_horizon(profile, 720, Settings(churn={"max_horizon_days": 30})) == 30
    assert default_horizon(profile, 60, settings) == 20  # a third of a short history


def test_classifier_learns_churn_and_matches_or_beats_bgnbd_on_a_synthetic_book(book):
    evaluation, _ = evaluate_churn(OrderHistory.from_orders(book), DAY, Settings())
    assert evaluation.classifier.roc_auc > 0.75
    assert evaluation.baseline is not None
    assert evaluation.classifier.roc_auc >= evaluation.baseline.roc_auc - 0.01
    assert evaluation.train_cutoff < evaluation.holdout_cutoff < DAY
    assert (evaluation.holdout_cutoff - evaluation.train_cutoff).days == evaluation.horizon_days


def test_cdnow_holdout_figures_are_in_sane_ranges(cdnow):
    c = cdnow.classifier
    assert cdnow.horizon_days == 155  # 2 × the median gap of 77.5 days between purchase days
    assert cdnow.chosen == CLASSIFIER
    assert 0.78 < c.roc_auc < 0.86
    assert 0.10 < c.brier < 0.14
    assert 0.75 < c.churn_rate < 0.85  # most CDNOW customers never come back
    assert c.precision > 0.85 and c.recall > 0.75
    assert c.error_rate == pytest.approx(1 - c.precision)
    assert c.missing_ratio == pytest.approx(1 - c.recall)
    assert cdnow.baseline is not None and cdnow.classifier.roc_auc > cdnow.baseline.roc_auc
    rel = c.reliability
    assert len(rel) == 10 and rel["customers"].sum() == c.n
    # Calibrated: each decile's mean prediction is within 10 points of what happened, and risk rises.
    assert (rel["mean_predicted"] - rel["observed"]).abs().max() < 0.1
    assert rel["observed"].is_monotonic_increasing or rel["observed"].diff().min() > -0.02


def test_online_retail_keeps_the_better_calibrated_model_when_the_ranking_ties(retail):
    assert retail.baseline is not None
    assert abs(retail.classifier.roc_auc - retail.baseline.roc_auc) < 0.01
    assert retail.classifier.brier < retail.baseline.brier
    assert retail.chosen == CLASSIFIER
    assert 0.70 < retail.classifier.roc_auc < 0.80
    assert retail.chosen != BASELINE


def test_scores_are_calibrated_probabilities_in_configured_bands(book):
    settings = Settings(churn={"high": 0.6, "medium": 0.3})
    scores = score_churn(OrderHistory.from_orders(book), DAY, settings)
    assert scores.frame is not None
    p, band = scores.frame["churn_probability"], scores.frame["churn_risk"]
    assert p.between(0, 1).all()
    assert (band[p >= 0.6] == "high").all()
    assert (band[(p >= 0.3) & (p < 0.6)] == "medium").all()
    assert (band[p < 0.3] == "low").all()
    notes = scores.notes
    assert notes["churn_horizon_days"] == notes["churn_model"]["horizon_days"]
    assert notes["churn_model_params"]["kind"] == notes["churn_model"]["model"]
    assert 0.75 < notes["churn_model"]["holdout"]["roc_auc"] <= 1


def test_on_a_book_that_buys_the_bgnbd_way_the_baseline_is_kept_when_it_is_as_good(book):
    """The synthetic customers buy at Poisson rates until they leave: BG/NBD's own story. The
    classifier ranks about as well, and the choice goes to the better-calibrated of the two."""
    evaluation, _ = evaluate_churn(OrderHistory.from_orders(book), DAY, Settings())
    assert evaluation.baseline is not None
    c, b = evaluation.classifier, evaluation.baseline
    assert abs(c.roc_auc - b.roc_auc) < 0.01
    assert evaluation.chosen == (CLASSIFIER if c.brier <= b.brier else BASELINE)


def test_a_small_book_keeps_the_lifecycle_rule_and_says_why():
    small = synthetic_book(60, seed=3)
    scores = score_churn(OrderHistory.from_orders(small), DAY, Settings())
    assert scores.frame is None
    assert scores.notes["churn_model"] is None
    assert "too few customers to learn churn from" in scores.notes["churn_risk_basis"]
    assert "needs at least 90 of each" in scores.notes["churn_risk_basis"]


@pytest.mark.parametrize("categorical", [False, True])
def test_a_large_book_is_trained_on_a_sample_and_every_customer_is_scored(book, categorical):
    orders = book.assign(customer_id=book["customer_id"].astype("category")) if categorical else book
    full = score_churn(OrderHistory.from_orders(orders), DAY, Settings())
    history = OrderHistory.from_orders(orders, max_customers=1000)
    assert history.sampled == (1000, 1500)
    sampled = score_churn(history, DAY, Settings(), aggregate_frame(orders, DAY))
    assert sampled.frame is not None and full.frame is not None
    assert sampled.frame.index.equals(full.frame.index), "every buyer is scored, not only the sample"
    assert (
        sampled.notes["churn_model"]["sample"] == "trained and checked on a random 1,000 of 1,500 customers"
    )
    assert full.notes["churn_model"]["sample"] is None
    # The sample tells the same story: the same customers come out at risk, nearly always.
    agree = (sampled.frame["churn_risk"] == full.frame["churn_risk"]).mean()
    assert agree > 0.9
    assert (
        abs(
            sampled.notes["churn_model"]["holdout"]["roc_auc"]
            - full.notes["churn_model"]["holdout"]["roc_auc"]
        )
        < 0.05
    )
