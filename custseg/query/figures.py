"""One figure (a measure and a statistic) over a set of customer rows, whole or per group.

A measure arrives as one value per customer row (``Values``): revenue and purchases for the window
asked, or a snapshot column (lifetime value, churn probability, days since the last order, usual
days between orders; NaN where the snapshot has none). ``aov`` carries both revenue and purchases,
because it is their ratio over the set, not a mean of ratios.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

# Decimals a figure is given to: money in cents, a share as a fraction to 6 places.
_DECIMALS = {"churn_probability": 4, "recency_days": 1, "gap_days": 1, "orders": 2}


@dataclass(frozen=True)
class Values:
    """A measure per customer row: ``main`` (revenue for ``aov``) and, for ``aov``, ``purchases``."""

    measure: str
    main: np.ndarray
    purchases: np.ndarray | None = None


def _round(value: float | None, measure: str, stat: str | None) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    if stat == "share":
        return round(float(value), 6)
    if measure == "customers" and stat is None:
        return float(int(value))
    if measure == "orders" and stat == "sum":
        return float(round(value))
    return round(float(value), _DECIMALS.get(measure, 2))


def figure(values: Values, stat: str | None, selected: np.ndarray, whole: np.ndarray) -> float | None:
    """The figure over the ``selected`` rows; ``whole`` (the rows of the asker's book) is the
    denominator of a share. None when there is nothing to compute it over (a mean of no one)."""
    measure = values.measure
    if measure == "customers":
        count = float(selected.sum())
        if stat == "share":
            n = float(whole.sum())
            return _round(count / n if n else None, measure, stat)
        return _round(count, measure, None)
    if measure == "aov":
        revenue, bought = values.main[selected], values.purchases[selected]  # type: ignore[index]
        if stat in ("mean", "median"):
            per = revenue[bought > 0] / bought[bought > 0]
            if not len(per):
                return None
            return _round(float(np.mean(per) if stat == "mean" else np.median(per)), measure, stat)
        total = float(bought.sum())
        return _round(float(revenue.sum()) / total if total else None, measure, None)
    picked = values.main[selected]
    known = picked[~np.isnan(picked)]
    if stat == "share":
        base = values.main[whole]
        denominator = float(np.nansum(base))
        return _round(float(known.sum()) / denominator if denominator else None, measure, stat)
    if stat == "sum":
        return _round(float(known.sum()), measure, stat)
    if not len(known):
        return None
    return _round(float(np.mean(known) if stat == "mean" else np.median(known)), measure, stat)


def grouped(
    values: Values, stat: str | None, codes: np.ndarray, k: int, selected: np.ndarray, whole: np.ndarray
) -> tuple[list[float | None], np.ndarray]:
    """The figure per group (``codes`` 0 … k-1 per row, -1 for rows in no group) over the
    ``selected`` rows, and how many selected customers each group has.

    Sums and counts are one ``bincount`` each; only medians sort, once, by group.
    """
    take = selected & (codes >= 0)
    group = codes[take]
    counts = np.bincount(group, minlength=k)
    measure = values.measure
    if measure == "customers":
        if stat == "share":
            n = float(whole.sum())
            return [_round(c / n if n else None, measure, stat) for c in counts], counts
        return [float(c) for c in counts], counts
    if measure == "aov" and stat not in ("mean", "median"):
        revenue = np.bincount(group, weights=values.main[take], minlength=k)
        bought = np.bincount(group, weights=values.purchases[take], minlength=k)  # type: ignore[index]
        return [
            _round(r / b if b else None, measure, None) for r, b in zip(revenue, bought, strict=True)
        ], counts
    if measure == "aov":
        revenue, bought = values.main[take], values.purchases[take]  # type: ignore[index]
        has = bought > 0
        per, group = revenue[has] / bought[has], group[has]
    else:
        per = values.main[take]
        known = ~np.isnan(per)
        per, group = per[known], group[known]
    if stat in ("sum", "share"):
        sums = np.bincount(group, weights=per, minlength=k)
        if stat == "share":
            denominator = float(np.nansum(values.main[whole]))
            return [_round(s / denominator if denominator else None, measure, stat) for s in sums], counts
        return [_round(s, measure, stat) for s in sums], counts
    if stat == "mean":
        sums = np.bincount(group, weights=per, minlength=k)
        known_n = np.bincount(group, minlength=k)
        return [
            _round(s / n if n else None, measure, stat) for s, n in zip(sums, known_n, strict=True)
        ], counts
    order = np.argsort(group, kind="stable")
    per, group = per[order], group[order]
    cuts = np.searchsorted(group, np.arange(k + 1))
    medians = [
        _round(float(np.median(per[a:b])), measure, stat) if b > a else None
        for a, b in itertools.pairwise(cuts)
    ]
    return medians, counts
