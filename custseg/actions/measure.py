"""Did approved actions work? Win-back rate and revenue recovered per play, against a comparison.

For every approved action the customer is *won back* when they placed a purchase (a positive
order) within ``window_days`` after the approval; *revenue recovered* is their net order value in
that window. The comparison group is similar customers, i.e. ones the same play fitted, that were
left alone: their suggestion was rejected (measured from the rejection), or none was ever made
(measured from the day after the snapshot that matched them to the play). Only windows that the
order data already covers count; younger ones are reported as pending. The comparison is not a
randomised trial: managers choose whom to approve, so the difference is a guide, not proof.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from config.settings import Settings
from custseg.actions.playbook import Playbook
from custseg.errors import StoreError
from custseg.ingest.sql_source import latest_order, order_table
from custseg.snapshot.storage import load_snapshot
from custseg.store.db import Store, make_engine
from custseg.store.models import ACTION_AUDIT, ACTION_SUGGESTIONS
from custseg.store.orders import STORE_COLUMNS

GROUPS: tuple[str, ...] = ("approved", "rejected", "not_suggested")
CHUNK = 500

SUMMARY_COLUMNS: list[str] = [
    "playbook",
    "approved",
    "measured",
    "won_back",
    "win_back_rate",
    "revenue_recovered",
    "revenue_per_action",
    "pending",
    "rejected_measured",
    "rejected_rate",
    "not_suggested_measured",
    "not_suggested_rate",
    "comparison_measured",
    "comparison_rate",
    "comparison_revenue_per_customer",
    "uplift_points",
]


@dataclass
class Measurement:
    """Outcomes of approved actions and of the comparison group.

    Attributes
    ----------
    window_days : int
        The measurement window (days after the decision, or after the snapshot day).
    data_end : datetime or None
        The newest order in the data; windows ending after it are pending.
    outcomes : DataFrame
        One row per measured subject: ``group`` (approved / rejected / not_suggested),
        ``suggestion_id`` (None when not suggested), ``customer_id``, ``customer_name``,
        ``playbook``, ``start`` (window start), ``complete`` (the data covers the whole window),
        ``reordered`` (a purchase in the window) and ``revenue`` (net order value in the window).
    """

    window_days: int
    data_end: dt.datetime | None
    outcomes: pd.DataFrame

    def by_playbook(self) -> pd.DataFrame:
        """Per play: approved actions, how many are measured, won back, rate, revenue recovered,
        the comparison group's rate and revenue per customer, and the difference in rate in
        percentage points (NaN where a side has nothing measured yet)."""
        rows = []
        frame = self.outcomes
        for play, part in frame.groupby("playbook", sort=True):
            done = part[part["complete"]]
            treated = done[done["group"] == "approved"]
            rejected = done[done["group"] == "rejected"]
            never = done[done["group"] == "not_suggested"]
            control = done[done["group"] != "approved"]
            approved_total = int((part["group"] == "approved").sum())
            rate = _rate(treated)
            comparison_rate = _rate(control)
            rows.append(
                {
                    "playbook": play,
                    "approved": approved_total,
                    "measured": len(treated),
                    "won_back": int(treated["reordered"].sum()),
                    "win_back_rate": rate,
                    "revenue_recovered": round(float(treated["revenue"].sum()), 2),
                    "revenue_per_action": _mean(treated["revenue"]),
                    "pending": approved_total - len(treated),
                    "rejected_measured": len(rejected),
                    "rejected_rate": _rate(rejected),
                    "not_suggested_measured": len(never),
                    "not_suggested_rate": _rate(never),
                    "comparison_measured": len(control),
                    "comparison_rate": comparison_rate,
                    "comparison_revenue_per_customer": _mean(control["revenue"]),
                    "uplift_points": round(100 * (rate - comparison_rate), 1),
                }
            )
        return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def _rate(part: pd.DataFrame) -> float:
    return float(part["reordered"].mean()) if len(part) else float("nan")


def _mean(values: pd.Series) -> float:
    return round(float(values.mean()), 2) if len(values) else float("nan")


def _decisions(store: Store) -> pd.DataFrame:
    """Every suggestion with its first approval and first rejection time."""
    s, a = ACTION_SUGGESTIONS, ACTION_AUDIT
    with store.connect() as conn:
        sugg = pd.DataFrame(
            conn.execute(
                select(s.c.id, s.c.customer_id, s.c.customer_name, s.c.playbook, s.c.snapshot_as_of)
            ).all(),
            columns=["suggestion_id", "customer_id", "customer_name", "playbook", "snapshot_as_of"],
        )
        audit = pd.DataFrame(
            conn.execute(
                select(a.c.suggestion_id, a.c.to_state, a.c.at).where(
                    a.c.to_state.in_(["approved", "rejected"])
                )
            ).all(),
            columns=["suggestion_id", "to_state", "at"],
        )
    first = audit.groupby(["suggestion_id", "to_state"])["at"].min().unstack()
    for state in ("approved", "rejected"):
        sugg[f"{state}_at"] = sugg["suggestion_id"].map(first[state]) if state in first else pd.NaT
    return sugg


def _not_suggested(store: Store, settings: Settings, decisions: pd.DataFrame) -> pd.DataFrame:
    """Customers the same play fitted, in the snapshots the play's suggestions came from, who never
    got a suggestion of that play (each counted once, from the earliest such snapshot)."""
    playbook = Playbook(settings.playbook)
    suggested = set(zip(decisions["customer_id"], decisions["playbook"], strict=True))
    approved = decisions[decisions["approved_at"].notna()]
    rows = []
    for as_of in sorted(approved["snapshot_as_of"].unique()):
        plays = set(approved.loc[approved["snapshot_as_of"] == as_of, "playbook"])
        try:
            frame = load_snapshot(store, as_of=as_of).customers
        except StoreError:
            continue  # the snapshot was removed since; its suggestions still count, its peers cannot
        assigned = playbook.assign(frame)
        fits = assigned[assigned.isin(plays)]
        for cid, play in fits.items():
            if (cid, play) not in suggested:
                rows.append(
                    {
                        "group": "not_suggested",
                        "suggestion_id": None,
                        "customer_id": cid,
                        "customer_name": frame.at[cid, "name"],
                        "playbook": play,
                        "start": pd.Timestamp(as_of) + pd.Timedelta(days=1),
                    }
                )
    out = pd.DataFrame(
        rows, columns=["group", "suggestion_id", "customer_id", "customer_name", "playbook", "start"]
    )
    return out.sort_values("start").drop_duplicates(["customer_id", "playbook"])


def _orders(
    engine: Engine, settings: Settings, customers: list[str], start: dt.datetime, end: dt.datetime
) -> tuple[pd.DataFrame, dt.datetime | None]:
    """Orders of these customers in (start, end], and the newest order of the whole data (our
    store's orders, or the company table for a ``sql`` source)."""
    if settings.source.kind == "sql":
        src = settings.source
        assert src.table is not None and src.columns is not None
        table_name, columns, schema = src.table, src.columns, src.schema_name
    else:
        table_name, columns, schema = "orders", STORE_COLUMNS, None
    assert columns.amount is not None
    tbl = order_table(engine, table_name, columns, schema)
    cid, at, amount = tbl.c[columns.customer_id], tbl.c[columns.ordered_at], tbl.c[columns.amount]
    parts = []
    with engine.connect() as conn:
        for i in range(0, len(customers), CHUNK):
            chunk = customers[i : i + CHUNK]
            rows = conn.execute(select(cid, at, amount).where(cid.in_(chunk), at > start, at <= end)).all()
            parts.append(pd.DataFrame(rows, columns=["customer_id", "ordered_at", "amount"]))
    orders = pd.concat(parts) if parts else pd.DataFrame(columns=["customer_id", "ordered_at", "amount"])
    orders["customer_id"] = orders["customer_id"].astype(str)
    orders["ordered_at"] = pd.to_datetime(orders["ordered_at"])
    orders["amount"] = orders["amount"].astype(float)
    return orders, latest_order(engine, table_name, columns, schema)


def measure(store: Store, settings: Settings) -> Measurement:
    """Measure every approved action, and the comparison group, on the orders known today."""
    window = settings.playbook.window_days
    decisions = _decisions(store)
    approved = decisions[decisions["approved_at"].notna()].assign(
        group="approved", start=lambda d: d["approved_at"]
    )
    rejected = decisions[decisions["approved_at"].isna() & decisions["rejected_at"].notna()].assign(
        group="rejected", start=lambda d: d["rejected_at"]
    )
    keys = ["group", "suggestion_id", "customer_id", "customer_name", "playbook", "start"]
    groups = [approved[keys], rejected[keys], _not_suggested(store, settings, decisions)]
    # Empty groups are left out of the concatenation: pandas is changing how they count towards
    # the result's dtypes.
    present = [g for g in groups if not g.empty]
    subjects = pd.concat(present, ignore_index=True) if present else groups[0].reset_index(drop=True)
    columns = ["complete", "reordered", "revenue"]
    if subjects.empty:
        return Measurement(window, None, subjects.assign(**{c: pd.Series(dtype=object) for c in columns}))
    subjects["start"] = pd.to_datetime(subjects["start"])
    span = pd.Timedelta(days=window)
    company = settings.source.kind == "sql"
    engine = make_engine(settings.source_url()) if company else store.engine
    try:
        orders, data_end = _orders(
            engine,
            settings,
            sorted(set(subjects["customer_id"])),
            subjects["start"].min().to_pydatetime(),
            (subjects["start"].max() + span).to_pydatetime(),
        )
    finally:
        if company:
            engine.dispose()
    subjects = subjects.reset_index(drop=True)
    hits = subjects.reset_index().merge(orders, on="customer_id")
    hits = hits[(hits["ordered_at"] > hits["start"]) & (hits["ordered_at"] <= hits["start"] + span)]
    per = hits.groupby("index").agg(
        revenue=("amount", "sum"), bought=("amount", lambda a: bool((a > 0).any()))
    )
    subjects["revenue"] = per["revenue"].reindex(subjects.index, fill_value=0.0).astype(float).round(2)
    subjects["reordered"] = per["bought"].reindex(subjects.index, fill_value=False).astype(bool)
    end = pd.Timestamp(data_end) if data_end is not None else None
    subjects["complete"] = (
        (subjects["start"] + span <= end).to_numpy()
        if end is not None
        else np.zeros(len(subjects), dtype=bool)
    )
    return Measurement(window, data_end, subjects)
