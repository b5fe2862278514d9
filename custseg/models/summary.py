"""The per-customer (x, t_x, T, monetary) summary that the buy-till-you-die models are fitted on.

Definitions (as in Fader, Hardie & Lee 2005, and as ``lifetimes`` computes them):

- A *purchase* is an order with ``amount >= 0`` (free orders count). Orders with a negative amount
  are returns or cancellations: they are never purchases, never move t_x or T, and never lower the
  spend of a purchase occasion. Their value is reported separately (``returns``) so that lifetime
  value can be netted explicitly (``custseg.models.clv``); nothing is dropped silently.
- All purchases of one customer on one calendar day are one *purchase occasion*; its value is the
  sum of those purchases.
- ``x``: repeat purchase occasions in the calibration period (occasions − 1; the first is not a repeat).
- ``t_x``: time from the first to the last purchase occasion; ``T``: from the first purchase
  occasion to the end of the calibration period. Both in *periods* (days, weeks or any number of
  days), measured between calendar days.
- ``monetary``: mean value of the *repeat* occasions (currency units), 0 when x = 0. This is the
  spend the Gamma-Gamma model uses; the first purchase is left out, as in the literature.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

PERIODS = {"D": 1.0, "W": 7.0}


def period_days(period: str | float) -> float:
    """The length of a model period in days: ``"D"`` → 1, ``"W"`` → 7, or a positive number of days."""
    if isinstance(period, str):
        if period not in PERIODS:
            raise ValueError(f"period must be 'D', 'W' or a number of days, not {period!r}")
        return PERIODS[period]
    days = float(period)
    if not days > 0:
        raise ValueError(f"a period must be a positive number of days, not {period!r}")
    return days


def _day_number(value: dt.date | str | pd.Timestamp) -> int:
    return int(np.datetime64(pd.Timestamp(value).date(), "D").astype("int64"))


def rfm_summary(
    orders: pd.DataFrame,
    calibration_end: dt.date | str | pd.Timestamp,
    period: str | float = "D",
    observation_end: dt.date | str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Per-customer repeat-purchase summary for the frequency and spend models.

    Parameters
    ----------
    orders : DataFrame
        ``customer_id``, ``ordered_at`` (datetime-like), ``amount`` (currency units; negative =
        return). Amounts must be finite.
    calibration_end : date
        Last day of the calibration period (inclusive: purchases on that day count). Customers
        whose first purchase is after it are not in the summary.
    period : {"D", "W"} or float
        The time unit of ``t_x``, ``T`` and ``duration_holdout``: days, weeks, or this many days.
    observation_end : date, optional
        Last day of a holdout period after ``calibration_end`` (inclusive). When given, the
        holdout purchase occasions of the calibration customers are counted too.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id``, sorted: ``x`` (int), ``t_x``, ``T`` (periods), ``monetary``
        (mean value of repeat occasions), ``spend`` (value of all calibration purchases),
        ``returns`` (value returned in the calibration period, as a positive number); with a
        holdout also ``x_holdout`` (purchase occasions in the holdout; here the first one counts,
        the customer is already known) and ``duration_holdout`` (periods). Customers who only
        returned goods in the calibration period have no first purchase and are left out; their
        number is in ``attrs["customers_without_purchases"]``.
    """
    step = period_days(period)
    cal_end = _day_number(calibration_end)
    obs_end = cal_end if observation_end is None else _day_number(observation_end)
    if obs_end < cal_end:
        raise ValueError("observation_end must not be before calibration_end")
    day = orders["ordered_at"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype("int64")
    amount = orders["amount"].to_numpy(dtype="float64")
    if not np.isfinite(amount).all():
        raise ValueError("order amounts must be finite numbers")
    codes, uniques = pd.factorize(orders["customer_id"], sort=True)
    k = len(uniques)
    in_cal = day <= cal_end
    returned = np.bincount(
        codes[in_cal], weights=np.where(amount[in_cal] < 0, -amount[in_cal], 0.0), minlength=k
    )

    buy = (amount >= 0) & (day <= obs_end)
    c, d, v = codes[buy].astype("int64"), day[buy], amount[buy]
    d0 = int(d.min()) if len(d) else 0
    span = int(d.max()) - d0 + 1 if len(d) else 1
    # One sorted key per (customer, day): occasions come out grouped by customer, oldest first.
    key, inverse = np.unique(c * span + (d - d0), return_inverse=True)
    occ_value = np.bincount(inverse, weights=v, minlength=len(key))
    occ_code, occ_day = key // span, key % span + d0

    cal = occ_day <= cal_end
    cc, cd, cv = occ_code[cal], occ_day[cal], occ_value[cal]
    starts = np.flatnonzero(np.r_[True, cc[1:] != cc[:-1]]) if len(cc) else np.empty(0, dtype=np.int64)
    ends = np.r_[starts[1:], len(cc)] - 1 if len(cc) else starts
    who = cc[starts]
    n_occ = ends - starts + 1
    first_day, last_day = cd[starts], cd[ends]
    spend = np.add.reduceat(cv, starts) if len(cc) else np.empty(0)
    repeat_spend = spend - cv[starts]
    x = n_occ - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(x > 0, repeat_spend / np.maximum(x, 1), 0.0)
    out = pd.DataFrame(
        {
            "x": x.astype("int64"),
            "t_x": (last_day - first_day) / step,
            "T": (cal_end - first_day) / step,
            "monetary": monetary,
            "spend": spend,
            "returns": returned[who],
        },
        index=pd.Index(np.asarray(uniques)[who], name="customer_id"),
    )
    if observation_end is not None:
        hold = ~cal
        counts = np.bincount(occ_code[hold], minlength=k)
        out["x_holdout"] = counts[who].astype("int64")
        out["duration_holdout"] = (obs_end - cal_end) / step
    seen = np.zeros(k, dtype=bool)
    seen[codes[in_cal]] = True
    out.attrs["customers_without_purchases"] = int(seen.sum() - len(who))
    return out
