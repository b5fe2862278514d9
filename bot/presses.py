"""Which button answers may change a message everyone sees.

A button's answer replaces the shared message carrying it only when the press really changed
something for everyone: a decision taken, the next page of a list. A failed, stale or refused
press (an unknown or expired button, a suggestion that does not exist, someone who may not
decide, a click on a suggestion somebody else already decided) is told to the presser alone, and
the shared message stays as it was, so a decision changes it exactly once. Both chat adapters
ask ``changes_shared`` before replacing a message.
"""

from __future__ import annotations

import re

from bot import wording
from bot.reply import Reply


def _template(text: str) -> re.Pattern[str]:
    """A wording template ("{actor} was first: …") as a pattern matching any filled-in line."""
    parts = re.split(r"\{[^}]*\}", text)
    return re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL)


# The notes a decision button gets when its click changed nothing (bot.handlers.actions._answer).
_UNCHANGED = tuple(
    _template(t) for t in (wording.ACTION_FIRST, wording.ACTION_YOU_FIRST, wording.ACTION_CLOSED)
)


# The context line of the brain's failure answers (a real answer says what it understood).
_FAILED_CONTEXTS = ("", "Not understood", "Error")


def is_notice(reply: Reply) -> bool:
    """A failure that is only a sentence ("That list has expired", "There is no suggested action
    #…", an error), with nothing that could stand in for the message a button was on."""
    bare = not (reply.title or reply.fields or reply.table or reply.buttons or reply.image)
    return bare and (reply.context in _FAILED_CONTEXTS or reply.context == wording.INTENT_LABEL["unknown"])


def changes_shared(action_id: str, reply: Reply) -> bool:
    """Whether the answer to pressing ``action_id`` may replace the shared message it was on."""
    # A button no handler knows is answered with a bare notice ("no longer available"): unchanged.
    if reply.private or is_notice(reply):
        return False
    return not any(p.search(reply.text or "") for p in _UNCHANGED)


# Ids are database integers; JSON numbers beyond 2**53 are not even exact in most clients.
MAX_ID = 2**31 - 1
MAX_NUMBER = 2**53


def _id(value: object) -> bool:
    """A database id: a positive integer (or its digits) no larger than ``MAX_ID``."""
    if isinstance(value, str) and value.isdigit() and len(value) <= 10:
        value = int(value)
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def readable(payload: object, depth: int = 0) -> bool:
    """Whether a button's payload (as the platform sent it back) is one custseg could have made:
    numbers within range, ids positive and no larger than a database id, nested a few levels at
    most. A forged payload (a ``suggestion_id`` of 10**20) is then a stale button, not an error."""
    if depth > 8:
        return False
    if isinstance(payload, bool) or payload is None or isinstance(payload, str):
        return True
    if isinstance(payload, int):
        return -MAX_NUMBER <= payload <= MAX_NUMBER
    if isinstance(payload, float):
        return abs(payload) <= MAX_NUMBER
    if isinstance(payload, list):
        return all(readable(v, depth + 1) for v in payload)
    if isinstance(payload, dict):
        if "suggestion_id" in payload and not _id(payload["suggestion_id"]):
            return False
        return all(isinstance(k, str) and readable(v, depth + 1) for k, v in payload.items())
    return False
