"""Which play of the win-back playbook fits a customer, and what acting on it is worth.

Plays come from the settings (``[playbook.plays.*]``) and are tried in order; the first whose
conditions fit wins, so a customer gets one play at a time. Money is in the data's currency.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from config.playbook import Play, PlaybookSettings

# The snapshot labels and figures kept with a suggestion: why it was made, readable later even
# after newer snapshots have replaced the one it came from.
FACT_COLUMNS: tuple[str, ...] = (
    "segment",
    "lifecycle",
    "lifecycle_reason",
    "value_tier",
    "churn_risk",
    "key_account",
    "recency_days",
    "frequency",
    "typical_gap_days",
    "overdue_ratio",
    "revenue",
    "avg_order_value",
    "trend_90d",
    "clv",
    "p_alive",
    "churn_probability",
)
LABELS: tuple[str, ...] = ("segment", "lifecycle", "lifecycle_reason", "value_tier", "churn_risk")
DAYS_PER_YEAR = 365.0


@dataclass(frozen=True)
class Draft:
    """A suggestion before it is stored.

    Attributes
    ----------
    facts : dict
        The customer's labels and figures (``FACT_COLUMNS`` that the snapshot has).
    value_at_stake : float
        The customer's predicted lifetime value when the snapshot has one (``value_basis`` "clv");
        otherwise a year of their usual orders, average order value × 365 / typical gap in days
        (``value_basis`` "revenue").
    expected_value : float
        ``value_at_stake`` × the play's expected win-back share.
    """

    customer_id: str
    customer_name: str | None
    owner: str | None
    playbook: str
    task: str
    facts: dict[str, Any]
    value_at_stake: float
    value_basis: str
    expected_value: float
    snapshot_as_of: dt.date


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def value_at_stake(customer: dict[str, Any]) -> tuple[float, str]:
    """(value in currency units, basis): the lifetime value if known, else a year of usual orders."""
    clv = _plain(customer.get("clv"))
    if clv is not None:
        return round(float(clv), 2), "clv"
    gap = max(float(customer["typical_gap_days"]), 1.0)
    return round(float(customer["avg_order_value"]) * DAYS_PER_YEAR / gap, 2), "revenue"


class Playbook:
    """Match customers to plays.

    Parameters
    ----------
    settings : PlaybookSettings
        The plays, in the order they are tried; disabled plays are skipped.
    """

    def __init__(self, settings: PlaybookSettings):
        self.settings = settings

    @property
    def plays(self) -> dict[str, Play]:
        return {name: play for name, play in self.settings.plays.items() if play.enabled}

    @staticmethod
    def _fits(play: Play, frame: pd.DataFrame) -> np.ndarray:
        mask = np.ones(len(frame), dtype=bool)
        for key in LABELS:
            wanted = getattr(play.when, key)
            if wanted is not None:
                mask &= frame[key].astype(object).isin(wanted).to_numpy()
        if play.when.key_account is not None:
            mask &= frame["key_account"].to_numpy(dtype=bool) == play.when.key_account
        if play.when.min_orders is not None or play.when.max_orders is not None:
            orders = pd.to_numeric(frame["frequency"], errors="coerce").fillna(0).to_numpy()
            if play.when.min_orders is not None:
                mask &= orders >= play.when.min_orders
            if play.when.max_orders is not None:
                mask &= orders <= play.when.max_orders
        return mask

    def assign(self, frame: pd.DataFrame) -> pd.Series:
        """The play for each customer of a snapshot frame (None where no play fits)."""
        out = np.full(len(frame), None, dtype=object)
        free = np.ones(len(frame), dtype=bool)
        for name, play in self.plays.items():
            hit = free & self._fits(play, frame)
            out[hit] = name
            free &= ~hit
        return pd.Series(out, index=frame.index, name="playbook")

    def play_for(self, customer: dict[str, Any]) -> str | None:
        """The play that fits one customer (a snapshot row as a dict), or None."""
        row = pd.DataFrame([{k: customer.get(k) for k in (*LABELS, "key_account", "frequency")}])
        return self.assign(row).iloc[0]

    def suggest(self, customer: dict[str, Any], as_of: dt.date) -> Draft | None:
        """The suggestion for one customer (a snapshot row with ``customer_id``), or None when no
        play fits (e.g. an active customer buying on rhythm)."""
        name = self.play_for(customer)
        if name is None:
            return None
        play = self.plays[name]
        value, basis = value_at_stake(customer)
        return Draft(
            customer_id=str(customer["customer_id"]),
            customer_name=_plain(customer.get("name")),
            owner=_plain(customer.get("owner")),
            playbook=name,
            task=play.task,
            facts={k: _plain(customer[k]) for k in FACT_COLUMNS if k in customer},
            value_at_stake=value,
            value_basis=basis,
            expected_value=round(value * play.expected_win_back, 2),
            snapshot_as_of=as_of,
        )
