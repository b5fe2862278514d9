"""Maximum likelihood on log-parameters, shared by the frequency and the spend model."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy.optimize import OptimizeResult, minimize
from threadpoolctl import threadpool_limits

from custseg.errors import ModelError

Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]

# A parameter within this factor of a bound counts as on it. The optimiser's stopping rules leave an
# estimate that runs towards a bound a little short of it (a = 1.47e-6 against 1e-6 on Online Retail),
# and no honest estimate lives within a factor of ten of limits set six orders of magnitude away.
NEAR_BOUND_FACTOR = 10.0


def near_bound(
    values: np.ndarray, log_bounds: tuple[float, float], factor: float = NEAR_BOUND_FACTOR
) -> np.ndarray:
    """Which log-parameters are within ``factor`` of the lower or upper bound (boolean array)."""
    margin = np.log(factor)
    u = np.asarray(values, dtype="float64")
    return (u <= log_bounds[0] + margin) | (u >= log_bounds[1] - margin)


def minimize_log_params(
    fun: Objective,
    start: np.ndarray,
    log_bounds: tuple[float, float],
    max_iter: int,
    ftol: float,
    model: str,
    names: Sequence[str],
    consequence: str = "",
    near_factor: float = NEAR_BOUND_FACTOR,
) -> tuple[OptimizeResult, float]:
    """Minimise ``fun`` (value and gradient) over log-parameters with L-BFGS-B.

    A fit that stops on or near a bound (within ``near_factor``, see ``near_bound``), at a non-finite value, or unconverged
    with a gradient still visibly non-zero is no fit: it raises ModelError, because a number from
    it could not be justified. The message names the model (``model``, e.g. "The purchase-frequency
    model (BG/NBD)"), says which of the three happened (for a bound: which parameter, from
    ``names``, and where it stopped) and ends with ``consequence``.

    Returns
    -------
    (result, value) : the optimiser's result and the objective at ``result.x``.
    """
    # The objectives are dot products over the distinct rows: a second BLAS thread costs more in
    # hand-over than it saves, and fights the other threads for the cores.
    with threadpool_limits(limits=1, user_api="blas"):
        res = minimize(
            fun,
            start,
            jac=True,
            method="L-BFGS-B",
            bounds=[log_bounds] * len(start),
            options={"maxiter": max_iter, "ftol": ftol, "gtol": 1e-9},
        )
        f, g = fun(res.x)
    tail = f" {consequence}" if consequence else ""
    if not np.isfinite(f):
        raise ModelError(
            f"{model} cannot be fitted on this data: its likelihood is not a finite number.{tail}"
        )
    edge = near_bound(res.x, log_bounds, near_factor)
    if edge.any():
        i = int(np.flatnonzero(edge)[0])
        value = float(np.exp(res.x[i]))
        low = res.x[i] < (log_bounds[0] + log_bounds[1]) / 2
        limit = float(np.exp(log_bounds[0] if low else log_bounds[1]))
        raise ModelError(
            f"{model} cannot be fitted on this data: its parameter {names[i]} ran to the "
            f"{'lower' if low else 'upper'} edge of its range ({value:.3g}, limit {limit:.0e}), "
            f"which means the data cannot pin it down.{tail}"
        )
    if not res.success and np.abs(g).max() > 1e-4:
        raise ModelError(f"{model} did not converge on this data ({res.message}).{tail}")
    return res, float(f)
