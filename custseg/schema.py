"""The names of the chat query contract (``shared/spec/query-schema.md``, version 2), in one place.

Plain tuples with no imports, so the parser, the engine, tests and benchmarks all share them
without pulling in pandas. The label values filters take (segments, tiers, stages) are the
snapshot's labels, in ``config.labels``.
"""

from __future__ import annotations

INTENTS: tuple[str, ...] = (
    "find_customers",
    "count_customers",
    "aggregate",
    "breakdown",
    "segment_overview",
    "trend",
    "movements",
    "customer_profile",
    "explain",
    "propose_action",
    "decide",
    "export",
    "define",
    "key_account_digest",
    "churn_alerts",
    "pending_actions",
    "subscribe",
    "unsubscribe",
    "smalltalk",
    "help",
    "unknown",
)
# The intents the query engine answers from the snapshot (the rest are answered by the bot).
DATA_INTENTS: tuple[str, ...] = (
    "find_customers",
    "count_customers",
    "aggregate",
    "breakdown",
    "segment_overview",
    "trend",
    "movements",
    "customer_profile",
    "explain",
)
# The filter keys, in the order the interpretation reads them.
FILTERS: tuple[str, ...] = (
    "segment",
    "value_tier",
    "lifecycle",
    "churn_risk",
    "key_account",
    "owner",
    "region",
    "country",
    "attributes",
    "min_revenue",
    "max_revenue",
    "min_clv",
    "max_clv",
    "min_orders",
    "max_orders",
    "inactive_days",
    "ordered_within_days",
    "ordered_in",
    "first_order_in",
    "spend_change",
    "exclude",
)
# Filters that take one value or a list of values ("champions or loyal customers").
LIST_FILTERS: tuple[str, ...] = (
    "segment",
    "value_tier",
    "lifecycle",
    "churn_risk",
    "owner",
    "region",
    "country",
)
# Filters that are a period (``PERIOD_UNITS``, ``{"days": N}``, or a named year / quarter / month).
PERIOD_FILTERS: tuple[str, ...] = ("ordered_in", "first_order_in")
SORTS: tuple[str, ...] = (
    "clv",
    "revenue",
    "recency",
    "frequency",
    "churn_risk",
    "orders",
    "aov",
    "spend_change",
    "value",
)
ORDERS: tuple[str, ...] = ("desc", "asc")
MEASURES: tuple[str, ...] = (
    "customers",
    "revenue",
    "orders",
    "aov",
    "clv",
    "churn_probability",
    "recency_days",
    "gap_days",
)
STATS: tuple[str, ...] = ("sum", "mean", "median", "share")
# What a measure computes when the query names no ``stat`` (``customers`` counts, ``aov`` is the ratio
# revenue ÷ orders over the set).
DEFAULT_STAT: dict[str, str] = {
    "revenue": "sum",
    "orders": "sum",
    "clv": "sum",
    "churn_probability": "mean",
    "recency_days": "mean",
    "gap_days": "mean",
}
# Measures read from the orders (and so computed over a ``period`` when one is given); the others
# are labels and figures of the snapshot.
ORDER_MEASURES: tuple[str, ...] = ("revenue", "orders", "aov")
# The columns a breakdown groups by besides a customer attribute column of the company's data.
GROUP_BY: tuple[str, ...] = (
    "segment",
    "lifecycle",
    "value_tier",
    "churn_risk",
    "key_account",
    "owner",
    "region",
    "country",
)
# Groups with a natural order (kept in it unless the query asks for a ranking).
ORDINAL_GROUPS: tuple[str, ...] = ("segment", "lifecycle", "value_tier", "churn_risk")
INTERVALS: tuple[str, ...] = ("week", "month", "quarter", "year")
PERIOD_UNITS: tuple[str, ...] = INTERVALS
SPEND_CHANGES: tuple[str, ...] = ("down", "up")
# The labels ``from`` / ``to`` of a movement may name.
MOVEMENT_LABELS: tuple[str, ...] = ("segment", "lifecycle", "value_tier", "churn_risk")
DECISIONS: tuple[str, ...] = ("approve", "reject", "snooze")
FORMATS: tuple[str, ...] = ("csv", "xlsx")
# Words ``define`` explains besides the label values (segments, stages, tiers, risk levels).
TERMS: tuple[str, ...] = (
    "rfm",
    "recency",
    "frequency",
    "monetary",
    "clv",
    "churn_risk",
    "p_alive",
    "key_account",
    "value_tier",
    "lifecycle",
    "segment",
)
TOPICS: tuple[str, ...] = ("digest", "alerts")
DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun", "daily")
