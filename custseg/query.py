"""Execute the structured chat query (``shared/spec/query-schema.md``) on a snapshot.

The engine answers the data intents (find, count, overview, profile, explain) with plain,
JSON-serialisable dicts; wording and layout belong to the bot. Filters run as vectorised masks on
categorical codes, so a find or count on a million-customer snapshot takes milliseconds.

Every entry point takes the asker's ``scope`` (the account managers whose customers they may see;
None for everyone). Rows outside it are removed before anything else runs, so counts, totals,
lists, names resolved and "did you mean" suggestions only ever come from inside the scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from config.labels import LEVELS, SEGMENTS, STAGES
from custseg.errors import QueryError
from custseg.models.explain import churn_drivers
from custseg.names import Match, NameIndex, plain
from custseg.schema import DAYS, INTENTS, SORTS, TOPICS
from custseg.segmentation.rfm import RF_GRID
from custseg.snapshot.build import Snapshot

DATA_INTENTS = ("find_customers", "count_customers", "segment_overview", "customer_profile", "explain")
CATEGORICAL = {"segment": SEGMENTS, "value_tier": LEVELS, "lifecycle": STAGES, "churn_risk": LEVELS}
DEFAULT_LIMIT = 10
MAX_LIMIT = 200
LIST_FIELDS = [
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
]

# Names people use for a country other than the one in the data ("uk" for "United Kingdom"). Each
# group is one country; a region typed as any member resolves to the member the data spells out.
REGION_ALIASES: tuple[tuple[str, ...], ...] = (
    ("united kingdom", "uk", "u k", "gb", "great britain", "britain", "england"),
    ("united states", "usa", "us", "u s a", "u s", "united states of america", "america"),
    ("ireland", "eire", "republic of ireland"),
    ("netherlands", "the netherlands", "holland", "nl"),
    ("united arab emirates", "uae"),
    ("south africa", "rsa"),
    ("germany", "deutschland", "de"),
    ("switzerland", "schweiz", "suisse", "ch"),
)
_ALIAS_GROUP = {name: group for group in REGION_ALIASES for name in group}


def region_alias(typed: str, known: NameIndex) -> str | None:
    """The region of the data that ``typed`` is another name for ("uk" → "United Kingdom"), if any."""
    group = _ALIAS_GROUP.get(plain(typed))
    if group is None:
        return None
    spelled = {plain(n): n for n in known.names}
    return next((spelled[a] for a in group if a in spelled and a != plain(typed)), None)


OrdersLookup = Callable[[str, int], list[dict[str, Any]]]
Scope = frozenset[str] | None
MAX_CACHED_SCOPES = 64


def _plain(value: Any) -> Any:
    """numpy / pandas scalars → JSON-friendly Python values."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return str(pd.Timestamp(value).date())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _number(value: Any, slot: str, integer: bool = False) -> float:
    """A slot value as a finite number ≥ 0, or a QueryError saying what was expected."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if isinstance(value, bool) or not np.isfinite(number) or number < 0:
        raise QueryError(f"'{value}' is not a valid {slot.replace('_', ' ')}: give a number of 0 or more.")
    return float(int(number)) if integer else number


def check_query(query: Any) -> dict[str, Any]:
    """Validate a structured query against the contract and return it with numbers normalised.

    Raises
    ------
    QueryError
        Naming the first slot that is malformed and what it should be.
    """
    if not isinstance(query, dict):
        raise QueryError("A query must be a set of named slots.")
    intent = query.get("intent")
    if intent not in INTENTS:
        raise QueryError(f"Unknown intent '{intent}'.")
    out: dict[str, Any] = {"intent": intent}
    filters = query.get("filters")
    if filters is not None:
        if not isinstance(filters, dict):
            raise QueryError("'filters' must be a set of named filters.")
        clean: dict[str, Any] = {}
        for key, value in filters.items():
            if key in CATEGORICAL:
                if value not in CATEGORICAL[key]:
                    raise QueryError(
                        f"'{value}' is not a {key.replace('_', ' ')}; use one of {', '.join(CATEGORICAL[key])}."
                    )
                clean[key] = value
            elif key == "key_account":
                if not isinstance(value, bool):
                    raise QueryError("'key_account' must be true or false.")
                clean[key] = value
            elif key in ("owner", "region"):
                if not isinstance(value, str) or not value.strip():
                    raise QueryError(f"'{key}' must be a name.")
                clean[key] = value.strip()
            elif key == "min_revenue":
                clean[key] = _number(value, key)
            elif key == "inactive_days":
                clean[key] = int(_number(value, key, integer=True))
            else:
                raise QueryError(f"Unknown filter '{key}'.")
        out["filters"] = clean
    if query.get("sort") is not None:
        if query["sort"] not in SORTS:
            raise QueryError(f"Cannot sort by '{query['sort']}'; use one of {', '.join(SORTS)}.")
        out["sort"] = query["sort"]
    if query.get("limit") is not None:
        out["limit"] = max(1, int(_number(query["limit"], "limit", integer=True)))
    if query.get("customer") is not None:
        if not isinstance(query["customer"], str):
            raise QueryError("'customer' must be a name.")
        out["customer"] = query["customer"]
    if query.get("topic") is not None:
        if query["topic"] not in TOPICS:
            raise QueryError(f"'topic' must be one of {', '.join(TOPICS)}.")
        out["topic"] = query["topic"]
    schedule = query.get("schedule")
    if schedule is not None:
        if not isinstance(schedule, dict) or set(schedule) - {"day", "time"}:
            raise QueryError("'schedule' takes a day and a time.")
        if "day" in schedule and schedule["day"] not in DAYS:
            raise QueryError(f"'day' must be one of {', '.join(DAYS)}.")
        if "time" in schedule and not _valid_time(schedule["time"]):
            raise QueryError("'time' must be HH:MM on a 24-hour clock.")
        out["schedule"] = dict(schedule)
    return out


def _valid_time(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 5 or value[2] != ":":
        return False
    hh, mm = value[:2], value[3:]
    return hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60


@dataclass
class _ScopeView:
    """What one scope sees: its rows, and the names it may resolve (customers built on first use)."""

    mask: np.ndarray
    owners: NameIndex
    regions: NameIndex
    customers: NameIndex | None = None


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
        self, query: dict[str, Any], user_owner: str | None = None, offset: int = 0, scope: Scope = None
    ) -> dict[str, Any]:
        """Answer one query.

        Parameters
        ----------
        query : dict
            A query per the schema (``intent``, ``filters``, ``sort``, ``limit``, ``customer``).
        user_owner : str, optional
            The account manager the asking user is, for ``owner: "me"``.
        offset : int
            For paging lists ("show more").
        scope : frozenset of str, optional
            The account managers whose customers the asker may see; None (the default) for all.
            Everything, ``of_total`` included, is computed on their customers only.

        Returns
        -------
        dict
            ``kind`` says the shape: customers, count, overview, profile, explanation, ambiguous,
            not_found, outside_scope (a customer of another account manager, by ``owner``),
            needs_identity, no_match.

        Raises
        ------
        QueryError
            For an intent this engine does not answer or a malformed slot.
        """
        query = check_query(query)
        intent = query["intent"]
        if intent not in DATA_INTENTS:
            raise QueryError(f"The data engine does not answer '{intent}' queries.")
        if intent in ("customer_profile", "explain"):
            return self._one_customer(query, intent, scope)
        resolved = self._filter(query.get("filters") or {}, user_owner, scope)
        if "kind" in resolved:
            return resolved
        mask, notes, applied = resolved["mask"], resolved["notes"], resolved["filters"]
        base = {"as_of": str(self.snapshot.as_of), "filters": applied, "notes": notes}
        if intent == "count_customers":
            return {
                "kind": "count",
                **base,
                "count": int(mask.sum()),
                "revenue": round(float(self._num["revenue"][mask].sum()), 2),
                "of_total": int(self.scope_mask(scope).sum()),
            }
        if intent == "segment_overview":
            return {"kind": "overview", **base, **self._overview(mask)}
        return {"kind": "customers", **base, **self._list(mask, query, notes, offset)}

    def select(
        self, filters: dict[str, Any], user_owner: str | None = None, scope: Scope = None
    ) -> dict[str, Any]:
        """The rows a set of filters selects within ``scope``: ``{"mask", "notes", "filters"}`` with
        names resolved, or a ``needs_identity`` / ``no_match`` answer as ``run`` gives."""
        checked = check_query({"intent": "find_customers", "filters": filters})
        return self._filter(checked.get("filters") or {}, user_owner, scope)

    # ----------------------------------------------------------------------------------------------
    def _filter(self, filters: dict[str, Any], user_owner: str | None, scope: Scope) -> dict[str, Any]:
        view = self._view(scope)
        mask = view.mask.copy()
        # Within a scope only its own account managers and regions are known, so a typo is never
        # answered with a name from outside it.
        scoped = {"scoped": True} if scope is not None else {}
        notes: list[str] = []
        applied: dict[str, Any] = {}
        # Values were validated by check_query; only names still need resolving against the data.
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
                    return {"kind": "needs_identity", "filters": applied}
                found = view.owners.resolve(str(owner))
                if found.exact is None:
                    return {
                        "kind": "no_match",
                        "slot": "owner",
                        "typed": str(owner),
                        "candidates": found.candidates or view.owners.names,
                        **scoped,
                    }
                if found.corrected:
                    notes.append(f"owner: '{owner}' read as {found.exact}")
                mask &= self._match_category(self._owner, found.exact)
                applied[key] = found.exact if value != "me" else "me"
                if value == "me":
                    applied["owner_name"] = found.exact
            elif key == "region":
                found = view.regions.resolve(str(value))
                alias = (
                    region_alias(str(value), view.regions) if found.exact is None or found.corrected else None
                )
                if alias is not None:
                    found = Match(str(value), exact=alias, corrected=True)
                if found.exact is None:
                    return {
                        "kind": "no_match",
                        "slot": "region",
                        "typed": str(value),
                        "candidates": found.candidates or view.regions.names,
                        **scoped,
                    }
                if found.corrected:
                    notes.append(f"region: '{value}' read as {found.exact}")
                mask &= self._match_category(self._region, found.exact)
                applied[key] = found.exact
            elif key == "min_revenue":
                mask &= self._num["revenue"] >= value
                applied[key] = value
            elif key == "inactive_days":
                mask &= self._num["recency_days"] >= value
                applied[key] = value
        return {"mask": mask, "notes": notes, "filters": applied}

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

    def _list(self, mask: np.ndarray, query: dict[str, Any], notes: list[str], offset: int) -> dict[str, Any]:
        asked = query.get("limit", DEFAULT_LIMIT)
        limit = max(1, min(asked, MAX_LIMIT))
        if asked > MAX_LIMIT:
            notes.append(f"lists are capped at {MAX_LIMIT} rows")
        sort = query.get("sort") or ("clv" if self.snapshot.notes.get("clv_available") else "revenue")
        applied_sort = sort
        if sort == "clv" and not self.snapshot.notes.get("clv_available"):
            applied_sort = "revenue"
            notes.append("lifetime value is not modelled yet, so the list is ranked by revenue to date")
        idx = np.flatnonzero(mask)
        want = offset + limit
        ordered = self._order(idx, applied_sort, want)[offset:want]
        rows = self.frame.iloc[ordered]
        customers = [
            {
                "customer_id": _plain(cid),
                **{f: _plain(rows.at[cid, f]) if f in rows else None for f in LIST_FIELDS},
            }
            for cid in rows.index
        ]
        total = int(mask.sum())
        return {
            "total": total,
            "offset": offset,
            "limit": limit,
            "sort": applied_sort,
            "more": max(0, total - offset - len(customers)),
            "customers": customers,
        }

    def _overview(self, mask: np.ndarray) -> dict[str, Any]:
        revenue = self._num["revenue"][mask]
        n = int(mask.sum())
        total_rev = float(revenue.sum())

        def table(col: str) -> list[dict[str, Any]]:
            names = CATEGORICAL[col]
            codes = self._codes[col][mask]
            counts = np.bincount(codes, minlength=len(names))
            sums = np.bincount(codes, weights=revenue, minlength=len(names))
            return [
                {
                    col: name,
                    "customers": int(counts[i]),
                    "share": round(counts[i] / n, 4) if n else 0.0,
                    "revenue": round(float(sums[i]), 2),
                    "revenue_share": round(float(sums[i]) / total_rev, 4) if total_rev else 0.0,
                }
                for i, name in enumerate(names)
            ]

        return {
            "total": n,
            "revenue": round(total_rev, 2),
            "segments": table("segment"),
            "value_tiers": table("value_tier"),
            "lifecycle": table("lifecycle"),
            "key_accounts": int(self._key[mask].sum()),
        }

    # ----------------------------------------------------------------------------------------------
    def resolve_customer(self, typed: str, scope: Scope = None) -> dict[str, Any]:
        """Find one customer by name or id within ``scope``: ``{"kind": "found", "customer_id",
        "corrected"}``, ``ambiguous`` (several fit, listed) or ``not_found`` (with "did you mean"
        suggestions). A customer outside the scope is never suggested; only when the name (ignoring
        case and punctuation) or id typed is exactly one customer of another account manager does the
        answer say whose it is (``outside_scope`` with ``owner``), and nothing else about them."""
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
                return {"kind": "found", "customer_id": str(ids[0]), "corrected": found.corrected}
            return {"kind": "ambiguous", "typed": typed, "candidates": self._candidates(list(ids))}
        if found.candidates:
            fits = [i for n in found.candidates for i in named(n)]
            fits += [n for n in found.candidates if n in self.frame.index]
            kind = "ambiguous" if all(typed.lower() in n.lower() for n in found.candidates) else "not_found"
            return {"kind": kind, "typed": typed, "candidates": self._candidates(fits)}
        return {"kind": "not_found", "typed": typed, "candidates": []}

    def _outside_scope(self, typed: str, in_scope: np.ndarray) -> dict[str, Any] | None:
        """``outside_scope`` for a customer typed exactly (name or id) who is in the book but not in
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
        return {"kind": "outside_scope", "typed": typed, "owner": _plain(self.frame["owner"].iloc[row])}

    def _candidates(self, ids: list[Any]) -> list[dict[str, Any]]:
        rows = self.frame.loc[list(dict.fromkeys(ids))].sort_values("revenue", ascending=False).head(10)
        return [
            {
                "customer_id": str(cid),
                "name": _plain(r["name"]),
                "owner": _plain(r["owner"]),
                "revenue": _plain(r["revenue"]),
            }
            for cid, r in rows.iterrows()
        ]

    def _one_customer(self, query: dict[str, Any], intent: str, scope: Scope) -> dict[str, Any]:
        typed = str(query.get("customer") or "").strip()
        if not typed:
            return {"kind": "not_found", "typed": "", "candidates": []}
        hit = self.resolve_customer(typed, scope)
        if hit["kind"] != "found":
            return hit
        cid = hit["customer_id"]
        row = self.frame.loc[cid]
        card = {"customer_id": cid, **{c: _plain(v) for c, v in row.items()}}
        base = {
            "as_of": str(self.snapshot.as_of),
            "customer": card,
            "corrected_from": typed if hit["corrected"] else None,
        }
        if intent == "customer_profile":
            orders = self.recent_orders(cid, 5) if self.recent_orders else []
            return {
                "kind": "profile",
                **base,
                "recent_orders": [{k: _plain(v) for k, v in o.items()} for o in orders],
            }
        return {"kind": "explanation", **base, "factors": self.explain(cid)}

    def explain(self, customer_id: str) -> list[dict[str, Any]]:
        """The rules and figures behind one customer's labels, as structured factors."""
        row = self.frame.loc[customer_id]
        n = len(self.frame)
        r, f = int(row["r_score"]), int(row["f_score"])
        cell = next(
            (
                f"R {rs.start}–{rs.stop - 1}, F {fs.start}–{fs.stop - 1}"
                for rs, fs, name in RF_GRID
                if name == row["segment"] and r in rs and f in fs
            ),
            "",
        )
        recency = self._num["recency_days"]
        freq = self._num["frequency"]
        notes = self.snapshot.notes
        factors: list[dict[str, Any]] = [
            {
                "topic": "segment",
                "label": row["segment"],
                "rule": cell,
                "r_score": r,
                "f_score": f,
                "m_score": int(row["m_score"]),
                "recency_days": int(row["recency_days"]),
                "share_more_recent": round(float((recency < row["recency_days"]).sum()) / n, 3),
                "frequency": int(row["frequency"]),
                "share_more_frequent": round(float((freq > row["frequency"]).sum()) / n, 3),
            },
            {
                "topic": "lifecycle",
                "label": row["lifecycle"],
                "reason": row["lifecycle_reason"],
                "recency_days": int(row["recency_days"]),
                "typical_gap_days": float(row["typical_gap_days"]),
                "gap_basis": row["gap_basis"],
                "overdue_ratio": float(row["overdue_ratio"]),
                "tenure_days": int(row["tenure_days"]),
                "trend_90d": _plain(row["trend_90d"]),
                "thresholds": self.snapshot.params.get("lifecycle", {}),
                "p_alive": _plain(row.get("p_alive")),
                "dormant_p_alive": self.snapshot.params.get("models", {}).get("dormant_p_alive"),
            },
            {
                "topic": "churn_risk",
                "label": row["churn_risk"],
                "basis": notes.get("churn_risk_basis"),
                "probability": _plain(row.get("churn_probability")),
                "horizon_days": notes.get("churn_horizon_days"),
                # Only a model-scored customer has drivers; under the lifecycle rule the stage says why.
                "drivers": churn_drivers(notes.get("churn_model_params"), row)
                if _plain(row.get("churn_probability")) is not None
                else [],
            },
            {
                "topic": "value_tier",
                "label": row["value_tier"],
                "revenue": float(row["revenue"]),
                "clv": _plain(row.get("clv")),
                "basis": notes.get("value_tier_basis", "revenue"),
                "high_min": notes.get("value_tier_high_min"),
                "medium_min": notes.get("value_tier_medium_min"),
            },
            {
                "topic": "key_account",
                "label": bool(row["key_account"]),
                "misses": int(row["key_account_misses"]),
            },
        ]
        return factors
