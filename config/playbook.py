"""Win-back plays: which customers a play is for, the action it calls for, and how long things take."""

from __future__ import annotations

from pydantic import Field, model_validator

from config.base import Strict
from config.labels import LEVELS, REASONS, SEGMENTS, STAGES


class PlayMatch(Strict):
    """Which customers a play is for: every key given must match one of its listed snapshot labels.

    ``min_orders`` / ``max_orders`` bound the customer's number of orders so far (inclusive), so a
    play can fit the customer's actual history (an onboarding play for one order only).
    """

    segment: list[str] | None = None
    lifecycle: list[str] | None = None
    lifecycle_reason: list[str] | None = None
    value_tier: list[str] | None = None
    churn_risk: list[str] | None = None
    key_account: bool | None = None
    min_orders: int | None = Field(None, ge=0)
    max_orders: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _known_labels(self) -> PlayMatch:
        known = {
            "segment": SEGMENTS,
            "lifecycle": STAGES,
            "lifecycle_reason": REASONS,
            "value_tier": LEVELS,
            "churn_risk": LEVELS,
        }
        problems = [
            f"{key} '{value}' is not one of {', '.join(names)}"
            for key, names in known.items()
            for value in getattr(self, key) or []
            if value not in names
        ]
        if self.min_orders is not None and self.max_orders is not None and self.min_orders > self.max_orders:
            problems.append(f"min_orders {self.min_orders} is above max_orders {self.max_orders}")
        if problems:
            raise ValueError("; ".join(problems))
        if not self.model_fields_set:
            raise ValueError('give at least one condition, e.g. when = { lifecycle = ["dormant"] }')
        return self


class Play(Strict):
    """One situation and the action it calls for.

    ``task`` names the action in a few words (the chat's sentence for a shipped play lives in
    bot/wording.py); the account manager gets ``due_days`` days to do it once approved.
    ``expected_win_back`` is the assumed share of customers the action wins back (0–1), used for
    the expected value until ``custseg actions report`` has measured the real rate.
    """

    when: PlayMatch
    task: str = Field(min_length=1)
    due_days: int = Field(7, ge=1)
    expected_win_back: float = Field(0.2, gt=0, le=1)
    enabled: bool = True


class PlaybookSettings(Strict):
    """Win-back suggestions: plays tried in order (the first that fits a customer wins), and how
    long things take. All durations in days."""

    plays: dict[str, Play] = Field(default_factory=dict)
    window_days: int = Field(30, ge=1, description="did the customer order again within this many days")
    snooze_days: int = Field(7, ge=1)
    expire_after_days: int = Field(
        14, ge=1, description="a suggestion nobody decided, or an approved task not done, expires"
    )
