"""The snapshot's columns and their types, in one place: what ``build_snapshot`` produces, what the
store writes into each Parquet part and what ``load_snapshot`` hands back.

Units: day counts are whole days up to the as-of date; money is in the data's currency units;
``churn_probability``, ``p_alive`` are probabilities (0–1).
"""

from __future__ import annotations

import pyarrow as pa

# name → Arrow type in the stored parts. Nullable where the models or attributes may be missing
# (``trend_90d`` when there was no revenue 90 days before, the predictive layer on small books).
SCHEMA = pa.schema(
    [
        pa.field("customer_id", pa.string(), nullable=False),
        pa.field("name", pa.string()),
        pa.field("owner", pa.string()),
        pa.field("region", pa.string()),
        pa.field("first_order", pa.date32(), nullable=False),
        pa.field("last_order", pa.date32(), nullable=False),
        pa.field("recency_days", pa.int32(), nullable=False),
        pa.field("tenure_days", pa.int32(), nullable=False),
        pa.field("frequency", pa.int32(), nullable=False),
        pa.field("revenue", pa.float64(), nullable=False),
        pa.field("avg_order_value", pa.float64(), nullable=False),
        pa.field("returns", pa.float64(), nullable=False),
        pa.field("revenue_90d", pa.float64(), nullable=False),
        pa.field("revenue_prev_90d", pa.float64(), nullable=False),
        pa.field("trend_90d", pa.float64()),
        pa.field("typical_gap_days", pa.float64(), nullable=False),
        pa.field("gap_basis", pa.string(), nullable=False),
        pa.field("overdue_ratio", pa.float64(), nullable=False),
        pa.field("r_score", pa.int32(), nullable=False),
        pa.field("f_score", pa.int32(), nullable=False),
        pa.field("m_score", pa.int32(), nullable=False),
        pa.field("segment", pa.string(), nullable=False),
        pa.field("value_tier", pa.string(), nullable=False),
        pa.field("lifecycle", pa.string(), nullable=False),
        pa.field("lifecycle_reason", pa.string(), nullable=False),
        pa.field("churn_risk", pa.string(), nullable=False),
        pa.field("churn_probability", pa.float64()),
        pa.field("key_account", pa.bool_(), nullable=False),
        pa.field("key_account_misses", pa.int32(), nullable=False),
        pa.field("p_alive", pa.float64()),
        pa.field("expected_purchases", pa.float64()),
        pa.field("expected_next_order", pa.date32()),
        pa.field("expected_order_value", pa.float64()),
        pa.field("clv", pa.float64()),
    ]
)

#: Every column, ``customer_id`` (the frame's index) first.
COLUMNS: list[str] = SCHEMA.names
DATE_COLUMNS: tuple[str, ...] = tuple(f.name for f in SCHEMA if pa.types.is_date(f.type))
FLOAT_COLUMNS: tuple[str, ...] = tuple(f.name for f in SCHEMA if pa.types.is_floating(f.type))
INT_COLUMNS: tuple[str, ...] = tuple(f.name for f in SCHEMA if pa.types.is_integer(f.type))
# A handful of distinct values across the whole book: loaded as pandas categoricals, which keep
# one code per customer instead of one Python string each. owner and region stay str for now: the
# query engine fills their missing values with "" (custseg/query/engine.py), which a categorical
# without that category refuses.
CATEGORY_COLUMNS: tuple[str, ...] = (
    "segment",
    "value_tier",
    "lifecycle",
    "lifecycle_reason",
    "churn_risk",
    "gap_basis",
)
