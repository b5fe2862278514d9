"""RFM scores and segments, value tiers, lifecycle stages and key accounts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from config.labels import SEGMENTS
from config.sections import KeyAccountSettings, LifecycleSettings
from custseg.segmentation.key_accounts import key_accounts
from custseg.segmentation.lifecycle import Lifecycle
from custseg.segmentation.rfm import RF_GRID, quintile_scores, segment_of
from custseg.segmentation.tiers import ValueTiers


def test_rf_grid_covers_every_cell_exactly_once_with_all_eleven_segments():
    cells = [(r, f) for rs, fs, _ in RF_GRID for r in rs for f in fs]
    assert sorted(cells) == [(r, f) for r in range(1, 6) for f in range(1, 6)]
    assert {name for *_, name in RF_GRID} == set(SEGMENTS) and len(SEGMENTS) == 11


def test_classic_cells():
    r = np.array([5, 5, 1, 1, 3, 2, 4])
    f = np.array([5, 1, 1, 5, 3, 3, 1])
    assert list(segment_of(r, f)) == [
        "champions",
        "new",
        "lost",
        "cant_lose",
        "need_attention",
        "at_risk",
        "promising",
    ]


def test_quintiles_keep_ties_together():
    freq = np.array([1] * 60 + [2] * 20 + list(range(3, 23)))
    scores = quintile_scores(freq)
    assert set(scores[:60]) == {1}
    assert set(scores[60:80]) == {4}
    assert scores.max() == 5 and scores.min() == 1
    recency = np.array([1, 10, 100, 1000, 5])
    assert list(quintile_scores(recency, higher_is_better=False)) == [5, 3, 2, 1, 4]


def test_value_tiers_are_pareto_shares():
    value = np.array([500.0, 300, 100, 50, 30, 20, 0, -10])
    tiers = ValueTiers(0.5, 0.8).fit(value)
    assert list(tiers.tiers()) == ["high", "medium", "low", "low", "low", "low", "low", "low"]
    assert tiers.high_min_ == 500 and tiers.medium_min_ == 300
    assert list(ValueTiers(0.5, 0.95).fit(value).tiers())[:5] == ["high", "medium", "medium", "medium", "low"]


def frame(**cols) -> pd.DataFrame:
    return pd.DataFrame(cols)


def test_lifecycle_follows_each_customers_own_rhythm():
    s = LifecycleSettings()
    summary = frame(
        frequency=[50, 50, 50, 50, 12, 12],
        own_gap_days=[2.0, 2.0, 2.0, 2.0, 90.0, 90.0],
        recency_days=[1, 5, 9, 16, 30, 400],
        tenure_days=[400, 400, 400, 400, 1000, 1400],
        trend_90d=[0.0, 0.0, 0.0, 0.0, 0.0, np.nan],
    )
    out = Lifecycle(s).fit(summary).predict(summary)
    # Every 2 days: slipping after ~4 days, dormant after 8, gone after 15.
    assert list(out["lifecycle"]) == ["active", "declining", "dormant", "lost", "active", "dormant"]
    assert out["gap_basis"].tolist() == ["own"] * 6
    assert out.loc[1, "overdue_ratio"] == pytest.approx(2.5)


def test_customers_without_a_rhythm_use_the_population_gap_and_new_ones_are_new():
    summary = frame(
        frequency=[10, 10, 10, 1, 1, 2],
        own_gap_days=[20.0, 30.0, 40.0, np.nan, np.nan, 5.0],
        recency_days=[10, 10, 10, 20, 200, 70],
        tenure_days=[300, 300, 300, 20, 200, 75],
        trend_90d=[np.nan] * 6,
    )
    model = Lifecycle(LifecycleSettings()).fit(summary)
    assert model.population_gap_days_ == 30.0
    out = model.predict(summary)
    assert list(out["gap_basis"]) == ["own", "own", "own", "population", "population", "population"]
    assert out.loc[3, "lifecycle"] == "new"
    assert out.loc[4, "lifecycle"] == "dormant"  # 200 days vs a usual 30: more than 4× but under 7.5×
    assert out.loc[5, "lifecycle"] == "declining"  # 70 / 30 days


def test_revenue_drop_marks_decline_even_when_on_time():
    summary = frame(
        frequency=[20], own_gap_days=[10.0], recency_days=[5], tenure_days=[500], trend_90d=[-0.7]
    )
    out = Lifecycle().fit(summary).predict(summary)
    assert out.loc[0, "lifecycle"] == "declining" and out.loc[0, "lifecycle_reason"] == "revenue_down"


def test_key_accounts_top_n_per_owner_and_stable_membership():
    settings = KeyAccountSettings(per_owner=2, leave_after_misses=3)
    book = pd.DataFrame(
        {"owner": ["m", "m", "m", "j", None], "revenue": [100.0, 90, 80, 10, 50]},
        index=pd.Index(["a", "b", "c", "d", "e"]),
    )
    first = key_accounts(book, settings)
    assert first["key_account"].tolist() == [True, True, False, True, True]

    book.loc["c", "revenue"] = 95  # c overtakes b
    history = first
    kept = []
    for _ in range(3):
        history = key_accounts(book, settings, history)
        kept.append(bool(history.loc["b", "key_account"]))
    # b keeps its place for two snapshots of misses and leaves at the third.
    assert kept == [True, True, False]
    assert history.loc["c", "key_account"]
