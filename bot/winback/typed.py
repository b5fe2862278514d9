"""Decisions typed as text: "approve 12", "reject 12 because they switched supplier", "reject #12:
too small", "snooze 12 for 2 weeks" stand for the buttons; they never reach the parser."""

from __future__ import annotations

import re
from typing import Any

_TYPED = re.compile(
    r"^\s*(?P<verb>approve|reject|snooze)\s+#?(?P<id>\d{1,9})\b\s*(?P<rest>.*?)\s*[.!]?\s*$",
    re.IGNORECASE | re.DOTALL,
)

_REASON = re.compile(
    r"^(?:[:,;\-–—]+|because\b|as\b|since\b|reason\s*:?)\s*(?P<reason>.+)$", re.IGNORECASE | re.DOTALL
)

_SNOOZE = re.compile(r"^for\s+(?P<n>\d{1,3}|an?|one)\s+(?P<unit>day|week|month)s?$", re.IGNORECASE)

_UNIT_DAYS = {"day": 1, "week": 7, "month": 30}

_TYPED_ACTIONS = {"approve": "action.approve", "reject": "action.reject", "snooze": "action.snooze"}


def typed_decision(text: str) -> tuple[str, dict[str, Any]] | None:
    """The button a typed decision stands for, as (action id, payload); None for anything else.

    Exactly these forms: "approve 12", "reject 12" with an optional reason ("reject 12 because they
    switched supplier", "reject #12: too small"), "snooze 12" with an optional "for N days / weeks /
    months". Everything else is left to the parser.
    """
    found = _TYPED.match(text)
    if found is None:
        return None
    verb, rest = found["verb"].lower(), found["rest"]
    payload: dict[str, Any] = {"suggestion_id": int(found["id"])}
    if verb == "reject" and rest:
        reason = _REASON.match(rest)
        if reason is None:
            return None
        payload["reason"] = reason["reason"].strip()
    elif verb == "snooze" and rest:
        span = _SNOOZE.match(rest)
        if span is None:
            return None
        n = int(span["n"]) if span["n"].isdigit() else 1
        payload["days"] = n * _UNIT_DAYS[span["unit"].lower()]
    elif rest:
        return None
    return _TYPED_ACTIONS[verb], payload
