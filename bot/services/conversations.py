"""Conversations: what one person's chat thread remembers between two messages, and how a follow-up
that points into it ("the second one") becomes a query the engine can answer.

The state (``bot.nlu.followups.Recent``) is kept in our database (``custseg.store.conversations``),
keyed by platform, the platform's conversation (Slack channel + thread, Teams conversation or reply
chain, terminal session) and the user, so another person in the same thread has their own, and a
restart or another web process changes nothing. It holds only what the asker was shown: the rows
of their last list come from answers within their scope, and a ``customer_row`` is resolved against
those rows, by name through the same scoped book, so a follow-up can never reach further.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import wording
from bot.nlu.followups import Recent, Row
from config.settings import Settings
from custseg.query.answers import CustomersAnswer, ExplanationAnswer, MovementsAnswer, ProfileAnswer
from custseg.store import conversations as stored
from custseg.store.db import Store
from custseg.store.rows import utc

log = logging.getLogger("custseg.bot")


@dataclass(frozen=True)
class Thread:
    """Where a conversation is kept: ``platform``, the platform's ``conversation`` key and the
    ``user_id`` of the person talking."""

    platform: str
    conversation: str
    user_id: str


def recall(store: Store, thread: Thread, now: dt.datetime | None = None) -> Recent:
    """What ``thread`` remembers (nothing once idle past its time, or while the database is down)."""
    try:
        state = stored.load(store, thread.platform, thread.conversation, thread.user_id, now)
    except Exception:  # a follow-up read on its own is still an answer
        log.warning("could not read the conversation state; reading the message on its own", exc_info=True)
        return Recent()
    return Recent.from_json(state)


def keep(
    store: Store, settings: Settings, thread: Thread, recent: Recent, now: dt.datetime | None = None
) -> None:
    """Remember ``recent`` for ``thread`` for the settings' idle time."""
    idle = dt.timedelta(minutes=settings.conversations.idle_minutes)
    try:
        stored.save(store, thread.platform, thread.conversation, thread.user_id, recent.to_json(), idle, now)
    except Exception:  # the answer is out; only the next follow-up would be read on its own
        log.warning("could not store the conversation state", exc_info=True)


def shown(answered: Iterable[object], limit: int) -> tuple[list[Row] | None, str | None]:
    """The rows of the last list among ``answered`` (None: no list) and the one customer the last
    one-customer answer was about (as named: name, else id)."""
    rows: list[Row] | None = None
    customer: str | None = None
    for answer in answered:
        if isinstance(answer, CustomersAnswer | MovementsAnswer):
            rows = [(c.customer_id, c.name) for c in answer.customers][:limit]
        elif isinstance(answer, ProfileAnswer | ExplanationAnswer):
            card = answer.customer
            customer = str(card["name"] or card["customer_id"])
    return rows, customer


def pointed(query: dict[str, Any], recent: Recent) -> dict[str, Any] | str:
    """``query`` with its ``customer_row`` resolved to the customer of that row, as ``customer``; or
    what to tell the asker when the row is not one they were shown."""
    if "customer_row" not in query or "customer" in query:
        return query
    n = int(query["customer_row"])
    row = recent.row(n)
    if row is None:
        if not recent.rows:
            return wording.NO_LIST_TO_POINT
        return wording.NO_SUCH_ROW.format(n=n, shown=len(recent.rows))
    customer_id, name = row
    # A name two rows share would be ambiguous: the id is what the asker's row means.
    twice = name is None or sum(1 for _i, other in recent.rows if other == name) > 1
    return {**query, "customer": customer_id if twice else name}


def file_recall(path: Path, settings: Settings, now: dt.datetime | None = None) -> Recent:
    """The conversation kept in the session file ``path`` (``custseg ask --session``), if any and
    not idle past the settings' time."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        updated = dt.datetime.fromisoformat(str(data["updated_at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return Recent()
    if utc(now) - utc(updated) > dt.timedelta(minutes=settings.conversations.idle_minutes):
        return Recent()
    return Recent.from_json(data.get("recent"))


def file_keep(path: Path, recent: Recent, now: dt.datetime | None = None) -> None:
    """Write ``recent`` to the session file ``path`` (replaced whole, so a reader never sees half)."""
    data = {"updated_at": utc(now).isoformat(), "recent": recent.to_json()}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    partial.replace(path)
