"""Key accounts: few, by explicit criteria, and stable from one snapshot to the next."""

from __future__ import annotations

import numpy as np
import pandas as pd

from config.sections import KeyAccountSettings

UNASSIGNED = "(no owner)"


# What ``key_accounts`` reads of the previous snapshot (a pipeline loads only these).
PREVIOUS_COLUMNS: tuple[str, ...] = ("key_account", "key_account_misses")


def qualifying(frame: pd.DataFrame, settings: KeyAccountSettings) -> np.ndarray:
    """Which customers meet the criteria now: the top ``per_owner`` of each account manager by
    ``basis`` (ties broken by row order, which is customer-id order in a snapshot), with at least
    ``min_revenue`` of revenue and a positive value. When no customer has an account manager, the
    top ``without_owners`` of the whole book (rather than ``per_owner`` of one "no owner" group).

    Parameters
    ----------
    frame : DataFrame
        Indexed by customer id, with ``owner``, ``revenue`` and the basis column.
    """
    basis = frame[settings.basis] if settings.basis in frame else frame["revenue"]
    value = basis.to_numpy(dtype="float64")
    owner_code, _ = pd.factorize(frame["owner"].fillna(UNASSIGNED), sort=False)
    rows = np.flatnonzero((frame["revenue"].to_numpy(dtype="float64") >= settings.min_revenue) & (value > 0))
    # Sorting numbers (owner code, value, position) rather than strings keeps this fast on big books.
    order = rows[np.lexsort((rows, -value[rows], owner_code[rows]))]
    groups = owner_code[order]
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    chosen = np.zeros(len(frame), dtype=bool)
    owners = frame["owner"]
    per_group = settings.without_owners if len(frame) and owners.isna().all() else settings.per_owner
    chosen[order[rank < per_group]] = True
    return chosen


def key_accounts(
    frame: pd.DataFrame, settings: KeyAccountSettings, previous: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Key-account membership with hysteresis.

    An account that qualifies is (or becomes) a key account. A key account that stops qualifying
    stays one until it has failed the criteria in ``leave_after_misses`` consecutive snapshots.

    Parameters
    ----------
    previous : DataFrame, optional
        The previous snapshot's ``key_account`` and ``key_account_misses`` by customer id.

    Returns
    -------
    DataFrame
        ``key_account`` (bool) and ``key_account_misses`` (consecutive failed snapshots).
    """
    now = qualifying(frame, settings)
    if previous is None or previous.empty:
        was = np.zeros(len(frame), dtype=bool)
        misses_before = np.zeros(len(frame), dtype=np.int64)
    else:
        prev = previous.reindex(frame.index)
        was = prev["key_account"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        misses_before = prev["key_account_misses"].fillna(0).to_numpy(dtype=np.int64)
    misses = np.where(now, 0, np.where(was, misses_before + 1, 0))
    keep = now | (was & (misses < settings.leave_after_misses))
    return pd.DataFrame(
        {"key_account": keep, "key_account_misses": np.where(keep, misses, 0)}, index=frame.index
    )
