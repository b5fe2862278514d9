"""Lists, counts and the segment breakdown."""

from __future__ import annotations

from typing import Any

from bot import i18n, wording
from bot.charts import chart_language, segment_chart
from bot.context import Context
from bot.freshness import with_freshness
from bot.interpret import days_ago, interpretation, level_label, money, percent, say_note
from bot.reply import Align, Button, Image, Reply, Table
from custseg.query import (
    CountAnswer,
    CustomersAnswer,
    Filters,
    ListedCustomer,
    NeedsIdentity,
    OnCustomers,
    OverviewAnswer,
    Query,
    Refusal,
)


def special(ctx: Context, query: Query, answer: Refusal) -> Reply:
    """Replies for answers that are not data: unknown user for "my", unknown owner or region."""
    context = interpretation(query, None, ctx.currency)
    if isinstance(answer, NeedsIdentity):
        return Reply(context=context, text=wording.NEEDS_IDENTITY.format(user_id=ctx.user.user_id))
    else:
        slot = wording.SLOT_LABEL.get(answer.slot, answer.slot.replace("_", " "))
        template = wording.NO_MATCH_IN_SCOPE if answer.scoped else wording.NO_MATCH
        text = template.format(slot=slot, typed=answer.typed)
        choices = answer.candidates
        buttons = []
        for name in choices[:5]:
            fixed = _corrected(query, answer.slot, answer.typed, name)
            if fixed is not None:
                buttons.append(Button(name, "run_query", {"query": fixed.to_json()}))
        if choices:
            text += " " + wording.NO_MATCH_CHOICES.format(slot=slot, choices=", ".join(choices))
        return Reply(context=context, text=text, buttons=buttons)


def _corrected(query: Query, slot: str, typed: str, name: str) -> Query | None:
    """``query`` with the name the data has instead of the one typed, where a button can say it
    (a filter, an attribute's value, the column grouped by); None for a column name in filters."""
    if slot == "group_by":
        return query.replace(group_by=name)
    if slot in ("owner", "region", "country"):
        values = Filters.values(getattr(query.filters, slot))
        swapped = tuple(name.lower() if v == typed else v for v in values)
        return query.replace(
            filters=query.filters.replace(**{slot: swapped[0] if len(swapped) == 1 else swapped})
        )
    attributes = dict(query.filters.attributes or {})
    if slot in attributes:
        values = Filters.values(attributes[slot])
        swapped = tuple(name.lower() if v == typed else v for v in values)
        attributes[slot] = swapped[0] if len(swapped) == 1 else swapped
        return query.replace(filters=query.filters.replace(attributes=attributes))
    return None


def _risk(r: ListedCustomer) -> str:
    p = r.churn_probability
    risk = level_label(r.churn_risk)
    return risk if p is None else f"{risk} {i18n.percent_of(p, 0)}"


def customer_table(rows: list[ListedCustomer], currency: str) -> Table:
    """Customers best-first; lifetime value and churn probability shown where the models give them."""
    with_clv = any(r.clv is not None for r in rows)
    headers = list(wording.CUSTOMER_TABLE_HEADERS)
    headers += [wording.LIST_HEADERS["clv"]] if with_clv else []
    table_rows = []
    for r in rows:
        row = [
            (r.name or r.customer_id) + (" ★" if r.key_account else ""),
            r.owner or "—",
            wording.SEGMENT_LABEL[str(r.segment)],
            wording.STAGE_LABEL[str(r.lifecycle)],
            _risk(r),
            money(r.revenue, currency),
        ]
        if with_clv:
            row.append(money(r.clv, currency) if r.clv is not None else "—")
        row.append(days_ago(r.recency_days or 0))
        table_rows.append(row)
    left: list[Align] = ["left"]
    right: list[Align] = ["right"]
    align = left * 5 + right * (len(headers) - 4)
    # Name, revenue and churn risk: what an account manager scans a list for.
    return Table(
        headers=[*headers, wording.LIST_HEADERS["last_order"]], rows=table_rows, align=align, key=[0, 5, 4]
    )


def other_reading(ctx: Context, query: Query, answer: OnCustomers) -> str | None:
    """For "lost" or "new" (a lifecycle stage and an RFM segment alike): how many the other reading
    would give, with the same other filters and scope, so neither is mistaken for the other."""
    # Without the engine's note of whom "me" is (owner_name), which is not a filter.
    filters = answer.filters.as_filters() if answer.filters else query.filters
    for slot, other in (("lifecycle", "segment"), ("segment", "lifecycle")):
        value = getattr(filters, slot)
        if value in ("lost", "new") and other not in filters:
            swapped = filters.replace(**{slot: None}).replace(**{other: value})
            counted = ctx.book.count(swapped)
            if not isinstance(counted, CountAnswer):
                return None
            th = ctx.book.snapshot.params.get("lifecycle", {})
            return wording.OTHER_READING[(slot, value)].format(
                n=counted.count, lost=th.get("lost_after", "?"), window=th.get("new_window_days", "?")
            )
    return None


def footer(
    ctx: Context, answer: OnCustomers, extra: list[str] | None = None, query: Query | None = None
) -> str:
    """The small print of a data answer: as-of day, the engine's notes, ``extra``, which reading of
    "lost"/"new" was used, customers the book leaves out, where the currency comes from, and a
    warning when the data is old."""
    notes = [wording.AS_OF.format(as_of=answer.as_of), *map(say_note, answer.notes), *(extra or [])]
    if query is not None:
        reading = other_reading(ctx, query, answer)
        if reading:
            notes.append(reading)
        left_out = int(ctx.book.snapshot.notes.get("customers_without_purchases") or 0)
        if left_out:
            notes.append(wording.RETURNS_ONLY.format(n=left_out))
        if ctx.currency_source:
            notes.append(
                wording.CURRENCY_FROM_DATA.format(currency=ctx.currency, mapping=ctx.currency_source)
            )
    return with_freshness(" · ".join(notes), ctx.settings, answer.as_of)


def list_reply(ctx: Context, query: Query, offset: int = 0) -> Reply:
    answer = ctx.book.find(query, offset=offset)
    if not isinstance(answer, CustomersAnswer):
        return special(ctx, query, answer)
    context = interpretation(query, answer, ctx.currency)
    if not answer.customers:
        return Reply(context=context, text=wording.NOTHING_FOUND, footer=footer(ctx, answer, query=query))
    buttons = []
    if answer.more:
        n = min(answer.more, answer.limit)
        buttons.append(
            Button(
                wording.SHOW_MORE.format(n=n),
                "show_more",
                {"query": query.to_json(), "offset": offset + len(answer.customers)},
            )
        )
    star = [wording.LIST_HEADERS["star"]] if any(r.key_account for r in answer.customers) else []
    return Reply(
        context=context,
        table=customer_table(answer.customers, ctx.currency),
        buttons=buttons,
        footer=footer(ctx, answer, star, query),
    )


def find_customers(ctx: Context, query: Query) -> Reply:
    return list_reply(ctx, query)


def show_more(ctx: Context, payload: dict[str, Any]) -> Reply:
    given = payload.get("query")
    if not isinstance(given, dict) or given.get("intent") != "find_customers":
        return Reply(text=wording.LIST_EXPIRED)
    return list_reply(ctx, Query.from_json(given), offset=max(0, int(payload.get("offset", 0))))


def run_query(ctx: Context, payload: dict[str, Any]) -> Reply:
    query = payload.get("query")
    if not isinstance(query, dict):
        return Reply(text=wording.BUTTON_GONE)
    return ctx.answer(query)


def count_customers(ctx: Context, query: Query) -> Reply:
    answer = ctx.book.count(query.filters)
    if not isinstance(answer, CountAnswer):
        return special(ctx, query, answer)
    n, of = answer.count, answer.of_total
    # percent: 9 customers of 2,000 are "0.5 %", not "0 %".
    share = percent(n / of if of else 0.0)
    text = wording.COUNT_TEXT.format(
        n=n, s="s" if n != 1 else "", share=share, of=of, revenue=money(answer.revenue, ctx.currency)
    )
    buttons = []
    if n:
        listing = query.replace(intent="find_customers")
        buttons.append(Button(wording.LIST_THEM, "run_query", {"query": listing.to_json()}))
    return Reply(
        context=interpretation(query, answer, ctx.currency),
        text=text,
        buttons=buttons,
        footer=footer(ctx, answer, query=query),
    )


def segment_overview(ctx: Context, query: Query) -> Reply:
    answer = ctx.book.overview(query.filters)
    if not isinstance(answer, OverviewAnswer):
        return special(ctx, query, answer)
    cur = ctx.currency
    rows = [
        [
            wording.SEGMENT_LABEL[r.label],
            i18n.number(r.customers),
            percent(r.share),
            money(r.revenue, cur),
            percent(r.revenue_share),
        ]
        for r in answer.segments
    ]
    stages = ", ".join(
        f"{i18n.number(r.customers)} {wording.STAGE_LABEL.get(r.label, r.label)}" for r in answer.lifecycle
    )
    tiers = ", ".join(f"{i18n.number(r.customers)} {level_label(r.label)}" for r in answer.value_tiers)
    alt = "; ".join(
        f"{wording.SEGMENT_LABEL[r.label]} {percent(r.share)} of customers, {percent(r.revenue_share)} of revenue"
        for r in answer.segments
    )
    segments = [r.to_json() for r in answer.segments]
    with i18n.speaking(chart_language()):
        chart = segment_chart(segments) if answer.total else None
    image = Image(wording.CHART_LABEL["segments"], chart, alt) if chart is not None else None
    return Reply(
        context=interpretation(query, answer, cur) + wording.OVERVIEW_TOTAL.format(n=answer.total),
        table=Table(
            list(wording.OVERVIEW_HEADERS),
            rows,
            ["left", "right", "right", "right", "right"],
            key=[0, 1, 3],
        ),
        fields=[
            (wording.OVERVIEW_FIELDS["lifecycle"], stages),
            (wording.OVERVIEW_FIELDS["tiers"], tiers),
            (wording.OVERVIEW_FIELDS["key_accounts"], i18n.number(answer.key_accounts)),
        ],
        image=image,
        footer=footer(ctx, answer, query=query),
    )


def ask_again(ctx: Context, payload: dict[str, Any]) -> Reply:
    """An example-question button: answered as if the user had typed it."""
    return ctx.ask_again(str(payload.get("text", ""))[:500])


INTENTS = {
    "find_customers": find_customers,
    "count_customers": count_customers,
    "segment_overview": segment_overview,
}
ACTIONS = {"show_more": show_more, "run_query": run_query, "ask": ask_again}
