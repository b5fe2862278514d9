"""Tests for the synthetic demo book of business (custseg.demo)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from custseg.demo import ARCHETYPE_SHARES, DemoBook, make_demo_book, to_csv

END = date(2026, 11, 13)
YEARS = 3

NAMED = (
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella Corp",
    "Hooli",
    "Stark Industries",
    "Wayne Enterprises",
    "Wonka Foods",
    "Soylent",
    "Vandelay Industries",
    "Acme Logistics",
    "Globex Retail",
)


@pytest.fixture(scope="module")
def book() -> DemoBook:
    return make_demo_book()


@pytest.fixture(scope="module")
def purchases(book: DemoBook) -> pd.DataFrame:
    """Per customer: positive order count, first/last order, mean gap, net revenue."""
    orders = book.orders
    pos = orders[orders["amount"] > 0].groupby("customer_id")
    out = pd.DataFrame(
        {
            "n": pos.size(),
            "first": pos["ordered_at"].min(),
            "last": pos["ordered_at"].max(),
            "revenue": orders.groupby("customer_id")["amount"].sum(),
        }
    )
    out["mean_gap_days"] = (out["last"] - out["first"]).dt.total_seconds() / 86400 / (out["n"] - 1)
    return out


def test_archetype_shares_sum_to_one() -> None:
    assert sum(ARCHETYPE_SHARES.values()) == pytest.approx(1.0)


def test_schema(book: DemoBook) -> None:
    assert list(book.customers.columns) == ["customer_id", "name", "owner", "region", "industry", "country"]
    assert list(book.orders.columns) == ["order_id", "customer_id", "ordered_at", "amount"]
    assert book.orders["ordered_at"].dtype == "datetime64[ns]"
    assert book.orders["amount"].dtype == float
    assert (book.orders["amount"].round(2) == book.orders["amount"]).all()
    assert len(book.customers) == 2000
    assert 60_000 <= len(book.orders) <= 200_000


def test_deterministic(tmp_path) -> None:
    a, b = make_demo_book(seed=11), make_demo_book(seed=11)
    pd.testing.assert_frame_equal(a.customers, b.customers)
    pd.testing.assert_frame_equal(a.orders, b.orders)
    paths_a = to_csv(a, tmp_path / "a")
    paths_b = to_csv(b, tmp_path / "b")
    assert [p.name for p in paths_a] == ["customers.csv", "orders.csv"]
    for pa, pb in zip(paths_a, paths_b, strict=True):
        assert pa.read_bytes() == pb.read_bytes()


def test_seed_changes_book() -> None:
    a, b = make_demo_book(seed=1, n_customers=200), make_demo_book(seed=2, n_customers=200)
    assert not a.orders["amount"].equals(b.orders["amount"])


def test_csv_round_trip(book: DemoBook, tmp_path) -> None:
    _, orders_path = to_csv(book, tmp_path)
    first_line = orders_path.read_text().splitlines()[1]
    assert "T" in first_line.split(",")[2]  # ISO timestamp
    back = pd.read_csv(orders_path, parse_dates=["ordered_at"])
    assert len(back) == len(book.orders)
    assert back["amount"].sum() == pytest.approx(book.orders["amount"].sum())


def test_uniqueness(book: DemoBook) -> None:
    assert book.customers["customer_id"].is_unique
    assert book.customers["name"].is_unique
    assert book.orders["order_id"].is_unique
    assert set(book.orders["customer_id"]) <= set(book.customers["customer_id"])


def test_named_customers_exist(book: DemoBook) -> None:
    names = set(book.customers["name"])
    for name in NAMED:
        assert name in names


def test_named_stories(book: DemoBook, purchases: pd.DataFrame) -> None:
    by_name = purchases.join(book.customers.set_index("customer_id")["name"]).set_index("name")
    end = pd.Timestamp(END)
    globex = by_name.loc["Globex"]
    assert (end - globex["last"]).days > 3 * globex["mean_gap_days"]
    assert (end - by_name.loc["Hooli", "first"]).days <= 90
    assert (end - by_name.loc["Umbrella Corp", "last"]).days > 365
    assert by_name.loc["Vandelay Industries", "n"] == 1
    top = by_name["revenue"].rank(ascending=False)
    assert top["Acme Corp"] <= 20 and top["Stark Industries"] <= 20


def test_every_customer_bought(book: DemoBook) -> None:
    buyers = set(book.orders.loc[book.orders["amount"] > 0, "customer_id"])
    assert buyers == set(book.customers["customer_id"])


def test_returns_are_plausible(book: DemoBook) -> None:
    orders = book.orders.sort_values(["customer_id", "ordered_at"], kind="stable")
    returns = orders["amount"] < 0
    assert 0.01 <= returns.mean() <= 0.04
    bought_before = orders["amount"].clip(lower=0).groupby(orders["customer_id"]).cumsum()
    returned_so_far = (-orders["amount"].clip(upper=0)).groupby(orders["customer_id"]).cumsum()
    first = orders[~returns].groupby("customer_id")["ordered_at"].min()
    ret = orders[returns]
    assert (ret["ordered_at"].to_numpy() > first.loc[ret["customer_id"]].to_numpy()).all()
    assert (returned_so_far[returns] < bought_before[returns]).all()


def test_dates_within_window_and_business_hours(book: DemoBook) -> None:
    at = book.orders["ordered_at"]
    assert at.dt.tz is None
    assert at.min() >= pd.Timestamp(date(END.year - YEARS, END.month, END.day))
    assert at.dt.date.max() <= END
    assert (at.dt.dayofweek < 5).all()
    assert at.dt.hour.between(8, 17).all()


def test_owners_and_regions(book: DemoBook) -> None:
    customers = book.customers
    owners = customers["owner"].value_counts()
    assert {"Maria", "John"} <= set(owners.index)
    assert len(owners) == 6
    assert owners.max() > 1.5 * owners.min()  # unequal books
    assert set(customers["region"]) == {"EMEA", "North America", "APAC", "LATAM"}
    # Each owner covers mostly one or two regions.
    top_two = customers.groupby("owner")["region"].apply(
        lambda r: r.value_counts(normalize=True).iloc[:2].sum()
    )
    assert (top_two >= 0.85).all()
    # Countries belong to one region only.
    assert customers.groupby("country")["region"].nunique().max() == 1


def test_pareto(purchases: pd.DataFrame) -> None:
    revenue = purchases["revenue"].sort_values(ascending=False)
    top = revenue.iloc[: len(revenue) // 5].sum()
    assert top >= 0.5 * revenue.sum()


def test_one_time_buyers(purchases: pd.DataFrame) -> None:
    assert 0.20 <= (purchases["n"] == 1).mean() <= 0.45


def test_new_accounts(purchases: pd.DataFrame) -> None:
    recent = (pd.Timestamp(END) - purchases["first"]).dt.days <= 90
    assert recent.sum() >= 20


def test_dormant_high_value_accounts(purchases: pd.DataFrame) -> None:
    threshold = purchases["revenue"].quantile(0.9)
    high = purchases[(purchases["revenue"] >= threshold) & (purchases["n"] > 1)]
    days_since = (pd.Timestamp(END) - high["last"]).dt.total_seconds() / 86400
    assert (days_since > 3 * high["mean_gap_days"]).sum() >= 10


def test_small_book_and_validation() -> None:
    small = make_demo_book(n_customers=40, years=1)
    assert len(small.customers) == 40
    assert set(NAMED) <= set(small.customers["name"])
    assert small.orders["order_id"].is_unique
    with pytest.raises(ValueError):
        make_demo_book(n_customers=5)
    with pytest.raises(ValueError):
        make_demo_book(years=0)
