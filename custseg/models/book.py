"""The models applied to a whole book in a snapshot: per-customer forecasts, or a plain "no".

Works on the snapshot's per-customer aggregates (``custseg.aggregate``), in days:
x = purchase days − 1, t_x = days from the first to the last purchase, T = days from the first
purchase to the as-of date. The spend model uses the mean gross value of *all* purchase days of a
repeat buyer (purchase value = net revenue + returns, spread over ``purchase_days``), because the
aggregation is one GROUP BY in the source database and never sees single orders; the literature's
repeat-only spend (``custseg.models.summary``) is what the CDNOW reproduction tests use.
Returns enter lifetime value as the book's share of purchase value returned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from config.settings import ModelSettings
from custseg.errors import ModelError
from custseg.models.bgnbd import BetaGeoModel
from custseg.models.clv import lifetime_value
from custseg.models.gamma_gamma import GammaGammaModel

PREDICTIVE_COLUMNS = ("p_alive", "expected_purchases", "expected_next_order", "expected_order_value", "clv")


@dataclass
class BookForecast:
    """Per-customer forecasts and what the reader should know about them.

    Attributes
    ----------
    frame : DataFrame
        ``PREDICTIVE_COLUMNS`` by customer id. ``p_alive`` is NaN for customers without a repeat
        purchase (BG/NBD cannot judge them); ``expected_next_order`` (datetime64[D]) is NaT when
        the next order is not more likely than not within the horizon; everything is NaN when the
        models do not apply to the book.
    fitted : bool
        The frequency model was fitted; ``clv_fitted``: lifetime value is available too.
    notes : dict
        Model, parameters, thresholds and units, or why there are no models (``message``).
    """

    frame: pd.DataFrame
    fitted: bool = False
    clv_fitted: bool = False
    notes: dict[str, Any] = field(default_factory=dict)


def _empty(index: pd.Index) -> pd.DataFrame:
    frame = pd.DataFrame({c: np.full(len(index), np.nan) for c in PREDICTIVE_COLUMNS}, index=index)
    frame["expected_next_order"] = np.full(len(index), np.datetime64("NaT"), dtype="datetime64[D]")
    return frame


def forecast_book(summary: pd.DataFrame, as_of: dt.date, settings: ModelSettings) -> BookForecast:
    """Fit BG/NBD and Gamma-Gamma on a book and forecast every customer.

    Parameters
    ----------
    summary : DataFrame
        Buyers' aggregates with ``first_order``, ``last_order`` (datetime64), ``purchase_days``,
        ``revenue``, ``returns`` (currency units).
    settings : ModelSettings
        Horizon (months), forecast window (days), margin, discount rate, small-book threshold.

    Returns
    -------
    BookForecast
        Never raises for a book the models cannot describe: the notes say why and the columns are empty.
    """
    out = _empty(summary.index)
    units = {
        "time_unit": "days",
        "horizon_months": settings.horizon_months,
        "forecast_days": settings.forecast_days,
        "margin": settings.margin,
        "annual_discount_rate": settings.annual_discount_rate,
        "min_repeat_customers": settings.min_repeat_customers,
    }
    if not settings.enabled:
        return BookForecast(
            out, notes={**units, "message": "The predictive models are switched off in the settings."}
        )
    day = np.datetime64(as_of, "D")
    first = summary["first_order"].to_numpy().astype("datetime64[D]")
    last = summary["last_order"].to_numpy().astype("datetime64[D]")
    x = np.maximum(summary["purchase_days"].to_numpy(dtype="float64") - 1, 0)
    t_x = (last - first).astype("float64")
    T = (day - first).astype("float64")
    repeaters = int((x > 0).sum())
    if repeaters < settings.min_repeat_customers:
        return BookForecast(
            out,
            notes={
                **units,
                "repeat_customers": repeaters,
                "message": (
                    f"Only {repeaters} customer{'s' if repeaters != 1 else ''} bought on more than one day; the "
                    f"models need at least {settings.min_repeat_customers}, so probability alive and lifetime "
                    "value are not estimated and dormant / high value use the rules."
                ),
            },
        )
    try:
        bg = BetaGeoModel().fit(x, t_x, T)
    except ModelError as err:
        return BookForecast(out, notes={**units, "repeat_customers": repeaters, "message": str(err)})

    p_alive = bg.probability_alive(x, t_x, T)
    out["p_alive"] = np.where(x > 0, p_alive, np.nan)
    out["expected_purchases"] = bg.expected_purchases(float(settings.forecast_days), x, t_x, T)
    horizon_days = settings.horizon_months * 365.25 / 12
    wait = bg.time_to_next_purchase(x, t_x, T)
    soon = (x > 0) & np.isfinite(wait) & (wait <= horizon_days)
    out["expected_next_order"] = np.where(
        soon,
        day + np.ceil(np.where(soon, wait, 0)).astype("int64").astype("timedelta64[D]"),
        np.datetime64("NaT"),
    ).astype("datetime64[D]")
    notes: dict[str, Any] = {
        **units,
        "frequency_model": "BG/NBD",
        "frequency_params": {k: round(v, 6) for k, v in bg.params_.items()},
        "repeat_customers": repeaters,
    }

    gross = summary["revenue"].to_numpy(dtype="float64") + summary["returns"].to_numpy(dtype="float64")
    days_bought = summary["purchase_days"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_spend = np.where(days_bought > 0, gross / days_bought, 0.0)
    try:
        gg = GammaGammaModel().fit(days_bought, np.where(x > 0, mean_spend, 0.0))
    except ModelError as err:
        notes["message"] = (
            f"{err} Probability alive and expected purchases are estimated; lifetime value is not."
        )
        return BookForecast(out, fitted=True, notes=notes)
    value = gg.conditional_expected_value(np.where(x > 0, days_bought, 0.0), mean_spend)
    total_gross = float(gross.sum())
    return_share = (
        min(max(float(summary["returns"].sum()) / total_gross, 0.0), 0.99) if total_gross > 0 else 0.0
    )
    out["expected_order_value"] = value
    out["clv"] = lifetime_value(
        bg,
        x,
        t_x,
        T,
        value,
        horizon_months=settings.horizon_months,
        period_days=1.0,
        margin=settings.margin,
        annual_discount_rate=settings.annual_discount_rate,
        return_share=return_share,
    )
    notes.update(
        {
            "spend_model": "Gamma-Gamma",
            "spend_params": {k: round(v, 6) for k, v in gg.params_.items()},
            "return_share": round(return_share, 4),
            "frequency_spend_correlation": round(gg.frequency_monetary_corr_, 3),
        }
    )
    if gg.independence_warning_:
        notes["independence_warning"] = gg.independence_warning_
    return BookForecast(out, fitted=True, clv_fitted=True, notes=notes)
