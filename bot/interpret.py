"""The interpretation line: the query in plain words, shown first in every reply."""

from __future__ import annotations

from typing import Any

from bot.intents import declaration
from bot.wording import DAYS_AGO, SEGMENT_LABEL, SORT_LABEL, STAGE_FILTER_LABEL, STAGE_LABEL


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


def describe_filters(filters: dict[str, Any], currency: str = "$") -> list[str]:
    """Each filter as a short phrase, in a fixed, readable order."""
    parts: list[str] = []
    if "lifecycle" in filters:
        stage = filters["lifecycle"]
        parts.append(STAGE_FILTER_LABEL.get(stage, STAGE_LABEL[stage]).capitalize())
    if "segment" in filters:
        parts.append(SEGMENT_LABEL[filters["segment"]].capitalize())
    if "value_tier" in filters:
        parts.append(f"{filters['value_tier']} value")
    if "churn_risk" in filters:
        parts.append(f"{filters['churn_risk']} churn risk")
    if filters.get("key_account"):
        parts.append("key accounts")
    if "owner" in filters:
        who = filters["owner"]
        parts.append("your accounts" if who == "me" else f"owned by {str(who).title()}")
    if "region" in filters:
        parts.append(f"in {filters['region']}")
    if "min_revenue" in filters:
        parts.append(f"revenue ≥ {money(float(filters['min_revenue']), currency)}")
    if "inactive_days" in filters:
        parts.append(f"no order for {days(int(filters['inactive_days']))}+")
    return parts


def interpretation(query: dict[str, Any], answer: dict[str, Any] | None = None, currency: str = "$") -> str:
    """E.g. "Dormant · high value · your accounts — 14 customers, top 10 by revenue"."""
    intent = query.get("intent", "unknown")
    filters = (answer or {}).get("filters") or query.get("filters") or {}
    words = " · ".join(describe_filters(filters, currency))
    if intent in ("find_customers", "count_customers"):
        head = words or "All customers"
        if not answer or ("total" not in answer and "count" not in answer):
            return head
        if intent == "count_customers":
            n = answer["count"]
            return f"{head} — {n:,} customer{'s' if n != 1 else ''}"
        total, shown = answer["total"], len(answer["customers"])
        start = answer.get("offset", 0)
        by = SORT_LABEL[answer["sort"]]
        if total == 0:
            return f"{head} — no customers"
        if start:
            return f"{head} — {total:,} customers, {start + 1}–{start + shown} by {by}"
        if shown < total:
            return f"{head} — {total:,} customers, top {shown} by {by}"
        return f"{head} — {total:,} customer{'s' if total != 1 else ''}, by {by}"
    label = declaration(intent).label
    if intent in ("customer_profile", "explain", "propose_action") and query.get("customer"):
        return f"{label} · {query['customer']}"
    if intent == "segment_overview" and words:
        return f"{label} · {words}"
    if intent in ("subscribe", "unsubscribe") and query.get("topic"):
        return f"{label} · {'key-account digest' if query['topic'] == 'digest' else 'churn alerts'}"
    if words and intent in ("key_account_digest", "churn_alerts", "pending_actions"):
        return f"{label} · {words}"
    return label
