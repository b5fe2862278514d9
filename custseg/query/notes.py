"""The engine's notes on an answer: English text that remembers what it says.

A note is a ``str`` (the English the JSON answers, logs and tests read), made from one of the
``TEMPLATES`` below and its values. A chat reply in another language looks the note's ``key`` up
in its own wording and fills in the same values, so the small print is in the asker's language;
the core stays free of any wording but its English.
"""

from __future__ import annotations

from typing import Any

TEMPLATES: dict[str, str] = {
    "read_as": "{slot}: '{typed}' read as {found}",
    "period_after_as_of": "{slot}: the period starts after the as-of date {as_of}, so it has no orders",
    # ``window`` as ``Window.describe`` writes it; ``first`` / ``last`` the same days as ISO dates.
    "period_cut": "{slot}: {window}",
    "list_capped": "lists are capped at {cap:,} rows",
    "no_clv_list": "lifetime value is not modelled yet, so the list is ranked by revenue to date",
    "group_default": "group_by: none was given, so the figure is shown by segment",
    "groups_cut": "group_by: {n} groups, showing the first {shown}",
    "groups_missing": "group_by: {n} customers have no {name} and are in no group",
    "trend_period_default": "period: none was given, so the last {n} {interval}s",
    "trend_interval_default": "interval: none was given, so one point per month",
    "trend_first_cut": "the first {interval} starts on {day}, where the period does",
    "trend_snapshots": "only {n} of {total} {interval}s have a snapshot",
    "no_earlier_snapshot": "movements: there is no snapshot before {as_of}, so there is nothing to compare with",
    "nearest_snapshot": "movements: the snapshot nearest {target} is that of {since}",
}


class Note(str):
    """One note: the English of ``TEMPLATES[key]`` with ``params``, which it keeps.

    Parameters
    ----------
    key : str
        A key of ``TEMPLATES``.
    **params
        The template's values, as the engine has them (numbers, ISO dates, slot and interval
        names such as ``"owner"`` or ``"month"``).
    """

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, **params: Any) -> Note:
        note = super().__new__(cls, TEMPLATES[key].format(**params))
        note.key = key
        note.params = params
        return note
