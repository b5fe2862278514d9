"""The ``Snapshot``: one dated segmentation of the book, as stored and as queried.

Its own module, apart from ``build``: reading and querying a snapshot (the chat process) must not
import the models that build one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass
class Snapshot:
    """A segmentation of the whole book as of one day.

    Attributes
    ----------
    customers : DataFrame
        Indexed by ``customer_id`` (str); the columns of ``custseg.snapshot.columns.SCHEMA``.
    notes : dict
        What the reader should know: thresholds learned, customers left out and why, which rule
        produced churn risk.
    """

    as_of: dt.date
    customers: pd.DataFrame
    source: str
    params: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    created_at: dt.datetime | None = None

    def __len__(self) -> int:
        return len(self.customers)
