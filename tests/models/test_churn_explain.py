"""Per-customer churn explanations name the factor that really moves the risk, in plain words."""

from __future__ import annotations

import pytest

from bot.handlers.one_customer import churn_driver_sentences
from config import Settings
from custseg.models.churn.baseline import BgNbdChurn, bgnbd_inputs
from custseg.models.churn.classifier import ChurnClassifier
from custseg.models.churn.evaluation import evaluate_churn
from custseg.models.churn.history import OrderHistory
from custseg.models.explain import churn_drivers
from tests.models.test_churn import DAY, synthetic_book

# A customer who ordered every 12 days for a year, then went quiet for 41 days.
OVERDUE = {
    "recency_days": 41,
    "frequency": 30,
    "tenure_days": 389,
    "typical_gap_days": 12.0,
    "overdue_ratio": 41 / 12,
    "avg_order_value": 55.0,
    "revenue": 1650.0,
    "returns": 0.0,
    "revenue_90d": 330.0,
    "trend_90d": -0.1,
}


@pytest.fixture(scope="module")
def recent_window():
    _, window = evaluate_churn(OrderHistory.from_orders(synthetic_book(1500)), DAY, Settings())
    return window


@pytest.fixture(scope="module")
def classifier_params(recent_window):
    return ChurnClassifier().fit(recent_window.features, recent_window.labels).to_params()


def test_an_overdue_customer_is_explained_by_the_days_since_the_last_order(classifier_params):
    drivers = churn_drivers(classifier_params, OVERDUE)
    assert drivers[0]["factor"] == "timing" and drivers[0]["direction"] == "up"
    assert drivers[0]["recency_days"] == 41 and drivers[0]["typical_gap_days"] == 12.0
    assert drivers[0]["effect"] > 0.05
    sentences = churn_driver_sentences(drivers, "$")
    assert sentences[0].startswith("Pushing the risk up: 41 days since the last order vs. a usual 12 days")


def test_the_same_customer_on_time_has_timing_holding_the_risk_down(classifier_params):
    on_time = {**OVERDUE, "recency_days": 4, "overdue_ratio": 4 / 12}
    timing = next(d for d in churn_drivers(classifier_params, on_time, limit=6) if d["factor"] == "timing")
    assert timing["direction"] == "down"


def test_a_falling_spend_is_worded_with_its_size():
    drivers = [{"factor": "spend", "direction": "up", "effect": 0.1, "trend_90d": -0.35, "spend_pace": 0.6}]
    assert churn_driver_sentences(drivers, "$") == [
        "Pushing the risk up: spend in the last 90 days down 35 % on the 90 days before."
    ]


def test_bgnbd_explanations_use_the_same_yardstick(recent_window):
    summary = bgnbd_inputs(recent_window.aggregates, recent_window.cutoff, recent_window.profile.index)
    params = BgNbdChurn(60).fit(summary).to_params()
    drivers = churn_drivers(params, OVERDUE)
    assert drivers[0]["factor"] in ("timing", "frequency")
    timing = next(d for d in churn_drivers(params, OVERDUE, limit=3) if d["factor"] == "timing")
    assert timing["direction"] == "up"


def test_no_model_no_drivers():
    assert churn_drivers(None, OVERDUE) == []
