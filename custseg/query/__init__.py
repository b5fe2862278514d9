"""The chat query: its typed contract, the answers, and the engine that answers it on a snapshot.

- ``contract``: ``Query`` and ``Filters``, built only by validating the contract's JSON.
- ``answers``: one class per answer kind, each with ``to_json``.
- ``engine``: ``QueryEngine``, answering the data intents within the asker's scope.
- ``names``: resolving typed names (customers, account managers, regions) with "did you mean".
- ``explain``: the factors behind one customer's labels.
"""

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
from custseg.query.engine import QueryEngine, Scope, Selection

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
