"""The dated snapshot: every customer's RFM scores, segment, value tier, lifecycle stage, churn
risk and key-account flag as of one day, built from per-customer aggregates.

Units: day counts are whole days up to the as-of date; money is in the data's currency units.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy import delete, insert, select

from config.settings import Settings
from custseg.errors import NoSnapshotError, StoreError
from custseg.key_accounts import key_accounts
from custseg.lifecycle import RISK_BY_STAGE, Lifecycle
from custseg.models.book import forecast_book
from custseg.rfm import rfm_scores, segment_of
from custseg.store.db import Store
from custseg.store.models import SNAPSHOT_CUSTOMERS, SNAPSHOTS
from custseg.tiers import ValueTiers, value_basis

if TYPE_CHECKING:
    from custseg.models.churn import ChurnScores

COLUMNS: list[str] = [c.name for c in SNAPSHOT_CUSTOMERS.columns if c.name not in ("snapshot_id",)]
ATTRIBUTES = ("name", "owner", "region")


@dataclass
class Snapshot:
    """A segmentation of the whole book as of one day.

    Attributes
    ----------
    customers : DataFrame
        Indexed by ``customer_id`` (str); the columns of ``SnapshotCustomer``.
    notes : dict
        What the reader should know: thresholds learned, customers left out and why, which rule
        produced churn risk.
    """

    as_of: dt.date
    customers: pd.DataFrame
    source: str
    params: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    created_at: dt.datetime | None = None

    def __len__(self) -> int:
        return len(self.customers)


def derive(summary: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Add recency, tenure, typical gap, average order value and 90-day trend to aggregates.

    Returns
    -------
    DataFrame
        ``recency_days`` / ``tenure_days`` (whole days from the last / first purchase to the as-of
        date), ``own_gap_days`` (mean days between purchase days, (last − first) / (purchase days − 1):
        several orders on one day are one purchase, as in BG/NBD; NaN with one purchase day),
        ``avg_order_value`` (net revenue / purchases), ``trend_90d`` (relative change of the value
        bought, last 90 days vs the 90 before, returns left out so that a return is not "buying
        less"; NaN when the earlier window had no purchase).

    Aggregates without ``purchase_days`` (or ``bought_90d`` / ``bought_prev_90d``) fall back to
    ``frequency`` (or net revenue).
    """
    out = summary.copy()
    day = np.datetime64(as_of, "D")
    first = out["first_order"].to_numpy().astype("datetime64[D]")
    last = out["last_order"].to_numpy().astype("datetime64[D]")
    out["first_order"] = first
    out["last_order"] = last
    out["recency_days"] = (day - last).astype("int64")
    out["tenure_days"] = (day - first).astype("int64")
    days = out["purchase_days" if "purchase_days" in out else "frequency"].to_numpy()
    span = (last - first).astype("float64")
    recent, earlier = (
        ("bought_90d", "bought_prev_90d") if "bought_90d" in out else ("revenue_90d", "revenue_prev_90d")
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["own_gap_days"] = np.where(days > 1, span / (days - 1), np.nan)
        prev = out[earlier].to_numpy()
        out["trend_90d"] = np.where(prev > 0, (out[recent].to_numpy() - prev) / prev, np.nan).round(4)
    out["avg_order_value"] = (out["revenue"] / out["frequency"]).round(2)
    return out


def build_snapshot(
    summary: pd.DataFrame,
    as_of: dt.date,
    settings: Settings,
    attributes: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
    source: str = "orders",
    churn: ChurnScores | None = None,
) -> Snapshot:
    """Segment every customer of an aggregate summary.

    Parameters
    ----------
    summary : DataFrame
        Output of ``aggregate_frame`` / ``aggregate_sql`` (indexed by customer id).
    attributes : DataFrame, optional
        ``name``, ``owner``, ``region`` by customer id.
    previous : DataFrame, optional
        The previous snapshot's customers, for stable key-account membership.
    churn : ChurnScores, optional
        ``custseg.models.churn.score_churn`` output; without scores churn risk follows the lifecycle rule.
    Customers without any purchase (only returns) cannot be scored; they are left out and counted
    in the notes.
    """
    buyers = summary["frequency"].to_numpy() > 0
    dropped = int((~buyers).sum())
    frame = derive(summary[buyers], as_of)
    for col in ATTRIBUTES:
        if attributes is not None and col in attributes:
            frame[col] = attributes[col].reindex(frame.index).astype(object).where(lambda s: s.notna(), None)
        elif col not in frame:
            frame[col] = None

    lifecycle = Lifecycle(settings.lifecycle).fit(frame)
    forecast = forecast_book(
        frame, as_of, settings.models, lifecycle.predict(frame), settings.lifecycle.lost_after
    )
    for col in forecast.frame:
        frame[col] = forecast.frame[col].to_numpy()

    scores = rfm_scores(
        frame["recency_days"].to_numpy(), frame["frequency"].to_numpy(), frame["revenue"].to_numpy()
    )
    for col in scores:
        frame[col] = scores[col].to_numpy()
    frame["segment"] = segment_of(frame["r_score"].to_numpy(), frame["f_score"].to_numpy())

    tiers = ValueTiers(settings.value_tiers.high_share, settings.value_tiers.medium_share)
    tier_value, tier_basis = value_basis(
        frame, settings.value_tiers.basis, forecast.clv_fitted, settings.models.margin
    )
    tiers.fit(tier_value, frame.index.to_numpy())
    frame["value_tier"] = tiers.tiers()

    stages = lifecycle.predict(
        frame,
        frame["p_alive"].to_numpy() if forecast.fitted else None,
        settings.models.dormant_p_alive,
    )
    for col in stages:
        frame[col] = stages[col].to_numpy()
    frame["churn_risk"] = frame["lifecycle"].map(RISK_BY_STAGE)
    frame["churn_probability"] = np.nan
    if churn is not None and churn.frame is not None:
        scored = churn.frame.reindex(frame.index)
        frame["churn_probability"] = scored["churn_probability"].to_numpy()
        frame["churn_risk"] = scored["churn_risk"].fillna(frame["churn_risk"]).to_numpy()

    ka = key_accounts(frame, settings.key_accounts, previous)
    frame["key_account"] = ka["key_account"].to_numpy()
    frame["key_account_misses"] = ka["key_account_misses"].to_numpy()

    notes = {
        "customers_without_purchases": int(dropped),
        "population_gap_days": round(lifecycle.population_gap_days_, 1),
        "value_tier_basis": tier_basis,
        "value_tier_high_min": round(tiers.high_min_, 2) if tiers.high_min_ == tiers.high_min_ else None,
        "value_tier_medium_min": round(tiers.medium_min_, 2)
        if tiers.medium_min_ == tiers.medium_min_
        else None,
        "churn_risk_basis": "lifecycle rule (days since last order vs the customer's own rhythm)",
        "clv_available": forecast.clv_fitted,
        "models": forecast.notes,
        "dormant_basis": (
            f"rhythm rule (over {settings.lifecycle.dormant_after:g}× the usual gap since the last order) "
            f"and model: a repeat buyer on rhythm is dormant when BG/NBD gives under "
            f"{settings.models.dormant_p_alive:.0%} probability of still being active (reason unlikely_alive)"
            if forecast.fitted
            else f"rhythm rule: over {settings.lifecycle.dormant_after:g}× the usual gap since the last order "
            f"(no model: {forecast.notes.get('message', '')})"
        ),
        "high_value_basis": {
            "revenue": "rule: the customers making the first "
            f"{settings.value_tiers.high_share:.0%} of net revenue to date",
            "clv": f"model: the customers making the first {settings.value_tiers.high_share:.0%} of "
            f"expected lifetime value over {settings.models.horizon_months} months",
            "revenue_plus_clv": f"model: the customers making the first {settings.value_tiers.high_share:.0%} "
            f"of revenue to date plus the revenue expected over the next {settings.models.horizon_months} months",
        }[tier_basis],
        "clv_basis": forecast.notes.get("clv_basis"),
    }
    if forecast.notes.get("clv_basis") == "rhythm" and tier_basis != "revenue":
        # Say it where the tiers are explained too: the value ahead is a rule here, not a model.
        notes["high_value_basis"] = str(notes["high_value_basis"]).replace(
            "model:", "rhythm-based estimate (BG/NBD cannot tell who stopped buying on this book):", 1
        )
    if churn is not None:
        notes.update(churn.notes)
    return Snapshot(
        as_of=as_of,
        customers=frame[[c for c in COLUMNS if c != "customer_id"]],
        source=source,
        params=settings.model_dump(include={"lifecycle", "value_tiers", "key_accounts", "models"}),
        notes=notes,
    )


def _to_rows(snapshot_id: int, frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = frame.reset_index()
    out.insert(0, "snapshot_id", snapshot_id)
    out["first_order"] = pd.to_datetime(out["first_order"]).dt.date
    out["last_order"] = pd.to_datetime(out["last_order"]).dt.date
    out["expected_next_order"] = pd.to_datetime(out["expected_next_order"]).dt.date
    out = out.astype(object).where(out.notna(), None)
    return out.to_dict("records")


def save_snapshot(store: Store, snap: Snapshot, chunk: int = 20_000) -> int:
    """Store a snapshot, replacing any earlier one with the same as-of date, in one transaction."""
    created = dt.datetime.now().replace(microsecond=0)
    with store.begin() as conn:
        conn.execute(delete(SNAPSHOTS).where(SNAPSHOTS.c.as_of == snap.as_of))
        snap_id = conn.execute(
            insert(SNAPSHOTS)
            .values(
                as_of=snap.as_of,
                created_at=created,
                source=snap.source,
                n_customers=len(snap.customers),
                params=snap.params,
                notes=snap.notes,
            )
            .returning(SNAPSHOTS.c.id)
        ).scalar_one()
        table = SNAPSHOT_CUSTOMERS
        for start in range(0, len(snap.customers), chunk):
            conn.execute(insert(table), _to_rows(snap_id, snap.customers.iloc[start : start + chunk]))
    snap.id, snap.created_at = snap_id, created
    return snap_id


def list_snapshots(store: Store) -> pd.DataFrame:
    """All stored snapshots, newest first: id, as_of, created_at, source, n_customers."""
    t = SNAPSHOTS
    with store.connect() as conn:
        rows = conn.execute(
            select(t.c.id, t.c.as_of, t.c.created_at, t.c.source, t.c.n_customers).order_by(t.c.as_of.desc())
        ).all()
    return pd.DataFrame(rows, columns=["id", "as_of", "created_at", "source", "n_customers"])


def load_snapshot(store: Store, as_of: dt.date | None = None, before: dt.date | None = None) -> Snapshot:
    """The snapshot of ``as_of``, or the latest one (strictly before ``before`` if given).

    Raises
    ------
    NoSnapshotError
        When there is none.
    """
    t = SNAPSHOTS
    stmt = select(t)
    if as_of is not None:
        stmt = stmt.where(t.c.as_of == as_of)
    if before is not None:
        stmt = stmt.where(t.c.as_of < before)
    with store.connect() as conn:
        head = conn.execute(stmt.order_by(t.c.as_of.desc()).limit(1)).mappings().first()
        if head is None:
            if as_of is not None:
                raise StoreError(
                    f"There is no snapshot as of {as_of}. Build it with `custseg segment --as-of {as_of}`."
                )
            raise NoSnapshotError()
        ct = SNAPSHOT_CUSTOMERS
        result = conn.execute(
            select(*[ct.c[c] for c in COLUMNS])
            .where(ct.c.snapshot_id == head["id"])
            .order_by(ct.c.customer_id)
        )
        frame = pd.DataFrame(result.fetchall(), columns=COLUMNS).set_index("customer_id")
    frame["key_account"] = frame["key_account"].astype(bool)
    for col in ("first_order", "last_order", "expected_next_order"):
        frame[col] = pd.to_datetime(frame[col]).to_numpy().astype("datetime64[D]")
    for col in ("p_alive", "expected_purchases", "expected_order_value", "clv"):
        frame[col] = frame[col].astype("float64")
    return Snapshot(
        as_of=head["as_of"],
        customers=frame,
        source=head["source"],
        params=head["params"],
        notes=head["notes"],
        id=head["id"],
        created_at=head["created_at"],
    )


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
