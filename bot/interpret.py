"""The interpretation line: the query in plain words, shown first in every reply."""

from __future__ import annotations

from bot.intents import declaration
from bot.wording import (
    ALL_CUSTOMERS,
    DAYS_AGO,
    SEGMENT_LABEL,
    SORT_LABEL,
    STAGE_FILTER_LABEL,
    STAGE_LABEL,
    TOPIC_LABEL,
)
from custseg.query import Answer, CountAnswer, CustomersAnswer, Filters, Query


def money(value: float, currency: str = "$") -> str:
    """Compact currency: $950, $12k, $1.3M."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= 1e6:
        return f"{sign}{currency}{value / 1e6:.1f}M"
    if value >= 1e4:
        return f"{sign}{currency}{value / 1e3:.0f}k"
    return f"{sign}{currency}{value:,.0f}"


def days(n: float) -> str:
    n = round(n)
    return "1 day" if n == 1 else f"{n:,} days"


def days_ago(n: float) -> str:
    """How long ago, in days, as a person says it: "today", "yesterday", "12 days ago"."""
    n = round(n)
    if n <= 0:
        return DAYS_AGO["today"]
    if n == 1:
        return DAYS_AGO["yesterday"]
    return DAYS_AGO["ago"].format(days=days(n))


def describe_filters(filters: Filters, currency: str = "$") -> list[str]:
    """Each filter as a short phrase, in a fixed, readable order."""
    parts: list[str] = []
    if filters.lifecycle is not None:
        stages = Filters.values(filters.lifecycle)
        parts.append(" or ".join(STAGE_FILTER_LABEL.get(s, STAGE_LABEL[s]) for s in stages).capitalize())
    if filters.segment is not None:
        parts.append(" or ".join(SEGMENT_LABEL[s] for s in Filters.values(filters.segment)).capitalize())
    if filters.value_tier is not None:
        parts.append(f"{filters.value_tier} value")
    if filters.churn_risk is not None:
        parts.append(f"{filters.churn_risk} churn risk")
    if filters.key_account:
        parts.append("key accounts")
    if filters.owner is not None:
        who = filters.owner
        parts.append("your accounts" if who == "me" else f"owned by {str(who).title()}")
    if filters.region is not None:
        parts.append(f"in {filters.region}")
    if filters.min_revenue is not None:
        parts.append(f"revenue ≥ {money(float(filters.min_revenue), currency)}")
    if filters.inactive_days is not None:
        parts.append(f"no order for {days(int(filters.inactive_days))}+")
    return parts


def interpretation(query: Query | None, answer: Answer | None = None, currency: str = "$") -> str:
    """E.g. "Dormant · high value · your accounts — 14 customers, top 10 by revenue"."""
    if query is None:
        return declaration("unknown").label
    declared = declaration(query.intent)
    applied = getattr(answer, "filters", None)
    filters: Filters = applied if applied else query.filters
    words = " · ".join(describe_filters(filters, currency))
    if declared.shows == "selection":
        return _selection(words or ALL_CUSTOMERS, answer)
    label = declared.label
    if declared.shows == "customer" and query.customer:
        return f"{label} · {query.customer}"
    if declared.shows == "topic" and query.topic:
        return f"{label} · {TOPIC_LABEL.get(query.topic, query.topic)}"
    if declared.shows == "filters" and words:
        return f"{label} · {words}"
    return label


def _selection(head: str, answer: Answer | None) -> str:
    """The filters, then how many matched and which of them are shown (when answered)."""
    if isinstance(answer, CountAnswer):
        n = answer.count
        return f"{head} — {n:,} customer{'s' if n != 1 else ''}"
    if not isinstance(answer, CustomersAnswer):
        return head
    total, shown = answer.total, len(answer.customers)
    start = answer.offset
    by = SORT_LABEL[answer.sort]
    if total == 0:
        return f"{head} — no customers"
    if start:
        return f"{head} — {total:,} customers, {start + 1}–{start + shown} by {by}"
    if shown < total:
        return f"{head} — {total:,} customers, top {shown} by {by}"
    return f"{head} — {total:,} customer{'s' if total != 1 else ''}, by {by}"
