"""The chat query: its typed contract, the answers, and the engine that answers it on a snapshot.

- ``contract``: ``Query`` and ``Filters``, built only by validating the contract's JSON.
- ``answers``: one class per answer kind, each with ``to_json``.
- ``engine``: ``QueryEngine``, answering the data intents within the asker's scope.
- ``names``: resolving typed names (customers, account managers, regions) with "did you mean".
- ``explain``: the factors behind one customer's labels.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Where each public name lives. They load on first use: the parser imports ``custseg.query.names``
# and must start in milliseconds, while the engine needs pandas and the snapshot.
_HOME = {
    "Ambiguous": "answers",
    "Answer": "answers",
    "AnswerKind": "answers",
    "BreakdownRow": "answers",
    "Candidate": "answers",
    "CountAnswer": "answers",
    "CustomerCard": "answers",
    "CustomersAnswer": "answers",
    "ExplanationAnswer": "answers",
    "Factor": "answers",
    "Found": "answers",
    "ListedCustomer": "answers",
    "NeedsIdentity": "answers",
    "NoMatch": "answers",
    "NotFound": "answers",
    "OnCustomers": "answers",
    "OutsideScope": "answers",
    "OverviewAnswer": "answers",
    "ProfileAnswer": "answers",
    "RecentOrder": "answers",
    "Refusal": "answers",
    "Unresolved": "answers",
    "DATA_INTENTS": "contract",
    "DEFAULT_LIMIT": "contract",
    "MAX_LIMIT": "contract",
    "AppliedFilters": "contract",
    "Filters": "contract",
    "JSONObject": "contract",
    "Query": "contract",
    "Schedule": "contract",
    "as_query": "contract",
    "QueryEngine": "engine",
    "Scope": "engine",
    "Selection": "engine",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"custseg.query.{home}"), name)


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
