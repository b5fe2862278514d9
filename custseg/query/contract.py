"""The chat query contract (``shared/spec/query-schema.md``) as typed objects.

A ``Query`` is only ever built by validating the contract's JSON (``Query.from_json``), so every
query the engine or a handler sees is well-formed; ``to_json`` gives the same JSON back, keys in the
order they were given, so what ``custseg parse`` and ``custseg ask --json`` print does not depend on
whether the query went through its typed form.

The slots are those of version 2 (every version-1 query is still valid and means the same). A new
slot is one more field on ``Filters`` or ``Query`` and one more branch of its ``from_json``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar, Self

from config.labels import LEVELS, SEGMENTS, STAGES
from custseg.errors import QueryError
from custseg.schema import (
    DATA_INTENTS,
    DAYS,
    DECISIONS,
    DEFAULT_STAT,
    FILTERS,
    FORMATS,
    GROUP_BY,
    INTENTS,
    INTERVALS,
    MEASURES,
    MOVEMENT_LABELS,
    ORDERS,
    PERIOD_FILTERS,
    PERIOD_UNITS,
    SORTS,
    SPEND_CHANGES,
    STATS,
    TERMS,
    TOPICS,
)

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
    if isinstance(value, _Slots):
        return value.to_json()
    if isinstance(value, tuple):
        return [_json(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _json(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Period(_Slots):
    """A window of days relative to the snapshot's as-of date (the contract's "Periods").

    Exactly one form: ``unit`` + ``offset`` (the calendar week / month / quarter / year containing
    the as-of date, ``offset`` -1 the one before); ``days`` (the N days up to and including the
    as-of date); or a named ``year``, optionally with ``quarter`` or ``month``. Weeks start on Monday.
    """

    unit: str | None = None
    offset: int | None = None
    days: int | None = None
    year: int | None = None
    quarter: int | None = None
    month: int | None = None

    @classmethod
    def from_json(cls, period: Any, slot: str = "period") -> Period:
        if not isinstance(period, dict) or not period:
            raise QueryError(f"'{slot}' must be a period: a unit and offset, a number of days, or a year.")
        keys = set(period)
        if keys <= {"unit", "offset"} and "unit" in keys:
            if period["unit"] not in PERIOD_UNITS:
                raise QueryError(f"'{slot}' unit must be one of {', '.join(PERIOD_UNITS)}.")
            offset = period.get("offset", 0)
            if isinstance(offset, bool) or not isinstance(offset, int) or offset > 0:
                raise QueryError(
                    f"'{slot}' offset must be 0 (this one) or a negative whole number (one before)."
                )
            return cls.of({"unit": period["unit"], "offset": offset})
        if keys == {"days"}:
            days = int(_number(period["days"], f"{slot} days", integer=True))
            if days < 1:
                raise QueryError(f"'{slot}' days must be 1 or more.")
            return cls.of({"days": days})
        if "year" in keys and keys <= {"year", "quarter", "month"} and not {"quarter", "month"} <= keys:
            clean: JSONObject = {"year": _whole(period["year"], f"{slot} year", 1900, 2999)}
            if "quarter" in period:
                clean["quarter"] = _whole(period["quarter"], f"{slot} quarter", 1, 4)
            if "month" in period:
                clean["month"] = _whole(period["month"], f"{slot} month", 1, 12)
            return cls.of(clean)
        raise QueryError(
            f"'{slot}' must be one of: a unit and offset, a number of days, a year, a year and quarter, "
            "or a year and month."
        )


@dataclass(frozen=True)
class Filters(_Slots):
    """Which customers: the contract's ``filters``; unset filters are None.

    A categorical filter holds one value (a str) or, when several were said, a tuple of them (written
    back as a JSON list). ``attributes`` maps a customer column of the company's data to its value(s).
    ``exclude`` holds filters whose customers are left out.
    """

    SLOTS: ClassVar[tuple[str, ...]] = FILTERS
    segment: str | tuple[str, ...] | None = None
    value_tier: str | tuple[str, ...] | None = None
    lifecycle: str | tuple[str, ...] | None = None
    churn_risk: str | tuple[str, ...] | None = None
    key_account: bool | None = None
    owner: str | tuple[str, ...] | None = None
    region: str | tuple[str, ...] | None = None
    country: str | tuple[str, ...] | None = None
    attributes: Mapping[str, str | tuple[str, ...]] | None = None
    min_revenue: float | None = None
    max_revenue: float | None = None
    min_clv: float | None = None
    max_clv: float | None = None
    min_orders: int | None = None
    max_orders: int | None = None
    inactive_days: int | None = None
    ordered_within_days: int | None = None
    ordered_in: Period | None = None
    first_order_in: Period | None = None
    spend_change: str | None = None
    exclude: Filters | None = None

    @staticmethod
    def values(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
        """A categorical filter's value(s) as a tuple (empty when unset)."""
        if value is None:
            return ()
        return (value,) if isinstance(value, str) else tuple(value)

    @classmethod
    def from_json(cls, filters: Any, nested: bool = False) -> Filters:
        if not isinstance(filters, dict):
            raise QueryError("'filters' must be a set of named filters.")
        clean: JSONObject = {}
        for key, value in filters.items():
            if key in CATEGORICAL:
                for one in _listed(value, key):
                    if one not in CATEGORICAL[key]:
                        raise QueryError(
                            f"'{one}' is not a {key.replace('_', ' ')}; use one of {', '.join(CATEGORICAL[key])}."
                        )
                clean[key] = _one_or_tuple(value)
            elif key == "key_account":
                if not isinstance(value, bool):
                    raise QueryError("'key_account' must be true or false.")
                clean[key] = value
            elif key in ("owner", "region", "country"):
                names = _listed(value, key)
                if not all(isinstance(n, str) and n.strip() for n in names):
                    raise QueryError(
                        f"'{key}' must be a name."
                        if not isinstance(value, list)
                        else f"'{key}' must be a list of names."
                    )
                clean[key] = _one_or_tuple(
                    [n.strip() for n in names] if isinstance(value, list) else value.strip()
                )
            elif key == "attributes":
                clean[key] = _attributes(value)
            elif key in ("min_revenue", "max_revenue", "min_clv", "max_clv"):
                clean[key] = _amount(value, key)
            elif key in ("min_orders", "max_orders", "inactive_days", "ordered_within_days"):
                clean[key] = int(_number(value, key, integer=True))
            elif key in PERIOD_FILTERS:
                clean[key] = Period.from_json(value, key)
            elif key == "spend_change":
                if value not in SPEND_CHANGES:
                    raise QueryError(f"'spend_change' must be one of {', '.join(SPEND_CHANGES)}.")
                clean[key] = value
            elif key == "exclude":
                if nested:
                    raise QueryError("'exclude' cannot itself hold an 'exclude'.")
                excluded = cls.from_json(value, nested=True)
                if not excluded:
                    raise QueryError("'exclude' must name at least one filter.")
                clean[key] = excluded
            else:
                raise QueryError(f"Unknown filter '{key}'.")
        return cls.of(clean)


def _whole(value: Any, slot: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise QueryError(f"'{value}' is not a valid {slot}: give a whole number from {low} to {high}.")
    return value


def _listed(value: Any, slot: str) -> list[Any]:
    """A filter value that may be a list, as a non-empty list."""
    if isinstance(value, list):
        if not value:
            raise QueryError(f"'{slot}' must not be an empty list.")
        return value
    return [value]


def _one_or_tuple(value: Any) -> str | tuple[str, ...]:
    return tuple(value) if isinstance(value, list) else value


def _attributes(value: Any) -> Mapping[str, str | tuple[str, ...]]:
    if not isinstance(value, dict) or not value:
        raise QueryError('\'attributes\' must name a column and its value, e.g. {"industry": "retail"}.')
    clean: dict[str, str | tuple[str, ...]] = {}
    for column, wanted in value.items():
        names = _listed(wanted, f"attributes.{column}")
        if (
            not isinstance(column, str)
            or not column.strip()
            or not all(isinstance(n, str) and n.strip() for n in names)
        ):
            raise QueryError("'attributes' must map a column name to a value or a list of values.")
        clean[column.strip()] = _one_or_tuple(
            [n.strip() for n in names] if isinstance(wanted, list) else wanted.strip()
        )
    return MappingProxyType(clean)


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
class Label(_Slots):
    """One label a movement starts from or ends in: exactly one of segment, lifecycle, value tier,
    churn risk."""

    segment: str | None = None
    lifecycle: str | None = None
    value_tier: str | None = None
    churn_risk: str | None = None

    @property
    def column(self) -> str:
        return self.keys()[0]

    @property
    def value(self) -> str:
        return str(getattr(self, self.column))

    @classmethod
    def from_json(cls, label: Any, slot: str = "from") -> Label:
        if not isinstance(label, dict) or len(label) != 1 or next(iter(label)) not in MOVEMENT_LABELS:
            raise QueryError(f"'{slot}' must name one label: one of {', '.join(MOVEMENT_LABELS)}.")
        ((column, value),) = label.items()
        if value not in CATEGORICAL[column]:
            raise QueryError(
                f"'{value}' is not a {column.replace('_', ' ')}; use one of {', '.join(CATEGORICAL[column])}."
            )
        return cls.of({column: value})


# Python field names that are not the contract's JSON key.
_JSON_KEYS: dict[str, str] = {"from_": "from"}
_FIELDS: dict[str, str] = {v: k for k, v in _JSON_KEYS.items()}


@dataclass(frozen=True)
class Query(_Slots):
    """One structured chat query. ``filters`` is always there (empty when none were given).

    ``from_`` is the contract's ``from`` (a Python keyword). ``unsupported`` holds the words of the
    message that could not be used, as written.
    """

    intent: str
    filters: Filters = field(default_factory=Filters)
    measure: str | None = None
    stat: str | None = None
    group_by: str | None = None
    interval: str | None = None
    period: Period | None = None
    compare_to: Period | None = None
    sort: str | None = None
    order: str | None = None
    limit: int | None = None
    customer: str | None = None
    customer_row: int | None = None
    suggestion: int | None = None
    decision: str | None = None
    reason: str | None = None
    snooze_days: int | None = None
    format: str | None = None
    term: str | None = None
    from_: Label | None = None
    to: Label | None = None
    topic: str | None = None
    schedule: Schedule | None = None
    unsupported: tuple[str, ...] | None = None

    def keys(self) -> tuple[str, ...]:
        # An empty ``filters`` that was given is written back; an absent one is not.
        return tuple(k for k in self.given if k == "filters" or getattr(self, k) is not None)

    def to_json(self) -> JSONObject:
        return {_JSON_KEYS.get(k, k): _json(v) for k, v in self.items()}

    @property
    def data(self) -> bool:
        """Whether the data engine answers it."""
        return self.intent in DATA_INTENTS

    @property
    def figure(self) -> tuple[str, str | None]:
        """The measure and the statistic computed, defaults filled in (``customers`` counts, ``aov``
        is revenue ÷ orders over the set: its statistic is None unless one was asked)."""
        measure = self.measure or "customers"
        stat = self.stat or DEFAULT_STAT.get(measure)
        return measure, stat

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
        for key, value in query.items():
            if value is None or key == "intent":
                continue
            name = _FIELDS.get(str(key), str(key))
            reader = _READERS.get(name)
            if reader is None:
                raise QueryError(f"Unknown slot '{key}'.")
            slots[name] = reader(value, key)
        order = [n for n in (_FIELDS.get(str(k), str(k)) for k in query) if n in slots]
        return cls(**slots, given=tuple(order))


def _choice(names: tuple[str, ...], what: str) -> Callable[[Any, str], str]:
    def read(value: Any, slot: str) -> str:
        if value not in names:
            raise QueryError(f"'{value}' is not a valid {what}; use one of {', '.join(names)}.")
        return str(value)

    return read


def _group_by(value: Any, slot: str) -> str:
    # Besides the named groups, any customer column of the company's data: the engine checks it exists.
    if not isinstance(value, str) or not value.strip():
        raise QueryError(f"'group_by' must be one of {', '.join(GROUP_BY)}, or a column of your data.")
    return value.strip()


def _text(value: Any, slot: str) -> str:
    if not isinstance(value, str):
        raise QueryError(f"'{slot}' must be text.")
    return value


def _sort(value: Any, slot: str) -> str:
    if value not in SORTS:
        raise QueryError(f"Cannot sort by '{value}'; use one of {', '.join(SORTS)}.")
    return str(value)


def _topic(value: Any, slot: str) -> str:
    if value not in TOPICS:
        raise QueryError(f"'topic' must be one of {', '.join(TOPICS)}.")
    return str(value)


def _customer(value: Any, slot: str) -> str:
    if not isinstance(value, str):
        raise QueryError("'customer' must be a name.")
    return value


def _count(value: Any, slot: str) -> int:
    return max(1, int(_number(value, slot, integer=True)))


def _unsupported(value: Any, slot: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise QueryError("'unsupported' must be a list of the words that could not be used.")
    return tuple(value)


def _term(value: Any, slot: str) -> str:
    known = (*TERMS, *SEGMENTS, *STAGES, *LEVELS)
    if value not in known:
        raise QueryError(
            f"'{value}' is not a term I can define; use one of {', '.join(dict.fromkeys(known))}."
        )
    return str(value)


_READERS: dict[str, Callable[[Any, str], Any]] = {
    "filters": lambda v, s: Filters.from_json(v),
    "measure": _choice(MEASURES, "measure"),
    "stat": _choice(STATS, "statistic"),
    "group_by": _group_by,
    "interval": _choice(INTERVALS, "interval"),
    "period": Period.from_json,
    "compare_to": Period.from_json,
    "sort": _sort,
    "order": _choice(ORDERS, "order"),
    "limit": _count,
    "customer": _customer,
    "customer_row": _count,
    "suggestion": _count,
    "decision": _choice(DECISIONS, "decision"),
    "reason": _text,
    "snooze_days": _count,
    "format": _choice(FORMATS, "format"),
    "term": _term,
    "from_": Label.from_json,
    "to": Label.from_json,
    "topic": _topic,
    "schedule": lambda v, s: Schedule.from_json(v),
    "unsupported": _unsupported,
}


def as_query(query: Query | Mapping[str, Any]) -> Query:
    """``query`` itself, or the contract's JSON validated into a Query."""
    return query if isinstance(query, Query) else Query.from_json(query)
