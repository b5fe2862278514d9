"""The dated snapshot: every customer's RFM scores, segment, value tier, lifecycle stage, churn
risk and key-account flag as of one day, built from per-customer aggregates.

Units: day counts are whole days up to the as-of date; money is in the data's currency units.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import Future
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from config.settings import Settings
from custseg.models.book import forecast_book
from custseg.models.churn.features import profile_at
from custseg.segmentation.key_accounts import key_accounts
from custseg.segmentation.lifecycle import RISK_BY_STAGE, Lifecycle
from custseg.segmentation.rfm import rfm_scores, segment_of
from custseg.segmentation.tiers import ValueTiers, value_basis
from custseg.snapshot.columns import COLUMNS
from custseg.snapshot.frame import Snapshot

if TYPE_CHECKING:
    # Only for the annotation: loading a snapshot needs none of the churn model's training code.
    from custseg.models.churn.scoring import ChurnScores

ATTRIBUTES = ("name", "owner", "region")


def build_snapshot(
    summary: pd.DataFrame,
    as_of: dt.date,
    settings: Settings,
    attributes: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
    source: str = "orders",
    churn: ChurnScores | Future[ChurnScores] | None = None,
    profile: pd.DataFrame | None = None,
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
    churn : ChurnScores or Future of it, optional
        ``custseg.models.churn.scoring.score_churn`` output; without scores churn risk follows the lifecycle rule.
        A future (the churn model still running on another thread) is waited for only once
        everything else is computed, so the two use both cores.
    profile : DataFrame, optional
        ``custseg.models.churn.features.profile_at(summary, as_of, …)`` if already computed (the
        pipeline computes it once for the snapshot and the churn model); it is not modified.
    Customers without any purchase (only returns) cannot be scored; they are left out and counted
    in the notes.
    """
    dropped = int((summary["frequency"].to_numpy() == 0).sum())
    # A shallow copy: the churn model's thread reads the profile it was handed while this one adds
    # and replaces columns, which pandas does in the copy's own column table (setting a whole
    # column puts a new array in, it never writes into the old one).
    frame = (profile_at(summary, as_of, settings.lifecycle) if profile is None else profile).copy(deep=False)
    for col in ATTRIBUTES:
        if attributes is not None and col in attributes:
            frame[col] = attributes[col].reindex(frame.index).astype(object).where(lambda s: s.notna(), None)
        elif col not in frame:
            frame[col] = None

    lifecycle = Lifecycle(settings.lifecycle).fit(frame)
    forecast = forecast_book(
        frame,
        as_of,
        settings.models,
        frame[["typical_gap_days", "overdue_ratio"]],
        settings.lifecycle.lost_after,
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
    if isinstance(churn, Future):
        churn = churn.result()
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
