"""Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves").

A customer's purchase values vary around their own mean spend ζ with a Gamma(p, ν) distribution,
and ν varies across customers as Gamma(q, γ). Fitted on repeat buyers' (x, m): the number of repeat
purchase occasions and their mean value (currency units). It assumes spend is independent of
purchase frequency; ``fit`` measures that assumption and says when it looks doubtful.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import digamma, gammaln

from custseg.errors import ModelError
from custseg.models.optimize import minimize_log_params

ArrayLike = Any
LOG_BOUNDS = (np.log(1e-6), np.log(1e8))
# Only an optimum on a bound fails the spend model: q and γ running off together towards it is the
# legitimate limit "every customer has the same spend rate", whose mean order value p·γ/(q − 1) is
# finite and sensible; and γ is in currency units, large on a book in yen or rupiah.
NEAR_FACTOR = 1.0


class GammaGammaModel:
    """Gamma-Gamma model of average order value.

    Parameters
    ----------
    penalizer : float
        L2 penalty on (p, q, γ) added to the mean negative log-likelihood; 0 for plain maximum likelihood.
    strong_correlation : float
        |Pearson correlation| between frequency and mean spend from which the independence
        assumption is reported as doubtful.
    max_iter : int
        Iteration limit of the optimiser.

    Attributes
    ----------
    params_ : dict
        ``p``, ``q``, ``gamma`` (γ, currency units).
    log_likelihood_ : float
        Log-likelihood of the fitted customers at ``params_``.
    n_customers_ : int
        Repeat buyers fitted; ``n_ignored_``: rows left out (x = 0 or mean spend ≤ 0).
    frequency_monetary_corr_ : float
        Pearson correlation between x and m over the fitted customers (NaN if undefined).
    independence_warning_ : str or None
        A sentence for the reader when that correlation is strong, else None.
    mean_order_value_ : float
        Expected order value of a customer the model knows nothing about, p·γ/(q − 1).
    """

    def __init__(self, penalizer: float = 0.0, strong_correlation: float = 0.3, max_iter: int = 500):
        self.penalizer = penalizer
        self.strong_correlation = strong_correlation
        self.max_iter = max_iter

    def fit(self, x: ArrayLike, m: ArrayLike, weights: ArrayLike | None = None) -> GammaGammaModel:
        """Maximum-likelihood fit on customers with at least one repeat purchase.

        Parameters
        ----------
        x : array of int
            Repeat purchase occasions.
        m : array of float
            Mean value of those occasions (currency units). Rows with x = 0 or m ≤ 0 (e.g. only
            free repeat orders) carry no spend information and are ignored (counted in ``n_ignored_``).
        weights : array of float, optional
            How many customers each row stands for.

        Raises
        ------
        ModelError
            No repeat buyers, no convergence, or q ≤ 1 (spend so heavy-tailed that the expected
            order value is infinite).
        """
        x = np.asarray(x, dtype="float64").ravel()
        m = np.asarray(m, dtype="float64").ravel()
        w = np.ones_like(x) if weights is None else np.asarray(weights, dtype="float64").ravel()
        if not (np.isfinite(x).all() and np.isfinite(m).all()):
            raise ValueError("x and m must be finite")
        use = (x > 0) & (m > 0) & (w > 0)
        self.n_ignored_ = int((~use).sum())
        x, m, w = x[use], m[use], w[use]
        if not len(x):
            raise ModelError("There are no repeat buyers with a positive spend to fit the spend model on.")
        total = float(w.sum())
        xs, inv = np.unique(x, return_inverse=True)  # gammaln(p·x + q) etc. once per distinct x
        wx = np.bincount(inv, weights=w)
        log_m, log_x = np.log(m), np.log(x)
        s_log_mx = float(w @ (x * (log_m + log_x)))  # Σ w·x·ln(m) + Σ w·x·ln(x)
        s_log_m = float(w @ log_m)
        mx = m * x

        def fun(u: np.ndarray) -> tuple[float, np.ndarray]:
            p, q, g = np.exp(u)
            log_gmx = np.log(g + mx)
            ll = (
                float(wx @ (gammaln(p * xs + q) - gammaln(p * xs)))
                - total * gammaln(q)
                + total * q * np.log(g)
                + p * s_log_mx
                - s_log_m
                - float(w @ ((p * x + q) * log_gmx))
            )
            d_p = (
                float(wx @ (xs * (digamma(p * xs + q) - digamma(p * xs))))
                + s_log_mx
                - float(w @ (x * log_gmx))
            )
            d_q = (
                float(wx @ digamma(p * xs + q)) - total * digamma(q) + total * np.log(g) - float(w @ log_gmx)
            )
            d_g = total * q / g - float(w @ ((p * x + q) / (g + mx)))
            theta = np.array([p, q, g])
            grad = np.array([d_p, d_q, d_g]) * theta
            return -ll / total + self.penalizer * float(
                theta @ theta
            ), -grad / total + 2 * self.penalizer * theta * theta

        mean_m = float(np.average(m, weights=w))
        start = np.log([1.0, 2.0, mean_m])  # p·γ/(q−1) starts at the observed mean spend
        res, f = minimize_log_params(
            fun,
            start,
            LOG_BOUNDS,
            self.max_iter,
            ftol=1e-14,
            model="The spend model (Gamma-Gamma)",
            names=("p", "q", "γ (gamma)"),
            near_factor=NEAR_FACTOR,
        )
        p, q, gam = (float(v) for v in np.exp(res.x))
        if q <= 1:
            raise ModelError(
                "The spend model (Gamma-Gamma) found order values too uneven for a finite expected "
                f"order value (q = {q:.2f} ≤ 1); lifetime value is not estimated."
            )
        theta = np.exp(res.x)
        self.params_ = {"p": p, "q": q, "gamma": gam}
        self.log_likelihood_ = float(-(f - self.penalizer * float(theta @ theta)) * total)
        self.n_customers_ = len(x)
        self.mean_order_value_ = p * gam / (q - 1)
        self.frequency_monetary_corr_ = independence_check(x, m, w)
        corr = self.frequency_monetary_corr_
        self.independence_warning_ = (
            f"Order value and purchase frequency are correlated (r = {corr:.2f}); the spend model "
            "assumes they are not, so expected order values are less reliable."
            if np.isfinite(corr) and abs(corr) >= self.strong_correlation
            else None
        )
        return self

    def conditional_expected_value(self, x: ArrayLike, m: ArrayLike) -> np.ndarray:
        """Expected value of a customer's future orders (currency units), given x repeat occasions
        of mean value m: a weighted mean of the population mean and the customer's own m,
        (γ + m·x)·p / (p·x + q − 1). Customers without a usable spend history (x = 0 or m ≤ 0)
        get the population mean p·γ/(q − 1)."""
        if not hasattr(self, "params_"):
            raise ModelError("The spend model is not fitted yet.")
        p, q, g = self.params_["p"], self.params_["q"], self.params_["gamma"]
        x = np.asarray(x, dtype="float64")
        m = np.asarray(m, dtype="float64")
        known = (x > 0) & (m > 0)
        xk, mk = np.where(known, x, 0.0), np.where(known, m, 0.0)
        return (g + mk * xk) * p / (p * xk + q - 1)


def independence_check(x: ArrayLike, m: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Weighted Pearson correlation between repeat purchases x and mean spend m (NaN if undefined)."""
    x = np.asarray(x, dtype="float64")
    m = np.asarray(m, dtype="float64")
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype="float64")
    if len(x) < 2:
        return float("nan")
    dx = x - np.average(x, weights=w)
    dm = m - np.average(m, weights=w)
    den = np.sqrt((w @ (dx * dx)) * (w @ (dm * dm)))
    return float((w @ (dx * dm)) / den) if den > 0 else float("nan")
