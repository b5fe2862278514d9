"""The models inside a snapshot: forecasts per customer, which rule made dormant / high value, small books."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from config import load_settings
from custseg.ingest.aggregate import aggregate_frame
from custseg.query import QueryEngine
from custseg.segmentation.figures import derive
from custseg.segmentation.lifecycle import Lifecycle
from custseg.snapshot.build import build_snapshot
from custseg.snapshot.storage import load_snapshot, save_snapshot
from tests.helpers.demo_book import demo_book

BOOK = demo_book()
END = BOOK.orders["ordered_at"].max().date()


@pytest.fixture(scope="module")
def snap():
    settings = load_settings(env={})
    return build_snapshot(
        aggregate_frame(BOOK.orders, END), END, settings, BOOK.customers.set_index("customer_id")
    )


def test_demo_book_gets_forecasts_and_says_which_rules_it_used(snap):
    c, notes = snap.customers, snap.notes
    assert notes["clv_available"] is True
    assert notes["models"]["frequency_model"] == "BG/NBD" and notes["models"]["horizon_months"] == 12
    assert notes["value_tier_basis"] == "revenue_plus_clv"
    assert "model" in notes["high_value_basis"] and "12 months" in notes["high_value_basis"]
    assert "BG/NBD" in notes["dormant_basis"]
    assert (c["clv"] >= 0).all() and (c["expected_purchases"] >= 0).all()
    # BG/NBD judges only repeat buyers; one-day customers have no probability alive.
    one_day = c["frequency"] == 1
    assert c.loc[one_day, "p_alive"].isna().all() and c.loc[~one_day, "p_alive"].notna().mean() > 0.9
    # Lost customers are far less likely alive, and worth less ahead, than active ones.
    by_stage = c.groupby("lifecycle")[["p_alive", "clv"]].median()
    assert by_stage.loc["lost", "p_alive"] < 0.5 < by_stage.loc["active", "p_alive"]
    assert by_stage.loc["lost", "clv"] < by_stage.loc["active", "clv"]
    # The win-back list still exists: dormant customers who are high value.
    assert ((c["lifecycle"] == "dormant") & (c["value_tier"] == "high")).any()
    nxt = c["expected_next_order"].dropna()
    assert len(nxt) and (nxt > np.datetime64(END)).all()
    assert (nxt <= np.datetime64(END + dt.timedelta(days=366))).all()


def test_most_valuable_list_is_ranked_by_lifetime_value(snap):
    answer = QueryEngine(snap).run_json(
        {"intent": "find_customers", "filters": {}, "sort": "clv", "limit": 5}
    )
    assert answer["sort"] == "clv" and not answer["notes"]
    top = [snap.customers.at[r["customer_id"], "clv"] for r in answer["customers"]]
    assert top == sorted(top, reverse=True) and top[0] == snap.customers["clv"].max()


def test_forecasts_survive_storing(any_store, snap):
    save_snapshot(any_store, snap)
    back = load_snapshot(any_store).customers
    for col in ("p_alive", "expected_purchases", "expected_order_value", "clv"):
        np.testing.assert_allclose(back[col].to_numpy(), snap.customers[col].to_numpy(), rtol=1e-9)
    assert (back["expected_next_order"].isna() == snap.customers["expected_next_order"].isna()).all()
    assert (
        back.loc[back["expected_next_order"].notna(), "expected_next_order"].iloc[0]
        == (snap.customers.loc[snap.customers["expected_next_order"].notna(), "expected_next_order"].iloc[0])
    )


def test_a_small_book_says_plainly_there_is_no_model_and_uses_the_rules():
    settings = load_settings(env={})
    few = BOOK.orders[BOOK.orders["customer_id"].isin(BOOK.customers["customer_id"].iloc[:25])]
    small = build_snapshot(aggregate_frame(few, END), END, settings)
    notes = small.notes
    assert notes["clv_available"] is False and notes["value_tier_basis"] == "revenue"
    assert "at least 30" in notes["models"]["message"] and "not estimated" in notes["models"]["message"]
    assert notes["dormant_basis"].startswith("rhythm rule")
    assert small.customers[["p_alive", "clv", "expected_order_value"]].isna().all().all()
    answer = QueryEngine(small).run_json({"intent": "find_customers", "filters": {}, "sort": "clv"})
    assert answer["sort"] == "revenue" and "not modelled" in answer["notes"][0]


def test_a_customer_on_rhythm_whom_the_model_thinks_gone_is_dormant():
    frame = pd.DataFrame(
        {
            "first_order": np.array(["2024-01-01"] * 3, dtype="datetime64[D]"),
            "last_order": np.array(["2024-06-01"] * 3, dtype="datetime64[D]"),
            "frequency": [6, 6, 1],
            "revenue": [600.0] * 3,
            "revenue_90d": [0.0] * 3,
            "revenue_prev_90d": [0.0] * 3,
        },
        index=["a", "b", "c"],
    )
    summary = derive(frame, dt.date(2024, 7, 1))
    stages = Lifecycle().fit(summary).predict(summary, np.array([0.1, 0.9, np.nan]), dormant_p_alive=0.3)
    assert list(stages["lifecycle"]) == ["dormant", "active", "active"]
    assert list(stages["lifecycle_reason"]) == ["unlikely_alive", "on_rhythm", "on_rhythm"]
