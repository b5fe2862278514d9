"""The models applied to a whole book in a snapshot: per-customer forecasts, or a plain "no".

Works on the snapshot's per-customer aggregates (``custseg.ingest.aggregate``), in days:
x = purchase days − 1, t_x = days from the first to the last purchase, T = days from the first
purchase to the as-of date. The spend model uses the mean *net* value of all purchase days of a
repeat buyer (net revenue, returns included, spread over ``purchase_days``; 0 when they returned
as much as they bought), because the aggregation is one GROUP BY in the source database and never
sees single orders; the literature's repeat-only spend (``custseg.models.summary``) is what the
CDNOW reproduction tests use. Returns are netted where they happened, per customer: a customer who
ordered, cancelled and re-ordered the same £4k is worth one £4k purchase, not two (UCI Online Retail
12536 was valued at £18.7k on £4.1k of revenue with gross spend and the book's return share).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from config.sections import ModelSettings
from custseg.errors import ModelError
from custseg.models.bgnbd import MIN_DROPOUT_GAIN, BetaGeoModel, dropout_gain
from custseg.models.clv import lifetime_value
from custseg.models.gamma_gamma import GammaGammaModel
from custseg.models.rhythm import RHYTHM_LABEL, rhythm_lifetime_value, rhythm_pace, rhythm_share

NETTED = "netted per customer: the spend model sees each customer's net revenue per purchase day"
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


def forecast_book(
    summary: pd.DataFrame,
    as_of: dt.date,
    settings: ModelSettings,
    rhythm: pd.DataFrame | None = None,
    lost_after: float = 7.5,
) -> BookForecast:
    """Fit BG/NBD and Gamma-Gamma on a book and forecast every customer.

    When BG/NBD cannot be fitted, or fits but its drop-out is not identified (``dropout_gain``
    below ``MIN_DROPOUT_GAIN``: the data look the same whether or not anyone ever stops), there is
    no probability alive; expected purchases and lifetime value are then the rhythm-based estimate
    of ``custseg.models.rhythm`` (``notes["clv_basis"] == "rhythm"``), and the notes say why in
    plain words (``message``).

    Parameters
    ----------
    summary : DataFrame
        Buyers' aggregates with ``first_order``, ``last_order`` (datetime64), ``purchase_days``,
        ``revenue``, ``returns`` (currency units), and ``tenure_days`` for the rhythm estimate.
    settings : ModelSettings
        Horizon (months), forecast window (days), margin, discount rate, small-book threshold.
    rhythm : DataFrame, optional
        ``typical_gap_days`` and ``overdue_ratio`` per customer (``Lifecycle.predict``), for the
        rhythm-based fallback; without it there is no fallback and the columns stay empty.
    lost_after : float
        The lifecycle rule's "lost" threshold (multiples of the typical gap): the rhythm estimate
        counts on nothing from a customer that far past their rhythm.

    Returns
    -------
    BookForecast
        Never raises for a book the models cannot describe: the notes say why and the columns are
        empty or rhythm-based.
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
    kept = np.maximum(summary["revenue"].to_numpy(dtype="float64"), 0.0)
    days_bought = summary["purchase_days"].to_numpy(dtype="float64")
    try:
        bg = BetaGeoModel().fit(x, t_x, T)
        gain = dropout_gain(bg, x, t_x, T)
    except ModelError as err:
        why = f"{err} Probability alive is not estimated."
        return _rhythm_fallback(
            summary, out, day, units, repeaters, why, rhythm, lost_after, kept, days_bought, x
        )
    if gain < MIN_DROPOUT_GAIN:
        why = (
            "The order history cannot show when customers stop buying: a purchase model in which nobody "
            f"ever stops fits it as well as BG/NBD (log-likelihood better by only {gain:.2f}; at least "
            f"{MIN_DROPOUT_GAIN:g} is needed), so BG/NBD's probability alive would say nearly everyone is "
            "still active however long they have been silent. Probability alive is not estimated."
        )
        return _rhythm_fallback(
            summary,
            out,
            day,
            units,
            repeaters,
            why,
            rhythm,
            lost_after,
            kept,
            days_bought,
            x,
            rejected={k: round(v, 6) for k, v in bg.params_.items()},
            gain=gain,
        )

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
        "dropout_gain": round(gain, 2),
        "clv_basis": "model",
    }
    try:
        gg, mean_spend = _fit_spend(days_bought, kept, x)
    except ModelError as err:
        notes["message"] = (
            f"{err} Probability alive and expected purchases are estimated; lifetime value is not."
        )
        return BookForecast(out, fitted=True, notes=notes)
    value = gg.conditional_expected_value(np.where(x > 0, days_bought, 0.0), mean_spend)
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
        return_share=0.0,
    )
    notes.update(_spend_notes(gg))
    return BookForecast(out, fitted=True, clv_fitted=True, notes=notes)


def _rhythm_fallback(
    summary: pd.DataFrame,
    out: pd.DataFrame,
    day: np.datetime64,
    units: dict[str, Any],
    repeaters: int,
    why: str,
    rhythm: pd.DataFrame | None,
    lost_after: float,
    kept: np.ndarray,
    days_bought: np.ndarray,
    x: np.ndarray,
    rejected: dict[str, float] | None = None,
    gain: float | None = None,
) -> BookForecast:
    """Expected purchases and lifetime value from each customer's own rhythm, when BG/NBD cannot
    support them (see ``custseg.models.rhythm``). The spend model still gives the order value."""
    notes: dict[str, Any] = {**units, "repeat_customers": repeaters}
    if rejected is not None:
        notes["bgnbd_params_rejected"] = rejected
    if gain is not None:
        notes["dropout_gain"] = round(gain, 2)
    if rhythm is None:
        notes["message"] = f"{why} Lifetime value is not estimated."
        return BookForecast(out, notes=notes)
    gap = rhythm["typical_gap_days"].to_numpy(dtype="float64")
    ratio = rhythm["overdue_ratio"].to_numpy(dtype="float64")
    tenure = summary["tenure_days"].to_numpy(dtype="float64")
    pace = rhythm_pace(days_bought, tenure, gap)
    still = rhythm_share(ratio, lost_after)
    forecast_days = float(units["forecast_days"])
    out["expected_purchases"] = forecast_days * pace * still
    last = summary["last_order"].to_numpy().astype("datetime64[D]")
    # Due on rhythm: the usual gap after the last order, for repeat buyers not yet past it.
    due = (x > 0) & (ratio < 1.0)
    wait = np.ceil(np.where(due, gap, 0)).astype("int64").astype("timedelta64[D]")
    out["expected_next_order"] = np.where(due, np.maximum(last + wait, day + 1), np.datetime64("NaT")).astype(
        "datetime64[D]"
    )
    notes["frequency_model"] = "rhythm rule"
    try:
        gg, mean_spend = _fit_spend(days_bought, kept, x)
    except ModelError as err:
        notes["message"] = (
            f"{why} {err} Expected purchases follow the customer's rhythm; lifetime value is not estimated."
        )
        return BookForecast(out, notes=notes)
    value = gg.conditional_expected_value(np.where(x > 0, days_bought, 0.0), mean_spend)
    out["expected_order_value"] = value
    out["clv"] = rhythm_lifetime_value(
        pace,
        still,
        value,
        horizon_months=int(units["horizon_months"]),
        margin=float(units["margin"]),
        annual_discount_rate=float(units["annual_discount_rate"]),
        return_share=0.0,
    )
    notes.update({"clv_basis": "rhythm", "message": f"{why} {RHYTHM_LABEL.format(lost_after=lost_after)}"})
    notes.update(_spend_notes(gg))
    return BookForecast(out, clv_fitted=True, notes=notes)


def _fit_spend(
    days_bought: np.ndarray, kept: np.ndarray, x: np.ndarray
) -> tuple[GammaGammaModel, np.ndarray]:
    """Gamma-Gamma on each repeat buyer's mean net spend per purchase day (raises ModelError).

    Returns the fitted model and the mean spend per purchase day (0 where nothing was bought)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_spend = np.where(days_bought > 0, kept / days_bought, 0.0)
    return GammaGammaModel().fit(days_bought, np.where(x > 0, mean_spend, 0.0)), mean_spend


def _spend_notes(gg: GammaGammaModel) -> dict[str, Any]:
    """What the snapshot notes say about the fitted spend model (both CLV bases use it)."""
    notes: dict[str, Any] = {
        "spend_model": "Gamma-Gamma",
        "spend_params": {k: round(v, 6) for k, v in gg.params_.items()},
        "returns": NETTED,
        "frequency_spend_correlation": round(gg.frequency_monetary_corr_, 3),
    }
    if gg.independence_warning_:
        notes["independence_warning"] = gg.independence_warning_
    return notes
