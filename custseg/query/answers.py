"""What the engine answers, one class per answer kind.

The class is the kind: handlers tell answers apart with ``isinstance``; ``kind`` is the name the
contract's JSON uses for it (``custseg ask --json``, the evaluations), and ``to_json`` writes each
answer with the fields, in the order, that JSON has always had.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from custseg.query.contract import AppliedFilters, JSONObject, Label

AnswerKind = Literal[
    "count",
    "customers",
    "overview",
    "aggregate",
    "breakdown",
    "trend",
    "movements",
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


# -- figures: aggregate, breakdown, trend, movements ------------------------------------------------------
@dataclass(frozen=True)
class Span:
    """The days a figure was computed over, first and last included (ISO dates), and the period as
    the query gave it (``{"unit": "year", "offset": 0}``, ``{"days": 90}``, …)."""

    start: str
    end: str
    asked: JSONObject

    def to_json(self) -> JSONObject:
        return {"start": self.start, "end": self.end, "asked": self.asked}


@dataclass(frozen=True)
class Figure(OnCustomers):
    """An answer that is a figure over a set of customers.

    ``measure`` and ``stat`` are what was computed, defaults filled in (``stat`` None for a count and
    for ``aov``, the ratio revenue ÷ orders over the set); ``period`` the window of an order-based
    figure (None: all orders to date, or a snapshot figure); ``whole_book`` whether the set was taken
    from the whole book (False: from the asker's own book); ``currency`` the symbol amounts are in.
    """

    measure: str
    stat: str | None
    period: Span | None
    whole_book: bool
    currency: str | None

    def _figure_head(self, kind: str) -> JSONObject:
        return {
            **self._head(kind),
            "measure": self.measure,
            "stat": self.stat,
            "period": self.period.to_json() if self.period else None,
            "basis": "whole_book" if self.whole_book else "your_book",
            "currency": self.currency,
        }


@dataclass(frozen=True)
class AggregateAnswer(Figure):
    """One figure over the customers the filters select: ``value`` (a share as a fraction 0–1), of
    ``customers`` customers out of ``of_total`` in the book; with ``compare_to``, the same figure over
    ``compare_period`` as ``compare_value``. None where there is nothing to compute it over (the mean
    of no customers)."""

    kind: ClassVar[AnswerKind] = "aggregate"
    value: float | None
    customers: int
    of_total: int
    compare_value: float | None = None
    compare_period: Span | None = None

    def to_json(self) -> JSONObject:
        out = {
            **self._figure_head(self.kind),
            "value": self.value,
            # Not "customers": in the contract's answers that key holds a list of customers.
            "customer_count": self.customers,
            "of_total": self.of_total,
        }
        if self.compare_period is not None:
            out["compare_value"] = self.compare_value
            out["compare_period"] = self.compare_period.to_json()
        return out


@dataclass(frozen=True)
class Group:
    """One group of a breakdown: its ``key`` as the data spells it, the figure, and how many customers."""

    key: str | bool
    value: float | None
    customers: int

    def to_json(self) -> JSONObject:
        return {"key": self.key, "value": self.value, "customers": self.customers}


@dataclass(frozen=True)
class BreakdownAnswer(Figure):
    """The figure per group of ``group_by``, in the order shown (ranked when ``ranked``)."""

    kind: ClassVar[AnswerKind] = "breakdown"
    group_by: str
    groups: list[Group]
    ranked: bool
    order: str
    customers: int
    of_total: int

    def to_json(self) -> JSONObject:
        return {
            **self._figure_head(self.kind),
            "group_by": self.group_by,
            "ranked": self.ranked,
            "order": self.order,
            # Not "customers": in the contract's answers that key holds a list of customers.
            "customer_count": self.customers,
            "of_total": self.of_total,
            "groups": [g.to_json() for g in self.groups],
        }


@dataclass(frozen=True)
class Point:
    """One interval of a trend: its first and last day (ISO dates) and the figure."""

    start: str
    end: str
    value: float | None

    def to_json(self) -> JSONObject:
        return {"start": self.start, "end": self.end, "value": self.value}


@dataclass(frozen=True)
class TrendAnswer(Figure):
    """The figure per ``interval`` over ``period``, in time order.

    ``source`` says where the points come from: ``orders`` (order-based figures, each interval's own
    orders, of the customers the filters select today) or ``snapshots`` (labels, one stored snapshot
    per interval: the latest one on or before the interval's end); ``missing`` intervals had no
    snapshot to read and are left out of ``points``.
    """

    kind: ClassVar[AnswerKind] = "trend"
    interval: str
    source: str
    points: list[Point]
    missing: int = 0

    def to_json(self) -> JSONObject:
        return {
            **self._figure_head(self.kind),
            "interval": self.interval,
            "source": self.source,
            "missing": self.missing,
            "points": [p.to_json() for p in self.points],
        }


@dataclass(frozen=True)
class Move:
    """How many customers went from one label to another, and the lifetime value they carry."""

    column: str
    from_value: str
    to_value: str
    customers: int
    clv: float | None

    def to_json(self) -> JSONObject:
        return {
            "column": self.column,
            "from": self.from_value,
            "to": self.to_value,
            "customers": self.customers,
            "clv": self.clv,
        }


@dataclass(frozen=True)
class MovementsAnswer(OnCustomers):
    """Who moved between labels from the snapshot of ``since`` to the one of ``until``.

    ``moves`` counts them by from → to (largest first); ``customers`` lists them best first by value
    at stake (one page; ``more`` after it). ``from_`` / ``to`` are the labels asked (None: any).
    """

    kind: ClassVar[AnswerKind] = "movements"
    since: str
    until: str
    from_: Label | None
    to: Label | None
    total: int
    moves: list[Move]
    customers: list[ListedCustomer]
    more: int
    whole_book: bool

    def to_json(self) -> JSONObject:
        return {
            **self._head(self.kind),
            "since": self.since,
            "until": self.until,
            "from": self.from_.to_json() if self.from_ else None,
            "to": self.to.to_json() if self.to else None,
            "basis": "whole_book" if self.whole_book else "your_book",
            "total": self.total,
            "moves": [m.to_json() for m in self.moves],
            "more": self.more,
            "customers": [c.to_json() for c in self.customers],
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
    | AggregateAnswer
    | BreakdownAnswer
    | TrendAnswer
    | MovementsAnswer
    | ProfileAnswer
    | ExplanationAnswer
    | NeedsIdentity
    | NoMatch
    | Ambiguous
    | NotFound
    | OutsideScope
)
