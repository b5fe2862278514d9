"""The engine's version-2 figures, recomputed with plain pandas from the raw orders and customers.

On the demo book in SQLite and PostgreSQL, for the whole book and for one account manager's book,
and on UCI Online Retail: totals, shares, windows, comparisons, breakdowns, trends and movements
the engine gives must equal what the orders say, and the public answer cases must come out right.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from config.labels import LEVELS, SEGMENTS, STAGES
from custseg import schema
from custseg.query import Query, QueryEngine
from custseg.query.answers import (
    AggregateAnswer,
    BreakdownAnswer,
    CountAnswer,
    MovementsAnswer,
    NoMatch,
    TrendAnswer,
)
from custseg.query.sources import FrameBook, StoredBook
from custseg.snapshot.storage import list_snapshots, load_snapshot
from custseg.store import Store
from custseg.store.orders import recent_orders_lookup
from tests.helpers.data import RETAIL, SHARED, need
from tests.helpers.demo_book import DemoBooks, demo_book

BOOK = demo_book()
AS_OF = BOOK.orders["ordered_at"].max().date()  # 2026-11-13, a Friday
PUBLIC = SHARED / "eval" / "answers_public.jsonl"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def stored(
    request: pytest.FixtureRequest, demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    with demo_books.store(request.param, tmp_path_factory.mktemp("v2")) as store:
        yield store


@pytest.fixture(scope="module")
def engine(stored: Store) -> QueryEngine:
    return QueryEngine(load_snapshot(stored), recent_orders_lookup(stored), StoredBook(stored))


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """Every demo order with its day and its customer's owner, region, country and industry."""
    orders = BOOK.orders.assign(day=BOOK.orders["ordered_at"].dt.normalize())
    return orders.merge(BOOK.customers, on="customer_id")


def ask(engine: QueryEngine, query: dict, scope: frozenset[str] | None = None, user: str | None = None):
    return engine.run(Query.from_json(query), user_owner=user, scope=scope)


def between(raw: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    return raw[(raw["day"] >= pd.Timestamp(start)) & (raw["day"] <= pd.Timestamp(end))]


def test_public_answers_come_out_right(engine):
    cases = [json.loads(line) for line in need(PUBLIC).read_text().splitlines() if line.strip()]
    checked = 0
    for case in cases:
        expect = case["expect"]
        if len(case["turns"]) > 1 or "kind" not in expect:
            continue  # follow-ups and unsupported words belong to the parser and the bot
        answer = ask(engine, case["query"], user=case.get("as_user")).to_json()
        assert answer["kind"] == expect["kind"], case["turns"]
        for key in ("count", "total"):
            if key in expect:
                assert answer[key] == expect[key], case["turns"]
        if "value" in expect:
            assert answer["value"] == pytest.approx(expect["value"], rel=1e-6), case["turns"]
        if "groups" in expect:
            got = {g["key"].lower(): g["value"] for g in answer["groups"]}
            assert got == pytest.approx(expect["groups"], rel=1e-6)
        if "points" in expect:
            assert [p["value"] for p in answer["points"]] == pytest.approx(expect["points"], rel=1e-6)
        if "customer_ids" in expect:
            assert [c["customer_id"] for c in answer["customers"]] == expect["customer_ids"]
        checked += 1
    assert checked == 8


@pytest.mark.parametrize("owner", [None, "priya"])
def test_order_figures_equal_the_orders(engine, raw, owner):
    scope = frozenset({owner}) if owner else None
    book = raw[raw["owner"].str.lower() == owner] if owner else raw
    n_book = book["customer_id"].nunique()

    this_year = ask(
        engine,
        {
            "intent": "aggregate",
            "measure": "revenue",
            "period": {"unit": "year", "offset": 0},
            "compare_to": {"unit": "year", "offset": -1},
        },
        scope,
    )
    assert isinstance(this_year, AggregateAnswer)
    assert this_year.value == pytest.approx(
        between(book, "2026-01-01", "2026-11-13")["amount"].sum(), abs=0.01
    )
    assert this_year.compare_value == pytest.approx(
        between(book, "2025-01-01", "2025-12-31")["amount"].sum(), abs=0.01
    )
    assert (this_year.period.start, this_year.period.end) == ("2026-01-01", "2026-11-13")
    assert this_year.of_total == n_book and this_year.whole_book is (owner is None)
    assert any("cut at the as-of date" in n for n in this_year.notes)

    last90 = between(book, "2026-08-16", "2026-11-13")
    bought = last90[last90["amount"] > 0]
    orders = ask(engine, {"intent": "aggregate", "measure": "orders", "period": {"days": 90}}, scope)
    aov = ask(engine, {"intent": "aggregate", "measure": "aov", "period": {"days": 90}}, scope)
    assert orders.value == len(bought)
    assert aov.value == pytest.approx(last90["amount"].sum() / len(bought), abs=0.01)

    # Last month is October 2026; this quarter began on 1 October.
    october = between(book, "2026-10-01", "2026-10-31")
    count = ask(
        engine,
        {"intent": "count_customers", "filters": {"ordered_in": {"unit": "month", "offset": -1}}},
        scope,
    )
    assert count.count == october[october["amount"] > 0]["customer_id"].nunique()
    first = book[book["amount"] > 0].groupby("customer_id")["day"].min()
    new = ask(
        engine,
        {"intent": "count_customers", "filters": {"first_order_in": {"unit": "quarter", "offset": 0}}},
        scope,
    )
    assert new.count == int((first >= pd.Timestamp("2026-10-01")).sum())

    now = between(book, "2025-11-14", "2026-11-13").groupby("customer_id")["amount"].sum()
    before = between(book, "2024-11-14", "2025-11-13").groupby("customer_id")["amount"].sum()
    change = now.reindex(first.index, fill_value=0) - before.reindex(first.index, fill_value=0)
    down = ask(
        engine,
        {"intent": "find_customers", "filters": {"spend_change": "down"}, "sort": "spend_change", "limit": 3},
        scope,
    )
    assert down.total == int((change < 0).sum())
    assert [c.customer_id for c in down.customers] == change.sort_values(kind="stable").index[:3].tolist()

    trend = ask(engine, {"intent": "trend", "measure": "revenue", "interval": "month"}, scope)
    assert isinstance(trend, TrendAnswer) and trend.source == "orders" and len(trend.points) == 12
    monthly = (
        between(book, "2025-12-01", "2026-11-13").groupby(pd.Grouper(key="day", freq="MS"))["amount"].sum()
    )
    assert [p.value for p in trend.points] == pytest.approx(monthly.round(2).tolist(), abs=0.01)
    assert trend.points[0].start == "2025-12-01" and trend.points[-1].end == "2026-11-13"


@pytest.mark.parametrize("owner", [None, "priya"])
def test_filters_lists_attributes_and_exclusions(engine, owner):
    scope = frozenset({owner}) if owner else None
    snap = engine.snapshot.customers.join(BOOK.customers.set_index("customer_id")[["country", "industry"]])
    book = snap[snap["owner"].str.lower() == owner] if owner else snap

    both = ask(
        engine, {"intent": "count_customers", "filters": {"country": ["france", "deutschland"]}}, scope
    )
    assert both.count == int(book["country"].isin(["France", "Germany"]).sum())
    assert both.filters.country == ("France", "Germany")

    retail = ask(
        engine, {"intent": "count_customers", "filters": {"attributes": {"Industry": "retail"}}}, scope
    )
    assert retail.count == int((book["industry"] == "Retail").sum())

    q = {"segment": ["champions", "loyal"], "exclude": {"region": "emea"}, "min_orders": 2, "max_orders": 40}
    picked = ask(engine, {"intent": "count_customers", "filters": q}, scope)
    expected = book[
        book["segment"].isin(["champions", "loyal"])
        & (book["region"] != "EMEA")
        & book["frequency"].between(2, 40)
    ]
    assert picked.count == len(expected)

    quiet = ask(
        engine,
        {"intent": "count_customers", "filters": {"ordered_within_days": 30, "max_revenue": 5000}},
        scope,
    )
    assert quiet.count == int(((book["recency_days"] <= 30) & (book["revenue"] <= 5000)).sum())

    fewest = ask(engine, {"intent": "find_customers", "sort": "orders", "order": "asc", "limit": 5}, scope)
    ranked = book.assign(cid=book.index).sort_values(
        ["frequency", "revenue", "cid"], ascending=[True, False, True]
    )
    assert [c.customer_id for c in fewest.customers] == ranked.index[:5].tolist()

    by_country = ask(
        engine,
        {"intent": "breakdown", "measure": "clv", "stat": "mean", "group_by": "country", "limit": 3},
        scope,
    )
    assert isinstance(by_country, BreakdownAnswer) and by_country.ranked
    means = book.groupby("country")["clv"].mean().sort_values(ascending=False)[:3]
    assert [g.key for g in by_country.groups] == means.index.tolist()
    assert [g.value for g in by_country.groups] == pytest.approx(means.round(2).tolist(), abs=0.01)

    stages = ask(
        engine,
        {"intent": "breakdown", "group_by": "lifecycle", "measure": "customers", "stat": "share"},
        scope,
    )
    assert [g.key for g in stages.groups] == ["new", "active", "declining", "dormant", "lost"]
    assert sum(g.value for g in stages.groups) == pytest.approx(1.0, abs=1e-5)


def test_a_share_of_an_average_is_the_average_itself_and_says_so(engine):
    # An average order value does not add up over customers, so it has no share of the book.
    shared = ask(engine, {"intent": "aggregate", "measure": "aov", "stat": "share"})
    plain = ask(engine, {"intent": "aggregate", "measure": "aov"})
    assert shared.stat is None and shared.value == plain.value > 1
    assert any("a share of the average order value means nothing" in note for note in shared.notes)


def test_names_resolve_against_the_data_or_are_refused(engine):
    typo = ask(engine, {"intent": "count_customers", "filters": {"country": "frnace"}})
    assert isinstance(typo, CountAnswer) and "country: 'frnace' read as France" in typo.notes
    uk = ask(engine, {"intent": "count_customers", "filters": {"country": "uk"}})
    assert uk.filters.country == "United Kingdom" and uk.count > 0
    unknown = ask(engine, {"intent": "count_customers", "filters": {"country": "atlantis"}})
    assert isinstance(unknown, NoMatch) and unknown.slot == "country" and "France" in unknown.candidates
    column = ask(engine, {"intent": "count_customers", "filters": {"attributes": {"product": "widgets"}}})
    assert isinstance(column, NoMatch) and column.slot == "column" and "industry" in column.candidates
    group = ask(engine, {"intent": "breakdown", "group_by": "colour"})
    assert (
        isinstance(group, NoMatch)
        and group.slot == "group_by"
        and {"country", "industry"} <= set(group.candidates)
    )
    # Another account manager's countries are not suggested to someone who only sees their own book.
    scoped = ask(
        engine, {"intent": "count_customers", "filters": {"country": "atlantis"}}, frozenset({"priya"})
    )
    assert set(scoped.candidates) <= set(BOOK.customers.query("owner == 'Priya'")["country"])


def test_label_trends_read_the_stored_snapshots(engine, stored):
    weekly = ask(
        engine,
        {"intent": "trend", "interval": "week", "period": {"days": 91}, "filters": {"segment": "champions"}},
    )
    assert isinstance(weekly, TrendAnswer) and weekly.source == "snapshots"
    dates = sorted(list_snapshots(stored)["as_of"])
    assert weekly.missing == 14 - len(dates)
    assert f"only {len(dates)} of 14 weeks have a snapshot" in weekly.notes
    counts = [int((load_snapshot(stored, as_of=d).customers["segment"] == "champions").sum()) for d in dates]
    assert [p.value for p in weekly.points] == counts


def test_movements_between_the_last_two_snapshots(engine, stored):
    old, new = (load_snapshot(stored, as_of=d).customers for d in sorted(list_snapshots(stored)["as_of"]))
    moved = ask(
        engine,
        {"intent": "movements", "to": {"segment": "at_risk"}, "limit": 5, "filters": {"owner": "me"}},
        user="Maria",
    )
    assert isinstance(moved, MovementsAnswer)
    before = old["segment"].astype(object).reindex(new.index).fillna("(new customer)")
    mine = (new["owner"] == "Maria") & (new["segment"] == "at_risk") & (before != "at_risk")
    assert moved.total == int(mine.sum())
    assert sum(m.customers for m in moved.moves) == moved.total
    best = new[mine].sort_values("clv", ascending=False).index[:5].tolist()
    assert [c.customer_id for c in moved.customers] == best

    alone = QueryEngine(engine.snapshot, data=FrameBook(BOOK.orders, snapshots=[engine.snapshot]))
    nothing = alone.run(Query.from_json({"intent": "movements"}))
    assert nothing.total == 0 and "nothing to compare with" in nothing.notes[0]


@pytest.fixture(scope="module")
def retail(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[QueryEngine, pd.DataFrame]]:
    from config import load_settings
    from custseg.ingest.readers import read_order_file
    from custseg.pipeline import segment
    from custseg.store import open_store
    from custseg.store.load import save_order_file

    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('retail') / 'custseg.db'}")
    save_order_file(store, read_order_file(need(RETAIL), "online_retail"))
    snap, _ = segment(store, load_settings(env={}), dt.date(2011, 12, 9))
    with store.connect() as conn:
        orders = pd.read_sql(
            "SELECT o.customer_id, o.ordered_at, o.amount, c.region FROM orders o "
            "JOIN customers c ON c.id = o.customer_id",
            conn,
            parse_dates=["ordered_at"],
        )
    yield QueryEngine(snap, data=StoredBook(store)), orders
    store.dispose()


def test_online_retail_figures_equal_its_orders(retail):
    engine, orders = retail
    # Customers with only returns have no snapshot row; the figures are over the snapshot's customers.
    orders = orders[orders["customer_id"].isin(engine.frame.index)]
    orders = orders.assign(day=orders["ordered_at"].dt.normalize())
    # Its regions are countries, so "country" reads them.
    countries = ask(
        engine,
        {
            "intent": "breakdown",
            "measure": "revenue",
            "group_by": "country",
            "limit": 5,
            "period": {"year": 2011, "quarter": 3},
        },
    )
    q3 = between(orders, "2011-07-01", "2011-09-30")
    top = q3.groupby("region")["amount"].sum().sort_values(ascending=False)[:5]
    assert [g.key for g in countries.groups] == top.index.tolist()
    assert [g.value for g in countries.groups] == pytest.approx(top.round(2).tolist(), abs=0.01)

    germany = ask(engine, {"intent": "aggregate", "measure": "orders", "filters": {"country": "deutschland"}})
    assert germany.value == int(((orders["region"] == "Germany") & (orders["amount"] > 0)).sum())

    quarterly = ask(
        engine, {"intent": "trend", "measure": "aov", "interval": "quarter", "period": {"year": 2011}}
    )
    year = between(orders, "2011-01-01", "2011-12-09")
    expected = [g["amount"].sum() / (g["amount"] > 0).sum() for _, g in year.groupby(year["day"].dt.quarter)]
    assert [p.value for p in quarterly.points] == pytest.approx(np.round(expected, 2).tolist(), abs=0.01)
    assert quarterly.points[-1].end == "2011-12-09"


PERIODS = st.one_of(
    st.fixed_dictionaries({"unit": st.sampled_from(schema.PERIOD_UNITS), "offset": st.integers(-40, 0)}),
    st.fixed_dictionaries({"days": st.integers(1, 2000)}),
    st.fixed_dictionaries({"year": st.integers(2020, 2028)}),
    st.fixed_dictionaries({"year": st.integers(2022, 2027), "quarter": st.integers(1, 4)}),
    st.fixed_dictionaries({"year": st.integers(2022, 2027), "month": st.integers(1, 12)}),
)
ONE_FILTER = {
    "segment": st.sampled_from(SEGMENTS),
    "lifecycle": st.lists(st.sampled_from(STAGES), min_size=1, max_size=2, unique=True),
    "churn_risk": st.sampled_from(LEVELS),
    "key_account": st.booleans(),
    "owner": st.sampled_from(["me", "maria", "priya", "nobody"]),
    "region": st.lists(st.sampled_from(["emea", "apac", "latam", "emae", "mars"]), min_size=1, max_size=2),
    "country": st.sampled_from(["france", "uk", "deutschland", "atlantis"]),
    "attributes": st.sampled_from(
        [{"industry": "retail"}, {"Industry": ["retail", "logistics"]}, {"colour": "red"}]
    ),
    "min_orders": st.integers(0, 60),
    "max_revenue": st.integers(0, 10**6),
    "min_clv": st.integers(0, 10**5),
    "ordered_within_days": st.integers(0, 400),
    "ordered_in": PERIODS,
    "first_order_in": PERIODS,
    "spend_change": st.sampled_from(schema.SPEND_CHANGES),
}
FILTERS = st.dictionaries(st.sampled_from(sorted(ONE_FILTER)), st.none(), max_size=3).flatmap(
    lambda keys: st.fixed_dictionaries({k: ONE_FILTER[k] for k in keys})
)
V2_QUERIES = st.fixed_dictionaries(
    {
        "intent": st.sampled_from(
            ["aggregate", "breakdown", "trend", "movements", "find_customers", "count_customers"]
        )
    },
    optional={
        "filters": FILTERS.flatmap(
            lambda f: st.one_of(
                st.just(f), ONE_FILTER["region"].map(lambda r: {**f, "exclude": {"region": r}})
            )
        ),
        "measure": st.sampled_from(schema.MEASURES),
        "stat": st.sampled_from(schema.STATS),
        "group_by": st.sampled_from([*schema.GROUP_BY, "industry", "colour"]),
        "interval": st.sampled_from(schema.INTERVALS),
        "period": PERIODS,
        "compare_to": PERIODS,
        "sort": st.sampled_from(schema.SORTS),
        "order": st.sampled_from(schema.ORDERS),
        "limit": st.integers(1, 300),
        "from": st.sampled_from([{"segment": "loyal"}, {"lifecycle": "active"}]),
        "to": st.sampled_from([{"segment": "champions"}, {"churn_risk": "high"}]),
    },
)


@hsettings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=V2_QUERIES)
def test_every_v2_query_is_answered_or_refused_with_a_reason(engine, query):
    """Any well-formed v2 query gets an answer of its kind or a refusal naming the slot, never a crash;
    a figure is a finite number or None, and a share lies between 0 and 1."""
    answer = engine.run(Query.from_json(query), user_owner="Maria", scope=None).to_json()
    assert answer["kind"] in (
        "aggregate",
        "breakdown",
        "trend",
        "movements",
        "customers",
        "count",
        "no_match",
    )
    figures = [answer.get("value"), answer.get("compare_value")]
    figures += [g["value"] for g in answer.get("groups", [])] + [p["value"] for p in answer.get("points", [])]
    for value in figures:
        assert value is None or np.isfinite(value)
        if answer.get("stat") == "share" and value is not None:
            assert -1e-9 <= value <= 1 + 1e-9 or answer["measure"] in ("revenue", "clv")  # returns can exceed
