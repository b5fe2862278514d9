"""Execute the structured chat query (``shared/spec/query-schema.md``) on a snapshot.

The engine answers the data intents (find, count, aggregate, breakdown, overview, trend, movements,
profile, explain) with typed answers (``custseg.query.answers``); wording and layout belong to the
bot. Filters run as vectorised masks on categorical codes, so a find or count on a million-customer
snapshot takes milliseconds. Label-based figures come from the snapshot (and, over time, from the
stored snapshots); order-based ones (revenue, orders, order value in a period) from the orders,
read once per engine on the first question that needs them (``custseg.query.ledger``).

Every entry point takes the asker's ``scope`` (the account managers whose customers they may see;
None for everyone). Rows outside it are removed before anything else runs, so counts, totals,
lists, names resolved and "did you mean" suggestions only ever come from inside the scope.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from custseg.errors import QueryError
from custseg.query.answers import (
    LIST_FIELDS,
    AggregateAnswer,
    Ambiguous,
    Answer,
    BreakdownAnswer,
    BreakdownRow,
    Candidate,
    CountAnswer,
    CustomerCard,
    CustomersAnswer,
    ExplanationAnswer,
    Factor,
    Found,
    Group,
    ListedCustomer,
    Move,
    MovementsAnswer,
    NeedsIdentity,
    NoMatch,
    NotFound,
    OutsideScope,
    OverviewAnswer,
    Point,
    ProfileAnswer,
    RecentOrder,
    Refusal,
    TrendAnswer,
    Unresolved,
)
from custseg.query.contract import (
    CATEGORICAL,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    AppliedFilters,
    Filters,
    JSONObject,
    Period,
    Query,
    as_query,
)
from custseg.query.explain import factors
from custseg.query.explain import plain_value as _plain
from custseg.query.figures import Values, figure, grouped
from custseg.query.ledger import Ledger
from custseg.query.names import NameIndex, hash_of, plain, resolve_region
from custseg.query.notes import Note
from custseg.query.periods import Window, intervals, last_intervals, resolve, twelve_months, year_before
from custseg.query.sources import BookData
from custseg.schema import DEFAULT_STAT, GROUP_BY, ORDER_MEASURES, ORDINAL_GROUPS
from custseg.snapshot.frame import Snapshot

# ``(customer_id, n) -> [{"order_id", "ordered_at", "amount"}, …]``, newest first.
OrdersLookup = Callable[[str, int], list[JSONObject]]
Scope = frozenset[str] | None
MAX_CACHED_SCOPES = 64


@dataclass(frozen=True)
class Selection:
    """The rows a set of filters selects (``mask``), the filters as applied, and notes on how."""

    mask: np.ndarray
    filters: AppliedFilters
    notes: list[str]


@dataclass
class _ScopeView:
    """What one scope sees: its rows, and the names it may resolve (customers built on first use;
    the values of the data's other columns per column, on first use too)."""

    mask: np.ndarray
    owners: NameIndex
    regions: NameIndex
    customers: NameIndex | None = None
    snapshot: Snapshot | None = None
    values: dict[str, NameIndex] = field(default_factory=dict)


# Label filters: a trend with one of them reads each interval's stored snapshot.
_LABEL_FILTERS = ("segment", "value_tier", "lifecycle", "churn_risk", "key_account")
# Snapshot columns behind the snapshot measures.
_SNAPSHOT_MEASURES = {
    "clv": "clv",
    "churn_probability": "churn_probability",
    "recency_days": "recency_days",
    "gap_days": "typical_gap_days",
}
# Trends default to the last this-many intervals.
TREND_POINTS = 12
# A breakdown by an attribute with more groups than this shows the largest ones only.
MAX_GROUPS = 200


class QueryEngine:
    """Answers structured queries on one snapshot.

    Parameters
    ----------
    snapshot : Snapshot
        The snapshot to query (normally the latest).
    recent_orders : callable, optional
        ``(customer_id, n) -> list of {"order_id", "ordered_at", "amount"}``, newest first; used by
        profiles. Without it profiles show no order lines.
    data : BookData, optional
        The orders, the customers' other attributes and the stored snapshots
        (``custseg.query.sources.StoredBook``), each read on first use. Without it, order-based
        figures over a period, attribute filters, trends of labels and movements are refused with
        a ``QueryError`` saying what is missing.
    currency : str, optional
        The symbol amounts are in, carried on figure answers.
    """

    def __init__(
        self,
        snapshot: Snapshot,
        recent_orders: OrdersLookup | None = None,
        data: BookData | None = None,
        currency: str | None = None,
    ):
        self.snapshot = snapshot
        self.recent_orders = recent_orders
        self.data = data
        self.currency = currency
        frame = snapshot.customers
        self.frame = frame
        self.ids = frame.index.to_numpy()
        self._codes = {
            col: pd.Categorical(frame[col], categories=list(values)).codes
            for col, values in CATEGORICAL.items()
        }
        # As objects first: a categorical column (how a columnar store may load it) has no "" to fill.
        self._owner = pd.Categorical(frame["owner"].astype(object).fillna("").str.lower())
        self._region = pd.Categorical(frame["region"].astype(object).fillna("").str.lower())
        self._num = {
            col: frame[col].to_numpy(dtype="float64")
            for col in ("revenue", "recency_days", "frequency", "overdue_ratio", "avg_order_value")
        }
        if "clv" in frame:
            # Customers without a lifetime value rank after every customer with one.
            self._num["clv"] = np.nan_to_num(frame["clv"].to_numpy(dtype="float64"), nan=-np.inf)
        self._key = frame["key_account"].to_numpy(dtype=bool)
        self._first = frame["first_order"].to_numpy().astype("datetime64[D]")
        self._customer_names: NameIndex | None = None
        self._name_hash: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        # Held while the name indexes are built, so a lookup waits for a build under way.
        self._names_lock = threading.Lock()
        self._ledger: Ledger | None = None
        self._columns: dict[str, pd.Categorical] = {}
        self._attributes: pd.DataFrame | None = None
        self._at: dict[dt.date, QueryEngine] = {}
        self._before: dict[tuple[dt.date, str], np.ndarray] = {}
        # Per scope (lower-cased owner names): its row mask and the names it may resolve.
        self._scoped: dict[frozenset[str], _ScopeView] = {}
        self._everyone = _ScopeView(
            mask=np.ones(len(frame), dtype=bool),
            owners=NameIndex(frame["owner"].dropna().unique()),
            regions=NameIndex(frame["region"].dropna().unique()),
        )

    @property
    def as_of(self) -> dt.date:
        return self.snapshot.as_of

    @property
    def customer_names(self) -> NameIndex:
        """The book's customer names and ids (``NameIndex``), built on first use."""
        with self._names_lock:
            if self._customer_names is None:
                names = self.frame["name"].dropna().to_numpy(dtype=object)
                self._customer_names = NameIndex(np.concatenate([names, self.ids.astype(object)]))
            return self._customer_names

    def index_names(self, background: bool = False) -> threading.Thread | None:
        """Build the name indexes (``customer_names``, ``rows_named``'s) now, or on a thread.

        With ``background``, questions that name no customer are answered while the indexes are
        built (seconds for a million customers); one that names a customer waits for them, so
        the answer is the same either way. Returns the thread.
        """

        def build() -> None:
            self.customer_names  # noqa: B018
            self.rows_named("")

        if not background:
            build()
            return None
        # Not a daemon: a process exiting mid-build (a one-off ``custseg ask``) waits for it, as
        # interpreter shutdown under a thread still inside Arrow or numpy aborts the process.
        thread = threading.Thread(target=build, name="name-index", daemon=False)
        thread.start()
        return thread

    def rows_named(self, name: str) -> np.ndarray:
        """The rows (ascending) of the customers called exactly ``name``: a binary search in the
        names' sorted hashes, not a comparison with every name of the book."""
        with self._names_lock:
            if self._name_hash is None:
                # Object or categorical column alike: hashed as the strings (missing names hash apart).
                names = self.frame["name"].to_numpy(dtype=object)
                hashes = pd.util.hash_array(names, categorize=False)
                order = np.argsort(hashes, kind="stable")
                self._name_hash = (names, hashes[order], order)
            names, hashes, order = self._name_hash
        h = np.uint64(hash_of(name))
        rows = order[np.searchsorted(hashes, h, side="left") : np.searchsorted(hashes, h, side="right")]
        # A 64-bit hash collision would bring another name: compared on the few rows found.
        return rows[names[rows] == name]

    def _needs(self, what: str) -> BookData:
        if self.data is None:
            raise QueryError(f"This engine has no access to the stored {what}.")
        return self.data

    @property
    def ledger(self) -> Ledger:
        """The orders of this snapshot's customers up to its as-of date, read on first use."""
        if self._ledger is None:
            ids, days, amounts = self._needs("orders").orders(self.as_of)
            self._ledger = Ledger(ids, days, amounts, self.frame.index, self.as_of)
        return self._ledger

    def _attribute_frame(self) -> pd.DataFrame:
        if self._attributes is None:
            attrs = self.data.attributes() if self.data is not None else pd.DataFrame()
            self._attributes = attrs.reindex(self.frame.index) if len(attrs.columns) else pd.DataFrame()
        return self._attributes

    def columns(self) -> list[str]:
        """The customer columns a breakdown may group by or an attribute filter may name."""
        extra = [c for c in self._attribute_frame().columns if c not in GROUP_BY]
        return [*GROUP_BY, *extra]

    def _column_name(self, typed: str) -> str | None:
        """The data's spelling of a column typed in any case ("Industry" → "industry"), if it exists."""
        key = typed.strip().lower()
        if key == "country" and "country" not in self._attribute_frame().columns:
            # A book whose regions are countries (one region per country) answers "country" from them.
            return "region"
        attrs = {c.lower(): c for c in self._attribute_frame().columns}
        if key in ("owner", "region"):
            return key
        return attrs.get(key)

    def _column(self, name: str) -> pd.Categorical:
        """A column of the data (owner, region or an attribute) as categories spelled as the data
        spells them, one code per snapshot row (-1 where the customer has none)."""
        if name not in self._columns:
            series = self.frame[name] if name in ("owner", "region") else self._attribute_frame()[name]
            self._columns[name] = pd.Categorical(series.where(series.notna(), None).astype(object))
        return self._columns[name]

    def _values_in(self, view: _ScopeView, name: str) -> NameIndex:
        """The values of column ``name`` a scope may resolve, built once per scope and column."""
        if name not in view.values:
            cat = self._column(name)
            codes = np.unique(cat.codes[view.mask])
            view.values[name] = NameIndex([cat.categories[c] for c in codes if c >= 0])
        return view.values[name]

    def scope_mask(self, scope: Scope) -> np.ndarray:
        """The rows of customers whose account manager is in ``scope`` (all rows for None).

        Owner names match ignoring case and surrounding blanks; names not in the data select
        nothing, and customers without an account manager are only in the unrestricted scope.
        """
        return self._view(scope).mask

    def snapshot_in(self, scope: Scope) -> Snapshot:
        """The snapshot as ``scope`` sees it: the same date, parameters and notes, with only the
        customers of its account managers (the whole snapshot for None). Built once per scope."""
        if scope is None:
            return self.snapshot
        view = self._view(scope)
        if view.snapshot is None:
            view.snapshot = dataclasses.replace(self.snapshot, customers=self.frame[view.mask])
        return view.snapshot

    def _view(self, scope: Scope) -> _ScopeView:
        if scope is None:
            return self._everyone
        key = frozenset(o.strip().lower() for o in scope if isinstance(o, str) and o.strip())
        view = self._scoped.get(key)
        if view is None:
            categories = list(self._owner.categories)
            codes = [categories.index(o) for o in key if o in categories]
            mask = np.isin(self._owner.codes, codes)
            rows = self.frame[mask]
            view = _ScopeView(
                mask=mask,
                owners=NameIndex(rows["owner"].dropna().unique()),
                regions=NameIndex(rows["region"].dropna().unique()),
            )
            if len(self._scoped) >= MAX_CACHED_SCOPES:
                self._scoped.clear()
            self._scoped[key] = view
        return view

    def _names_in(self, view: _ScopeView) -> NameIndex:
        """Customer names and ids a scope may resolve, built once per scope."""
        if view is self._everyone:
            return self.customer_names
        if view.customers is None:
            rows = self.frame[view.mask]
            view.customers = NameIndex(
                np.concatenate(
                    [rows["name"].dropna().to_numpy(dtype=object), rows.index.to_numpy(dtype=object)]
                )
            )
        return view.customers

    # ----------------------------------------------------------------------------------------------
    def run(
        self,
        query: Query | Mapping[str, Any],
        user_owner: str | None = None,
        offset: int = 0,
        scope: Scope = None,
    ) -> Answer:
        """Answer one query of a data intent (``DATA_INTENTS``).

        Parameters
        ----------
        query : Query, or the contract's JSON of one (validated first)
        user_owner : str, optional
            The account manager the asking user is, for ``owner: "me"``.
        offset : int
            For paging lists ("show more").
        scope : frozenset of str, optional
            The account managers whose customers the asker may see; None (the default) for all.
            Everything, ``of_total`` included, is computed on their customers only.

        Returns
        -------
        Answer
            By intent: ``CustomersAnswer``, ``CountAnswer``, ``AggregateAnswer``, ``BreakdownAnswer``,
            ``TrendAnswer``, ``MovementsAnswer``, ``OverviewAnswer``, ``ProfileAnswer``,
            ``ExplanationAnswer``; or ``NeedsIdentity`` / ``NoMatch`` when a filter cannot be
            applied, ``Ambiguous`` / ``NotFound`` / ``OutsideScope`` when a customer's name does
            not resolve.

        Raises
        ------
        QueryError
            For an intent this engine does not answer or a malformed slot.
        """
        query = as_query(query)
        if query.intent == "find_customers":
            return self.find(query, user_owner, offset, scope)
        if query.intent == "count_customers":
            return self.count(query.filters, user_owner, scope, query)
        if query.intent == "aggregate":
            return self.aggregate(query, user_owner, scope)
        if query.intent == "breakdown":
            return self.breakdown(query, user_owner, scope)
        if query.intent == "trend":
            return self.trend(query, user_owner, scope)
        if query.intent == "movements":
            return self.movements(query, user_owner, offset, scope)
        if query.intent == "segment_overview":
            return self.overview(query.filters, user_owner, scope, query)
        if query.intent == "customer_profile":
            return self.profile(query.customer or "", scope)
        if query.intent == "explain":
            return self.explanation(query.customer or "", scope)
        raise QueryError(f"The data engine does not answer '{query.intent}' queries.")

    def run_json(
        self, query: Mapping[str, Any], user_owner: str | None = None, offset: int = 0, scope: Scope = None
    ) -> JSONObject:
        """``run`` from the contract's JSON to the answer's JSON (``custseg ask --json``)."""
        return self.run(query, user_owner, offset, scope).to_json()

    def find(
        self,
        query: Query,
        user_owner: str | None = None,
        offset: int = 0,
        scope: Scope = None,
        cap: int = MAX_LIMIT,
    ) -> CustomersAnswer | Refusal:
        """One page of the customers ``query.filters`` selects, ranked by ``query.sort``; at most
        ``cap`` rows (a list in chat; an export asks for more)."""
        selected = self._filter(query.filters, user_owner, scope, query)
        if not isinstance(selected, Selection):
            return selected
        return self._list(selected, query, offset, cap)

    def count(
        self, filters: Filters, user_owner: str | None = None, scope: Scope = None, query: Query | None = None
    ) -> CountAnswer | Refusal:
        """How many customers ``filters`` selects, their revenue, and how many there are in all
        (``query`` gives ``spend_change`` its windows)."""
        selected = self.select(filters, user_owner, scope, query)
        if not isinstance(selected, Selection):
            return selected
        mask = selected.mask
        return CountAnswer(
            as_of=str(self.snapshot.as_of),
            filters=selected.filters,
            notes=selected.notes,
            count=int(mask.sum()),
            revenue=round(float(self._num["revenue"][mask].sum()), 2),
            of_total=int(self.scope_mask(scope).sum()),
        )

    def overview(
        self, filters: Filters, user_owner: str | None = None, scope: Scope = None, query: Query | None = None
    ) -> OverviewAnswer | Refusal:
        """Customers and revenue by segment, value tier and stage, of those ``filters`` selects."""
        selected = self.select(filters, user_owner, scope, query)
        if not isinstance(selected, Selection):
            return selected
        return self._overview(selected)

    def select(
        self,
        filters: Filters | Mapping[str, Any],
        user_owner: str | None = None,
        scope: Scope = None,
        query: Query | None = None,
    ) -> Selection | Refusal:
        """The rows a set of filters selects within ``scope``, with names resolved against the data;
        or why the filters cannot be applied (``NeedsIdentity``, ``NoMatch``)."""
        if not isinstance(filters, Filters):
            filters = Filters.from_json(dict(filters))
        return self._filter(filters, user_owner, scope, query)

    # ----------------------------------------------------------------------------------------------
    def _filter(
        self, filters: Filters, user_owner: str | None, scope: Scope, query: Query | None = None
    ) -> Selection | Refusal:
        """The rows ``filters`` selects within ``scope``. ``query`` gives ``spend_change`` its windows
        (its ``period`` / ``compare_to``). Every filter is applied or refused: none is skipped."""
        view = self._view(scope)
        mask = view.mask.copy()
        # Within a scope only its own account managers and regions are known, so a typo is never
        # answered with a name from outside it.
        scoped = scope is not None
        notes: list[str] = []
        applied: JSONObject = {}
        # Values were validated with the query; only names still need resolving against the data.
        for key, value in filters.items():
            if key in CATEGORICAL:
                wanted = [CATEGORICAL[key].index(v) for v in Filters.values(value)]
                mask &= np.isin(self._codes[key], wanted)
                applied[key] = value
            elif key == "key_account":
                mask &= self._key if value else ~self._key
                applied[key] = bool(value)
            elif key == "owner":
                names: list[str] = []
                for typed in Filters.values(value):
                    owner = user_owner if typed == "me" else typed
                    if owner is None:
                        return NeedsIdentity(AppliedFilters.of(applied))
                    found = view.owners.resolve(str(owner))
                    if found.exact is None:
                        return NoMatch("owner", str(owner), found.candidates or view.owners.names, scoped)
                    if found.corrected:
                        notes.append(Note("read_as", slot="owner", typed=owner, found=found.exact))
                    names.append(found.exact)
                    if typed == "me":
                        applied["owner_name"] = found.exact
                mask &= np.isin(self._owner.codes, self._codes_of(self._owner, names))
                shown = ["me" if t == "me" else n for t, n in zip(Filters.values(value), names, strict=True)]
                applied[key] = shown[0] if isinstance(value, str) else tuple(shown)
            elif key in ("region", "country"):
                column = "region" if key == "region" else self._column_name("country")
                if column is None:
                    return NoMatch("country", str(Filters.values(value)[0]), [], scoped)
                picked = self._pick(key, column, Filters.values(value), view, notes, scoped)
                if isinstance(picked, NoMatch):
                    return picked
                mask &= picked[0]
                applied[key] = picked[1][0] if isinstance(value, str) else tuple(picked[1])
            elif key == "attributes":
                spelled: dict[str, str | tuple[str, ...]] = {}
                for typed_column, wanted_values in value.items():
                    column = self._column_name(typed_column)
                    if column is None or column in ("owner", "region"):
                        return NoMatch("column", typed_column, self.columns()[len(GROUP_BY) :], scoped)
                    picked = self._pick(column, column, Filters.values(wanted_values), view, notes, scoped)
                    if isinstance(picked, NoMatch):
                        return picked
                    mask &= picked[0]
                    spelled[column] = picked[1][0] if isinstance(wanted_values, str) else tuple(picked[1])
                applied[key] = spelled
            elif key in ("min_revenue", "max_revenue"):
                revenue = self._num["revenue"]
                mask &= revenue >= value if key == "min_revenue" else revenue <= value
                applied[key] = value
            elif key in ("min_clv", "max_clv"):
                clv = self.frame["clv"].to_numpy(dtype="float64")
                if not self.snapshot.notes.get("clv_available"):
                    notes.append(
                        f"{key}: lifetime value is not modelled on this book, so no customer could match it"
                    )
                # Customers without a lifetime value match neither bound.
                mask &= (clv >= value) if key == "min_clv" else (clv <= value)
                applied[key] = value
            elif key in ("min_orders", "max_orders"):
                orders = self._num["frequency"]
                mask &= orders >= value if key == "min_orders" else orders <= value
                applied[key] = value
            elif key == "inactive_days":
                mask &= self._num["recency_days"] >= value
                applied[key] = value
            elif key == "ordered_within_days":
                mask &= self._num["recency_days"] <= value
                applied[key] = value
            elif key == "ordered_in":
                window = self._window(value, notes, key)
                mask &= self.ledger.purchases(window.start, window.end) > 0
                applied[key] = value
            elif key == "first_order_in":
                window = self._window(value, notes, key)
                first = self._first
                mask &= (first >= np.datetime64(window.start, "D")) & (
                    first <= np.datetime64(window.end, "D")
                )
                applied[key] = value
            elif key == "spend_change":
                change = self._spend_change(query, notes)
                mask &= change < 0 if value == "down" else change > 0
                applied[key] = value
            elif key == "exclude":
                excluded = self._filter(value, user_owner, scope, query)
                if not isinstance(excluded, Selection):
                    return excluded
                mask &= ~excluded.mask
                notes += excluded.notes
                applied[key] = excluded.filters
            else:
                raise QueryError(f"The engine cannot apply the filter '{key}'.")
        return Selection(mask=mask, filters=AppliedFilters.of(applied), notes=notes)

    def _pick(
        self, slot: str, column: str, typed: tuple[str, ...], view: _ScopeView, notes: list[str], scoped: bool
    ) -> tuple[np.ndarray, list[str]] | NoMatch:
        """The rows whose ``column`` is any of the ``typed`` values, and those values as the data
        spells them; or ``NoMatch`` for the first value the data (within the scope) does not have."""
        known = view.regions if column == "region" else self._values_in(view, column)
        names: list[str] = []
        for one in typed:
            found = resolve_region(one, known) if slot in ("region", "country") else known.resolve(one)
            if found.exact is None:
                return NoMatch(slot, one, found.candidates or known.names, scoped)
            if found.corrected:
                notes.append(Note("read_as", slot=slot, typed=one, found=found.exact))
            names.append(found.exact)
        if column == "region":
            return np.isin(self._region.codes, self._codes_of(self._region, names)), names
        cat = self._column(column)
        codes = [cat.categories.get_loc(n) for n in names]
        return np.isin(cat.codes, codes), names

    @staticmethod
    def _codes_of(cat: pd.Categorical, names: list[str]) -> list[int]:
        categories = list(cat.categories)
        return [categories.index(n.lower()) for n in names if n.lower() in categories]

    def _window(self, period: Period, notes: list[str], slot: str) -> Window:
        window = resolve(period, self.as_of)
        if window.start > window.end:
            notes.append(Note("period_after_as_of", slot=slot, as_of=str(self.as_of)))
        elif window.clipped:
            notes.append(
                Note(
                    "period_cut",
                    slot=slot,
                    window=window.describe(),
                    first=window.start.isoformat(),
                    last=window.end.isoformat(),
                )
            )
        return window

    def _spend_windows(self, query: Query | None, notes: list[str]) -> tuple[Window, Window]:
        """The windows ``spend_change`` compares: the query's ``period`` and ``compare_to`` when
        given, else the 12 months to the as-of date and the 12 months before."""
        now = (
            self._window(query.period, notes, "spend_change")
            if query is not None and query.period is not None
            else twelve_months(self.as_of)
        )
        if query is not None and query.compare_to is not None:
            before = self._window(query.compare_to, notes, "spend_change")
        else:
            before = year_before(now)
        return now, before

    def _spend_change(self, query: Query | None, notes: list[str]) -> np.ndarray:
        """Revenue per customer row in the later window minus the earlier one (currency units)."""
        now, before = self._spend_windows(query, notes)
        return self.ledger.revenue(now.start, now.end) - self.ledger.revenue(before.start, before.end)

    def _goodness(self, idx: np.ndarray, sort: str, query: Query | None) -> np.ndarray:
        """One float per row, larger ranks first in a descending list, for the first criterion of
        ``sort``; NaN where the customer has no such figure."""
        if sort == "recency":
            return -self._num["recency_days"][idx]
        if sort in ("frequency", "orders"):
            return self._num["frequency"][idx]
        if sort == "aov":
            return self._num["avg_order_value"][idx]
        if sort == "churn_risk":
            # Risk band first (codes: high 0, medium 1, low 2), then how overdue within the band.
            ratio = np.minimum(self._num["overdue_ratio"][idx], 1e6)
            return -(self._codes["churn_risk"][idx].astype("float64") * 1e7 - ratio)
        if sort == "spend_change":
            change = self._spend_change(query, [])[idx]
            # The biggest drop first, unless the list is of customers spending more.
            rising = query is not None and query.filters.spend_change == "up"
            return change if rising else -change
        if sort == "clv" and "clv" in self._num:
            clv = self._num["clv"][idx]
            return np.where(np.isinf(clv), np.nan, clv)
        return self._num["revenue"][idx]

    def _order(
        self, idx: np.ndarray, sort: str, want: int, ascending: bool = False, query: Query | None = None
    ) -> np.ndarray:
        """The first ``want`` indices best-first for ``sort`` (worst-first when ``ascending``); ties by
        revenue, then customer id; customers without the figure last either way.

        Only rows that can make the top ``want`` (those at or before the cut-off of the primary
        key, ties included) are fully sorted, so a top-10 on a million rows takes milliseconds.
        """
        good = self._goodness(idx, sort, query)
        key = np.where(np.isnan(good), np.inf, good if ascending else -good)
        if len(idx) > want:
            cutoff = np.partition(key, want - 1)[want - 1]
            close = key <= cutoff
            idx, key = idx[close], key[close]
        # Snapshot rows are sorted by customer id, so the row position is the id tie-break.
        order = np.lexsort((idx, -self._num["revenue"][idx], key))
        return idx[order][:want]

    def _listed(self, ordered: np.ndarray) -> list[ListedCustomer]:
        rows = self.frame.iloc[ordered]
        present = [f for f in LIST_FIELDS if f in rows]
        return [
            ListedCustomer(customer_id=_plain(cid), **{f: _plain(rows.at[cid, f]) for f in present})
            for cid in rows.index
        ]

    def _list(self, selected: Selection, query: Query, offset: int, cap: int = MAX_LIMIT) -> CustomersAnswer:
        mask, notes = selected.mask, selected.notes
        asked = query.limit if query.limit is not None else DEFAULT_LIMIT
        limit = max(1, min(asked, cap))
        if asked > cap:
            notes.append(Note("list_capped", cap=cap))
        sort = query.sort or ("clv" if self.snapshot.notes.get("clv_available") else "revenue")
        if sort == "value":
            sort = "revenue"
        applied_sort = sort
        if sort == "clv" and not self.snapshot.notes.get("clv_available"):
            applied_sort = "revenue"
            notes.append(Note("no_clv_list"))
        idx = np.flatnonzero(mask)
        want = offset + limit
        ordered = self._order(idx, applied_sort, want, query.order == "asc", query)[offset:want]
        customers = self._listed(ordered)
        total = int(mask.sum())
        return CustomersAnswer(
            as_of=str(self.snapshot.as_of),
            filters=selected.filters,
            notes=notes,
            total=total,
            offset=offset,
            limit=limit,
            sort=applied_sort,
            more=max(0, total - offset - len(customers)),
            customers=customers,
        )

    def _overview(self, selected: Selection) -> OverviewAnswer:
        mask = selected.mask
        revenue = self._num["revenue"][mask]
        n = int(mask.sum())
        total_rev = float(revenue.sum())

        def table(col: str) -> list[BreakdownRow]:
            names = CATEGORICAL[col]
            codes = self._codes[col][mask]
            counts = np.bincount(codes, minlength=len(names))
            sums = np.bincount(codes, weights=revenue, minlength=len(names))
            return [
                BreakdownRow(
                    by=col,
                    label=name,
                    customers=int(counts[i]),
                    share=round(counts[i] / n, 4) if n else 0.0,
                    revenue=round(float(sums[i]), 2),
                    revenue_share=round(float(sums[i]) / total_rev, 4) if total_rev else 0.0,
                )
                for i, name in enumerate(names)
            ]

        return OverviewAnswer(
            as_of=str(self.snapshot.as_of),
            filters=selected.filters,
            notes=selected.notes,
            total=n,
            revenue=round(total_rev, 2),
            segments=table("segment"),
            value_tiers=table("value_tier"),
            lifecycle=table("lifecycle"),
            key_accounts=int(self._key[mask].sum()),
        )

    # -- figures --------------------------------------------------------------------------------------
    def _values(self, measure: str, window: Window | None, notes: list[str]) -> Values:
        """The measure per customer row: over ``window`` from the orders when it is order-based and a
        window is given, else from the snapshot (revenue and purchases to date, labels, forecasts)."""
        if measure == "customers":
            return Values(measure, np.ones(len(self.frame)))
        if measure in ORDER_MEASURES:
            if window is not None:
                revenue = self.ledger.revenue(window.start, window.end)
                bought = self.ledger.purchases(window.start, window.end)
            else:
                revenue, bought = self._num["revenue"], self._num["frequency"]
            if measure == "revenue":
                return Values(measure, revenue)
            if measure == "orders":
                return Values(measure, bought)
            return Values(measure, revenue, bought)
        column = _SNAPSHOT_MEASURES[measure]
        values = self.frame[column].to_numpy(dtype="float64")
        if np.isnan(values).all():
            notes.append(f"{measure.replace('_', ' ')}: this snapshot has no such figure for any customer")
        return Values(measure, values)

    def _figure_window(self, query: Query, notes: list[str], slot: str = "period") -> Window | None:
        """The window of the figure for ``period`` / ``compare_to``; None without one. A snapshot
        measure cannot be windowed: it is computed as of the snapshot and a note says so."""
        period = query.period if slot == "period" else query.compare_to
        if period is None:
            return None
        measure, _ = query.figure
        if measure not in ORDER_MEASURES:
            notes.append(
                f"{slot}: {measure.replace('_', ' ')} is a figure of the snapshot as of {self.as_of}, "
                "so it is not computed over a period"
            )
            return None
        return self._window(period, notes, slot)

    def _figure_parts(self, query: Query, user_owner: str | None, scope: Scope) -> Selection | Refusal:
        return self._filter(query.filters, user_owner, scope, query)

    def aggregate(
        self, query: Query, user_owner: str | None = None, scope: Scope = None
    ) -> AggregateAnswer | Refusal:
        """One figure (``query.figure``) over the customers the filters select, over ``period`` when
        given, and the same over ``compare_to`` side by side; a share is of the asker's whole book."""
        selected = self._figure_parts(query, user_owner, scope)
        if not isinstance(selected, Selection):
            return selected
        notes = list(selected.notes)
        measure, stat = _figure(query, notes)
        whole = self.scope_mask(scope)
        window = self._figure_window(query, notes)
        value = figure(self._values(measure, window, notes), stat, selected.mask, whole)
        compare_window = self._figure_window(query, notes, "compare_to")
        compare_value = None
        if compare_window is not None:
            compare_value = figure(self._values(measure, compare_window, notes), stat, selected.mask, whole)
        return AggregateAnswer(
            as_of=str(self.as_of),
            filters=selected.filters,
            notes=notes,
            measure=measure,
            stat=stat,
            period=window.span() if window else None,
            whole_book=scope is None,
            currency=self.currency,
            value=value,
            customers=int(selected.mask.sum()),
            of_total=int(whole.sum()),
            compare_value=compare_value,
            compare_period=compare_window.span() if compare_window else None,
        )

    def _groups(self, name: str, view: _ScopeView) -> tuple[str, np.ndarray, list[str | bool]] | NoMatch:
        """For ``group_by``: the column as the data names it, group codes per snapshot row (-1: in
        no group) and the group keys."""
        if name in CATEGORICAL:
            return name, self._codes[name], list(CATEGORICAL[name])
        if name == "key_account":
            return name, (~self._key).astype(np.int64), [True, False]
        column = self._column_name(name)
        if column is None:
            return NoMatch("group_by", name, self.columns(), view is not self._everyone)
        cat = self._column(column)
        # "country" on a book whose regions are countries keeps its name: the filter reads it so too.
        return (
            "country" if name.lower() == "country" else column,
            cat.codes.astype(np.int64),
            list(cat.categories),
        )

    def breakdown(
        self, query: Query, user_owner: str | None = None, scope: Scope = None
    ) -> BreakdownAnswer | Refusal:
        """The figure per group of ``group_by`` over the customers the filters select.

        Ordinal groups (segment, stage, tier, risk) keep their natural order unless ``sort: value``;
        the others go by value, largest first (smallest with ``order: asc``); ``limit`` keeps the first.
        """
        selected = self._figure_parts(query, user_owner, scope)
        if not isinstance(selected, Selection):
            return selected
        notes = list(selected.notes)
        name = query.group_by or "segment"
        if query.group_by is None:
            notes.append(Note("group_default"))
        view = self._view(scope)
        groups = self._groups(name, view)
        if isinstance(groups, NoMatch):
            return groups
        name, codes, keys = groups
        measure, stat = _figure(query, notes)
        whole = view.mask
        window = self._figure_window(query, notes)
        values, counts = grouped(
            self._values(measure, window, notes), stat, codes, len(keys), selected.mask, whole
        )
        ordinal = name in ORDINAL_GROUPS or name == "key_account"
        named = self._named_groups(name, selected.filters)
        shown = [
            i
            for i in range(len(keys))
            if (keys[i] in named if named else counts[i] > 0 or (ordinal and whole.any()))
        ]
        ranked = query.sort == "value" or not ordinal
        if ranked:
            sign = 1.0 if query.order == "asc" else -1.0
            shown.sort(key=lambda i: (values[i] is None, sign * (values[i] or 0.0), str(keys[i])))
        elif query.order == "asc":
            shown.reverse()
        if query.limit is not None:
            shown = shown[: query.limit]
        elif len(shown) > MAX_GROUPS:
            notes.append(Note("groups_cut", n=len(shown), shown=MAX_GROUPS))
            shown = shown[:MAX_GROUPS]
        missing = int((selected.mask & (codes < 0)).sum())
        if missing:
            notes.append(Note("groups_missing", n=missing, name=name))
        return BreakdownAnswer(
            as_of=str(self.as_of),
            filters=selected.filters,
            notes=notes,
            measure=measure,
            stat=stat,
            period=window.span() if window else None,
            whole_book=scope is None,
            currency=self.currency,
            group_by=name,
            groups=[Group(key=_plain(keys[i]), value=values[i], customers=int(counts[i])) for i in shown],
            ranked=ranked,
            order=query.order or "desc",
            customers=int(selected.mask.sum()),
            of_total=int(whole.sum()),
        )

    @staticmethod
    def _named_groups(name: str, applied: AppliedFilters) -> set[Any]:
        """The group keys the filters name for the grouped column ("EMEA vs APAC"), if any."""
        if name == "owner" and applied.owner_name is not None:
            return {applied.owner_name} | set(v for v in Filters.values(applied.owner) if v != "me")
        if name in (*CATEGORICAL, "owner", "region", "country"):
            return set(Filters.values(getattr(applied, name)))
        if name == "key_account" and applied.key_account is not None:
            return {applied.key_account}
        if applied.attributes and name in applied.attributes:
            return set(Filters.values(applied.attributes[name]))
        return set()

    # -- over time ------------------------------------------------------------------------------------
    def at(self, as_of: dt.date) -> QueryEngine:
        """The engine on the stored snapshot of ``as_of`` (this engine for its own date), kept."""
        if as_of == self.as_of:
            return self
        if as_of not in self._at:
            data = self._needs("snapshots")
            self._at[as_of] = QueryEngine(data.snapshot(as_of), data=data, currency=self.currency)
        return self._at[as_of]

    def _trend_span(self, query: Query, interval: str, notes: list[str]) -> Window:
        if query.period is None:
            window = last_intervals(interval, self.as_of, TREND_POINTS)
            notes.append(Note("trend_period_default", n=TREND_POINTS, interval=interval))
            return window
        return self._window(query.period, notes, "period")

    def trend(
        self, query: Query, user_owner: str | None = None, scope: Scope = None
    ) -> TrendAnswer | Refusal:
        """The figure per ``interval`` over ``period`` (default: the last 12 intervals).

        Order-based figures come from each interval's orders, of the customers the filters select
        today; labels and snapshot figures (a label filter, customers counted, lifetime value, …)
        from the latest stored snapshot on or before each interval's end within the interval;
        intervals with none are counted in ``missing``.
        """
        notes: list[str] = []
        interval = query.interval or "month"
        if query.interval is None:
            notes.append(Note("trend_interval_default"))
        measure, stat = _figure(query, notes)
        span = self._trend_span(query, interval, notes)
        edges = [(max(a, span.start), min(b, span.end)) for a, b in intervals(interval, span.start, span.end)]
        if edges and edges[0][0] != intervals(interval, span.start, span.start)[0][0]:
            notes.append(Note("trend_first_cut", interval=interval, day=str(edges[0][0])))
        labelled = measure not in ORDER_MEASURES or any(k in query.filters for k in _LABEL_FILTERS)
        if labelled:
            return self._trend_snapshots(query, user_owner, scope, interval, edges, span, notes)
        selected = self._figure_parts(query, user_owner, scope)
        if not isinstance(selected, Selection):
            return selected
        notes = selected.notes + notes
        points = self._order_points(measure, stat, selected.mask, self.scope_mask(scope), edges)
        return TrendAnswer(
            as_of=str(self.as_of),
            filters=selected.filters,
            notes=notes,
            measure=measure,
            stat=stat,
            period=span.span(),
            whole_book=scope is None,
            currency=self.currency,
            interval=interval,
            source="orders",
            points=points,
        )

    def _order_points(
        self,
        measure: str,
        stat: str | None,
        mask: np.ndarray,
        whole: np.ndarray,
        edges: list[tuple[dt.date, dt.date]],
    ) -> list[Point]:
        if stat in (None, "sum") or (measure == "aov" and stat not in ("mean", "median")):
            revenue, bought = self.ledger.sums(mask, edges)
            figures: list[float | None] = []
            for r, b in zip(revenue, bought, strict=True):
                if measure == "revenue":
                    figures.append(round(float(r), 2))
                elif measure == "orders":
                    figures.append(float(b))
                else:
                    figures.append(round(float(r / b), 2) if b else None)
        else:
            figures = [figure(self._values(measure, Window(a, b), []), stat, mask, whole) for a, b in edges]
        return [Point(a.isoformat(), b.isoformat(), v) for (a, b), v in zip(edges, figures, strict=True)]

    def _trend_snapshots(
        self,
        query: Query,
        user_owner: str | None,
        scope: Scope,
        interval: str,
        edges: list[tuple[dt.date, dt.date]],
        span: Window,
        notes: list[str],
    ) -> TrendAnswer | Refusal:
        dates = self._needs("snapshots").snapshot_dates()
        measure, stat = _figure(query, [])
        points: list[Point] = []
        missing = 0
        applied: AppliedFilters | None = None
        for start, end in edges:
            inside = [d for d in dates if start <= d <= end]
            if not inside:
                missing += 1
                continue
            engine = self.at(inside[-1])
            selected = engine._filter(query.filters, user_owner, scope, query)
            if not isinstance(selected, Selection):
                return selected
            applied = applied or selected.filters
            whole = engine.scope_mask(scope)
            if measure in ORDER_MEASURES:
                # Who carried the label comes from that snapshot; what they spent from the orders.
                rows = self.frame.index.get_indexer(engine.ids[selected.mask])
                mask = np.zeros(len(self.frame), dtype=bool)
                mask[rows[rows >= 0]] = True
                base = self.scope_mask(scope)
                value = figure(self._values(measure, Window(start, end), []), stat, mask, base)
            else:
                value = figure(engine._values(measure, None, []), stat, selected.mask, whole)
            points.append(Point(start.isoformat(), end.isoformat(), value))
        if missing:
            notes.append(Note("trend_snapshots", n=len(points), total=len(edges), interval=interval))
        if applied is None:
            selected = self._filter(query.filters, user_owner, scope, query)
            if not isinstance(selected, Selection):
                return selected
            applied = selected.filters
        return TrendAnswer(
            as_of=str(self.as_of),
            filters=applied,
            notes=notes,
            measure=measure,
            stat=stat,
            period=span.span(),
            whole_book=scope is None,
            currency=self.currency,
            interval=interval,
            source="snapshots",
            points=points,
            missing=missing,
        )

    def _since(self, query: Query, notes: list[str]) -> dt.date | None:
        """The stored snapshot a movement starts from: the one before this engine's, or the one
        nearest ``period`` back ("since last month"); None when there is none."""
        earlier = [d for d in self._needs("snapshots").snapshot_dates() if d < self.as_of]
        if not earlier:
            notes.append(Note("no_earlier_snapshot", as_of=str(self.as_of)))
            return None
        if query.period is None:
            return earlier[-1]
        target = resolve(query.period, self.as_of).start
        since = min(earlier, key=lambda d: (abs((d - target).days), d))
        if since != target:
            notes.append(Note("nearest_snapshot", target=str(target), since=str(since)))
        return since

    def _labels_at(self, since: dt.date, column: str) -> np.ndarray:
        """Each of this snapshot's customers' ``column`` label in the snapshot of ``since``
        ("(new customer)" for those not in it), kept: reindexing a million ids is the slow part."""
        key = (since, column)
        if key not in self._before:
            old = self.at(since).frame[column].astype(object)
            self._before[key] = old.reindex(self.frame.index).fillna("(new customer)").to_numpy(dtype=object)
        return self._before[key]

    def movements(
        self, query: Query, user_owner: str | None = None, offset: int = 0, scope: Scope = None
    ) -> MovementsAnswer | Refusal:
        """Who moved between labels from an earlier stored snapshot to this one.

        The filters (and scope) apply to the customers as they are in this snapshot. ``from`` /
        ``to`` restrict the labels (both optional; without either, segments); customers who were
        not in the earlier snapshot come from "(new customer)". Customers are listed by value at
        stake (lifetime value; revenue when it is not modelled), one page from ``offset``.
        """
        selected = self._filter(query.filters, user_owner, scope, query)
        if not isinstance(selected, Selection):
            return selected
        notes = list(selected.notes)
        since = self._since(query, notes)
        first = query.from_ or query.to
        from_col = first.column if first else "segment"
        to_col = (query.to or query.from_).column if first else "segment"  # type: ignore[union-attr]
        limit = max(1, min(query.limit or DEFAULT_LIMIT, MAX_LIMIT))
        if since is None:
            moved = np.zeros(len(self.frame), dtype=bool)
            before = np.full(len(self.frame), "(new customer)", dtype=object)
        else:
            before = self._labels_at(since, from_col)
            moved = selected.mask.copy()
            if from_col == to_col:
                moved &= before != self.frame[to_col].to_numpy(dtype=object)
        after = self.frame[to_col].to_numpy(dtype=object)
        if query.from_ is not None:
            moved &= before == query.from_.value
        if query.to is not None:
            moved &= after == query.to.value
        idx = np.flatnonzero(moved)
        clv = self.frame["clv"].to_numpy(dtype="float64")
        moves_frame = pd.DataFrame({"from": before[idx], "to": after[idx], "clv": clv[idx]})
        grouped_moves = moves_frame.groupby(["from", "to"], sort=False).agg(
            customers=("clv", "size"), clv=("clv", lambda v: float(v.sum()) if v.notna().any() else None)
        )
        moves = [
            Move(
                column=from_col if from_col == to_col else f"{from_col}/{to_col}",
                from_value=str(f),
                to_value=str(t),
                customers=int(r["customers"]),
                clv=None if r["clv"] is None or pd.isna(r["clv"]) else round(float(r["clv"]), 2),
            )
            for (f, t), r in grouped_moves.sort_values("customers", ascending=False, kind="stable").iterrows()
        ]
        sort = "clv" if self.snapshot.notes.get("clv_available") else "revenue"
        ordered = self._order(idx, sort, offset + limit)[offset : offset + limit]
        return MovementsAnswer(
            as_of=str(self.as_of),
            filters=selected.filters,
            notes=notes,
            since=str(since or self.as_of),
            until=str(self.as_of),
            from_=query.from_,
            to=query.to,
            total=len(idx),
            moves=moves,
            customers=self._listed(ordered),
            more=max(0, len(idx) - offset - len(ordered)),
            whole_book=scope is None,
        )

    # ----------------------------------------------------------------------------------------------
    def resolve_customer(self, typed: str, scope: Scope = None) -> Found | Unresolved:
        """Find one customer by name or id within ``scope``: ``Found``, ``Ambiguous`` (several fit,
        listed) or ``NotFound`` (with "did you mean" suggestions). A customer outside the scope is
        never suggested; only when the name (ignoring case and punctuation) or id typed is exactly one
        customer of another account manager does the answer say whose it is (``OutsideScope`` with
        ``owner``), and nothing else about them."""
        view = self._view(scope)
        names = self._names_in(view)
        # The closest spellings (the step that compares with every name of the scope) only when
        # neither an exact name in the scope nor one outside it answers: a fuzzy hit is always
        # ``corrected``, so the order changes no answer.
        exact = names.resolve_exact(typed)
        in_scope = view.mask
        # Someone with a book of their own is told whose another customer is; an empty scope is not.
        if view is not self._everyone and in_scope.any() and (exact is None or exact.exact is None):
            elsewhere = self._outside_scope(typed, in_scope)
            if elsewhere is not None:
                return elsewhere
        found = exact if exact is not None else names.closest(typed)

        def named(name: str) -> np.ndarray:
            rows = self.rows_named(name)
            return self.ids[rows[in_scope[rows]]]

        if found.exact is not None:
            ids = named(found.exact)
            if len(ids) == 0 and found.exact in self.frame.index:
                ids = np.array([found.exact])
            if len(ids) == 1:
                return Found(str(ids[0]), found.corrected)
            return Ambiguous(typed, self._candidates(list(ids)))
        if found.candidates:
            fits = [i for n in found.candidates for i in named(n)]
            fits += [n for n in found.candidates if n in self.frame.index]
            candidates = self._candidates(fits)
            if all(typed.lower() in n.lower() for n in found.candidates):
                return Ambiguous(typed, candidates)
            return NotFound(typed, candidates)
        return NotFound(typed)

    def _outside_scope(self, typed: str, in_scope: np.ndarray) -> OutsideScope | None:
        """``OutsideScope`` for a customer typed exactly (name or id) who is in the book but not in
        the asker's scope; None otherwise (no such customer, a typo, or several of that name)."""
        if typed in self.frame.index:
            ids = np.array([typed])
        else:
            # Only an exact name counts here: the closest spellings never name another's customer.
            found = self.customer_names.resolve_exact(typed)
            if found is None or found.exact is None or plain(found.exact) != plain(typed):
                return None
            ids = self.ids[self.rows_named(found.exact)]
        if len(ids) != 1:
            return None
        row = int(self.frame.index.get_loc(ids[0]))
        if in_scope[row]:
            return None
        return OutsideScope(typed, _plain(self.frame["owner"].iloc[row]))

    def _candidates(self, ids: list[Any]) -> list[Candidate]:
        rows = self.frame.loc[list(dict.fromkeys(ids))].sort_values("revenue", ascending=False).head(10)
        return [
            Candidate(
                customer_id=str(cid),
                name=_plain(r["name"]),
                owner=_plain(r["owner"]),
                revenue=_plain(r["revenue"]),
            )
            for cid, r in rows.iterrows()
        ]

    def _card(self, typed: str, scope: Scope) -> tuple[Found, CustomerCard] | Unresolved:
        typed = typed.strip()
        if not typed:
            return NotFound("")
        hit = self.resolve_customer(typed, scope)
        if not isinstance(hit, Found):
            return hit
        row = self.frame.loc[hit.customer_id]
        return hit, {"customer_id": hit.customer_id, **{c: _plain(v) for c, v in row.items()}}

    def profile(self, customer: str, scope: Scope = None) -> ProfileAnswer | Unresolved:
        """One customer's card and latest orders, by the name or id typed."""
        found = self._card(customer, scope)
        if not isinstance(found, tuple):
            return found
        hit, card = found
        orders = self.recent_orders(hit.customer_id, 5) if self.recent_orders else []
        return ProfileAnswer(
            as_of=str(self.snapshot.as_of),
            customer=card,
            corrected_from=customer.strip() if hit.corrected else None,
            recent_orders=[RecentOrder(**{k: _plain(v) for k, v in o.items()}) for o in orders],
        )

    def explanation(self, customer: str, scope: Scope = None) -> ExplanationAnswer | Unresolved:
        """One customer's card and the factors behind their labels, by the name or id typed."""
        found = self._card(customer, scope)
        if not isinstance(found, tuple):
            return found
        hit, card = found
        return ExplanationAnswer(
            as_of=str(self.snapshot.as_of),
            customer=card,
            corrected_from=customer.strip() if hit.corrected else None,
            factors=self.explain(hit.customer_id),
        )

    def explain(self, customer_id: str) -> list[Factor]:
        """The rules and figures behind one customer's labels, as structured factors."""
        return factors(self.snapshot, customer_id)


# Measures that add up over customers, so a set of them has a share of the whole book.
_ADDITIVE = ("customers", "revenue", "orders", "clv")
_NAMES = {
    "aov": "the average order value",
    "churn_probability": "the average churn probability",
    "recency_days": "the average days since the last order",
    "gap_days": "the average days between orders",
}


def _figure(query: Query, notes: list[str]) -> tuple[str, str | None]:
    """``query.figure``; a share of a measure that does not add up over customers (an average order
    value, a churn probability, days) means nothing, so the measure's own default is computed
    instead and the notes say so."""
    measure, stat = query.figure
    if stat == "share" and measure not in _ADDITIVE:
        stat = DEFAULT_STAT.get(measure)
        notes.append(
            f"a share of {_NAMES[measure]} means nothing (it does not add up), so this is {_NAMES[measure]} itself"
        )
    return measure, stat
