"""BG/NBD, Gamma-Gamma and lifetime value: behaviour on awkward data and extreme customers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg.errors import ModelError
from custseg.models import BetaGeoModel, GammaGammaModel, rfm_summary
from custseg.models.clv import expected_purchases_by_month, lifetime_value
from tests.helpers.data import orders_frame

CDNOW_PARAMS = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def model_with(**params: float) -> BetaGeoModel:
    model = BetaGeoModel()
    model.params_ = {**CDNOW_PARAMS, **params}
    return model


def simulate(n: int, r: float, alpha: float, a: float, b: float, T: float, seed: int = 1) -> pd.DataFrame:
    """Customers drawn from the BG/NBD story itself, all observed for T periods."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    rows = []
    for i in range(n):
        t, times = 0.0, []
        while True:
            t += rng.exponential(1 / lam[i])
            if t > T:
                break
            times.append(t)
            if rng.random() < p[i]:
                break
        rows.append((len(times), times[-1] if times else 0.0))
    frame = pd.DataFrame(rows, columns=["x", "t_x"])
    frame["T"] = T
    return frame


def test_fit_recovers_the_parameters_of_simulated_customers():
    data = simulate(6000, r=0.5, alpha=8.0, a=0.8, b=2.5, T=100.0)
    model = BetaGeoModel().fit(data["x"], data["t_x"], data["T"])
    assert model.params_["r"] == pytest.approx(0.5, rel=0.15)
    assert model.params_["alpha"] == pytest.approx(8.0, rel=0.25)
    assert model.params_["a"] / (model.params_["a"] + model.params_["b"]) == pytest.approx(0.8 / 3.3, rel=0.2)


def test_weights_mean_the_same_as_repeated_rows():
    data = simulate(800, r=0.5, alpha=8.0, a=0.8, b=2.5, T=60.0, seed=3)
    plain = BetaGeoModel().fit(np.repeat(data["x"], 3), np.repeat(data["t_x"], 3), np.repeat(data["T"], 3))
    weighted = BetaGeoModel().fit(data["x"], data["t_x"], data["T"], weights=np.full(len(data), 3.0))
    for name in CDNOW_PARAMS:
        assert weighted.params_[name] == pytest.approx(plain.params_[name], rel=1e-4)
    assert weighted.log_likelihood_ == pytest.approx(plain.log_likelihood_, rel=1e-6)
    assert weighted.n_rows_ < len(data)  # identical customers were merged


def test_customers_with_hundreds_of_orders_and_very_long_tenure_fit_without_overflow():
    data = simulate(2000, r=0.5, alpha=8.0, a=0.8, b=2.5, T=100.0)
    heavy = pd.DataFrame(
        {
            "x": [300, 900, 2500, 5000],
            "t_x": [9_999.0, 40_000.0, 99_000.0, 1e6],
            "T": [10_000.0, 50_000.0, 1e5, 1e6],
        }
    )
    data = pd.concat([data, heavy], ignore_index=True)
    model = BetaGeoModel().fit(data["x"], data["t_x"], data["T"])
    assert np.isfinite(model.log_likelihood_)
    assert np.isfinite(model.expected_purchases(365, heavy["x"], heavy["t_x"], heavy["T"])).all()


@settings(max_examples=300, deadline=None)
@given(
    x=st.integers(0, 5000),
    t_share=st.floats(0, 1),
    T=st.floats(1e-3, 1e7),
    t=st.floats(0, 1e6),
    r=st.floats(0.05, 20),
    alpha=st.floats(0.1, 1e4),
    a=st.floats(0.05, 20).filter(lambda v: abs(v - 1) > 1e-3),
    b=st.floats(0.05, 50),
)
def test_predictions_are_finite_and_in_range_for_any_customer(x, t_share, T, t, r, alpha, a, b):
    model = model_with(r=r, alpha=alpha, a=a, b=b)
    t_x = 0.0 if x == 0 else t_share * T
    p = model.probability_alive(x, t_x, T)
    assert 0.0 <= p <= 1.0
    e = model.expected_purchases(np.array([t, t + 10.0]), x, t_x, T)
    assert np.isfinite(e).all()
    assert (e >= -1e-6 * (1 + e.max())).all()
    assert e[1] >= e[0] - 1e-6 * (1 + e[1])
    w = model.time_to_next_purchase(x, t_x, T)
    assert np.isnan(w) or (w >= 0 and np.isfinite(w))


def test_probability_alive_follows_the_customer_own_rhythm():
    model = model_with()
    # Same ten purchases: the one whose last order is recent is more likely alive.
    recent, stale = model.probability_alive([10, 10], [38.0, 10.0], [39.0, 39.0])
    assert recent > 0.9 > 0.1 > stale
    # BG/NBD cannot judge customers without a repeat purchase: they are "alive" by construction.
    assert model.probability_alive(0, 0, 39.0) == 1.0


def test_a_new_customer_is_a_known_customer_with_no_history():
    model = model_with()
    np.testing.assert_allclose(model.expected_purchases(10.0, 0, 0, 0), model.expected_purchases_new(10.0))


def test_time_to_next_purchase_is_missing_when_the_customer_is_probably_gone():
    model = model_with()
    soon, gone = model.time_to_next_purchase([10, 10], [38.0, 5.0], [39.0, 39.0])
    assert 0 < soon < 10
    assert np.isnan(gone)


def test_bad_summaries_are_rejected_with_a_reason():
    with pytest.raises(ValueError, match="t_x ≤ T"):
        BetaGeoModel().fit([1], [5.0], [3.0])
    with pytest.raises(ValueError, match="whole numbers"):
        BetaGeoModel().fit([1.5], [1.0], [3.0])
    with pytest.raises(ModelError, match="not fitted"):
        BetaGeoModel().probability_alive(1, 1, 2)


def test_nothing_to_learn_from_is_a_model_error_not_a_number():
    # Nobody ever came back: the purchase rate runs off to its bound, and the message says so.
    with pytest.raises(ModelError, match=r"ran to the upper edge of its range .* cannot pin it down"):
        BetaGeoModel().fit(np.zeros(50), np.zeros(50), np.linspace(1, 50, 50))


def test_summary_merges_same_day_orders_and_keeps_returns_apart():
    orders = orders_frame(
        [
            ("1", "a", "2024-01-01 09:00", 10.0),
            ("2", "a", "2024-01-01 17:00", 5.0),  # same day: one occasion worth 15
            ("3", "a", "2024-01-08 10:00", 20.0),
            ("4", "a", "2024-01-09 10:00", -20.0),  # a return: not a purchase, not a date
            ("5", "a", "2024-01-22 10:00", 40.0),
            ("6", "b", "2024-01-15 10:00", 30.0),
            ("7", "b", "2024-02-10 10:00", 12.0),  # holdout
            ("8", "c", "2024-01-20 10:00", -8.0),  # only a return: no first purchase
            ("9", "d", "2024-02-05 10:00", 9.0),  # first purchase after calibration
        ]
    )
    s = rfm_summary(orders, "2024-01-29", period="W", observation_end="2024-02-12")
    assert list(s.index) == ["a", "b"]
    a, b = s.loc["a"], s.loc["b"]
    assert (a["x"], a["t_x"], a["T"]) == (2, 3.0, 4.0)
    assert a["monetary"] == 30.0  # mean of the repeat occasions 20 and 40; the first is left out
    assert a["spend"] == 75.0 and a["returns"] == 20.0
    assert (b["x"], b["monetary"], b["x_holdout"]) == (0, 0.0, 1)
    assert s["duration_holdout"].iloc[0] == 2.0
    assert s.attrs["customers_without_purchases"] == 1


def test_gamma_gamma_warns_when_spend_depends_on_frequency():
    rng = np.random.default_rng(0)
    x = rng.integers(1, 30, 2000)
    m = 10 * x * rng.gamma(20, 1 / 20, 2000)  # frequent buyers spend more per order
    gg = GammaGammaModel().fit(x, m)
    assert gg.frequency_monetary_corr_ > 0.5
    assert "correlated" in gg.independence_warning_


def test_expected_order_value_shrinks_towards_the_population_mean():
    rng = np.random.default_rng(1)
    x = rng.integers(1, 10, 3000)
    m = rng.gamma(4, 10, 3000)
    gg = GammaGammaModel().fit(x, m)
    few, many, unknown = gg.conditional_expected_value([1, 50, 0], [200.0, 200.0, 0.0])
    assert gg.mean_order_value_ < few < many < 200.0
    assert unknown == pytest.approx(gg.mean_order_value_)
    with pytest.raises(ModelError, match="no repeat buyers"):
        GammaGammaModel().fit([0, 0], [0.0, 0.0])


def test_lifetime_value_is_discounted_purchases_times_value_times_margin():
    model = model_with()
    x, t_x, T = np.array([5, 0]), np.array([30.0, 0.0]), np.array([38.0, 38.0])
    monthly = expected_purchases_by_month(model, x, t_x, T, 12, period_days=7.0)
    assert monthly.shape == (2, 12) and (monthly >= 0).all()
    year = model.expected_purchases(365.25 / 7, x, t_x, T)
    np.testing.assert_allclose(monthly.sum(axis=1), year, rtol=1e-9)
    undiscounted = lifetime_value(
        model, x, t_x, T, [50.0, 40.0], 12, 7.0, margin=1.0, annual_discount_rate=0.0
    )
    np.testing.assert_allclose(undiscounted, year * [50.0, 40.0], rtol=1e-9)
    net = lifetime_value(
        model, x, t_x, T, [50.0, 40.0], 12, 7.0, margin=0.3, annual_discount_rate=0.1, return_share=0.1
    )
    assert (net < undiscounted * 0.3 * 0.9).all() and (net > undiscounted * 0.3 * 0.9 / 1.1).all()
