"""What the engine answers, one class per answer kind.

The class is the kind: handlers tell answers apart with ``isinstance``; ``kind`` is the name the
contract's JSON uses for it (``custseg ask --json``, the evaluations), and ``to_json`` writes each
answer with the fields, in the order, that JSON has always had.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from custseg.query.contract import AppliedFilters, JSONObject

AnswerKind = Literal[
    "count",
    "customers",
    "overview",
    "profile",
    "explanation",
    "needs_identity",
    "no_match",
    "ambiguous",
    "not_found",
    "outside_scope",
]

# What a list shows of each customer, in this order.
LIST_FIELDS = (
    "name",
    "owner",
    "region",
    "segment",
    "value_tier",
    "lifecycle",
    "churn_risk",
    "key_account",
    "revenue",
    "frequency",
    "recency_days",
    "typical_gap_days",
    "last_order",
    "clv",
    "churn_probability",
)

# The snapshot's row of one customer, every column of it: which columns there are depends on the
# company's data (attributes), so it stays a mapping by column name.
CustomerCard = dict[str, Any]
# One reason behind a customer's labels (``topic`` says which label; the other keys depend on it).
Factor = dict[str, Any]


# -- rows -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ListedCustomer:
    """One customer of a list, with the figures a list shows (None where the data has none)."""

    customer_id: str
    name: str | None = None
    owner: str | None = None
    region: str | None = None
    segment: str | None = None
    value_tier: str | None = None
    lifecycle: str | None = None
    churn_risk: str | None = None
    key_account: bool = False
    revenue: float = 0.0
    frequency: int | None = None
    recency_days: float | None = None
    typical_gap_days: float | None = None
    last_order: str | None = None
    clv: float | None = None
    churn_probability: float | None = None

    def to_json(self) -> JSONObject:
        return {"customer_id": self.customer_id, **{f: getattr(self, f) for f in LIST_FIELDS}}


@dataclass(frozen=True)
class Candidate:
    """A customer a typed name might mean ("did you mean …?")."""

    customer_id: str
    name: str | None
    owner: str | None
    revenue: float | None

    def to_json(self) -> JSONObject:
        return {
            "customer_id": self.customer_id,
            "name": self.name,
            "owner": self.owner,
            "revenue": self.revenue,
        }


@dataclass(frozen=True)
class BreakdownRow:
    """One label of a breakdown (``by`` says of which: segment, value_tier, lifecycle)."""

    by: str
    label: str
    customers: int
    share: float
    revenue: float
    revenue_share: float

    def to_json(self) -> JSONObject:
        return {
            self.by: self.label,
            "customers": self.customers,
            "share": self.share,
            "revenue": self.revenue,
            "revenue_share": self.revenue_share,
        }


@dataclass(frozen=True)
class RecentOrder:
    order_id: Any
    ordered_at: Any
    amount: float

    def to_json(self) -> JSONObject:
        return {"order_id": self.order_id, "ordered_at": self.ordered_at, "amount": self.amount}


# -- answers on a set of customers -----------------------------------------------------------------------
@dataclass(frozen=True)
class OnCustomers:
    """An answer on the set of customers some filters select (count, list, overview)."""

    as_of: str
    filters: AppliedFilters
    notes: list[str]

    def _head(self, kind: str) -> JSONObject:
        return {"kind": kind, "as_of": self.as_of, "filters": self.filters.to_json(), "notes": self.notes}


@dataclass(frozen=True)
class CountAnswer(OnCustomers):
    kind: ClassVar[AnswerKind] = "count"
    count: int
    revenue: float
    of_total: int

    def to_json(self) -> JSONObject:
        return {
            **self._head(self.kind),
            "count": self.count,
            "revenue": self.revenue,
            "of_total": self.of_total,
        }


@dataclass(frozen=True)
class CustomersAnswer(OnCustomers):
    """One page of a list, best first; ``more`` customers match after it."""

    kind: ClassVar[AnswerKind] = "customers"
    total: int
    offset: int
    limit: int
    sort: str
    more: int
    customers: list[ListedCustomer]

    def to_json(self) -> JSONObject:
        return {
            **self._head(self.kind),
            "total": self.total,
            "offset": self.offset,
            "limit": self.limit,
            "sort": self.sort,
            "more": self.more,
            "customers": [c.to_json() for c in self.customers],
        }


@dataclass(frozen=True)
class OverviewAnswer(OnCustomers):
    """Customers and revenue by segment, value tier and lifecycle stage."""

    kind: ClassVar[AnswerKind] = "overview"
    total: int
    revenue: float
    segments: list[BreakdownRow]
    value_tiers: list[BreakdownRow]
    lifecycle: list[BreakdownRow]
    key_accounts: int

    def to_json(self) -> JSONObject:
        return {
            **self._head(self.kind),
            "total": self.total,
            "revenue": self.revenue,
            "segments": [r.to_json() for r in self.segments],
            "value_tiers": [r.to_json() for r in self.value_tiers],
            "lifecycle": [r.to_json() for r in self.lifecycle],
            "key_accounts": self.key_accounts,
        }


# -- filters that cannot be applied -------------------------------------------------------------------
@dataclass(frozen=True)
class NeedsIdentity:
    """``owner: "me"`` from someone who is no account manager we know."""

    kind: ClassVar[AnswerKind] = "needs_identity"
    filters: AppliedFilters

    def to_json(self) -> JSONObject:
        return {"kind": self.kind, "filters": self.filters.to_json()}


@dataclass(frozen=True)
class NoMatch:
    """An account manager or region (``slot``) the data does not have; ``scoped`` when the asker
    only sees part of the book, so the names offered are only theirs."""

    kind: ClassVar[AnswerKind] = "no_match"
    slot: str
    typed: str
    candidates: list[str]
    scoped: bool = False

    def to_json(self) -> JSONObject:
        out: JSONObject = {
            "kind": self.kind,
            "slot": self.slot,
            "typed": self.typed,
            "candidates": self.candidates,
        }
        if self.scoped:
            out["scoped"] = True
        return out


Refusal = NeedsIdentity | NoMatch


# -- one customer -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _OneCustomer:
    as_of: str
    customer: CustomerCard
    corrected_from: str | None

    @property
    def name(self) -> str:
        """How to call the customer: their name, or their id when they have none."""
        return str(self.customer["name"] or self.customer["customer_id"])


@dataclass(frozen=True)
class ProfileAnswer(_OneCustomer):
    kind: ClassVar[AnswerKind] = "profile"
    recent_orders: list[RecentOrder] = field(default_factory=list)

    def to_json(self) -> JSONObject:
        return {
            "kind": self.kind,
            "as_of": self.as_of,
            "customer": self.customer,
            "corrected_from": self.corrected_from,
            "recent_orders": [o.to_json() for o in self.recent_orders],
        }


@dataclass(frozen=True)
class ExplanationAnswer(_OneCustomer):
    kind: ClassVar[AnswerKind] = "explanation"
    factors: list[Factor] = field(default_factory=list)

    def factor(self, topic: str) -> Factor | None:
        return next((f for f in self.factors if f["topic"] == topic), None)

    def to_json(self) -> JSONObject:
        return {
            "kind": self.kind,
            "as_of": self.as_of,
            "customer": self.customer,
            "corrected_from": self.corrected_from,
            "factors": self.factors,
        }


@dataclass(frozen=True)
class Found:
    """A typed name resolved to one customer (``corrected`` when typos were forgiven)."""

    customer_id: str
    corrected: bool = False


@dataclass(frozen=True)
class _Unresolved:
    kind: ClassVar[AnswerKind]
    typed: str
    candidates: list[Candidate] = field(default_factory=list)

    def to_json(self) -> JSONObject:
        return {"kind": self.kind, "typed": self.typed, "candidates": [c.to_json() for c in self.candidates]}


@dataclass(frozen=True)
class Ambiguous(_Unresolved):
    """Several customers fit the name; ``candidates`` lists them."""

    kind: ClassVar[AnswerKind] = "ambiguous"


@dataclass(frozen=True)
class NotFound(_Unresolved):
    """No customer has the name; ``candidates`` are close spellings, if any."""

    kind: ClassVar[AnswerKind] = "not_found"


@dataclass(frozen=True)
class OutsideScope:
    """A customer of another account manager (``owner``): whose it is, and nothing else."""

    kind: ClassVar[AnswerKind] = "outside_scope"
    typed: str
    owner: str | None

    def to_json(self) -> JSONObject:
        return {"kind": self.kind, "typed": self.typed, "owner": self.owner}


Unresolved = Ambiguous | NotFound | OutsideScope

Answer = (
    CountAnswer
    | CustomersAnswer
    | OverviewAnswer
    | ProfileAnswer
    | ExplanationAnswer
    | NeedsIdentity
    | NoMatch
    | Ambiguous
    | NotFound
    | OutsideScope
)
