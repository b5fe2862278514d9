"""Execute the structured chat query (``shared/spec/query-schema.md``) on a snapshot.

The engine answers the data intents (find, count, overview, profile, explain) with typed answers
(``custseg.query.answers``); wording and layout belong to the bot. Filters run as vectorised masks
on categorical codes, so a find or count on a million-customer snapshot takes milliseconds.

Every entry point takes the asker's ``scope`` (the account managers whose customers they may see;
None for everyone). Rows outside it are removed before anything else runs, so counts, totals,
lists, names resolved and "did you mean" suggestions only ever come from inside the scope.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from custseg.errors import QueryError
from custseg.query.answers import (
    LIST_FIELDS,
    Ambiguous,
    Answer,
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
    OutsideScope,
    OverviewAnswer,
    ProfileAnswer,
    RecentOrder,
    Refusal,
    Unresolved,
)
from custseg.query.contract import (
    CATEGORICAL,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    AppliedFilters,
    Filters,
    JSONObject,
    Query,
    as_query,
)
from custseg.query.explain import factors
from custseg.query.explain import plain_value as _plain
from custseg.query.names import NameIndex, plain, resolve_region
from custseg.snapshot.build import Snapshot

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
    """What one scope sees: its rows, and the names it may resolve (customers built on first use)."""

    mask: np.ndarray
    owners: NameIndex
    regions: NameIndex
    customers: NameIndex | None = None
    snapshot: Snapshot | None = None


class QueryEngine:
    """Answers structured queries on one snapshot.

    Parameters
    ----------
    snapshot : Snapshot
        The snapshot to query (normally the latest).
    recent_orders : callable, optional
        ``(customer_id, n) -> list of {"order_id", "ordered_at", "amount"}``, newest first; used by
        profiles. Without it profiles show no order lines.
    """

    def __init__(self, snapshot: Snapshot, recent_orders: OrdersLookup | None = None):
        self.snapshot = snapshot
        self.recent_orders = recent_orders
        frame = snapshot.customers
        self.frame = frame
        self.ids = frame.index.to_numpy()
        self._codes = {
            col: pd.Categorical(frame[col], categories=list(values)).codes
            for col, values in CATEGORICAL.items()
        }
        self._owner = pd.Categorical(frame["owner"].fillna("").str.lower())
        self._region = pd.Categorical(frame["region"].fillna("").str.lower())
        self._num = {
            col: frame[col].to_numpy(dtype="float64")
            for col in ("revenue", "recency_days", "frequency", "overdue_ratio")
        }
        if "clv" in frame:
            # Customers without a lifetime value rank after every customer with one.
            self._num["clv"] = np.nan_to_num(frame["clv"].to_numpy(dtype="float64"), nan=-np.inf)
        self._key = frame["key_account"].to_numpy(dtype=bool)
        self._customer_names: NameIndex | None = None
        # Per scope (lower-cased owner names): its row mask and the names it may resolve.
        self._scoped: dict[frozenset[str], _ScopeView] = {}
        self._everyone = _ScopeView(
            mask=np.ones(len(frame), dtype=bool),
            owners=NameIndex(frame["owner"].dropna().unique()),
            regions=NameIndex(frame["region"].dropna().unique()),
        )

    @property
    def customer_names(self) -> NameIndex:
        if self._customer_names is None:
            self._customer_names = NameIndex(self.frame["name"].dropna().tolist() + list(self.ids))
        return self._customer_names

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
            view.customers = NameIndex(rows["name"].dropna().tolist() + list(rows.index))
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
            By intent: ``CustomersAnswer``, ``CountAnswer``, ``OverviewAnswer``, ``ProfileAnswer``,
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
            return self.count(query.filters, user_owner, scope)
        if query.intent == "segment_overview":
            return self.overview(query.filters, user_owner, scope)
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
        selected = self.select(query.filters, user_owner, scope)
        if not isinstance(selected, Selection):
            return selected
        return self._list(selected, query, offset, cap)

    def count(
        self, filters: Filters, user_owner: str | None = None, scope: Scope = None
    ) -> CountAnswer | Refusal:
        """How many customers ``filters`` selects, their revenue, and how many there are in all."""
        selected = self.select(filters, user_owner, scope)
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
        self, filters: Filters, user_owner: str | None = None, scope: Scope = None
    ) -> OverviewAnswer | Refusal:
        """Customers and revenue by segment, value tier and stage, of those ``filters`` selects."""
        selected = self.select(filters, user_owner, scope)
        if not isinstance(selected, Selection):
            return selected
        return self._overview(selected)

    def select(
        self, filters: Filters | Mapping[str, Any], user_owner: str | None = None, scope: Scope = None
    ) -> Selection | Refusal:
        """The rows a set of filters selects within ``scope``, with names resolved against the data;
        or why the filters cannot be applied (``NeedsIdentity``, ``NoMatch``)."""
        if not isinstance(filters, Filters):
            filters = Filters.from_json(dict(filters))
        return self._filter(filters, user_owner, scope)

    # ----------------------------------------------------------------------------------------------
    def _filter(self, filters: Filters, user_owner: str | None, scope: Scope) -> Selection | Refusal:
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
                mask &= self._codes[key] == CATEGORICAL[key].index(value)
                applied[key] = value
            elif key == "key_account":
                mask &= self._key if value else ~self._key
                applied[key] = bool(value)
            elif key == "owner":
                owner = user_owner if value == "me" else value
                if owner is None:
                    return NeedsIdentity(AppliedFilters.of(applied))
                found = view.owners.resolve(str(owner))
                if found.exact is None:
                    return NoMatch("owner", str(owner), found.candidates or view.owners.names, scoped)
                if found.corrected:
                    notes.append(f"owner: '{owner}' read as {found.exact}")
                mask &= self._match_category(self._owner, found.exact)
                applied[key] = found.exact if value != "me" else "me"
                if value == "me":
                    applied["owner_name"] = found.exact
            elif key == "region":
                found = resolve_region(str(value), view.regions)
                if found.exact is None:
                    return NoMatch("region", str(value), found.candidates or view.regions.names, scoped)
                if found.corrected:
                    notes.append(f"region: '{value}' read as {found.exact}")
                mask &= self._match_category(self._region, found.exact)
                applied[key] = found.exact
            elif key == "min_revenue":
                mask &= self._num["revenue"] >= value
                applied[key] = float(value)
            elif key == "inactive_days":
                mask &= self._num["recency_days"] >= value
                applied[key] = value
        return Selection(mask=mask, filters=AppliedFilters.of(applied), notes=notes)

    @staticmethod
    def _match_category(cat: pd.Categorical, name: str) -> np.ndarray:
        categories = list(cat.categories)
        key = name.lower()
        return cat.codes == categories.index(key) if key in categories else np.zeros(len(cat), dtype=bool)

    def _primary(self, idx: np.ndarray, sort: str) -> np.ndarray:
        """One float key per row, smaller is better, for the first criterion of ``sort``."""
        if sort == "recency":
            return self._num["recency_days"][idx]
        if sort == "frequency":
            return -self._num["frequency"][idx]
        if sort == "churn_risk":
            # Risk band first (codes: high 0, medium 1, low 2), then how overdue within the band.
            ratio = np.minimum(self._num["overdue_ratio"][idx], 1e6)
            return self._codes["churn_risk"][idx].astype("float64") * 1e7 - ratio
        if sort == "clv" and "clv" in self._num:
            return -self._num["clv"][idx]
        return -self._num["revenue"][idx]

    def _order(self, idx: np.ndarray, sort: str, want: int) -> np.ndarray:
        """The first ``want`` indices best-first for ``sort``; ties by revenue, then customer id.

        Only rows that can make the top ``want`` (those at or before the cut-off of the primary
        key, ties included) are fully sorted, so a top-10 on a million rows takes milliseconds.
        """
        key = self._primary(idx, sort)
        if len(idx) > want:
            cutoff = np.partition(key, want - 1)[want - 1]
            close = key <= cutoff
            idx, key = idx[close], key[close]
        # Snapshot rows are sorted by customer id, so the row position is the id tie-break.
        order = np.lexsort((idx, -self._num["revenue"][idx], key))
        return idx[order][:want]

    def _list(self, selected: Selection, query: Query, offset: int, cap: int = MAX_LIMIT) -> CustomersAnswer:
        mask, notes = selected.mask, selected.notes
        asked = query.limit if query.limit is not None else DEFAULT_LIMIT
        limit = max(1, min(asked, cap))
        if asked > cap:
            notes.append(f"lists are capped at {cap:,} rows")
        sort = query.sort or ("clv" if self.snapshot.notes.get("clv_available") else "revenue")
        applied_sort = sort
        if sort == "clv" and not self.snapshot.notes.get("clv_available"):
            applied_sort = "revenue"
            notes.append("lifetime value is not modelled yet, so the list is ranked by revenue to date")
        idx = np.flatnonzero(mask)
        want = offset + limit
        ordered = self._order(idx, applied_sort, want)[offset:want]
        rows = self.frame.iloc[ordered]
        present = [f for f in LIST_FIELDS if f in rows]
        customers = [
            ListedCustomer(customer_id=_plain(cid), **{f: _plain(rows.at[cid, f]) for f in present})
            for cid in rows.index
        ]
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

    # ----------------------------------------------------------------------------------------------
    def resolve_customer(self, typed: str, scope: Scope = None) -> Found | Unresolved:
        """Find one customer by name or id within ``scope``: ``Found``, ``Ambiguous`` (several fit,
        listed) or ``NotFound`` (with "did you mean" suggestions). A customer outside the scope is
        never suggested; only when the name (ignoring case and punctuation) or id typed is exactly one
        customer of another account manager does the answer say whose it is (``OutsideScope`` with
        ``owner``), and nothing else about them."""
        view = self._view(scope)
        found = self._names_in(view).resolve(typed)
        in_scope = view.mask
        # Someone with a book of their own is told whose another customer is; an empty scope is not.
        if view is not self._everyone and in_scope.any() and (found.exact is None or found.corrected):
            elsewhere = self._outside_scope(typed, in_scope)
            if elsewhere is not None:
                return elsewhere

        def named(name: str) -> np.ndarray:
            return self.ids[(self.frame["name"] == name).to_numpy() & in_scope]

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
            found = self.customer_names.resolve(typed)
            if found.exact is None or found.corrected or plain(found.exact) != plain(typed):
                return None
            ids = self.ids[(self.frame["name"] == found.exact).to_numpy()]
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
