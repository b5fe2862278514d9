"""The churn model inside `custseg segment`: stored probabilities, notes, explanations, fallback."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from custseg.ingest.aggregate import aggregate_frame
from custseg.models.churn.features import profile_at
from custseg.pipeline import segment
from custseg.query import QueryEngine
from custseg.segmentation.lifecycle import RISK_BY_STAGE
from custseg.snapshot.build import build_snapshot
from custseg.snapshot.storage import load_snapshot
from tests.models.test_churn import DAY, synthetic_book


def _write(tmp_path: Path, n: int, seed: int) -> Path:
    orders = synthetic_book(n, seed=seed)
    orders.insert(0, "order_id", [f"O{i}" for i in range(len(orders))])
    path = tmp_path / f"orders_{n}.csv"
    orders.assign(ordered_at=orders["ordered_at"].dt.strftime("%Y-%m-%dT%H:%M:%S")).to_csv(path, index=False)
    return path


def test_a_snapshot_stores_churn_probabilities_and_records_the_model(any_store, settings, tmp_path):
    snap, _ = segment(any_store, settings, DAY, file=_write(tmp_path, 800, seed=5), mapping="custseg_orders")
    stored = load_snapshot(any_store, DAY)
    p = stored.customers["churn_probability"].astype(float)
    assert p.notna().all() and p.between(0, 1).all()
    assert np.allclose(p.to_numpy(), snap.customers["churn_probability"].to_numpy(), atol=1e-6)
    high = stored.customers["churn_risk"] == "high"
    assert (p[high] >= settings.churn.high).all()
    notes = stored.notes
    assert notes["churn_model"]["model"] in ("classifier", "bgnbd")
    assert notes["churn_horizon_days"] > 0
    assert "on the holdout after" in notes["churn_risk_basis"]

    # The explain intent recomputes the drivers from the stored model and the customer's row.
    engine = QueryEngine(stored)
    overdue = stored.customers.sort_values("overdue_ratio").index[-1]
    answer = engine.run_json({"intent": "explain", "customer": overdue})
    churn = next(f for f in answer["factors"] if f["topic"] == "churn_risk")
    assert churn["probability"] == stored.customers.loc[overdue, "churn_probability"]
    assert churn["horizon_days"] == notes["churn_horizon_days"]
    assert churn["drivers"], "a scored customer has factors"


def test_a_small_book_falls_back_to_the_lifecycle_rule_and_says_so(sqlite_store, settings, tmp_path):
    segment(sqlite_store, settings, DAY, file=_write(tmp_path, 60, seed=3), mapping="custseg_orders")
    stored = load_snapshot(sqlite_store, DAY)
    c = stored.customers
    assert c["churn_probability"].isna().all()
    assert (c["churn_risk"] == c["lifecycle"].map(RISK_BY_STAGE)).all()
    assert stored.notes["churn_model"] is None
    assert stored.notes["churn_risk_basis"].startswith("lifecycle rule")
    assert "too few customers to learn churn from" in stored.notes["churn_risk_basis"]
    answer = QueryEngine(stored).run_json({"intent": "explain", "customer": c.index[0]})
    churn = next(f for f in answer["factors"] if f["topic"] == "churn_risk")
    assert churn["probability"] is None and churn["drivers"] == []


def test_the_profile_shared_with_the_churn_thread_is_left_as_it_was(settings):
    # segment() hands one profile of the book to the churn model's thread and to build_snapshot,
    # which adds and replaces columns while the other thread reads: its own view, never the profile.
    aggregates = aggregate_frame(synthetic_book(300, seed=3), DAY)
    profile = profile_at(aggregates, DAY, settings.lifecycle)
    before = profile.copy(deep=True)
    snap = build_snapshot(aggregates, DAY, settings, profile=profile)
    pd.testing.assert_frame_equal(profile, before)
    assert "segment" in snap.customers and "segment" not in profile
    alone = build_snapshot(aggregates, DAY, settings)
    pd.testing.assert_frame_equal(snap.customers, alone.customers)
