"""Figures over customers: one aggregate, a breakdown by group, a trend over time, movements
between labels.

Each reply is built by a function of the query and the engine's typed answer alone
(``aggregate_reply`` …), so what a user reads can be checked on answers made by hand; the handlers
only run the query in the asker's scope and add the common small print.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot import i18n, wording
from bot.charts import bar_chart, chart_language, line_chart
from bot.context import Context
from bot.handlers.customers import footer, special
from bot.interpret import (
    date_span,
    describe_filters,
    figure_name,
    figure_title,
    figure_value,
    group_label,
    interpretation,
    interval_label,
    interval_word,
    key_label,
    label_words,
    money,
    percent,
    period_words,
    say_note,
    short_day,
)
from bot.reply import Align, Image, Reply, Table
from custseg.query import Answer, NeedsIdentity, NoMatch, Query
from custseg.query.answers import (
    AggregateAnswer,
    BreakdownAnswer,
    Figure,
    ListedCustomer,
    MovementsAnswer,
    OnCustomers,
    Point,
    Span,
    TrendAnswer,
)
from custseg.query.contract import Filters
from custseg.query.periods import intervals
from custseg.schema import ORDER_MEASURES

# Cells are cut to this many characters so a table stays under ~60 characters wide (a phone's
# Slack code block) whatever the data calls its groups.
MAX_LABEL = 24


def _cell(text: str, width: int = MAX_LABEL) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def notes_footer(answer: OnCustomers, extra: Sequence[str] = ()) -> str:
    """The small print without a chat context: the as-of day, the engine's notes and ``extra``."""
    return " · ".join([wording.AS_OF.format(as_of=answer.as_of), *map(say_note, answer.notes), *extra])


def _who(answer: Figure, currency: str) -> str:
    """Whom a figure is about, as the start of a sentence ("Champions in APAC", "Your champions",
    "Customers in EMEA", "Key accounts")."""
    parts = describe_filters(answer.filters, currency)
    yours = wording.FILTER_MINE in parts
    rest = [p for p in parts if p != wording.FILTER_MINE]
    if not rest:
        return wording.YOUR_CUSTOMERS if yours else wording.EVERYONE[answer.whole_book]
    # A place or an owner reads on after a space ("Champions in APAC"); other conditions are listed.
    head = rest[0] + "".join(
        (" " if p.startswith(("in ", "owned by ", "not in ")) else ", ") + p for p in rest[1:]
    )
    if head[0].isupper() or head.split(",")[0].endswith("accounts"):
        return (
            wording.YOUR_NOUN.format(noun=head[0].lower() + head[1:]) if yours else head[0].upper() + head[1:]
        )
    after = "noun" if head.startswith(("in ", "owned by", "ordered", "first order", "not ")) else "with"
    who = wording.CUSTOMERS_WHO[after].format(filters=head)
    return wording.YOUR_NOUN.format(noun=who[0].lower() + who[1:]) if yours else who


def _whom(answer: Figure, currency: str) -> str:
    who = _who(answer, currency)
    return who[0].lower() + who[1:]


def _when(span: Span | None, measure: str, as_of: str) -> str:
    """The days a figure covers: "this year, 1 Jan – 13 Nov 2026", "all orders to 13 Nov 2026"."""
    if span is not None:
        return wording.SPAN.format(asked=period_words(span.asked), span=date_span(span.start, span.end))
    if measure in ORDER_MEASURES:
        return wording.ALL_ORDERS_TO.format(day=short_day(as_of))
    return f"as of {short_day(as_of)}"


def _difference(measure: str, stat: str | None, value: float, base: float | None, currency: str) -> str:
    """``value`` against ``base``: "+$1.2M (+15 %)"; a share's difference in percentage points."""
    if base is None:
        return wording.NO_CHANGE_BASE
    diff = value - base
    sign = "+" if diff > 0 else "−" if diff < 0 else "±"
    if stat == "share":
        size = f"{abs(diff) * 100:.1f} pts"
    else:
        size = figure_value(measure, stat, abs(diff), currency)
    change = f"{sign}{percent(abs(diff) / base)}" if base else wording.NO_CHANGE_BASE
    return wording.DIFFERENCE.format(sign=sign, diff=size, change=change)


# -- aggregate ----------------------------------------------------------------------------------
def aggregate_reply(
    query: Query,
    answer: AggregateAnswer,
    currency: str = "$",
    book_total: float | None = None,
    small_print: str | None = None,
) -> Reply:
    """One sentence with the figure, whom and which days it covers and its basis; with
    ``compare_to``, both periods side by side and the difference.

    ``book_total`` is the same sum over the asker's whole book (same days), when known, for "9 % of
    your book's revenue".
    """
    measure, stat = answer.measure, answer.stat
    context = interpretation(query, answer, currency)
    small = small_print if small_print is not None else notes_footer(answer)
    if answer.value is None:
        return Reply(context=context, text=wording.NO_VALUE, footer=small)
    value = figure_value(measure, stat, answer.value, currency)
    basis = wording.BASIS_POSSESSIVE[answer.whole_book]
    what = wording.MEASURE_LABEL.get(measure, measure)
    when = _when(answer.period, measure, answer.as_of)
    if answer.compare_period is not None and answer.period is not None:
        return _comparison(query, answer, currency, context, small)
    who = _who(answer, currency)
    if stat == "share":
        template = wording.AGGREGATE_SENTENCE["share"]
    else:
        template = wording.AGGREGATE_SENTENCE.get((measure, stat), wording.AGGREGATE_SENTENCE["other"])
    assert isinstance(template, str)
    text = template.format(
        who=who,
        whom=_whom(answer, currency),
        value=value,
        when=when,
        basis=basis,
        measure=what,
        figure=figure_name(measure, stat),
        pct=percent(answer.customers / answer.of_total) if answer.of_total else "—",
        total=answer.of_total,
    )
    if stat == "sum" and book_total and measure in ("revenue", "clv"):
        share = wording.SHARE_OF_BOOK.format(
            pct=percent(answer.value / book_total), basis=basis, measure=what
        )
        text = text.removesuffix(".") + share + "."
    if answer.of_total and measure != "customers":
        text += " " + wording.OF_CUSTOMERS.format(
            n=answer.customers,
            basis=basis,
            total=answer.of_total,
            pct=percent(answer.customers / answer.of_total),
        )
    return Reply(context=context, text=text, footer=small)


def _comparison(query: Query, answer: AggregateAnswer, currency: str, context: str, small: str) -> Reply:
    measure, stat = answer.measure, answer.stat
    first, second = answer.period, answer.compare_period
    assert first is not None and second is not None and answer.value is not None
    value = figure_value(measure, stat, answer.value, currency)
    other = figure_value(measure, stat, answer.compare_value, currency)
    asked, other_asked = period_words(first.asked), period_words(second.asked)
    span, other_span = date_span(first.start, first.end), date_span(second.start, second.end)
    diff = _difference(measure, stat, answer.value, answer.compare_value, currency)
    text = wording.COMPARED.format(
        figure=figure_name(measure, stat),
        value=value,
        asked=asked,
        span=span,
        other=other,
        other_asked=other_asked,
        other_span=other_span,
        diff=diff,
    )
    fields = [
        (f"{asked[0].upper()}{asked[1:]}, {span}", value),
        (f"{other_asked[0].upper()}{other_asked[1:]}, {other_span}", other),
        (wording.DIFFERENCE_LABEL, diff),
    ]
    return Reply(context=context, text=text, fields=fields, footer=small)


# -- breakdown ----------------------------------------------------------------------------------
def _named_groups(query: Query, group_by: str) -> tuple[str, ...]:
    """The groups the query itself names ("EMEA vs APAC": region ["emea", "apac"])."""
    attributes = query.filters.attributes or {}
    named = attributes.get(group_by) if group_by in attributes else getattr(query.filters, group_by, None)
    return Filters.values(named) if isinstance(named, str | tuple) else ()


def breakdown_reply(
    query: Query, answer: BreakdownAnswer, currency: str = "$", small_print: str | None = None
) -> Reply:
    """A short table (group, value, customers) and a bar chart labelled with the values; ranked
    best first when asked; two named groups ("EMEA vs APAC") read as a comparison."""
    measure, stat = answer.measure, answer.stat
    context = interpretation(query, answer, currency)
    small = small_print if small_print is not None else notes_footer(answer)
    groups = answer.groups
    if not groups:
        return Reply(context=context, text=wording.BREAKDOWN_EMPTY, footer=small)
    figure = figure_name(measure, stat)
    group = group_label(answer.group_by)
    when = _when(answer.period, measure, answer.as_of)
    labels = [key_label(answer.group_by, g.key) for g in groups]
    values = [figure_value(measure, stat, g.value, currency) for g in groups]
    named = _named_groups(query, answer.group_by)
    if len(named) == 2 and len(groups) == 2 and None not in (groups[0].value, groups[1].value):
        one, two = groups
        assert one.value is not None and two.value is not None
        text = wording.VERSUS.format(
            first=labels[0],
            second=labels[1],
            diff=_difference(measure, stat, one.value, two.value, currency),
            first_value=values[0],
            second_value=values[1],
        )
    else:
        key = "plain" if not answer.ranked else "ranked_asc" if answer.order == "asc" else "ranked"
        text = wording.BREAKDOWN_HEAD[key].format(figure=figure, group=group, when=when)
        if answer.ranked:
            text += " " + wording.BREAKDOWN_LEADER.format(key=labels[0], value=values[0])
    head = [h.format(group=group.capitalize(), figure=figure) for h in wording.BREAKDOWN_HEADERS]
    if measure == "customers" and stat is None:
        # The figure is the customer count itself: its share of the set says more than a repeat.
        total = answer.customers or sum(g.customers for g in groups)
        rows = [
            [_cell(k), v, percent(g.customers / total) if total else "—"]
            for k, v, g in zip(labels, values, groups, strict=True)
        ]
        head[2] = wording.OF_TOTAL
    else:
        rows = [
            [_cell(k), v, i18n.number(g.customers)] for k, v, g in zip(labels, values, groups, strict=True)
        ]
    align: list[Align] = ["left", "right", "right"]
    title = figure_title(query) if query.group_by else wording.BY_GROUP.format(figure=figure, group=group)
    with i18n.speaking(chart_language()):
        chart = bar_chart(
            [key_label(answer.group_by, g.key) for g in groups],
            [g.value or 0.0 for g in groups],
            figure_title(query)
            if query.group_by
            else wording.BY_GROUP.format(
                figure=figure_name(measure, stat), group=group_label(answer.group_by)
            ),
            measure,
            stat,
            currency,
        )
    alt = "; ".join(f"{k} {v}" for k, v in zip(labels, values, strict=True))
    return Reply(
        context=context,
        text=text,
        table=Table(head, rows, align),
        image=Image(title, chart, alt),
        footer=small,
    )


# -- trend --------------------------------------------------------------------------------------
def _partial(answer: TrendAnswer) -> list[tuple[Point, int, int]]:
    """The points of a sum over orders (revenue, orders) cut short by the period or the as-of day,
    with their days and their interval's days: such a point is no figure to compare a whole one
    with (a month to the 13th looks like a 60 % drop)."""
    if (
        answer.source != "orders"
        or answer.measure not in ("revenue", "orders")
        or answer.stat not in (None, "sum")
    ):
        return []
    out = []
    for point in answer.points:
        start, end = dt.date.fromisoformat(point.start), dt.date.fromisoformat(point.end)
        ((a, b),) = intervals(answer.interval, start, start)
        days, total = (end - start).days + 1, (b - a).days + 1
        if days < total:
            out.append((point, days, total))
    return out


def _compared_points(answer: TrendAnswer) -> list[Point]:
    """The points the headline's change is taken between: the whole intervals when at least two are."""
    known = [p for p in answer.points if p.value is not None]
    cut = {id(p) for p, _d, _t in _partial(answer)}
    whole = [p for p in known if id(p) not in cut]
    return whole if len(whole) >= 2 else known


def trend_notes(answer: TrendAnswer) -> list[str]:
    """Where the points come from, the points cut short, and the intervals without a snapshot
    (unless the engine's notes already count them)."""
    notes = [
        wording.TREND_SOURCE.get(answer.source, answer.source).format(interval=interval_word(answer.interval))
    ]
    if _compared_points(answer) != [p for p in answer.points if p.value is not None]:
        notes += [
            wording.TREND_PARTIAL.format(
                label=interval_label(p.start, answer.interval), days=days, total=total
            )
            for p, days, total in _partial(answer)
        ]
    if answer.missing and not any("snapshot" in note for note in answer.notes):
        notes.append(
            wording.TREND_MISSING.format(
                n=answer.missing,
                interval=interval_word(answer.interval),
                s="s" if answer.missing != 1 else "",
            )
        )
    return notes


def trend_reply(
    query: Query, answer: TrendAnswer, currency: str = "$", small_print: str | None = None
) -> Reply:
    """A line chart and its table, dates as said on the x axis, the figure in its units."""
    measure, stat = answer.measure, answer.stat
    context = interpretation(query, answer, currency)
    small = small_print if small_print is not None else notes_footer(answer, trend_notes(answer))
    points = answer.points
    if not points:
        return Reply(context=context, text=wording.TREND_EMPTY, footer=small)
    figure = figure_name(measure, stat)
    labels = [interval_label(p.start, answer.interval) for p in points]
    values = [figure_value(measure, stat, p.value, currency) for p in points]
    known = [p for p in points if p.value is not None]
    span = answer.period or Span(points[0].start, points[-1].end, {})
    if len(known) == 1:
        (only,) = known
        text = wording.TREND_ONE.format(
            figure=figure,
            interval=interval_word(answer.interval),
            span=date_span(span.start, span.end),
            value=figure_value(measure, stat, only.value, currency),
            label=interval_label(only.start, answer.interval),
        )
    elif known:
        compared = _compared_points(answer)
        first, last = compared[0], compared[-1]
        assert first.value is not None and last.value is not None
        if compared != known:
            span = Span(first.start, last.end, {})
        text = wording.TREND_HEAD.format(
            figure=figure,
            interval=interval_word(answer.interval),
            span=date_span(span.start, span.end),
            first=figure_value(measure, stat, first.value, currency),
            last=figure_value(measure, stat, last.value, currency),
            change=_difference(measure, stat, last.value, first.value, currency),
        )
    else:
        text = wording.TREND_EMPTY
    head = [
        h.format(interval=interval_word(answer.interval).capitalize(), figure=figure)
        for h in wording.TREND_HEADERS
    ]
    title = wording.PER_INTERVAL.format(figure=figure, interval=interval_word(answer.interval))
    with i18n.speaking(chart_language()):
        chart = line_chart(
            [interval_label(p.start, answer.interval) for p in points],
            [p.value for p in points],
            wording.PER_INTERVAL.format(
                figure=figure_name(measure, stat), interval=interval_word(answer.interval)
            ),
            measure,
            stat,
            currency,
        )
    alt = "; ".join(f"{k} {v}" for k, v in zip(labels, values, strict=True))
    return Reply(
        context=context,
        text=text,
        table=Table(head, [[k, v] for k, v in zip(labels, values, strict=True)], ["left", "right"]),
        image=Image(title, chart, alt),
        footer=small,
    )


# -- movements ----------------------------------------------------------------------------------
def _moved(answer: MovementsAnswer) -> str:
    if answer.from_ is not None and answer.to is not None:
        return wording.MOVED_FROM_TO.format(from_=label_words(answer.from_), to=label_words(answer.to))
    if answer.from_ is not None:
        return wording.MOVED_FROM.format(from_=label_words(answer.from_))
    if answer.to is not None:
        return wording.MOVED_TO.format(to=label_words(answer.to))
    return wording.MOVED_ANY


def _now(customer: ListedCustomer, column: str) -> str:
    value = getattr(customer, column, None)
    return (
        "—"
        if value is None
        else key_label(column, value)
        if column in ("segment", "lifecycle")
        else f"{value}"
    )


def movements_reply(
    query: Query, answer: MovementsAnswer, currency: str = "$", small_print: str | None = None
) -> Reply:
    """How many moved from → to (largest first), and the customers best first by value at stake."""
    context = interpretation(query, answer, currency)
    small = small_print if small_print is not None else notes_footer(answer)
    since, until = short_day(answer.since), short_day(answer.until)
    what = _moved(answer)
    if not answer.total:
        return Reply(
            context=context,
            text=wording.MOVEMENTS_NONE.format(what=what, since=since, until=until),
            footer=small,
        )
    stakes = [m.clv for m in answer.moves if m.clv is not None]
    s = "s" if answer.total != 1 else ""
    if stakes:
        text = wording.MOVEMENTS_HEAD.format(
            n=answer.total, s=s, what=what, since=since, until=until, value=money(sum(stakes), currency)
        )
    else:
        text = wording.MOVEMENTS_HEAD_NO_CLV.format(n=answer.total, s=s, what=what, since=since, until=until)
    fields = [
        (
            wording.MOVES_FIELD.format(
                from_=key_label(m.column, m.from_value), to=key_label(m.column, m.to_value)
            ),
            wording.MOVES_VALUE.format(n=m.customers, value=money(m.clv, currency))
            if m.clv is not None
            else i18n.number(m.customers),
        )
        for m in answer.moves[:10]
    ]
    label = answer.to or answer.from_
    column = label.column if label is not None else (answer.moves[0].column if answer.moves else "segment")
    rows = [
        [
            _cell((c.name or c.customer_id) + (" ★" if c.key_account else ""), 20),
            _cell(_now(c, column), 16),
            money(c.clv, currency) if c.clv is not None else "—",
            _cell(c.owner or "—", 8),
        ]
        for c in answer.customers
    ]
    if answer.more:
        text += " " + wording.MOVEMENTS_MORE.format(n=answer.more)
    table = (
        Table(list(wording.MOVEMENTS_HEADERS), rows, ["left", "left", "right", "left"], key=[0, 2, 1])
        if rows
        else None
    )
    return Reply(context=context, text=text, fields=fields, table=table, footer=small)


# -- handlers -----------------------------------------------------------------------------------
def _refused(ctx: Context, query: Query, answer: Answer) -> Reply:
    if isinstance(answer, NeedsIdentity | NoMatch):
        return special(ctx, query, answer)
    raise TypeError(f"the engine answered {query.intent} with {answer.kind}")


def _book_total(ctx: Context, answer: AggregateAnswer) -> float | None:
    """The asker's whole book's sum of the measure, where the snapshot holds it (figures to date)."""
    column = {"revenue": "revenue", "clv": "clv"}.get(answer.measure)
    if column is None or answer.period is not None or answer.stat != "sum":
        return None
    frame = ctx.book.frame
    return float(frame[column].sum()) if column in frame else None


def aggregate(ctx: Context, query: Query) -> Reply:
    answer = ctx.book.run(query)
    if not isinstance(answer, AggregateAnswer):
        return _refused(ctx, query, answer)
    return aggregate_reply(
        query, answer, ctx.currency, _book_total(ctx, answer), footer(ctx, answer, query=query)
    )


def breakdown(ctx: Context, query: Query) -> Reply:
    answer = ctx.book.run(query)
    if not isinstance(answer, BreakdownAnswer):
        return _refused(ctx, query, answer)
    return breakdown_reply(query, answer, ctx.currency, footer(ctx, answer, query=query))


def trend(ctx: Context, query: Query) -> Reply:
    answer = ctx.book.run(query)
    if not isinstance(answer, TrendAnswer):
        return _refused(ctx, query, answer)
    return trend_reply(query, answer, ctx.currency, footer(ctx, answer, trend_notes(answer), query))


def movements(ctx: Context, query: Query) -> Reply:
    answer = ctx.book.run(query)
    if not isinstance(answer, MovementsAnswer):
        return _refused(ctx, query, answer)
    return movements_reply(query, answer, ctx.currency, footer(ctx, answer, query=query))


INTENTS = {"aggregate": aggregate, "breakdown": breakdown, "trend": trend, "movements": movements}
