"""The asker's view of the book: the query engine bound to their scope and to whom "me" is.

Handlers get a ``ScopedBook`` instead of the engine, so every question they run answers within the
asker's scope without each handler having to pass it along (and none can forget to).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import pandas as pd

    from custseg.query import (
        Answer,
        CountAnswer,
        CustomersAnswer,
        ExplanationAnswer,
        Filters,
        OverviewAnswer,
        ProfileAnswer,
        Query,
        QueryEngine,
        Refusal,
        Selection,
        Unresolved,
    )
    from custseg.snapshot.frame import Snapshot

A = TypeVar("A")


def in_scope(scope: frozenset[str] | None, owner: str | None) -> bool:
    """Whether customers of account manager ``owner`` (None: no owner) are within ``scope``."""
    if scope is None:
        return True
    return owner is not None and owner.strip().lower() in {o.strip().lower() for o in scope}


class ScopedBook:
    """``engine`` as seen by one asker.

    Parameters
    ----------
    engine : QueryEngine
        The engine on the latest snapshot.
    scope : frozenset of str, optional
        The account managers whose customers the asker may see (None: the whole book).
    owner : str, optional
        The account manager the asker is ("my customers").
    """

    def __init__(self, engine: QueryEngine, scope: frozenset[str] | None, owner: str | None):
        self._engine = engine
        self.scope = scope
        self.owner = owner
        # What was answered through this view, in order: the conversation remembers the rows and
        # the customer the asker was shown (bot.services.conversations), and nothing else.
        self.answered: list[object] = []

    def _noted(self, answer: A) -> A:
        self.answered.append(answer)
        return answer

    @property
    def snapshot(self) -> Snapshot:
        """The snapshot answered from, as the asker sees it: its date, parameters and notes, and
        only the customers within their scope (``customers``), so digests and alerts computed on
        it cannot count anyone else."""
        return self._engine.snapshot_in(self.scope)

    @property
    def frame(self) -> pd.DataFrame:
        """The rows of the asker's customers (``snapshot.customers``)."""
        return self.snapshot.customers

    def rows(self, selection: Selection) -> pd.DataFrame:
        """The rows a ``select`` chose (its mask is over the whole book, and within the scope)."""
        return self._engine.frame[selection.mask]

    def run(self, query: Query, offset: int = 0) -> Answer:
        """The engine's answer to a data query within the asker's scope."""
        return self._noted(self._engine.run(query, user_owner=self.owner, offset=offset, scope=self.scope))

    def find(self, query: Query, offset: int = 0, cap: int | None = None) -> CustomersAnswer | Refusal:
        """One page of the customers ``query`` lists, within the asker's scope (at most ``cap``
        rows; a chat list's cap when None)."""
        if cap is None:
            return self._noted(
                self._engine.find(query, user_owner=self.owner, offset=offset, scope=self.scope)
            )
        return self._noted(
            self._engine.find(query, user_owner=self.owner, offset=offset, scope=self.scope, cap=cap)
        )

    def count(self, filters: Filters) -> CountAnswer | Refusal:
        """How many of the asker's customers ``filters`` selects."""
        return self._engine.count(filters, user_owner=self.owner, scope=self.scope)

    def overview(self, filters: Filters) -> OverviewAnswer | Refusal:
        """The segment breakdown of the asker's customers that ``filters`` selects."""
        return self._engine.overview(filters, user_owner=self.owner, scope=self.scope)

    def profile(self, customer: str) -> ProfileAnswer | Unresolved:
        """One customer's profile, resolved by name among the asker's customers only."""
        return self._noted(self._engine.profile(customer, scope=self.scope))

    def explanation(self, customer: str) -> ExplanationAnswer | Unresolved:
        """Why one of the asker's customers carries their labels."""
        return self._noted(self._engine.explanation(customer, scope=self.scope))

    def select(self, filters: Filters) -> Selection | Refusal:
        """The rows ``filters`` select within the asker's scope, or why they cannot be applied."""
        return self._engine.select(filters, user_owner=self.owner, scope=self.scope)

    def sees(self, owner: str | None) -> bool:
        """Whether the asker may see the customers of account manager ``owner`` (None: no owner)."""
        return in_scope(self.scope, owner)
