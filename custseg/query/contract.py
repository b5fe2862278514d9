"""The chat query contract (``shared/spec/query-schema.md``) as typed objects.

A ``Query`` is only ever built by validating the contract's JSON (``Query.from_json``), so every
query the engine or a handler sees is well-formed; ``to_json`` gives the same JSON back, keys in the
order they were given, so what ``custseg parse`` and ``custseg ask --json`` print does not depend on
whether the query went through its typed form.

The slots are those of version 1. A slot of a later version is one more field on ``Filters`` or
``Query`` and one more branch of its ``from_json``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from config.labels import LEVELS, SEGMENTS, STAGES
from custseg.errors import QueryError
from custseg.schema import DATA_INTENTS, DAYS, FILTERS, INTENTS, SORTS, TOPICS

# A JSON object as the contract writes it: what ``from_json`` reads and ``to_json`` writes.
JSONObject = dict[str, Any]

CATEGORICAL = {"segment": SEGMENTS, "value_tier": LEVELS, "lifecycle": STAGES, "churn_risk": LEVELS}
DEFAULT_LIMIT = 10
MAX_LIMIT = 200


def _number(value: Any, slot: str, integer: bool = False) -> float:
    """A slot value as a finite number ≥ 0, or a QueryError saying what was expected."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if isinstance(value, bool) or not math.isfinite(number) or number < 0:
        raise QueryError(f"'{value}' is not a valid {slot.replace('_', ' ')}: give a number of 0 or more.")
    return float(int(number)) if integer else number


def _amount(value: Any, slot: str) -> float:
    """An amount as a number; a whole number given as one stays one, so it is written back as given."""
    number = _number(value, slot)
    return value if isinstance(value, int) else number


def _valid_time(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 5 or value[2] != ":":
        return False
    hh, mm = value[:2], value[3:]
    return hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60


@dataclass(frozen=True)
class _Slots:
    """Named slots that remember which were given, and in which order, to write them back so."""

    SLOTS: ClassVar[tuple[str, ...]] = ()
    given: tuple[str, ...] = field(default=(), compare=False, repr=False, kw_only=True)

    @classmethod
    def of(cls, pairs: Mapping[str, Any]) -> Self:
        """From already-valid slot values, in the order given (None values are left out)."""
        kept = {k: v for k, v in pairs.items() if v is not None}
        return cls(**kept, given=tuple(kept))

    def keys(self) -> tuple[str, ...]:
        return tuple(k for k in self.given if getattr(self, k) is not None)

    def items(self) -> Iterator[tuple[str, Any]]:
        return ((k, getattr(self, k)) for k in self.keys())

    def __contains__(self, slot: str) -> bool:
        return slot in self.keys()

    def __bool__(self) -> bool:
        return bool(self.keys())

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` (None removes a slot); new slots go after the given ones."""
        order = [k for k in self.given if k not in changes or changes[k] is not None]
        order += [k for k, v in changes.items() if v is not None and k not in order]
        return dataclasses.replace(self, **changes, given=tuple(order))

    def to_json(self) -> JSONObject:
        return {k: _json(v) for k, v in self.items()}


def _json(value: Any) -> Any:
    return value.to_json() if isinstance(value, _Slots) else value


@dataclass(frozen=True)
class Filters(_Slots):
    """Which customers: the contract's ``filters``; unset filters are None."""

    SLOTS: ClassVar[tuple[str, ...]] = FILTERS
    segment: str | None = None
    value_tier: str | None = None
    lifecycle: str | None = None
    churn_risk: str | None = None
    key_account: bool | None = None
    owner: str | None = None
    region: str | None = None
    min_revenue: float | None = None
    inactive_days: int | None = None

    @classmethod
    def from_json(cls, filters: Any) -> Filters:
        if not isinstance(filters, dict):
            raise QueryError("'filters' must be a set of named filters.")
        clean: JSONObject = {}
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
                clean[key] = _amount(value, key)
            elif key == "inactive_days":
                clean[key] = int(_number(value, key, integer=True))
            else:
                raise QueryError(f"Unknown filter '{key}'.")
        return cls.of(clean)


@dataclass(frozen=True)
class AppliedFilters(Filters):
    """The filters as the engine applied them: names as the data spells them, and for ``owner: "me"``
    whom "me" turned out to be (``owner_name``)."""

    owner_name: str | None = None

    def as_filters(self) -> Filters:
        """The same filters as a query would give them (without ``owner_name``)."""
        return Filters.of({k: v for k, v in self.items() if k != "owner_name"})


@dataclass(frozen=True)
class Schedule(_Slots):
    """When a subscription posts: ``day`` (mon..sun or daily) and ``time`` (HH:MM), each optional."""

    day: str | None = None
    time: str | None = None

    @classmethod
    def from_json(cls, schedule: Any) -> Schedule:
        if not isinstance(schedule, dict) or set(schedule) - {"day", "time"}:
            raise QueryError("'schedule' takes a day and a time.")
        if "day" in schedule and schedule["day"] not in DAYS:
            raise QueryError(f"'day' must be one of {', '.join(DAYS)}.")
        if "time" in schedule and not _valid_time(schedule["time"]):
            raise QueryError("'time' must be HH:MM on a 24-hour clock.")
        return cls.of(schedule)


@dataclass(frozen=True)
class Query(_Slots):
    """One structured chat query. ``filters`` is always there (empty when none were given)."""

    intent: str
    filters: Filters = field(default_factory=Filters)
    sort: str | None = None
    limit: int | None = None
    customer: str | None = None
    topic: str | None = None
    schedule: Schedule | None = None

    def keys(self) -> tuple[str, ...]:
        # An empty ``filters`` that was given is written back; an absent one is not.
        return tuple(k for k in self.given if k == "filters" or getattr(self, k) is not None)

    @property
    def data(self) -> bool:
        """Whether the data engine answers it."""
        return self.intent in DATA_INTENTS

    @classmethod
    def from_json(cls, query: Any) -> Query:
        """Validate a structured query against the contract, numbers normalised.

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
        slots: JSONObject = {"intent": intent}
        if query.get("filters") is not None:
            slots["filters"] = Filters.from_json(query["filters"])
        if query.get("sort") is not None:
            if query["sort"] not in SORTS:
                raise QueryError(f"Cannot sort by '{query['sort']}'; use one of {', '.join(SORTS)}.")
            slots["sort"] = query["sort"]
        if query.get("limit") is not None:
            slots["limit"] = max(1, int(_number(query["limit"], "limit", integer=True)))
        if query.get("customer") is not None:
            if not isinstance(query["customer"], str):
                raise QueryError("'customer' must be a name.")
            slots["customer"] = query["customer"]
        if query.get("topic") is not None:
            if query["topic"] not in TOPICS:
                raise QueryError(f"'topic' must be one of {', '.join(TOPICS)}.")
            slots["topic"] = query["topic"]
        if query.get("schedule") is not None:
            slots["schedule"] = Schedule.from_json(query["schedule"])
        order = [k for k in query if k in slots]
        return cls(**slots, given=tuple(order))


def as_query(query: Query | Mapping[str, Any]) -> Query:
    """``query`` itself, or the contract's JSON validated into a Query."""
    return query if isinstance(query, Query) else Query.from_json(query)
