"""What a user reads for each figure answer, on every channel: answers are built by hand (the
engine's typed answers), rendered by the bot's reply builders and then by Slack, Teams and the
console adapters, and read back as a person would."""

from __future__ import annotations

import json
import re

import pytest

from adapters.console.render import render as console
from adapters.slack.render import render as slack
from adapters.teams.render import card, summary
from bot.handlers.figures import aggregate_reply, breakdown_reply, movements_reply, trend_reply
from bot.reply import Reply
from custseg.query import Query
from custseg.query.answers import (
    AggregateAnswer,
    BreakdownAnswer,
    Group,
    ListedCustomer,
    Move,
    MovementsAnswer,
    Point,
    Span,
    TrendAnswer,
)
from custseg.query.contract import AppliedFilters, Label
from tests.fakes.slack_api import block_kit_errors
from tests.helpers.blockkit import too_wide
from tests.teams.cards import card_text, read_order, table_rows

AS_OF = "2026-11-13"
PNG = b"\x89PNG\r\n\x1a\n"
THIS_YEAR = Span("2026-01-01", AS_OF, {"unit": "year", "offset": 0})
LAST_YEAR = Span("2025-01-01", "2025-12-31", {"unit": "year", "offset": -1})
# Teams rejects a message over ~28 KB; Slack code blocks of a table must fit a phone.
TEAMS_LIMIT = 28 * 1024
PHONE_WIDTH = 60


def applied(**filters: object) -> AppliedFilters:
    return AppliedFilters.of(filters)


def figure(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "as_of": AS_OF,
        "filters": applied(),
        "notes": [],
        "measure": "revenue",
        "stat": "sum",
        "period": None,
        "whole_book": False,
        "currency": "$",
    }
    return {**base, **fields}


def channels_read(reply: Reply) -> dict[str, str]:
    """The reply as each channel shows it, after checking each channel's own limits."""
    messages = slack(reply, share={"q": "x"})
    for message in messages:
        assert block_kit_errors(message.blocks) == []
    built = card(reply)
    assert len(json.dumps(built).encode()) <= TEAMS_LIMIT
    assert len(built.get("actions", [])) <= 6
    assert summary(built) == reply.context
    blocks = [b for m in messages for b in m.blocks]
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]
    small = [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
    slack_text = "\n".join([*sections, *small])
    assert too_wide(blocks, PHONE_WIDTH) == []
    return {"slack": slack_text, "teams": card_text(built), "console": console(reply)}


def test_an_aggregate_is_one_sentence_with_whom_when_and_basis():
    query = Query.from_json(
        {"intent": "aggregate", "measure": "revenue", "filters": {"segment": "champions", "region": "apac"}}
    )
    answer = AggregateAnswer(
        **figure(filters=applied(segment="champions", region="APAC"), notes=["'apac' read as APAC"]),
        value=13_675_512.51,
        customers=412,
        of_total=2000,
    )
    reply = aggregate_reply(query, answer, "$", book_total=151_950_000.0)
    assert reply.context == "Revenue · Champions · in APAC"
    assert reply.text == (
        "Champions in APAC brought in *$13.7M* in revenue (all orders to 13 Nov 2026), 9 % of your "
        "book's revenue. They are 412 of your book's 2,000 customers (21 %)."
    )
    assert "'apac' read as APAC" in (reply.footer or "")
    for shown in channels_read(reply).values():
        assert "$13.7M" in shown and "9 % of your book's revenue" in shown and "'apac' read as APAC" in shown


def test_a_share_is_a_percentage_of_what_it_is_a_share_of_on_the_whole_book():
    query = Query.from_json(
        {"intent": "aggregate", "measure": "revenue", "stat": "share", "filters": {"key_account": True}}
    )
    answer = AggregateAnswer(
        **figure(stat="share", filters=applied(key_account=True), whole_book=True),
        value=0.417422,
        customers=25,
        of_total=2000,
    )
    reply = aggregate_reply(query, answer)
    assert reply.context == "Share of revenue · key accounts"
    assert reply.text.startswith(
        "Key accounts make up *42 %* of the whole book's revenue (all orders to 13 Nov 2026)."
    )


def test_a_comparison_puts_both_periods_side_by_side_with_the_difference():
    query = Query.from_json(
        {
            "intent": "aggregate",
            "measure": "revenue",
            "period": {"unit": "year", "offset": 0},
            "compare_to": {"unit": "year", "offset": -1},
        }
    )
    answer = AggregateAnswer(
        **figure(period=THIS_YEAR),
        value=5_200_000.0,
        customers=1800,
        of_total=2000,
        compare_value=6_100_000.0,
        compare_period=LAST_YEAR,
    )
    reply = aggregate_reply(query, answer)
    assert reply.context == "Revenue · this year vs last year"
    assert reply.fields == [
        ("This year, 1 Jan – 13 Nov 2026", "$5.2M"),
        ("Last year, 1 Jan – 31 Dec 2025", "$6.1M"),
        ("Difference", "−$900k (−15 %)"),
    ]
    assert "−$900k (−15 %)" in reply.text
    teams = channels_read(reply)["teams"]
    assert "This year, 1 Jan – 13 Nov 2026: $5.2M" in teams and "Difference: −$900k (−15 %)" in teams


def test_an_aggregate_over_nobody_says_there_is_no_figure():
    query = Query.from_json({"intent": "aggregate", "measure": "aov", "filters": {"segment": "lost"}})
    answer = AggregateAnswer(**figure(measure="aov", stat=None), value=None, customers=0, of_total=2000)
    reply = aggregate_reply(query, answer)
    assert reply.context == "Average order value · Lost (segment)"
    assert "no customers" in reply.text and "$" not in reply.text


def test_a_ranked_breakdown_is_a_table_best_first_and_a_labelled_bar_chart():
    query = Query.from_json(
        {
            "intent": "breakdown",
            "group_by": "owner",
            "measure": "revenue",
            "sort": "value",
            "filters": {"segment": "at_risk"},
        }
    )
    groups = [Group("Priya", 2_400_000.0, 31), Group("Maria", 1_900_000.0, 40), Group("John", 350_000.0, 12)]
    answer = BreakdownAnswer(
        **figure(filters=applied(segment="at_risk"), whole_book=True),
        group_by="owner",
        groups=groups,
        ranked=True,
        order="desc",
        customers=83,
        of_total=2000,
    )
    reply = breakdown_reply(query, answer)
    assert reply.context == "Revenue by account manager · At risk"
    assert reply.text.startswith("Revenue by account manager, best first")
    assert "*Priya* is first with $2.4M" in reply.text
    assert reply.table is not None
    assert reply.table.headers == ["Account manager", "Revenue", "Customers"]
    assert reply.table.rows == [["Priya", "$2.4M", "31"], ["Maria", "$1.9M", "40"], ["John", "$350k", "12"]]
    assert reply.image is not None and reply.image.png.startswith(PNG)
    assert reply.image.alt_text == "Priya $2.4M; Maria $1.9M; John $350k"
    shown = channels_read(reply)
    assert table_rows(card(reply)) == read_order(reply.table)
    assert "Priya  $2.4M  31" in re.sub(" +", "  ", shown["console"])


def test_two_named_groups_read_as_a_comparison_with_the_difference():
    query = Query.from_json(
        {
            "intent": "breakdown",
            "group_by": "region",
            "measure": "revenue",
            "filters": {"region": ["emea", "apac"]},
        }
    )
    answer = BreakdownAnswer(
        **figure(filters=applied(region=("EMEA", "APAC")), whole_book=True),
        group_by="region",
        groups=[Group("EMEA", 9_100_000.0, 700), Group("APAC", 7_900_000.0, 600)],
        ranked=False,
        order="desc",
        customers=1300,
        of_total=2000,
    )
    reply = breakdown_reply(query, answer)
    assert reply.text == "EMEA vs APAC: EMEA $9.1M, APAC $7.9M; difference +$1.2M (+15 %)."


def test_a_count_breakdown_shows_each_groups_share_and_keeps_label_order():
    query = Query.from_json({"intent": "breakdown", "group_by": "lifecycle"})
    groups = [Group("new", 150, 150), Group("active", 900, 900), Group("dormant", 250, 250)]
    answer = BreakdownAnswer(
        **figure(measure="customers", stat=None),
        group_by="lifecycle",
        groups=groups,
        ranked=False,
        order="desc",
        customers=1300,
        of_total=1300,
    )
    reply = breakdown_reply(query, answer)
    assert reply.context == "Customers by lifecycle stage"
    assert reply.table is not None
    assert reply.table.rows == [["new", "150", "12 %"], ["active", "900", "69 %"], ["dormant", "250", "19 %"]]


def test_a_long_group_name_is_cut_so_the_slack_table_fits_a_phone():
    query = Query.from_json({"intent": "breakdown", "group_by": "industry", "measure": "revenue"})
    long_name = "Wholesale & distribution of industrial equipment and supplies"
    answer = BreakdownAnswer(
        **figure(whole_book=True),
        group_by="industry",
        groups=[Group(long_name, 1_000_000.0, 10), Group("Retail", 900_000.0, 9)],
        ranked=False,
        order="desc",
        customers=19,
        of_total=19,
    )
    reply = breakdown_reply(query, answer)
    assert reply.context == "Revenue by industry"
    assert reply.table is not None and reply.table.rows[0][0] == "Wholesale & distributio…"
    channels_read(reply)


def test_a_trend_is_a_line_chart_and_a_table_with_dates_as_said():
    query = Query.from_json(
        {"intent": "trend", "interval": "quarter", "measure": "revenue", "period": {"year": 2025}}
    )
    points = [
        Point("2025-01-01", "2025-03-31", 3_100_000.0),
        Point("2025-04-01", "2025-06-30", 3_400_000.0),
        Point("2025-07-01", "2025-09-30", 12_500_000.0),
        Point("2025-10-01", "2025-12-31", 4_000_000.0),
    ]
    answer = TrendAnswer(
        **figure(period=Span("2025-01-01", "2025-12-31", {"year": 2025})),
        interval="quarter",
        source="orders",
        points=points,
    )
    reply = trend_reply(query, answer)
    assert reply.context == "Revenue per quarter · 2025"
    assert reply.text == "Revenue per quarter, 1 Jan – 31 Dec 2025: $3.1M → $4.0M, +$900k (+29 %)."
    assert reply.table is not None and reply.table.headers == ["Quarter", "Revenue"]
    assert reply.table.rows == [
        ["Q1 2025", "$3.1M"],
        ["Q2 2025", "$3.4M"],
        ["Q3 2025", "$12.5M"],
        ["Q4 2025", "$4.0M"],
    ]
    assert reply.image is not None and reply.image.png.startswith(PNG)
    assert "Q3 2025 $12.5M" in reply.image.alt_text
    assert "from each quarter's orders" in (reply.footer or "")
    channels_read(reply)


def test_a_month_cut_short_is_left_out_of_the_change_and_said():
    """The last 12 months end on the as-of day: November to the 13th is no drop of 60 % from a whole
    month, so the headline compares the whole months and the small print says why."""
    query = Query.from_json({"intent": "trend", "interval": "month", "measure": "revenue"})
    points = [
        Point("2026-09-01", "2026-09-30", 4_300_000.0),
        Point("2026-10-01", "2026-10-31", 4_100_000.0),
        Point("2026-11-01", "2026-11-13", 1_500_000.0),
    ]
    answer = TrendAnswer(
        **figure(period=Span("2026-09-01", "2026-11-13", {})),
        interval="month",
        source="orders",
        points=points,
    )
    reply = trend_reply(query, answer)
    assert reply.text == "Revenue per month, 1 Sep – 31 Oct 2026: $4.3M → $4.1M, −$200k (−5 %).", reply.text
    assert "Nov 2026 covers 13 of its 30 days, so the change above leaves it out" in (reply.footer or "")
    assert reply.table is not None and reply.table.rows[-1] == ["Nov 2026", "$1.5M"]  # still shown
    # An average is no sum over the days: a month cut short compares as it is.
    mean = TrendAnswer(
        **{**figure(period=Span("2026-09-01", "2026-11-13", {})), "measure": "aov"},
        interval="month",
        source="orders",
        points=points,
    )
    assert "leaves it out" not in (trend_reply(query, mean).footer or "")


def test_a_trend_from_snapshots_says_which_intervals_have_none():
    query = Query.from_json({"intent": "trend", "interval": "week", "filters": {"segment": "champions"}})
    points = [Point("2026-10-26", "2026-11-01", 210.0), Point("2026-11-09", "2026-11-15", 236.0)]
    answer = TrendAnswer(
        **figure(measure="customers", stat=None, filters=applied(segment="champions")),
        interval="week",
        source="snapshots",
        points=points,
        missing=1,
    )
    reply = trend_reply(query, answer)
    assert reply.context == "Customers per week · Champions"
    assert reply.table is not None and [r[0] for r in reply.table.rows] == ["week of 26 Oct", "week of 9 Nov"]
    assert "1 week without a stored snapshot" in (reply.footer or "")
    assert "from the stored snapshot of each week" in (reply.footer or "")


def test_money_on_a_trend_axis_is_never_offset_notation():
    # Values around ten million with small differences are what makes matplotlib print "1e7" and
    # an offset; the axis must read in dollars instead.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from bot.charts import _value_axis

    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [10_000_000, 10_000_500, 10_001_000])
    _value_axis(ax.yaxis, "revenue", "sum", "$")
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels and all(label.startswith("$") for label in labels if label)
    assert ax.yaxis.get_offset_text().get_text() == ""


def test_movements_count_from_to_and_list_the_customers_by_value_at_stake():
    query = Query.from_json(
        {"intent": "movements", "from": {"segment": "loyal"}, "to": {"segment": "champions"}}
    )
    customers = [
        ListedCustomer(
            "C1", name="Fjord Medical", owner="Maria", segment="champions", clv=88_000.0, key_account=True
        ),
        ListedCustomer("C2", name="Globex", owner="John", segment="champions", clv=41_000.0),
        ListedCustomer(
            "C3",
            name="Frontier Electronics K.K. Holdings",
            owner="Alexandra Papadopoulou",
            segment="potential_loyalist",
            clv=30_000.0,
        ),
    ]
    answer = MovementsAnswer(
        as_of=AS_OF,
        filters=applied(),
        notes=["compared with the snapshot of 2026-11-06"],
        since="2026-11-06",
        until=AS_OF,
        from_=Label.of({"segment": "loyal"}),
        to=Label.of({"segment": "champions"}),
        total=151,
        moves=[Move("segment", "loyal", "champions", 151, 2_300_000.0)],
        customers=customers,
        more=149,
        whole_book=True,
    )
    reply = movements_reply(query, answer)
    assert reply.context == "Movements · loyal → champions"
    assert reply.text.startswith(
        "*151 customers* moved from loyal to champions since 6 Nov 2026 (snapshot of 13 Nov 2026), "
        "$2.3M of lifetime value at stake."
    )
    assert "149 more" in reply.text
    assert reply.fields == [("loyal → champions", "151 ($2.3M)")]
    assert reply.table is not None
    assert reply.table.rows == [
        ["Fjord Medical ★", "champions", "$88k", "Maria"],
        ["Globex", "champions", "$41k", "John"],
        ["Frontier Electronic…", "potential loyal…", "$30k", "Alexand…"],
    ]
    shown = channels_read(reply)
    assert "compared with the snapshot of 2026-11-06" in shown["teams"]


def test_no_movement_says_so_with_the_dates():
    query = Query.from_json({"intent": "movements", "to": {"lifecycle": "dormant"}})
    answer = MovementsAnswer(
        as_of=AS_OF,
        filters=applied(),
        notes=[],
        since="2026-11-06",
        until=AS_OF,
        from_=None,
        to=Label.of({"lifecycle": "dormant"}),
        total=0,
        moves=[],
        customers=[],
        more=0,
        whole_book=False,
    )
    reply = movements_reply(query, answer)
    assert reply.context == "Movements · into dormant"
    assert reply.text == "No customer moved into dormant since 6 Nov 2026 (snapshot of 13 Nov 2026)."


@pytest.mark.parametrize(
    ("filters", "words"),
    [
        ({"segment": ["champions", "loyal"]}, "Champions or loyal"),
        ({"country": "germany"}, "in germany"),
        ({"attributes": {"industry": "retail"}}, "industry: retail"),
        ({"min_revenue": 10000, "max_clv": 500}, "revenue ≥ $10k · lifetime value ≤ $500"),
        ({"min_orders": 11}, "≥ 11 orders"),
        ({"ordered_within_days": 30}, "ordered in the last 30 days"),
        ({"ordered_in": {"unit": "week", "offset": -1}}, "ordered last week"),
        ({"first_order_in": {"year": 2025, "quarter": 3}}, "first order in Q3 2025"),
        ({"spend_change": "down"}, "spending down"),
        ({"segment": "champions", "exclude": {"region": "emea"}}, "Champions · not in emea"),
    ],
)
def test_the_interpretation_line_says_every_filter(filters, words):
    from bot.interpret import interpretation

    line = interpretation(Query.from_json({"intent": "find_customers", "filters": filters}))
    assert line == words


def test_teams_shows_every_line_of_a_text_on_its_own():
    # Teams joins lines one newline apart; a blank line between them keeps them apart.
    built = card(Reply(context="Help", text="one\ntwo"))
    assert any(b.get("text") == "one\n\ntwo" for b in built["body"])


def test_figures_on_my_own_book_read_as_mine_and_counts_say_their_share():
    mine = applied(segment="champions", owner="me")
    query = Query.from_json(
        {
            "intent": "aggregate",
            "measure": "revenue",
            "filters": {"segment": "champions", "owner": "me"},
            "period": {"unit": "year", "offset": 0},
        }
    )
    answer = AggregateAnswer(
        **figure(filters=mine, period=THIS_YEAR), value=3_500_000.0, customers=85, of_total=493
    )
    reply = aggregate_reply(query, answer)
    assert reply.context == "Revenue · Champions · your accounts · this year"
    assert reply.text == (
        "Your champions brought in *$3.5M* in revenue (this year, 1 Jan – 13 Nov 2026). They are 85 of "
        "your book's 493 customers (17 %)."
    )
    count = Query.from_json({"intent": "aggregate", "filters": {"country": "germany"}})
    answer = AggregateAnswer(
        **figure(measure="customers", stat=None, filters=applied(country="Germany"), whole_book=True),
        value=15,
        customers=15,
        of_total=2000,
    )
    assert (
        aggregate_reply(count, answer).text
        == "*15* customers, 0.8 % of the whole book's 2,000 (as of 13 Nov 2026)."
    )


def test_a_trend_with_one_point_says_it_is_the_only_one():
    query = Query.from_json({"intent": "trend", "filters": {"segment": "champions"}, "period": {"days": 180}})
    answer = TrendAnswer(
        **figure(
            measure="customers",
            stat=None,
            filters=applied(segment="champions"),
            period=Span("2026-05-18", AS_OF, {"days": 180}),
        ),
        interval="month",
        source="snapshots",
        points=[Point("2026-11-01", "2026-11-30", 85.0)],
        missing=5,
    )
    reply = trend_reply(query, answer)
    assert (
        reply.text == "Customers per month, 18 May – 13 Nov 2026: 85 in Nov 2026, the only month with data."
    )
    assert "5 months without a stored snapshot" in (reply.footer or "")
