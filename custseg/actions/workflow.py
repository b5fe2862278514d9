"""Suggested actions as a small state machine in the database, with an append-only audit log.

::

    proposed ──► approved ──► done
       │  ▲         └───────► expired
       ▼  │
    snoozed ──► approved / rejected / expired
       proposed ──► rejected / expired

Every transition is one ``UPDATE … WHERE id = ? AND state = <seen> AND version = <seen>`` plus its
audit row, in one transaction. The database decides races: of two managers clicking at once (or
one double click) exactly one update matches a row; the other learns who decided first. The audit
log only ever grows; its table refuses UPDATE and DELETE (triggers from the migration).

Times are naive UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from config.settings import Settings
from custseg.actions.playbook import Draft
from custseg.errors import ActionError
from custseg.store.db import Store
from custseg.store.models import ACTION_AUDIT, ACTION_SUGGESTIONS

STATES: tuple[str, ...] = ("proposed", "approved", "rejected", "snoozed", "done", "expired")
OPEN_STATES = frozenset({"proposed", "snoozed", "approved"})
TRANSITIONS: dict[str, frozenset[str]] = {
    "proposed": frozenset({"approved", "rejected", "snoozed", "expired"}),
    "snoozed": frozenset({"proposed", "approved", "rejected", "expired"}),
    "approved": frozenset({"done", "expired"}),
    "rejected": frozenset(),
    "done": frozenset(),
    "expired": frozenset(),
}
SOURCES: tuple[str, ...] = ("chat", "digest", "alert", "cli")
MAX_REASON = 500
# A loser of a race re-reads and tries again while the transition is still allowed (e.g. the
# sweep woke a snoozed suggestion just as a manager approved it); a few rounds settle any race.
ATTEMPTS = 5


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Actor:
    """Who causes a transition: a person's name, the platform, and their id there."""

    name: str
    platform: str
    user_id: str | None = None


SYSTEM = Actor("custseg", "system")


@dataclass(frozen=True)
class Transition:
    """One row of the audit log."""

    id: int
    suggestion_id: int
    at: dt.datetime
    actor: str
    user_id: str | None
    platform: str
    from_state: str | None
    to_state: str
    reason: str | None


@dataclass(frozen=True)
class Suggestion(Draft):
    """A stored suggestion: the playbook's draft (what, for whom, why, worth) plus where it stands
    (the columns of ``action_suggestions``)."""

    id: int
    source: str
    state: str
    version: int
    open_slot: bool | None
    snoozed_until: dt.datetime | None
    due_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def label(self) -> str:
        return self.customer_name or self.customer_id


@dataclass(frozen=True)
class Outcome:
    """The result of asking for a transition.

    ``changed`` is True when this call made it; then ``decisive`` is the new audit row. Otherwise
    the suggestion was not in a state that allows it (someone decided first, or the move is not
    allowed) and ``decisive`` is the audit row that put it in its current state.
    """

    suggestion: Suggestion
    changed: bool
    decisive: Transition


def _suggestion(row: Any) -> Suggestion:
    return Suggestion(**dict(row._mapping))


def _transition(row: Any) -> Transition:
    return Transition(**dict(row._mapping))


def get(store: Store, suggestion_id: int) -> Suggestion | None:
    with store.connect() as conn:
        row = conn.execute(select(ACTION_SUGGESTIONS).where(ACTION_SUGGESTIONS.c.id == suggestion_id)).first()
    return _suggestion(row) if row else None


def require(store: Store, suggestion_id: int) -> Suggestion:
    found = get(store, suggestion_id)
    if found is None:
        raise ActionError(
            f"There is no suggested action #{suggestion_id}. Ask me to *suggest a win-back for <customer>* "
            "to make a new one."
        )
    return found


def list_suggestions(
    store: Store,
    states: Iterable[str] | None = None,
    playbook: str | None = None,
    customer_id: str | None = None,
) -> list[Suggestion]:
    """Stored suggestions, newest first, optionally only in ``states`` / of one play or customer."""
    t = ACTION_SUGGESTIONS
    stmt = select(t).order_by(t.c.id.desc())
    if states is not None:
        stmt = stmt.where(t.c.state.in_(list(states)))
    if playbook is not None:
        stmt = stmt.where(t.c.playbook == playbook)
    if customer_id is not None:
        stmt = stmt.where(t.c.customer_id == customer_id)
    with store.connect() as conn:
        return [_suggestion(r) for r in conn.execute(stmt)]


def open_for(store: Store, customer_id: str, playbook: str | None = None) -> list[Suggestion]:
    """The customer's open suggestions (at most one per play), newest first."""
    return list_suggestions(store, OPEN_STATES, playbook, customer_id)


def audit_log(
    store: Store, suggestion_id: int | None = None, since: dt.datetime | None = None
) -> list[Transition]:
    """Audit rows in the order they happened (of one suggestion, or all; from ``since``, naive UTC)."""
    t = ACTION_AUDIT
    stmt = select(t).order_by(t.c.id)
    if suggestion_id is not None:
        stmt = stmt.where(t.c.suggestion_id == suggestion_id)
    if since is not None:
        stmt = stmt.where(t.c.at >= since)
    with store.connect() as conn:
        return [_transition(r) for r in conn.execute(stmt)]


def last_transition(store: Store, suggestion_id: int) -> Transition:
    t = ACTION_AUDIT
    with store.connect() as conn:
        row = conn.execute(
            select(t).where(t.c.suggestion_id == suggestion_id).order_by(t.c.id.desc()).limit(1)
        ).one()
    return _transition(row)


def _audit(
    conn: Connection,
    suggestion_id: int,
    at: dt.datetime,
    actor: Actor,
    from_state: str | None,
    to_state: str,
    reason: str | None,
) -> Transition:
    values: dict[str, Any] = {
        "suggestion_id": suggestion_id,
        "at": at,
        "actor": actor.name,
        "user_id": actor.user_id,
        "platform": actor.platform,
        "from_state": from_state,
        "to_state": to_state,
        "reason": reason[:MAX_REASON] if reason else None,
    }
    new_id = conn.execute(insert(ACTION_AUDIT).values(**values).returning(ACTION_AUDIT.c.id)).scalar_one()
    return Transition(id=new_id, **values)


def propose(
    store: Store, draft: Draft, actor: Actor, source: str = "chat", now: dt.datetime | None = None
) -> tuple[Suggestion, bool]:
    """Store a new suggestion, or return the customer's open one for the same play.

    A suggestion closed (rejected, done, expired) on the same snapshot is returned too: asking
    again the same day must not bring back what a manager just turned down; the next snapshot may.
    Returns the suggestion and whether it was created. The database's unique key on the open
    suggestion settles concurrent proposals: the second insert fails and gets the first one.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown suggestion source {source!r}")
    same_play = list_suggestions(store, playbook=draft.playbook, customer_id=draft.customer_id)
    existing = [s for s in same_play if s.is_open] or [
        s for s in same_play if s.snapshot_as_of == draft.snapshot_as_of
    ]
    if existing:
        return existing[0], False
    now = now or utcnow()
    t = ACTION_SUGGESTIONS
    try:
        with store.begin() as conn:
            new_id = conn.execute(
                insert(t)
                .values(
                    **{f.name: getattr(draft, f.name) for f in fields(Draft)},
                    source=source,
                    state="proposed",
                    version=1,
                    open_slot=True,
                    created_at=now,
                    updated_at=now,
                )
                .returning(t.c.id)
            ).scalar_one()
            _audit(conn, new_id, now, actor, None, "proposed", f"suggested from the {source}")
    except IntegrityError:
        existing = open_for(store, draft.customer_id, draft.playbook)
        if not existing:
            raise
        return existing[0], False
    return require(store, new_id), True


def transition(
    store: Store,
    suggestion_id: int,
    to_state: str,
    actor: Actor,
    reason: str | None = None,
    now: dt.datetime | None = None,
    snoozed_until: dt.datetime | None = None,
    due_on: dt.date | None = None,
) -> Outcome:
    """Move a suggestion to ``to_state`` if its current state allows it; atomic and audited.

    Raises
    ------
    ActionError
        The suggestion does not exist, or the database kept changing under us (try again).
    """
    if to_state not in STATES:
        raise ValueError(f"unknown state {to_state!r}")
    t = ACTION_SUGGESTIONS
    for _ in range(ATTEMPTS):
        seen = require(store, suggestion_id)
        if to_state not in TRANSITIONS[seen.state]:
            return Outcome(seen, False, last_transition(store, suggestion_id))
        at = now or utcnow()
        values: dict[str, Any] = {
            "state": to_state,
            "version": seen.version + 1,
            "open_slot": True if to_state in OPEN_STATES else None,
            "updated_at": at,
            "snoozed_until": snoozed_until if to_state == "snoozed" else None,
        }
        if to_state == "approved":
            values["due_on"] = due_on
        with store.begin() as conn:
            won = conn.execute(
                update(t)
                .where(t.c.id == suggestion_id, t.c.state == seen.state, t.c.version == seen.version)
                .values(**values)
            ).rowcount
            entry = _audit(conn, suggestion_id, at, actor, seen.state, to_state, reason) if won else None
        if entry is not None:
            return Outcome(require(store, suggestion_id), True, entry)
    raise ActionError(f"Suggested action #{suggestion_id} is changing right now; please try again.")


def approve(
    store: Store, settings: Settings, suggestion_id: int, actor: Actor, now: dt.datetime | None = None
) -> Outcome:
    """Approve: the account manager's task is due the play's ``due_days`` after today."""
    now = now or utcnow()
    found = require(store, suggestion_id)
    play = settings.playbook.plays.get(found.playbook)
    due = now.date() + dt.timedelta(days=play.due_days if play else 7)
    return transition(store, suggestion_id, "approved", actor, now=now, due_on=due)


def reject(
    store: Store, suggestion_id: int, actor: Actor, reason: str | None = None, now: dt.datetime | None = None
) -> Outcome:
    return transition(store, suggestion_id, "rejected", actor, reason=reason, now=now)


def snooze(
    store: Store,
    settings: Settings,
    suggestion_id: int,
    actor: Actor,
    days: int | None = None,
    now: dt.datetime | None = None,
) -> Outcome:
    """Put off the decision for ``days`` (the settings' ``snooze_days`` by default)."""
    now = now or utcnow()
    until = now + dt.timedelta(days=days or settings.playbook.snooze_days)
    return transition(
        store, suggestion_id, "snoozed", actor, now=now, snoozed_until=until, reason=f"until {until:%Y-%m-%d}"
    )


def mark_done(store: Store, suggestion_id: int, actor: Actor, now: dt.datetime | None = None) -> Outcome:
    return transition(store, suggestion_id, "done", actor, now=now)


def sweep(
    store: Store,
    settings: Settings,
    now: dt.datetime | None = None,
    on_change: Callable[[Outcome], None] | None = None,
) -> dict[str, int]:
    """Wake snoozed suggestions whose snooze is over; expire suggestions nobody decided within
    ``expire_after_days`` and approved tasks not done that long after their due day.

    Returns how many were woken and expired. Meant for the daily scheduler (or ``custseg actions
    sweep``); each change is an ordinary audited transition by the system, handed to
    ``on_change`` when given (the bot updates the messages showing the suggestion).
    """
    now = now or utcnow()
    limit = settings.playbook.expire_after_days
    t = ACTION_SUGGESTIONS
    stale = now - dt.timedelta(days=limit)
    with store.connect() as conn:
        wake = conn.execute(select(t.c.id).where(t.c.state == "snoozed", t.c.snoozed_until <= now)).scalars()
        wake_ids = list(wake)
        undecided = list(
            conn.execute(select(t.c.id).where(t.c.state == "proposed", t.c.updated_at <= stale)).scalars()
        )
        overdue = list(
            conn.execute(select(t.c.id).where(t.c.state == "approved", t.c.due_on < stale.date())).scalars()
        )
    counts = {"woken": 0, "expired": 0}

    def move(sid: int, to_state: str, reason: str, count: str) -> None:
        outcome = transition(store, sid, to_state, SYSTEM, reason, now)
        if outcome.changed:
            counts[count] += 1
            if on_change is not None:
                on_change(outcome)

    for sid in wake_ids:
        move(sid, "proposed", "the snooze is over", "woken")
    for sid in undecided:
        move(sid, "expired", f"nobody decided within {limit} days", "expired")
    for sid in overdue:
        move(sid, "expired", f"not marked done within {limit} days of its due day", "expired")
    return counts
