"""RFM quintile scores and the eleven classic segments of the R×F table.

Scores run 1 (worst) to 5 (best). Recency is better when smaller. Tied values always share a
score (a score is the quintile of the *lowest* rank among the ties), so the many customers with a
single order all get F = 1 rather than being split arbitrarily between 1 and 2.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from config.labels import SEGMENTS

# The usual R×F grid: (R scores, F scores) → segment. Every one of the 25 cells is covered exactly
# once (checked in tests), so every customer sits in exactly one segment.
RF_GRID: tuple[tuple[range, range, str], ...] = (
    (range(5, 6), range(4, 6), "champions"),
    (range(3, 5), range(4, 6), "loyal"),
    (range(4, 6), range(2, 4), "potential_loyalist"),
    (range(5, 6), range(1, 2), "new"),
    (range(4, 5), range(1, 2), "promising"),
    (range(3, 4), range(3, 4), "need_attention"),
    (range(3, 4), range(1, 3), "about_to_sleep"),
    (range(1, 3), range(3, 5), "at_risk"),
    (range(1, 3), range(5, 6), "cant_lose"),
    (range(2, 3), range(1, 3), "hibernating"),
    (range(1, 2), range(1, 3), "lost"),
)


def _lookup() -> np.ndarray:
    table = np.full((6, 6), -1, dtype=np.int8)
    for rs, fs, name in RF_GRID:
        for r in rs:
            for f in fs:
                table[r, f] = SEGMENTS.index(name)
    return table


SEGMENT_LOOKUP = _lookup()


def quintile_scores(values: np.ndarray | pd.Series, higher_is_better: bool = True) -> np.ndarray:
    """Scores 1–5 by quintile of rank; ties share the score of their lowest rank.

    Parameters
    ----------
    values : array-like of float
        One value per customer (days for recency, orders for frequency, currency for monetary).
    higher_is_better : bool
        False for recency, where fewer days since the last order is better.

    Returns
    -------
    ndarray of int8 in 1..5
    """
    series = pd.Series(np.asarray(values, dtype="float64"))
    if not higher_is_better:
        series = -series
    n = len(series)
    if n == 0:
        return np.empty(0, dtype=np.int8)
    rank = series.rank(method="min").to_numpy()
    return (1 + np.floor(5 * (rank - 1) / n)).clip(1, 5).astype(np.int8)


def rfm_scores(recency_days: np.ndarray, frequency: np.ndarray, monetary: np.ndarray) -> pd.DataFrame:
    """R, F and M scores for every customer (monetary = net revenue, currency units)."""
    return pd.DataFrame(
        {
            "r_score": quintile_scores(recency_days, higher_is_better=False),
            "f_score": quintile_scores(frequency),
            "m_score": quintile_scores(monetary),
        }
    )


def segment_of(r_score: np.ndarray, f_score: np.ndarray) -> np.ndarray:
    """The classic segment name for each (R, F) pair."""
    codes = SEGMENT_LOOKUP[np.asarray(r_score, dtype=np.int64), np.asarray(f_score, dtype=np.int64)]
    return np.asarray(SEGMENTS, dtype=object)[codes]
