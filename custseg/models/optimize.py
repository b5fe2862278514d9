"""Maximum likelihood on log-parameters, shared by the frequency and the spend model."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import OptimizeResult, minimize

from custseg.errors import ModelError

Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]


def minimize_log_params(
    fun: Objective,
    start: np.ndarray,
    log_bounds: tuple[float, float],
    max_iter: int,
    ftol: float,
    failure: str,
) -> tuple[OptimizeResult, float]:
    """Minimise ``fun`` (value and gradient) over log-parameters with L-BFGS-B.

    A fit that stops on a bound, at a non-finite value, or unconverged with a gradient still
    visibly non-zero is no fit: it raises ModelError with ``failure`` (``{message}`` is the
    optimiser's reason), because a number from it could not be justified.

    Returns
    -------
    (result, value) : the optimiser's result and the objective at ``result.x``.
    """
    res = minimize(
        fun,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=[log_bounds] * len(start),
        options={"maxiter": max_iter, "ftol": ftol, "gtol": 1e-9},
    )
    f, g = fun(res.x)
    on_bound = np.any(np.isclose(res.x, log_bounds[0]) | np.isclose(res.x, log_bounds[1]))
    if not np.isfinite(f) or on_bound or (not res.success and np.abs(g).max() > 1e-4):
        raise ModelError(failure.format(message=res.message))
    return res, float(f)
