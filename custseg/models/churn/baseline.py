"""The BG/NBD baseline the churn classifier is checked against: P(no purchase in the next H days)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from custseg.errors import ModelError
from custseg.models.bgnbd import BetaGeoModel

BGNBD_PENALIZER = 1e-3
BASELINE = "bgnbd"


def bgnbd_inputs(aggregates: pd.DataFrame, day: dt.date, customers: pd.Index) -> pd.DataFrame:
    """x, t_x, T (days) as of ``day`` for ``customers``, from their aggregates.

    The same definitions as ``custseg.models.summary.rfm_summary``: purchases on one calendar day
    are one occasion (x = purchase days − 1), and times are between calendar days.
    """
    a = aggregates.reindex(customers)
    end = np.datetime64(day, "D")
    first = a["first_order"].to_numpy().astype("datetime64[D]")
    last = a["last_order"].to_numpy().astype("datetime64[D]")
    x = a["purchase_days"].to_numpy(dtype="float64") - 1
    t_x = np.where(x > 0, (last - first).astype("float64"), 0.0)
    return pd.DataFrame({"x": x, "t_x": t_x, "T": (end - first).astype("float64")}, index=customers)


class BgNbdChurn:
    """The BG/NBD baseline: probability of no purchase in the next ``horizon_days``.

    In BG/NBD a customer drops out only right after a purchase, so a customer alive now makes no
    purchase in the next H days with probability ((α + T) / (α + T + H))^(r + x) (the posterior
    Poisson rate has no event). Hence P(no purchase) = 1 − P(alive) · (1 − that). Plain
    1 − P(alive) is 0 for every one-time buyer and is reported alongside for reference.

    Attributes
    ----------
    model_ : BetaGeoModel
    penalizer_ : float
        0 for the maximum-likelihood fit; ``BGNBD_PENALIZER`` when that sat on a parameter bound.
    typical_ : dict
        Median x and T (days): the reference for explanations.
    """

    def __init__(self, horizon_days: int, max_samples: int = 200_000, random_state: int = 0):
        self.horizon_days = horizon_days
        self.max_samples = max_samples
        self.random_state = random_state

    def fit(self, summary: pd.DataFrame) -> BgNbdChurn:
        if len(summary) > self.max_samples:
            # Four parameters are pinned down by a 200k-customer sample as well as by the whole book.
            rows = np.random.default_rng(self.random_state).choice(
                len(summary), self.max_samples, replace=False
            )
            summary = summary.iloc[np.sort(rows)]
        try:
            self.model_ = BetaGeoModel().fit(summary["x"], summary["t_x"], summary["T"])
            self.penalizer_ = 0.0
        except ModelError:
            # A maximum on a parameter bound (typically a → 0: no visible drop-out) is what the L2
            # penalty lifetimes recommends for is for; the note says the baseline was penalised.
            self.model_ = BetaGeoModel(penalizer=BGNBD_PENALIZER).fit(
                summary["x"], summary["t_x"], summary["T"]
            )
            self.penalizer_ = BGNBD_PENALIZER
        self.typical_ = {"x": float(summary["x"].median()), "T": float(summary["T"].median())}
        return self

    def predict_proba(self, summary: pd.DataFrame) -> np.ndarray:
        """P(no purchase in the horizon) per row of an (x, t_x, T) summary (days)."""
        return bgnbd_no_purchase(self.model_.params_, self.horizon_days, summary)

    def one_minus_alive(self, summary: pd.DataFrame) -> np.ndarray:
        return 1.0 - self.model_.probability_alive(summary["x"], summary["t_x"], summary["T"])

    def to_params(self) -> dict[str, Any]:
        return {
            "kind": BASELINE,
            **{k: round(v, 6) for k, v in self.model_.params_.items()},
            "penalizer": self.penalizer_,
            "horizon_days": self.horizon_days,
            "typical": self.typical_,
        }


def bgnbd_no_purchase(params: dict[str, float], horizon_days: float, summary: pd.DataFrame) -> np.ndarray:
    """P(no purchase in the next ``horizon_days``) under BG/NBD with ``params`` (r, alpha, a, b; days)."""
    model = BetaGeoModel()
    model.params_ = {k: float(params[k]) for k in ("r", "alpha", "a", "b")}
    x, t_x, T = (summary[c].to_numpy(dtype="float64") for c in ("x", "t_x", "T"))
    alive = model.probability_alive(x, t_x, T)
    r, alpha = model.params_["r"], model.params_["alpha"]
    quiet = np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + horizon_days)))
    return 1.0 - alive * (1.0 - quiet)
