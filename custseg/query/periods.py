"""Periods of the query contract ("Periods" in ``shared/spec/query-schema.md``) as days.

Every period is relative to the snapshot's as-of date, so the same words mean the same days on every
channel: ``{"unit": "month", "offset": 0}`` is the calendar month containing the as-of date,
``offset: -1`` the one before; ``{"days": N}`` the N days up to and including the as-of date; a named
year, quarter or month is that calendar span. Weeks start on Monday. No period reaches past the
as-of date: a span that would is cut at it (``Window.clipped``), since no later order is counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from custseg.query.answers import Span
from custseg.query.contract import Period

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Window:
    """The first and last day of a period, both included; ``clipped`` when the calendar span ran
    past the as-of date and was cut there."""

    start: dt.date
    end: dt.date
    asked: Period | None = None
    clipped: bool = False

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def span(self) -> Span:
        return Span(self.start.isoformat(), self.end.isoformat(), self.asked.to_json() if self.asked else {})

    def describe(self) -> str:
        """How the window reads in a note: "1 Jan 2026 – 13 Nov 2026 (to the as-of date)"."""
        text = f"{_day(self.start)} – {_day(self.end)}"
        return f"{text} (cut at the as-of date)" if self.clipped else text


def _day(day: dt.date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def unit_start(unit: str, day: dt.date) -> dt.date:
    """The first day of the calendar ``unit`` (week from Monday, month, quarter, year) containing ``day``."""
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if unit == "year":
        return dt.date(day.year, 1, 1)
    raise ValueError(f"unknown calendar unit {unit!r}")


def shift(unit: str, start: dt.date, n: int) -> dt.date:
    """The first day of the calendar ``unit`` ``n`` units after the one starting on ``start``."""
    if unit == "week":
        return start + dt.timedelta(weeks=n)
    months = {"month": 1, "quarter": 3, "year": 12}[unit] * n
    index = start.year * 12 + start.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def unit_span(unit: str, start: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the calendar ``unit`` starting on ``start``."""
    return start, shift(unit, start, 1) - dt.timedelta(days=1)


def resolve(period: Period, as_of: dt.date) -> Window:
    """The days ``period`` covers relative to ``as_of``, cut at ``as_of``.

    A named period wholly after the as-of date comes back empty (``start`` > ``end``), which
    callers report as no data.
    """
    if period.days is not None:
        return Window(as_of - dt.timedelta(days=period.days - 1), as_of, period)
    if period.unit is not None:
        start = shift(period.unit, unit_start(period.unit, as_of), period.offset or 0)
        first, last = unit_span(period.unit, start)
    else:
        assert period.year is not None  # the contract allows no other form
        if period.quarter is not None:
            first, last = unit_span("quarter", dt.date(period.year, 3 * period.quarter - 2, 1))
        elif period.month is not None:
            first, last = unit_span("month", dt.date(period.year, period.month, 1))
        else:
            first, last = unit_span("year", dt.date(period.year, 1, 1))
    if last > as_of:
        return Window(first, as_of, period, clipped=True)
    return Window(first, last, period)


def intervals(unit: str, first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The calendar ``unit`` spans overlapping ``first`` … ``last``, whole, in time order."""
    out = []
    start = unit_start(unit, first)
    while start <= last:
        out.append(unit_span(unit, start))
        start = shift(unit, start, 1)
    return out


def last_intervals(unit: str, as_of: dt.date, n: int) -> Window:
    """The ``n`` calendar units up to and including the one containing ``as_of``, cut at ``as_of``."""
    current = unit_start(unit, as_of)
    end = unit_span(unit, current)[1]
    return Window(shift(unit, current, -(n - 1)), min(end, as_of), clipped=end > as_of)


def year_before(window: Window) -> Window:
    """The same span one year (365 days) earlier; "the 12 months before"."""
    shift_by = dt.timedelta(days=365)
    return Window(window.start - shift_by, window.end - shift_by)


def twelve_months(as_of: dt.date) -> Window:
    """The 365 days up to and including ``as_of``."""
    return Window(as_of - dt.timedelta(days=364), as_of)
