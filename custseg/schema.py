"""The names of the chat query contract (``shared/spec/query-schema.md``), in one place.

Plain tuples with no imports, so the parser, the engine, tests and benchmarks all share them
without pulling in pandas. The label values filters take (segments, tiers, stages) are the
snapshot's labels, in ``config.labels``.
"""

from __future__ import annotations

INTENTS: tuple[str, ...] = (
    "find_customers",
    "count_customers",
    "segment_overview",
    "customer_profile",
    "explain",
    "key_account_digest",
    "churn_alerts",
    "pending_actions",
    "propose_action",
    "subscribe",
    "unsubscribe",
    "help",
    "unknown",
)
# The intents the query engine answers from the snapshot (the rest are answered by the bot).
DATA_INTENTS: tuple[str, ...] = (
    "find_customers",
    "count_customers",
    "segment_overview",
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
    "min_revenue",
    "inactive_days",
)
SORTS: tuple[str, ...] = ("clv", "revenue", "recency", "frequency", "churn_risk")
TOPICS: tuple[str, ...] = ("digest", "alerts")
DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun", "daily")
