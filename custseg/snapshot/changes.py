"""What changed between two snapshots: who moved from which segment (or stage, tier, churn risk,
key-account flag) to which."""

from __future__ import annotations

import pandas as pd

from custseg.snapshot.frame import Snapshot


def migrations(old: Snapshot, new: Snapshot, attribute: str = "segment") -> pd.DataFrame:
    """Who moved from which segment (or stage, tier, churn risk, key-account flag) to which.

    Customers only in the new snapshot come from "(new customer)"; only in the old go to
    "(no longer present)".

    Returns
    -------
    DataFrame
        One row per customer whose ``attribute`` differs: ``customer_id``, ``name``, ``owner``,
        ``from``, ``to``, ``revenue`` (as of the new snapshot, currency units). Sorted by revenue.
    """
    before = old.customers[attribute].astype(object)
    after = new.customers[attribute].astype(object)
    ids = before.index.union(after.index)
    frm = before.reindex(ids).fillna("(new customer)")
    to = after.reindex(ids).fillna("(no longer present)")
    moved = frm.astype(str) != to.astype(str)
    info = new.customers.reindex(ids)
    out = pd.DataFrame(
        {
            "customer_id": ids,
            "name": info["name"].fillna(old.customers["name"].reindex(ids)).to_numpy(),
            "owner": info["owner"].fillna(old.customers["owner"].reindex(ids)).to_numpy(),
            "from": frm.to_numpy(),
            "to": to.to_numpy(),
            "revenue": info["revenue"].fillna(0.0).to_numpy(),
        }
    )[moved.to_numpy()]
    return out.sort_values(["revenue", "customer_id"], ascending=[False, True]).reset_index(drop=True)


def migration_matrix(old: Snapshot, new: Snapshot, attribute: str = "segment") -> pd.DataFrame:
    """Counts of customers by (from, to) for an attribute, including those who stayed."""
    before = old.customers[attribute].astype(object)
    after = new.customers[attribute].astype(object)
    ids = before.index.union(after.index)
    frm = before.reindex(ids).fillna("(new customer)").astype(str)
    to = after.reindex(ids).fillna("(no longer present)").astype(str)
    return pd.crosstab(frm.rename("from"), to.rename("to"))
