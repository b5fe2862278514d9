"""The chat query: its typed contract, the answers, and the engine that answers it on a snapshot.

- ``contract``: ``Query`` and ``Filters``, built only by validating the contract's JSON.
- ``answers``: one class per answer kind, each with ``to_json``.
- ``engine``: ``QueryEngine``, answering the data intents within the asker's scope.
- ``names``: resolving typed names (customers, account managers, regions) with "did you mean".
- ``explain``: the factors behind one customer's labels.
"""

from typing import TYPE_CHECKING, Any

from custseg.query.answers import (
    Ambiguous,
    Answer,
    AnswerKind,
    BreakdownRow,
    Candidate,
    CountAnswer,
    CustomerCard,
    CustomersAnswer,
    ExplanationAnswer,
    Factor,
    Found,
    ListedCustomer,
    NeedsIdentity,
    NoMatch,
    NotFound,
    OnCustomers,
    OutsideScope,
    OverviewAnswer,
    ProfileAnswer,
    RecentOrder,
    Refusal,
    Unresolved,
)
from custseg.query.contract import (
    DATA_INTENTS,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    AppliedFilters,
    Filters,
    JSONObject,
    Query,
    Schedule,
    as_query,
)

if TYPE_CHECKING:
    from custseg.query.engine import QueryEngine, Scope, Selection


def __getattr__(name: str) -> Any:
    # The engine needs pandas and the snapshot; the parser needs only the contract and names, and
    # must import in milliseconds, so the engine is loaded when first asked for.
    if name in ("QueryEngine", "Scope", "Selection"):
        from custseg.query import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DATA_INTENTS",
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "Ambiguous",
    "Answer",
    "AnswerKind",
    "AppliedFilters",
    "BreakdownRow",
    "Candidate",
    "CountAnswer",
    "CustomerCard",
    "CustomersAnswer",
    "ExplanationAnswer",
    "Factor",
    "Filters",
    "Found",
    "JSONObject",
    "ListedCustomer",
    "NeedsIdentity",
    "NoMatch",
    "NotFound",
    "OnCustomers",
    "OutsideScope",
    "OverviewAnswer",
    "ProfileAnswer",
    "Query",
    "QueryEngine",
    "RecentOrder",
    "Refusal",
    "Schedule",
    "Scope",
    "Selection",
    "Unresolved",
    "as_query",
]
