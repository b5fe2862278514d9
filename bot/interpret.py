"""The interpretation line: the query in plain words, shown first in every reply."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from bot import i18n, wording
from bot.intents import declaration
from custseg.query import Answer, CountAnswer, CustomersAnswer, Filters, Query
from custseg.query.contract import Label, Period

# Measures in the data's currency.
MONEY_MEASURES = ("revenue", "aov", "clv")


def money(value: float, currency: str = "$") -> str:
    """Compact currency: $950, $12k, $1.3M (in other languages their own way: $1.3万, 1,3 Mio. $)."""
    local = i18n.compact_money(value, currency)
    if local is not None:
        return local
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= 1e6:
        return f"{sign}{currency}{value / 1e6:.1f}M"
    if value >= 1e4:
        return f"{sign}{currency}{value / 1e3:.0f}k"
    return f"{sign}{currency}{value:,.0f}"


def percent(fraction: float) -> str:
    """A fraction 0–1 as a percentage: "9 %", "0.4 %" (one decimal only under 1 %)."""
    pct = 100 * fraction
    return i18n.percent_of(fraction, 1 if 0 < abs(pct) < 1 else 0)


def days(n: float) -> str:
    n = round(n)
    return wording.DAY_COUNT["one"] if n == 1 else wording.DAY_COUNT["other"].format(n=n)


def days_ago(n: float) -> str:
    """How long ago, in days, as a person says it: "today", "yesterday", "12 days ago"."""
    n = round(n)
    if n <= 0:
        return wording.DAYS_AGO["today"]
    if n == 1:
        return wording.DAYS_AGO["yesterday"]
    return wording.DAYS_AGO["ago"].format(days=days(n))


def level_label(level: object) -> str:
    """A value tier or churn risk level ("high") as said in the reply's language; anything else as
    is, none as a dash."""
    if level is None:
        return "—"
    return wording.LEVEL_LABEL.get(str(level), str(level))


def _either(values: tuple[str, ...], label: Mapping[str, str] | None = None) -> str:
    return " or ".join(label.get(v, v) if label else v for v in values)


def describe_filters(filters: Filters, currency: str = "$") -> list[str]:
    """Each filter as a short phrase, in a fixed, readable order ("Champions or loyal", "in EMEA",
    "industry: retail", "revenue ≥ $10k", "ordered this month", "not in APAC")."""
    parts: list[str] = []
    values = Filters.values
    if filters.lifecycle is not None:
        stages = values(filters.lifecycle)
        parts.append(
            " or ".join(
                wording.STAGE_FILTER_LABEL.get(s, wording.STAGE_LABEL[s]) for s in stages
            ).capitalize()
        )
    if filters.segment is not None:
        parts.append(_either(values(filters.segment), wording.SEGMENT_LABEL).capitalize())
    if filters.value_tier is not None:
        parts.append(
            wording.FILTER_VALUE_TIER.format(tier=_either(values(filters.value_tier), wording.LEVEL_LABEL))
        )
    if filters.churn_risk is not None:
        parts.append(
            wording.FILTER_CHURN_RISK.format(risk=_either(values(filters.churn_risk), wording.LEVEL_LABEL))
        )
    if filters.key_account is not None:
        parts.append(wording.FILTER_KEY_ACCOUNTS[bool(filters.key_account)])
    if filters.owner is not None:
        owners = values(filters.owner)
        names = [o.title() for o in owners if o != "me"]
        owned = wording.FILTER_OWNED_BY.format(names=wording.FILTER_OR.join(names))
        if "me" in owners:
            parts.append(wording.FILTER_MINE + (wording.FILTER_OR + owned if names else ""))
        else:
            parts.append(owned)
    if filters.region is not None:
        parts.append(wording.FILTER_IN.format(where=_either(values(filters.region))))
    if filters.country is not None:
        parts.append(wording.FILTER_IN.format(where=_either(values(filters.country))))
    for column, wanted in (filters.attributes or {}).items():
        parts.append(f"{column.replace('_', ' ')}: {_either(values(wanted))}")
    for low, high, what in (("min_revenue", "max_revenue", "revenue"), ("min_clv", "max_clv", "clv")):
        for slot, sign in ((low, "≥"), (high, "≤")):
            amount = getattr(filters, slot)
            if amount is not None:
                parts.append(
                    wording.FILTER_AMOUNT[what].format(sign=sign, amount=money(float(amount), currency))
                )
    for slot, bound in (("min_orders", "min"), ("max_orders", "max")):
        n = getattr(filters, slot)
        if n is not None:
            parts.append(wording.FILTER_ORDERS[bound].format(n=n, s="s" if n != 1 else ""))
    if filters.inactive_days is not None:
        parts.append(wording.FILTER_INACTIVE.format(days=days(int(filters.inactive_days))))
    if filters.ordered_within_days is not None:
        parts.append(wording.FILTER_ORDERED_WITHIN.format(days=days(int(filters.ordered_within_days))))
    if filters.ordered_in is not None:
        parts.append(wording.FILTER_ORDERED.format(period=period_in(filters.ordered_in)))
    if filters.first_order_in is not None:
        parts.append(wording.FILTER_FIRST_ORDER.format(period=period_in(filters.first_order_in)))
    if filters.spend_change is not None:
        change = filters.spend_change
        parts.append(wording.FILTER_SPENDING.get(change, f"spending {change}"))
    if filters.exclude is not None:
        parts += [
            wording.FILTER_NOT.format(part=part[0].lower() + part[1:])
            for part in describe_filters(filters.exclude, currency)
        ]
    return parts


def period_words(period: Period | Mapping[str, Any]) -> str:
    """A period as said: "this year", "last month", "3 weeks ago", "the last 90 days", "2025",
    "Q3 2025", "March 2025"."""
    p = period.to_json() if isinstance(period, Period) else dict(period)
    if "unit" in p:
        unit, offset = str(p["unit"]), int(p.get("offset", 0))
        if offset == 0:
            return wording.PERIOD_THIS[unit]
        if offset == -1:
            return wording.PERIOD_LAST[unit]
        return wording.PERIOD_AGO.format(n=-offset, unit=wording.PERIOD_UNIT.get(unit, unit))
    if "days" in p:
        return wording.PERIOD_DAYS.format(n=int(p["days"]))
    if "quarter" in p:
        return wording.PERIOD_QUARTER.format(quarter=p["quarter"], year=p["year"])
    if "month" in p:
        if i18n.current() != i18n.DEFAULT:
            return i18n.day_text(dt.date(int(p["year"]), int(p["month"]), 1), "yMMMM")
        return f"{wording.MONTH_NAMES[int(p['month']) - 1]} {p['year']}"
    return str(p.get("year", ""))


def period_in(period: Period | Mapping[str, Any]) -> str:
    """A period after a verb: "this week", "in the last 30 days", "in Q3 2025"."""
    p = period.to_json() if isinstance(period, Period) else dict(period)
    words = period_words(p)
    return words if "unit" in p else wording.PERIOD_IN.format(period=words)


def _day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso[:10])


def short_day(iso: str) -> str:
    """An ISO date as "13 Nov 2026"."""
    d = _day(iso)
    if i18n.current() != i18n.DEFAULT:
        return i18n.day_text(d)
    return f"{d.day} {wording.MONTH_NAMES[d.month - 1][:3]} {d.year}"


def date_span(start: str, end: str) -> str:
    """Two ISO dates as a span: "1 Jan – 13 Nov 2026", "3–9 Nov 2026", "1 Dec 2025 – 13 Nov 2026"."""
    a, b = _day(start), _day(end)
    month = [m[:3] for m in wording.MONTH_NAMES]
    if a == b:
        return short_day(end)
    if i18n.current() != i18n.DEFAULT:
        return i18n.span_text(a, b)
    if a.year != b.year:
        return f"{short_day(start)} – {short_day(end)}"
    if a.month != b.month:
        return f"{a.day} {month[a.month - 1]} – {short_day(end)}"
    return f"{a.day}–{short_day(end)}"


def interval_label(start: str, interval: str) -> str:
    """An interval of a trend by its first day: "Nov 2026", "Q3 2025", "2025", "week of 3 Nov"."""
    d = _day(start)
    local = i18n.current() != i18n.DEFAULT
    if interval == "month":
        return i18n.day_text(d, "yMMM") if local else f"{wording.MONTH_NAMES[d.month - 1][:3]} {d.year}"
    if interval == "quarter":
        return wording.PERIOD_QUARTER.format(quarter=(d.month - 1) // 3 + 1, year=d.year)
    if interval == "year":
        return str(d.year)
    day = i18n.day_text(d, "MMMd") if local else f"{d.day} {wording.MONTH_NAMES[d.month - 1][:3]}"
    return wording.WEEK_OF.format(day=day)


def figure_name(measure: str, stat: str | None) -> str:
    """What a figure is: "Revenue", "Average revenue per customer", "Share of revenue", "Customers"."""
    what = wording.MEASURE_LABEL.get(measure, measure.replace("_", " "))
    if measure == "customers" and stat in (None, "sum"):
        return wording.FIGURE_NAME["count"]
    if measure == "aov" and stat in (None, "mean"):
        return wording.FIGURE_NAME["aov"]
    template = wording.FIGURE_NAME.get(stat or "sum", wording.FIGURE_NAME["sum"])
    name = template.format(measure=what, Measure=what[0].upper() + what[1:])
    if stat in ("mean", "median") and measure in wording.PER_CUSTOMER:
        name += wording.PER_CUSTOMER_SUFFIX
    return name


def figure_value(measure: str, stat: str | None, value: float | None, currency: str = "$") -> str:
    """A figure formatted for its measure: money, a count, a percentage, days."""
    if value is None:
        return "—"
    if stat == "share" or measure == "churn_probability":
        return percent(value)
    if measure in MONEY_MEASURES:
        return money(value, currency)
    if measure == "customers" or (measure == "orders" and stat in (None, "sum")):
        return i18n.number(round(value))
    if measure in ("recency_days", "gap_days"):
        return days(value)
    return i18n.number(value, 1)


def task_words(task: str) -> str:
    """A play's task: a task of the shipped playbook in the reply's language, a company's own as written."""
    return wording.PLAY_TASK.get(task, task)


def say_note(note: str) -> str:
    """An engine note in the reply's language: its template's wording with the same values, the
    slot and interval names said as the reply says them; a note of no known kind as it came."""
    key = getattr(note, "key", None)
    template = wording.ENGINE_NOTES.get(key) if isinstance(key, str) else None
    if template is None:
        return note
    params = dict(getattr(note, "params", {}))
    if "slot" in params:
        params["slot"] = wording.NOTE_SLOTS.get(params["slot"], params["slot"])
    if "interval" in params:
        params["interval"] = interval_word(params["interval"])
    if "name" in params:
        params["name"] = group_label(params["name"])
    if "first" in params and "last" in params:
        params["window"] = wording.PERIOD_CUT.format(span=date_span(params["first"], params["last"]))
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return note


def interval_word(interval: str) -> str:
    """A trend's interval as the noun after "per" ("month")."""
    return wording.INTERVAL_LABEL.get(interval, interval)


def group_label(group_by: str) -> str:
    return wording.GROUP_LABEL.get(group_by, group_by.replace("_", " "))


def key_label(group_by: str, key: object) -> str:
    """A breakdown group's key as shown: label words for labels, the data's spelling otherwise."""
    if isinstance(key, bool) or group_by == "key_account":
        return wording.KEY_ACCOUNT_GROUP[bool(key)]
    if key is None or key == "":
        return wording.NO_GROUP
    text = str(key)
    if group_by == "segment":
        return wording.SEGMENT_LABEL.get(text, text)
    if group_by == "lifecycle":
        return wording.STAGE_LABEL.get(text, text)
    return text


def label_words(label: Label) -> str:
    """A movement's label as said: "champions", "dormant", "high value", "high churn risk"."""
    column, value = label.column, label.value
    if column == "segment":
        return wording.SEGMENT_LABEL[value]
    if column == "lifecycle":
        return wording.STAGE_LABEL[value]
    level = level_label(value)
    if column == "value_tier":
        return wording.FILTER_VALUE_TIER.format(tier=level)
    return wording.FILTER_CHURN_RISK.format(risk=level)


def figure_title(query: Query) -> str:
    """The figure a query asks for, as the interpretation names it: "Revenue by region",
    "Revenue per month", "Average order value"."""
    figure = figure_name(*query.figure)
    if query.intent == "breakdown" and query.group_by:
        return wording.BY_GROUP.format(figure=figure, group=group_label(query.group_by))
    if query.intent == "trend":
        interval = query.interval or "month"
        return wording.PER_INTERVAL.format(figure=figure, interval=interval_word(interval))
    return figure


def unsupported_sentence(words: tuple[str, ...], alone: bool = False) -> str:
    """What could not be applied and why: "I could not apply 'bought office chairs': I have no
    product data, so what follows is without that condition." (``alone``: nothing follows)."""
    why = _why_unsupported(words)
    if alone:
        return wording.UNSUPPORTED_ONLY.format(words=quoted(words), why=why)
    it = wording.UNSUPPORTED_IT[min(len(words), 2)]
    return wording.UNSUPPORTED.format(words=quoted(words), why=why, it=it)


# A period as the parser names one it could not use (``bot.nlu.periods.period_words``).
_PERIOD_WORDS = re.compile(
    r"(this|last) (week|month|quarter|year)|\d+ (week|month|quarter|year)s ago|the last \d+ days"
    r"|Q[1-4] \d{4}|[A-Z][a-z]+ \d{4}|\d{4}"
)


def _why_unsupported(words: tuple[str, ...] | list[str]) -> str:
    """Why these words could not be applied, said once for all of them (the first reason found)."""
    lowered = " ".join(words).lower()
    if all(_PERIOD_WORDS.fullmatch(w) for w in words):
        return wording.UNSUPPORTED_WHY["period"].format(words=" and ".join(words))
    for why, markers in (
        ("similar", wording.SIMILAR_WORDS),
        ("assign", wording.ASSIGN_WORDS),
        ("product", wording.PRODUCT_WORDS),
    ):
        if any(m in lowered for m in markers):
            return wording.UNSUPPORTED_WHY[why]
    return wording.UNSUPPORTED_WHY["other"]


def unsupported_notes(query: Query) -> list[str]:
    """The answer's notes on what of the message was not applied: one per phrase, each with why."""
    return [
        wording.UNSUPPORTED_ONLY.format(words=quoted([w]), why=_why_unsupported([w]))
        for w in query.unsupported or ()
    ]


def quoted(words: tuple[str, ...] | list[str]) -> str:
    return " and ".join(f"'{w}'" for w in words)


def interpretation(query: Query | None, answer: Answer | None = None, currency: str = "$") -> str:
    """E.g. "Dormant · high value · your accounts — 14 customers, top 10 by revenue"."""
    if query is None:
        return wording.INTENT_LABEL["unknown"]
    declared = declaration(query.intent)
    applied = getattr(answer, "filters", None)
    filters: Filters = applied if applied else query.filters
    words = " · ".join(describe_filters(filters, currency))
    label = wording.INTENT_LABEL.get(query.intent, declared.label)
    line = _line(query, declared.shows, label, words, answer)
    if query.unsupported:
        line += " · " + wording.NOT_APPLIED.format(words=quoted(query.unsupported))
    return line


def _line(query: Query, shows: str, label: str, words: str, answer: Answer | None) -> str:
    if shows == "selection":
        return _selection(words or wording.ALL_CUSTOMERS, answer)
    if shows == "figure":
        parts = [figure_title(query), words]
        if query.period is not None:
            when = period_words(query.period)
            if query.compare_to is not None:
                when = wording.PERIOD_VERSUS.format(first=when, second=period_words(query.compare_to))
            parts.append(when)
        return " · ".join(p for p in parts if p)
    if shows == "movement":
        moved = [label_words(x) for x in (query.from_, query.to) if x is not None]
        if query.from_ is not None and query.to is None:
            moved = [wording.MOVED_LINE["from"].format(label=moved[0])]
        elif query.to is not None and query.from_ is None:
            moved = [wording.MOVED_LINE["into"].format(label=moved[0])]
        since = (
            [wording.MOVED_LINE["since"].format(period=period_words(query.period))]
            if query.period is not None
            else []
        )
        return " · ".join(p for p in [label, " → ".join(moved), words, *since] if p)
    if shows == "term" and query.term:
        return f"{label} · {key_label('segment', query.term).replace('_', ' ')}"
    if shows == "customer" and query.customer:
        return f"{label} · {query.customer}"
    if shows == "customer" and query.suggestion:
        return f"{label} · #{query.suggestion}"
    if shows == "topic" and query.topic:
        return f"{label} · {wording.TOPIC_LABEL.get(query.topic, query.topic)}"
    if shows == "filters" and words:
        return f"{label} · {words}"
    return label


def _selection(head: str, answer: Answer | None) -> str:
    """The filters, then how many matched and which of them are shown (when answered)."""
    if isinstance(answer, CountAnswer):
        n = answer.count
        return wording.SELECTION["count"].format(head=head, n=n, s="s" if n != 1 else "")
    if not isinstance(answer, CustomersAnswer):
        return head
    total, shown = answer.total, len(answer.customers)
    start = answer.offset
    by = wording.SORT_LABEL[answer.sort]
    if total == 0:
        return wording.SELECTION["none"].format(head=head)
    if start:
        return wording.SELECTION["page"].format(
            head=head, total=total, first=start + 1, last=start + shown, by=by
        )
    if shown < total:
        return wording.SELECTION["top"].format(head=head, total=total, shown=shown, by=by)
    return wording.SELECTION["all"].format(head=head, total=total, s="s" if total != 1 else "", by=by)
