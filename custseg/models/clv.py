"""Customer lifetime value over a horizon stated in months.

CLV = Σ over the months m = 1 … horizon of
      E[purchases in month m] × expected order value × margin × (1 − return share) / (1 + d)^(m/12),
with the expected purchases from the frequency model (BG/NBD), the expected order value from the
spend model (Gamma-Gamma), ``d`` the annual discount rate and each month's value discounted at
the month's end. A month is 365.25 / 12 days. ``return_share`` is the share of purchase value that
comes back as returns (0 keeps gross spend); it is how returns enter lifetime value — explicitly,
never by silently dropping them from the data.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from custseg.models.bgnbd import BetaGeoModel, check_summary, collapse

ArrayLike = Any
DAYS_PER_MONTH = 365.25 / 12


def _months_if_alive(
    model: BetaGeoModel, x: np.ndarray, T: np.ndarray, horizon_months: int, period_days: float
) -> tuple[np.ndarray, np.ndarray]:
    """Expected purchases in each of the next months of a customer still active, per distinct
    (x, T): shape (months, distinct rows), and each customer's row. P(alive) does not change from
    month to month, so a customer's months are these times their P(alive)."""
    (ux, uT), _, inverse = collapse(x, T)
    ends = np.arange(horizon_months + 1) * DAYS_PER_MONTH / period_days
    cumulative = np.vstack([np.zeros_like(ux), model.expected_purchases_if_alive(ends[1:], ux, uT)])
    # Cumulative expectations can dip by rounding in the last digits; months never go negative.
    return np.maximum(np.diff(cumulative, axis=0), 0.0), inverse


def expected_purchases_by_month(
    model: BetaGeoModel,
    x: ArrayLike,
    t_x: ArrayLike,
    T: ArrayLike,
    horizon_months: int,
    period_days: float = 1.0,
) -> np.ndarray:
    """Expected purchases in each of the next ``horizon_months`` months, shape (customers, months).

    ``t_x`` and ``T`` are in periods of ``period_days`` days, as the model was fitted. Customers
    alike in (x, T) share the computation.
    """
    x, t_x, T = check_summary(x, t_x, T)
    months, inverse = _months_if_alive(model, x, T, horizon_months, period_days)
    return months.T[inverse] * model.probability_alive(x, t_x, T)[:, None]


def lifetime_value(
    model: BetaGeoModel,
    x: ArrayLike,
    t_x: ArrayLike,
    T: ArrayLike,
    expected_order_value: ArrayLike,
    horizon_months: int = 12,
    period_days: float = 1.0,
    margin: float = 1.0,
    annual_discount_rate: float = 0.1,
    return_share: float = 0.0,
) -> np.ndarray:
    """Discounted lifetime value of each customer over the next ``horizon_months`` months.

    Parameters
    ----------
    model : BetaGeoModel
        Fitted frequency model, in periods of ``period_days`` days.
    x, t_x, T : arrays
        The customers' summary (periods).
    expected_order_value : array of float
        Currency units per purchase, e.g. ``GammaGammaModel.conditional_expected_value``.
    horizon_months : int
        How far ahead, in months.
    margin : float
        Share of an order's value that is profit (1 = value in revenue terms).
    annual_discount_rate : float
        e.g. 0.1 for 10 % a year.
    return_share : float
        Share of purchase value returned, in [0, 1).

    Returns
    -------
    ndarray of float
        Currency units.
    """
    if horizon_months < 1:
        raise ValueError("the horizon must be at least one month")
    if not 0 <= return_share < 1:
        raise ValueError("return_share must be in [0, 1)")
    discount = (1.0 + annual_discount_rate) ** (-np.arange(1, horizon_months + 1) / 12.0)
    value = np.asarray(expected_order_value, dtype="float64") * margin * (1.0 - return_share)
    x, t_x, T = check_summary(x, t_x, T)
    # The discounted months are summed per distinct (x, T) and multiplied by P(alive) once: no
    # (customers × months) matrix, a quarter of the time on a million customers.
    months, inverse = _months_if_alive(model, x, T, horizon_months, period_days)
    return (discount @ months)[inverse] * model.probability_alive(x, t_x, T) * value
