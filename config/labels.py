"""The labels a snapshot gives customers: RFM segments, value tiers and churn-risk bands,
lifecycle stages and the reasons for them.

Plain tuples with no imports. They live with the settings because play conditions
(``[playbook.plays.*.when]``) are checked against them when the settings are loaded; the
segmentation code, the query contract and the bot use the same tuples.
"""

from __future__ import annotations

SEGMENTS: tuple[str, ...] = (
    "champions",
    "loyal",
    "potential_loyalist",
    "new",
    "promising",
    "need_attention",
    "about_to_sleep",
    "at_risk",
    "cant_lose",
    "hibernating",
    "lost",
)
LEVELS: tuple[str, ...] = ("high", "medium", "low")  # value tiers and churn-risk bands
STAGES: tuple[str, ...] = ("new", "active", "declining", "dormant", "lost")
# Why a customer has its stage; bot wording turns these into sentences.
REASONS: tuple[str, ...] = (
    "recent_first_order",  # new: first purchase within the new-customer window
    "on_rhythm",  # active: last order within the expected gap
    "overdue",  # declining: later than usual
    "revenue_down",  # declining: on time but buying much less than the 90 days before
    "long_overdue",  # dormant
    "gone",  # lost
    "unlikely_alive",  # dormant: the frequency model gives a low probability of still being active
)
