"""Measurement on a hand-made order history: who was won back within the window, for how much,
and how that compares with similar customers who were left alone."""

from __future__ import annotations

import datetime as dt

import pytest

from config.playbook import Play, PlaybookSettings, PlayMatch
from custseg.actions import Playbook, approve, measure, propose, reject
from custseg.ingest.readers import read_order_file
from custseg.pipeline import segment
from custseg.store.load import save_order_file
from tests.helpers.actions import MANAGER
from tests.helpers.data import write_csv

AS_OF = dt.date(2024, 6, 1)


def _history() -> str:
    lines = ["order_id,customer_id,ordered_at,amount"]
    n = 0

    def order(customer: str, day: dt.date, amount: float) -> None:
        nonlocal n
        n += 1
        lines.append(f"O{n},{customer},{day.isoformat()},{amount}")

    # A–G ordered every 10 days in Q1 and then stopped: dormant by June (62 days against 10).
    for customer in "ABCDEFG":
        for k in range(10):
            order(customer, dt.date(2024, 1, 1) + dt.timedelta(days=10 * k), 100)
    # Z keeps buying every 5 days all summer: active; its last order (Aug 28) dates the data.
    for k in range(49):
        order("Z", dt.date(2024, 1, 1) + dt.timedelta(days=5 * k), 40)
    order("A", dt.date(2024, 6, 10), 250)  # approved on June 3: back within 30 days …
    order("A", dt.date(2024, 6, 20), -50)  # … with a return in the window (net 200)
    order("B", dt.date(2024, 7, 20), 500)  # approved on June 3: back, but after the 30-day window
    order("D", dt.date(2024, 6, 15), 100)  # rejected on June 3, came back anyway
    order("E", dt.date(2024, 6, 5), 80)  # never suggested, came back
    order("G", dt.date(2024, 8, 25), 90)  # approved on Aug 20: its window is not over yet
    return "\n".join(lines) + "\n"


@pytest.fixture
def settings(team):
    plays = {"wake": Play(when=PlayMatch(lifecycle=["dormant"]), task="Call them", expected_win_back=0.5)}
    return team.model_copy(update={"playbook": PlaybookSettings(plays=plays, window_days=30)})


def test_approved_reorders_within_the_window_are_counted_with_their_amount(any_store, settings, tmp_path):
    save_order_file(
        any_store, read_order_file(write_csv(tmp_path / "orders.csv", _history()), "custseg_orders")
    )
    snap, _ = segment(any_store, settings, AS_OF)
    assert Playbook(settings.playbook).assign(snap.customers).dropna().to_dict() == {
        c: "wake" for c in "ABCDEFG"
    }
    ids = {}
    for customer in "ABCDG":
        row = {"customer_id": customer, **snap.customers.loc[customer].to_dict()}
        ids[customer] = propose(any_store, Playbook(settings.playbook).suggest(row, AS_OF), MANAGER)[0].id
    june3 = dt.datetime(2024, 6, 3, 10, 0)
    for customer in "ABC":
        assert approve(any_store, settings, ids[customer], MANAGER, now=june3).changed
    assert reject(any_store, ids["D"], MANAGER, "not worth it", now=june3).changed
    assert approve(any_store, settings, ids["G"], MANAGER, now=dt.datetime(2024, 8, 20, 9, 0)).changed

    result = measure(any_store, settings)
    assert result.window_days == 30 and result.data_end.date() == dt.date(2024, 8, 28)

    out = result.outcomes.set_index("customer_id")
    assert out.loc["A", "reordered"] and out.loc["A", "revenue"] == pytest.approx(200)
    assert not out.loc["B", "reordered"] and out.loc["B", "revenue"] == 0  # July 20 is outside the window
    assert not out.loc["C", "reordered"]
    assert not out.loc["G", "complete"]
    assert out.loc["D", "group"] == "rejected" and out.loc["D", "reordered"]
    assert set(out.index[out["group"] == "not_suggested"]) == {"E", "F"}
    assert out.loc["E", "reordered"] and out.loc["E", "revenue"] == pytest.approx(80)
    assert "Z" not in out.index  # active: no play fitted, so not a comparable customer

    row = result.by_playbook().set_index("playbook").loc["wake"]
    assert (row["approved"], row["measured"], row["won_back"], row["pending"]) == (4, 3, 1, 1)
    assert row["win_back_rate"] == pytest.approx(1 / 3)
    assert row["revenue_recovered"] == pytest.approx(200)
    assert (row["rejected_measured"], row["not_suggested_measured"], row["comparison_measured"]) == (1, 2, 3)
    assert row["comparison_rate"] == pytest.approx(2 / 3)
    assert row["comparison_revenue_per_customer"] == pytest.approx(60)
    assert row["uplift_points"] == pytest.approx(-33.3)


def test_nothing_approved_measures_nothing(any_store, settings):
    result = measure(any_store, settings)
    assert result.outcomes.empty and result.by_playbook().empty
