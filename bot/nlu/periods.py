"""Periods as people say them: "this quarter", "last year", "the last 30 days", "Q3 2025", "March 2026".

A period is the contract's object relative to the snapshot's as-of date: ``{"unit", "offset"}``,
``{"days"}``, or a named ``{"year"[, "quarter" | "month"]}``. The readers here only find periods and
the words they cover; which slot a period fills (``period``, ``compare_to``, ``ordered_in``,
``first_order_in``, ``ordered_within_days``) is decided by :func:`bot.nlu.slots.read_periods`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from . import lexicon as L
from .grammar import Message, rx

UNITS = "week|month|quarter|year"
UNIT = rf"(?P<unit>{UNITS})"
NUM = r"(?P<n>\d+(?:\.\d+)?|a|an|one|half a|a half|a couple of|couple of)"
YEAR = r"(?P<year>(19|20)\d\d)"
MONTH = "|".join(L.MONTHS)

# Most specific first: a named quarter or month before a bare year, "the last 6 months" before "last month".
PERIOD_RE: list[tuple[str, re.Pattern[str]]] = [
    ("quarter", rx(rf"((in|during|for|of) )?(the )?q ?(?P<q>[1-4]) (of )?{YEAR}")),
    ("quarter", rx(rf"((in|during|for|of) )?(the )?(?P<qw>first|second|third|fourth) quarter (of )?{YEAR}")),
    # "since March": the days from the first of the last March up to the as-of day.
    ("since_month", rx(rf"since (the (start|beginning) of )?(?P<month>{MONTH})( (of )?{YEAR})?")),
    ("month", rx(rf"((in|during|for|of) )?(?P<month>{MONTH}) (of )?{YEAR}")),
    (
        "days",
        rx(
            rf"((in|during|for|over|within|across) )?(the )?(last|past|previous|recent) {NUM} "
            rf"(?P<u>{'|'.join(L.DURATION_UNITS)})"
        ),
    ),
    ("days", rx(rf"((in|during|for|over|within) )?the (last|past) (?P<half>half year|half a year|{UNITS})")),
    ("days", rx(rf"((in|during|for|over|within) )?(the )?past (?P<unit1>{UNITS})")),
    ("before_last", rx(rf"((in|during|for) )?the {UNIT} before last")),
    (
        "current",
        rx(rf"((in|during|for|since the start of) )?(this|the current|current) {UNIT}( so far| to date)?"),
    ),
    (
        "current_year",
        rx(
            r"((in|during|for) )?(ytd|year to date|so far this year)|since (january|jan|the start of the year)"
        ),
    ),
    ("previous", rx(rf"((in|during|for) )?(last|previous|the previous|prior|the prior) {UNIT}")),
    ("year", rx(rf"((in|during|for|of|since) )?{YEAR}")),
    # "in October": the last October up to the book's as-of day.
    ("bare_month", rx(rf"(in|during|for) (?P<month>{MONTH})")),
]
ORDINAL_QUARTER = {"first": 1, "second": 2, "third": 3, "fourth": 4}


@dataclass
class Found:
    """One period in the message: its token range and the contract's object."""

    start: int
    end: int
    period: dict[str, Any]


def _days(n: str, unit: str) -> int:
    per = L.DURATION_UNITS[unit]
    if n in ("a", "an", "one"):
        count = 1.0
    elif n in ("half a", "a half"):
        count, per = 0.5, (360 if per == 365 else per)
    elif "couple" in n:
        count = 2.0
    else:
        count = float(n)
    return round(count * per)


def _period(kind: str, m: re.Match[str]) -> dict[str, Any] | None:
    g = m.groupdict()
    if kind == "quarter":
        q = int(g["q"]) if g.get("q") else ORDINAL_QUARTER[g["qw"]]
        return {"year": int(g["year"]), "quarter": q}
    if kind == "month":
        return {"year": int(g["year"]), "month": L.MONTHS[g["month"]]}
    if kind == "days":
        if g.get("half"):
            half = g["half"]
            days = 180 if "half" in half else L.DURATION_UNITS[half]
        elif g.get("unit1"):
            days = L.DURATION_UNITS[g["unit1"]]
        else:
            days = _days(g["n"], g["u"])
        return {"days": days} if 0 < days < 100_000 else None
    if kind == "before_last":
        return {"unit": g["unit"], "offset": -2}
    if kind == "current":
        return {"unit": g["unit"], "offset": 0}
    if kind == "current_year":
        return {"unit": "year", "offset": 0}
    if kind == "previous":
        return {"unit": g["unit"], "offset": -1}
    if kind == "year":
        return {"year": int(g["year"])}
    return None


def _last_month(month: int, as_of: dt.date) -> dict[str, Any]:
    """The named month of the year of ``as_of``, or of the year before when it is still to come."""
    return {"year": as_of.year if month <= as_of.month else as_of.year - 1, "month": month}


def find_periods(msg: Message) -> list[Found]:
    """Find and consume every period of the message, in the order they were said.

    A month named without its year is the last one up to ``msg.as_of``; without an as-of day it
    is consumed and listed in ``msg.unread``, never read as a place.
    """
    found: list[Found] = []
    for kind, pattern in PERIOD_RE:
        for i, j, m in msg.matches(pattern):
            if any(msg.norms[k] == "_" for k in range(i, j)):
                continue
            if kind in ("bare_month", "since_month"):
                year = m.groupdict().get("year")
                month = L.MONTHS[m.group("month")]
                if kind == "since_month" and not year and month == 1:
                    continue  # "since January" is this year so far (read below)
                if msg.as_of is None:
                    msg.set_aside(i, j)
                    continue
                named = {"year": int(year), "month": month} if year else _last_month(month, msg.as_of)
                if kind == "bare_month":
                    period: dict[str, Any] | None = named
                else:
                    days = (msg.as_of - dt.date(named["year"], named["month"], 1)).days + 1
                    period = {"days": days} if days > 0 else None
                if period is not None:
                    msg.consume(i, j)
                    found.append(Found(i, j, period))
                continue
            period = _period(kind, m)
            if period is not None:
                msg.consume(i, j)
                found.append(Found(i, j, period))
    return sorted(found, key=lambda f: f.start)


_UNIT_WORDS = {0: "this {unit}", -1: "last {unit}"}


def period_words(period: dict[str, Any]) -> str:
    """A period of the contract as a person says it ("this year", "the last 90 days", "Q3 2025"),
    for naming a period the query could not use."""
    if "days" in period:
        return f"the last {period['days']} days"
    if "unit" in period:
        offset = int(period.get("offset", 0))
        return _UNIT_WORDS.get(offset, "{n} {unit}s ago").format(unit=period["unit"], n=-offset)
    if "quarter" in period:
        return f"Q{period['quarter']} {period['year']}"
    if "month" in period:
        # The longest word the lexicon has for the month is its full name ("september", not "sept").
        name = max((w for w, n in L.MONTHS.items() if n == period["month"]), key=len)
        return f"{name.capitalize()} {period['year']}"
    return str(period.get("year", ""))
