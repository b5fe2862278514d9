"""The models reproduce the published CDNOW results (../shared/data/README.md).

Calibration = weeks 1–39 (up to 1997-09-30), holdout = weeks 40–78 (to 1998-06-30), time in
weeks, same-day purchases merged into one occasion.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from custseg.models import BetaGeoModel, GammaGammaModel, rfm_summary
from tests.helpers.data import CDNOW_SAMPLE, need


@pytest.fixture(scope="module")
def summary() -> pd.DataFrame:
    orders = pd.read_csv(
        need(CDNOW_SAMPLE),
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "cds", "amount"],
        dtype={"date": str, "customer_id": str},
    )
    orders["ordered_at"] = pd.to_datetime(orders["date"], format="%Y%m%d")
    return rfm_summary(orders, "1997-09-30", period="W", observation_end="1998-06-30")


@pytest.fixture(scope="module")
def bgnbd(summary: pd.DataFrame) -> BetaGeoModel:
    return BetaGeoModel().fit(summary["x"], summary["t_x"], summary["T"])


def test_the_summary_matches_the_published_counts(summary):
    assert len(summary) == 2357
    assert summary["x"].sum() == 2457  # repeat transactions in the calibration period
    assert summary["x_holdout"].sum() == 1882
    assert (summary["x"] > 0).sum() == 946
    first = summary.loc["0001"]  # bought on 1997-01-01: T is 272 days = 38.86 weeks
    assert first["T"] == pytest.approx(38.857, abs=1e-3)
    assert summary["duration_holdout"].iloc[0] == 39.0


def test_bgnbd_parameters_and_log_likelihood_are_the_published_ones(bgnbd):
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert bgnbd.params_[name] == pytest.approx(value, rel=0.01), name
    assert bgnbd.log_likelihood_ == pytest.approx(-9582.4, abs=0.5)


def test_expected_purchases_of_a_new_customer(bgnbd):
    got = bgnbd.expected_purchases_new([1, 3, 32, 78])
    np.testing.assert_allclose(got, [0.0532, 0.1506, 1.0437, 1.8576], rtol=2e-3)


def test_conditional_expectation_of_the_published_customer(bgnbd):
    assert bgnbd.expected_purchases(39, 2, 30.43, 38.86) == pytest.approx(1.226, abs=0.002)


def test_cumulative_forecast_at_week_78_is_about_4_percent_below_the_actual(bgnbd, summary):
    # Each customer is T + 39 weeks old at week 78; the cohort's forecast is the sum of E[X(age)].
    forecast = bgnbd.expected_purchases_new(summary["T"] + 39).sum()
    assert forecast == pytest.approx(4160, rel=0.005)
    actual = summary["x"].sum() + summary["x_holdout"].sum()
    assert actual == 4339
    assert forecast / actual == pytest.approx(0.96, abs=0.01)


def test_holdout_forecast_per_customer_tracks_the_actual_total(bgnbd, summary):
    expected = bgnbd.expected_purchases(
        summary["duration_holdout"], summary["x"], summary["t_x"], summary["T"]
    )
    # The known customers' own holdout purchases; the model is a little low, as published.
    assert expected.sum() == pytest.approx(summary["x_holdout"].sum(), rel=0.15)
    assert expected.sum() < summary["x_holdout"].sum()


def test_gamma_gamma_parameters_are_the_published_ones(summary):
    repeat = summary[summary["x"] > 0]
    gg = GammaGammaModel().fit(repeat["x"], repeat["monetary"])
    assert gg.n_customers_ == 946
    for name, value in {"p": 6.25, "q": 3.74, "gamma": 15.44}.items():
        assert gg.params_[name] == pytest.approx(value, rel=0.01), name
    # Spend and frequency are nearly independent in CDNOW, so no warning.
    assert abs(gg.frequency_monetary_corr_) < 0.3
    assert gg.independence_warning_ is None
    assert gg.mean_order_value_ == pytest.approx(6.25 * 15.44 / 2.74, rel=0.02)
