"""BG/NBD: the beta-geometric / negative-binomial model of repeat buying (Fader, Hardie & Lee 2005).

While alive, a customer buys at a Poisson rate λ ~ Gamma(r, α); after every purchase they drop out
with probability p ~ Beta(a, b). Fitted by maximum likelihood on the (x, t_x, T) summary
(``custseg.models.summary``), with every formula in log space so that customers with hundreds of
purchases or very long tenure give finite answers. Time is in whatever period the summary used.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.special import digamma, expit, gammaln, hyp2f1

from custseg.errors import ModelError
from custseg.models.optimize import minimize_log_params

ArrayLike = Any

# Parameters are optimised on a log scale inside these bounds; an optimum on a bound means the
# data cannot identify the model (reported as a failed fit, never as numbers).
LOG_BOUNDS = (np.log(1e-6), np.log(1e6))
PARAM_NAMES = ("r", "α (alpha)", "a (drop-out)", "b (drop-out)")
# The drop-out process is taken as identified when it improves the log-likelihood over the same model
# without drop-out by at least this much: half the 5 % critical value of χ²(1), 3.84 / 2. On CDNOW the
# gain is in the hundreds; on UCI Online Retail it is 0.12 and P(alive) is then meaningless.
MIN_DROPOUT_GAIN = 1.92


def collapse(
    *columns: ArrayLike, weights: ArrayLike | None = None
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Identical rows merged into one weighted row.

    Returns
    -------
    (unique columns, weights of the unique rows, inverse index mapping each input row to its row)
    """
    arrays = [np.asarray(c, dtype="float64").ravel() for c in columns]
    w = np.ones(len(arrays[0])) if weights is None else np.asarray(weights, dtype="float64").ravel()
    bits = [int(np.ceil(np.log2(a.max() + 2))) if len(a) else 1 for a in arrays]
    if sum(bits) <= 62 and all(len(a) == 0 or (a.min() >= 0 and (a == np.floor(a)).all()) for a in arrays):
        # Whole numbers (day counts): pack each row into one int64 and hash it, ~10× faster than sorting rows.
        key = np.zeros(len(arrays[0]), dtype=np.int64)
        for a, nb in zip(arrays, bits, strict=True):
            key = (key << nb) | a.astype(np.int64)
        inverse, uniques = pd.factorize(key, sort=False)
        first = np.empty(len(uniques), dtype=np.int64)
        first[inverse[::-1]] = np.arange(len(key))[::-1]
    else:
        stacked = np.ascontiguousarray(np.column_stack(arrays))
        rows = stacked.view(np.dtype((np.void, stacked.dtype.itemsize * stacked.shape[1]))).ravel()
        _, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
        inverse = inverse.ravel()
    return [a[first] for a in arrays], np.bincount(inverse, weights=w), inverse


def check_summary(x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validated float arrays: x a whole number ≥ 0, 0 ≤ t_x ≤ T, t_x = 0 when x = 0."""
    x, t_x, T = (np.asarray(a, dtype="float64") for a in (x, t_x, T))
    x, t_x, T = np.broadcast_arrays(x, t_x, T)
    if not (np.isfinite(x).all() and np.isfinite(t_x).all() and np.isfinite(T).all()):
        raise ValueError("x, t_x and T must be finite")
    if (x < 0).any() or (x != np.round(x)).any():
        raise ValueError("x (repeat purchases) must be whole numbers ≥ 0")
    if (t_x < 0).any() or (t_x > T * (1 + 1e-12) + 1e-12).any():
        raise ValueError("need 0 ≤ t_x ≤ T for every customer")
    if ((x == 0) & (t_x > 0)).any():
        raise ValueError("t_x must be 0 for customers without repeat purchases (x = 0)")
    return x, t_x, T


def _hyp2f1(A: float, B: float, C: np.ndarray, z: np.ndarray, max_terms: int = 100_000) -> np.ndarray:
    """Gauss's ₂F₁ for 0 ≤ z < 1: scipy's, with the plain power series where scipy gives no
    finite value (it returns inf for a few parameter combinations, e.g. A = B < 0 with large C)."""
    f = np.asarray(hyp2f1(A, B, C, z), dtype="float64")
    bad = ~np.isfinite(f)
    if bad.any():
        zb, cb = np.broadcast_to(z, f.shape)[bad], np.broadcast_to(C, f.shape)[bad]
        term, total = np.ones_like(zb), np.ones_like(zb)
        for k in range(max_terms):
            term = term * (A + k) * (B + k) / ((cb + k) * (k + 1)) * zb
            total += term
            if (np.abs(term) <= 1e-17 * np.abs(total)).all():
                break
        f = f.copy()
        f[bad] = total
    return f


class BetaGeoModel:
    """BG/NBD frequency model.

    Parameters
    ----------
    penalizer : float
        L2 penalty on the four parameters added to the mean negative log-likelihood (as in
        ``lifetimes``); 0 reproduces the published maximum-likelihood estimates.
    max_iter : int
        Iteration limit of the optimiser.

    Attributes
    ----------
    params_ : dict
        ``r``, ``alpha`` (periods), ``a``, ``b``.
    log_likelihood_ : float
        Total log-likelihood of the fitted data at ``params_`` (weighted by customer counts).
    n_customers_ : float
        Number of customers fitted (sum of weights); ``n_rows_``: distinct (x, t_x, T) rows.
    n_iter_ : int
        Optimiser iterations.
    """

    def __init__(self, penalizer: float = 0.0, max_iter: int = 500):
        self.penalizer = penalizer
        self.max_iter = max_iter

    # -- fitting -------------------------------------------------------------------------------
    @staticmethod
    def _objective(
        u: np.ndarray,
        xs: np.ndarray,
        wx: np.ndarray,
        x: np.ndarray,
        t_x: np.ndarray,
        T: np.ndarray,
        w: np.ndarray,
        pos: np.ndarray,
        lb: np.ndarray,
        total: float,
        penalizer: float,
    ) -> tuple[float, np.ndarray]:
        """Mean negative log-likelihood and its gradient in u = log(r, α, a, b)."""
        r, alpha, a, b = np.exp(u)
        # Terms depending only on x: evaluated once per distinct x and weighted by its count.
        ll_x = (
            gammaln(r + xs)
            - gammaln(r)
            + r * np.log(alpha)
            + gammaln(a + b)
            + gammaln(b + xs)
            - gammaln(b)
            - gammaln(a + b + xs)
        )
        d_r = wx @ (digamma(r + xs) - digamma(r) + np.log(alpha))
        d_alpha = (wx @ np.full_like(xs, r)) / alpha
        d_a = wx @ (digamma(a + b) - digamma(a + b + xs))
        d_b = wx @ (digamma(a + b) + digamma(b + xs) - digamma(b) - digamma(a + b + xs))

        log_aT, log_at = np.log(alpha + T), np.log(alpha + t_x)
        rx = r + x
        a3 = -rx * log_aT
        a4 = np.where(pos, np.log(a) - lb - rx * log_at, -np.inf)
        ll_row = np.logaddexp(a3, a4)
        s4 = np.exp(a4 - ll_row)
        s3 = 1.0 - s4
        ll = float(wx @ ll_x) + float(w @ ll_row)
        d_r += w @ (-s3 * log_aT - s4 * log_at)
        d_alpha += w @ (-s3 * rx / (alpha + T) - s4 * rx / (alpha + t_x))
        d_a += (w * s4).sum() / a
        d_b += w @ (-s4 / (b + np.where(pos, x - 1.0, 0.0)))
        theta = np.array([r, alpha, a, b])
        grad = np.array([d_r, d_alpha, d_a, d_b]) * theta
        f = -ll / total + penalizer * float(theta @ theta)
        g = -grad / total + penalizer * 2 * theta * theta
        return f, g

    def fit(
        self, x: ArrayLike, t_x: ArrayLike, T: ArrayLike, weights: ArrayLike | None = None
    ) -> BetaGeoModel:
        """Maximum-likelihood fit.

        Parameters
        ----------
        x : array of int
            Repeat purchase occasions per customer.
        t_x, T : array of float
            Time of the last purchase and length of observation since the first, in periods.
        weights : array of float, optional
            How many customers each row stands for (identical rows are merged anyway).

        Raises
        ------
        ModelError
            When the optimiser does not converge or the optimum is on a parameter bound.
        """
        x, t_x, T = check_summary(x, t_x, T)
        (ux, ut, uT), w, _ = collapse(x, t_x, T, weights=weights)
        keep = w > 0
        ux, ut, uT, w = ux[keep], ut[keep], uT[keep], w[keep]
        if not len(w):
            raise ModelError("There are no customers to fit the purchase model on.")
        xs, inv = np.unique(ux, return_inverse=True)  # the x-only terms are summed per distinct x
        wx = np.bincount(inv, weights=w)
        pos = ux > 0
        total = float(w.sum())

        def fun(u: np.ndarray) -> tuple[float, np.ndarray]:
            b = np.exp(u[3])
            lb_ = np.log(b + np.where(pos, ux - 1.0, 0.0))
            return self._objective(u, xs, wx, ux, ut, uT, w, pos, lb_, total, self.penalizer)

        # α is on the time scale of the data: start it at the mean observation length.
        start = np.log([1.0, max(float(np.average(uT, weights=w)), 1e-3), 1.0, 1.0])
        res, f = minimize_log_params(
            fun,
            start,
            LOG_BOUNDS,
            self.max_iter,
            ftol=1e-13,
            model="The purchase-frequency model (BG/NBD)",
            names=PARAM_NAMES,
            consequence="Lifecycle stages fall back to the rhythm rule.",
        )
        r, alpha, a, b = np.exp(res.x)
        self.params_ = {"r": float(r), "alpha": float(alpha), "a": float(a), "b": float(b)}
        theta = np.exp(res.x)
        self.log_likelihood_ = float(-(f - self.penalizer * float(theta @ theta)) * total)
        self.n_customers_ = total
        self.n_rows_ = len(w)
        self.n_iter_ = int(res.nit)
        return self

    # -- predictions ---------------------------------------------------------------------------
    def _theta(self) -> tuple[float, float, float, float]:
        if not hasattr(self, "params_"):
            raise ModelError("The purchase-frequency model is not fitted yet.")
        p = self.params_
        return p["r"], p["alpha"], p["a"], p["b"]

    def _log_odds_dead(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
        """log of a/(b+x−1) · ((α+T)/(α+t_x))^(r+x) for x > 0, −inf for x = 0."""
        r, alpha, a, b = self._theta()
        pos = x > 0
        with np.errstate(divide="ignore"):
            return np.where(
                pos,
                np.log(a)
                - np.log(b + np.where(pos, x - 1.0, 0.0))
                + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x)),
                -np.inf,
            )

    def probability_alive(self, x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> np.ndarray:
        """P(still active at T | x, t_x, T). Customers without repeat purchases get 1: in BG/NBD a
        customer can only drop out right after a purchase, so one-time buyers are never judged dead
        (use a rule for them)."""
        x, t_x, T = check_summary(x, t_x, T)
        return expit(-self._log_odds_dead(x, t_x, T))

    def _unconditional_part(self, t: np.ndarray, x: np.ndarray, T: np.ndarray) -> np.ndarray:
        """(a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; z)], z = t/(α+T+t).

        Euler's transformation turns the product into (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; z),
        whose terms stay near 1 however large x or T are, so nothing overflows.
        """
        r, alpha, a, b = self._theta()
        z = t / (alpha + T + t)
        # c = 0 (only when x = 0 and a + b = 1) is a removable singularity of c·₂F₁(·; c; z):
        # evaluating a hair away from it changes the result by about 1e-8 relative.
        c = a + b + x - 1
        c = np.where(np.abs(c) < 1e-8, 1e-8, c)
        f = _hyp2f1(a + b - 1 - r, a - 1, c, z)
        log1mz = np.log1p(-z)
        with np.errstate(divide="ignore", invalid="ignore"):
            term = np.where(
                f > 0,
                -np.expm1((a - 1) * log1mz + np.log(np.where(f > 0, f, 1.0))),
                1.0 - np.exp((a - 1) * log1mz) * f,
            )
        return c / (a - 1) * term

    def expected_purchases(self, t: ArrayLike, x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> np.ndarray:
        """E[purchases in (T, T + t] | x, t_x, T]: expected purchases of a known customer in the
        next ``t`` periods (FHL 2005, eq. 10)."""
        if np.ndim(t) == 0:
            # One horizon for everybody: customers alike in (x, T) share the ₂F₁ part.
            return self.expected_purchases_by_horizon([t], x, t_x, T)[0]
        x, t_x, T = check_summary(x, t_x, T)
        t, x, t_x, T = np.broadcast_arrays(np.asarray(t, dtype="float64"), x, t_x, T)
        if (t < 0).any():
            raise ValueError("the forecast horizon t must be ≥ 0")
        return self._unconditional_part(t, x, T) * expit(-self._log_odds_dead(x, t_x, T))

    def expected_purchases_by_horizon(
        self, horizons: ArrayLike, x: ArrayLike, t_x: ArrayLike, T: ArrayLike
    ) -> np.ndarray:
        """``expected_purchases`` for each of several horizons (periods), shape (horizons, customers).

        The same numbers as one call per horizon; P(alive), which does not depend on the horizon,
        is computed once and the horizons go through ₂F₁ as one array. The ₂F₁ part does not
        depend on t_x either, so customers alike in (x, T) share it: on a large book there are a
        few times fewer of those than distinct (x, t_x, T), and it is most of the cost. Each value
        is computed by the same element-wise operations as before, so the result is identical.
        """
        x, t_x, T = check_summary(x, t_x, T)
        return self.expected_purchases_if_alive(horizons, x, T) * expit(-self._log_odds_dead(x, t_x, T))

    def expected_purchases_if_alive(self, horizons: ArrayLike, x: ArrayLike, T: ArrayLike) -> np.ndarray:
        """Expected purchases in (T, T + t] of a customer still active at T, for each horizon ``t``
        (periods), shape (horizons, customers): ``expected_purchases`` is this times P(alive).

        It depends on x and T only, so it is computed once per distinct (x, T).
        """
        x, T = (np.asarray(a, dtype="float64") for a in (x, T))
        t = np.asarray(horizons, dtype="float64").reshape(-1, 1)
        if (t < 0).any():
            raise ValueError("the forecast horizon t must be ≥ 0")
        (ux, uT), _, inverse = collapse(x, T)
        return self._unconditional_part(t, ux[None, :], uT[None, :])[:, inverse]

    def expected_purchases_new(self, t: ArrayLike) -> np.ndarray:
        """E[X(t)]: expected repeat purchases of a new customer in their first ``t`` periods."""
        t = np.asarray(t, dtype="float64")
        zero = np.zeros_like(t)
        return self._unconditional_part(t, zero, zero)

    def time_to_next_purchase(
        self, x: ArrayLike, t_x: ArrayLike, T: ArrayLike, prob: float = 0.5
    ) -> np.ndarray:
        """Periods after T by which the next purchase has happened with probability ``prob``.

        While alive a customer buys at rate λ, whose posterior is Gamma(r + x, α + T), and cannot
        drop out before that purchase, so P(next purchase within w) = P(alive) ·
        (1 − ((α+T)/(α+T+w))^(r+x)). NaN where P(alive) ≤ ``prob``: such a customer is more
        likely never to buy again, and no date would be honest.
        """
        if not 0 < prob < 1:
            raise ValueError("prob must be between 0 and 1")
        x, t_x, T = check_summary(x, t_x, T)
        r, alpha, _, _ = self._theta()
        p_alive = expit(-self._log_odds_dead(x, t_x, T))
        ok = p_alive > prob
        with np.errstate(divide="ignore", invalid="ignore"):
            w = (alpha + T) * np.expm1(-np.log1p(-prob / np.where(ok, p_alive, 1.0)) / (r + x))
        return np.where(ok, w, np.nan)


def no_dropout_log_likelihood(
    x: ArrayLike, t_x: ArrayLike, T: ArrayLike, weights: ArrayLike | None = None, max_iter: int = 500
) -> float:
    """Maximum log-likelihood of the summary under BG/NBD with nobody ever dropping out.

    As a → 0 the BG/NBD likelihood becomes the NBD's (Poisson purchases at a Gamma(r, α) rate,
    forever): per customer ln Γ(r + x) − ln Γ(r) + r ln α − (r + x) ln(α + T). The difference
    between ``BetaGeoModel.log_likelihood_`` and this is what the drop-out process explains: the
    profile of the likelihood from the fitted ``a`` down to 0.

    Raises
    ------
    ModelError
        When even this two-parameter model cannot be fitted.
    """
    x, t_x, T = check_summary(x, t_x, T)
    # Without drop-out t_x does not enter the likelihood: customers alike in (x, T) are one row.
    (ux, uT), w, _ = collapse(x, T, weights=weights)
    keep = w > 0
    ux, uT, w = ux[keep], uT[keep], w[keep]
    total = float(w.sum())
    if not total:
        raise ModelError("There are no customers to fit the purchase model on.")

    def fun(u: np.ndarray) -> tuple[float, np.ndarray]:
        r, alpha = np.exp(u)
        log_aT = np.log(alpha + uT)
        ll = w @ (gammaln(r + ux) - gammaln(r) + r * np.log(alpha) - (r + ux) * log_aT)
        d_r = w @ (digamma(r + ux) - digamma(r) + np.log(alpha) - log_aT)
        d_alpha = w @ (r / alpha - (r + ux) / (alpha + uT))
        return -float(ll) / total, -np.array([d_r * r, d_alpha * alpha]) / total

    start = np.log([1.0, max(float(np.average(uT, weights=w)), 1e-3)])
    _, f = minimize_log_params(
        fun,
        start,
        LOG_BOUNDS,
        max_iter,
        ftol=1e-13,
        model="The purchase-frequency model without drop-out (NBD)",
        names=PARAM_NAMES[:2],
    )
    return -f * total


def dropout_gain(model: BetaGeoModel, x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> float:
    """How much better (log-likelihood units) the fitted BG/NBD explains the summary it was fitted on
    than the same model without drop-out; below ``MIN_DROPOUT_GAIN`` the data cannot tell who has
    stopped buying, so P(alive) and a lifetime value built on it cannot be supported."""
    if model.penalizer:
        raise ValueError("the drop-out check compares maximum-likelihood fits; this model is penalised")
    return float(model.log_likelihood_ - no_dropout_log_likelihood(x, t_x, T))
