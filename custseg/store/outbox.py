"""The outbox table: every post the worker makes goes through here, once per key.

Only table operations live here; what a post says (a serialised reply) is the bot's business and
arrives as a JSON-ready dict. All times are UTC (naive in the database, aware or naive here).

A row's life: ``pending`` → ``sending`` (claimed by one worker, with a lease) → ``sent``; or back
to ``pending`` with a later ``next_attempt_at`` after a retryable failure; or ``failed`` when
retrying cannot help or the attempts ran out. A ``sending`` row whose lease ran out (its worker
died mid-send) is claimable again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, func, select, update
from sqlalchemy.sql.elements import ColumnElement

from custseg.store.db import Store
from custseg.store.models import OUTBOX
from custseg.store.rows import insert_ignore, utc

STATUSES: tuple[str, ...] = ("pending", "sending", "sent", "failed")
MAX_ERROR = 1000


def add(
    conn: Connection,
    platform: str,
    channel_id: str,
    key: str,
    payload: dict[str, Any],
    not_before: dt.datetime | None = None,
    now: dt.datetime | None = None,
    update_of: str | None = None,
) -> bool:
    """Queue a post inside the caller's transaction; False when ``key`` is already queued or sent.

    With ``update_of`` (a message id in ``channel_id``) the row is an *update*: delivering it
    rewrites that message instead of posting a new one.
    """
    now = utc(now)
    if conn.execute(select(OUTBOX.c.id).where(OUTBOX.c.key == key)).first() is not None:
        return False
    return insert_ignore(
        conn,
        OUTBOX,
        {
            "key": key,
            "platform": platform,
            "channel_id": channel_id,
            "reply": payload,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": max(now, utc(not_before)) if not_before else now,
            "created_at": now,
            "kind": "post" if update_of is None else "update",
            "message_id": update_of,
        },
        ["key"],
    )


def queue(
    store: Store,
    platform: str,
    channel_id: str,
    key: str,
    payload: dict[str, Any],
    not_before: dt.datetime | None = None,
    now: dt.datetime | None = None,
    update_of: str | None = None,
) -> bool:
    """Queue a post (or, with ``update_of``, an update) in its own transaction; False when ``key``
    is already queued or sent."""
    with store.begin() as conn:
        return add(conn, platform, channel_id, key, payload, not_before, now, update_of)


def superseded(store: Store, row: dict[str, Any]) -> bool:
    """Whether an update row has a newer update of the same message queued or sent after it: the
    newer one carries everything this one would show, so posting this one could only put older
    content back (e.g. when this one was waiting to be retried)."""
    t = OUTBOX
    with store.connect() as conn:
        newer = conn.execute(
            select(t.c.id)
            .where(
                (t.c.kind == "update")
                & (t.c.platform == row["platform"])
                & (t.c.channel_id == row["channel_id"])
                & (t.c.message_id == row["message_id"])
                & (t.c.id > row["id"])
                & (t.c.status != "failed")
            )
            .limit(1)
        ).first()
    return newer is not None


def _claimable(
    platforms: Iterable[str], now: dt.datetime, kinds: Iterable[str] | None = None
) -> ColumnElement[bool]:
    t = OUTBOX
    due = t.c.platform.in_(list(platforms)) & (
        ((t.c.status == "pending") & (t.c.next_attempt_at <= now))
        | ((t.c.status == "sending") & (t.c.lease_until < now))
    )
    return due if kinds is None else due & t.c.kind.in_(list(kinds))


def claim_next(
    store: Store,
    platforms: Iterable[str],
    lease_seconds: float,
    now: dt.datetime | None = None,
    kinds: Iterable[str] | None = None,
) -> dict[str, Any] | None:
    """Take the oldest due post for one of ``platforms`` (of one of ``kinds``, "post" or
    "update", when given), or None if nothing is due.

    The claim is a compare-and-set ``UPDATE … WHERE <still claimable>``: of two workers racing for
    the same row, exactly one changes it (PostgreSQL re-checks the condition after the row lock,
    SQLite writes one at a time). The returned row carries the ``claim_token`` that the
    ``mark_*`` calls need, and ``attempts`` already counts this attempt.
    """
    now = utc(now)
    platforms = list(platforms)
    if not platforms:
        return None
    kinds = None if kinds is None else list(kinds)
    t = OUTBOX
    with store.connect() as conn:
        ids = (
            conn.execute(
                select(t.c.id)
                .where(_claimable(platforms, now, kinds))
                .order_by(t.c.next_attempt_at, t.c.id)
                .limit(5)
            )
            .scalars()
            .all()
        )
    for row_id in ids:
        token = uuid.uuid4().hex
        with store.begin() as conn:
            taken = conn.execute(
                update(t)
                .where((t.c.id == row_id) & _claimable(platforms, now, kinds))
                .values(
                    status="sending",
                    claim_token=token,
                    lease_until=now + dt.timedelta(seconds=lease_seconds),
                    attempts=t.c.attempts + 1,
                )
            ).rowcount
            if taken:
                return dict(conn.execute(select(t).where(t.c.id == row_id)).mappings().one())
    return None


def renew(
    store: Store, row_id: int, token: str, lease_seconds: float, now: dt.datetime | None = None
) -> bool:
    """Extend this worker's lease from ``now``, right before it sends: True while the row is still
    its own. False when the lease had run out and another worker took the row (do not send then);
    after a True, no one else can take the row for ``lease_seconds``."""
    t = OUTBOX
    with store.begin() as conn:
        changed = conn.execute(
            update(t)
            .where((t.c.id == row_id) & (t.c.claim_token == token) & (t.c.status == "sending"))
            .values(lease_until=utc(now) + dt.timedelta(seconds=lease_seconds))
        ).rowcount
    return bool(changed)


def _finish(store: Store, row_id: int, token: str, **values: Any) -> bool:
    t = OUTBOX
    with store.begin() as conn:
        changed = conn.execute(
            update(t)
            .where((t.c.id == row_id) & (t.c.claim_token == token) & (t.c.status == "sending"))
            .values(**values)
        ).rowcount
    return bool(changed)


def mark_sent(
    store: Store, row_id: int, token: str, message_id: str | None, now: dt.datetime | None = None
) -> bool:
    """Record a successful post. False if this worker's claim had lapsed and another took the row."""
    return _finish(
        store,
        row_id,
        token,
        status="sent",
        sent_at=utc(now),
        message_id=message_id,
        lease_until=None,
        last_error=None,
    )


def mark_retry(store: Store, row_id: int, token: str, error: str, next_attempt_at: dt.datetime) -> bool:
    """Put the post back in the queue for another attempt at ``next_attempt_at``."""
    return _finish(
        store,
        row_id,
        token,
        status="pending",
        next_attempt_at=utc(next_attempt_at),
        lease_until=None,
        last_error=error[:MAX_ERROR],
    )


def mark_failed(store: Store, row_id: int, token: str, error: str) -> bool:
    """Park the post as failed; ``retry_failed`` queues it again."""
    return _finish(store, row_id, token, status="failed", lease_until=None, last_error=error[:MAX_ERROR])


def list_messages(
    store: Store, status: str | None = None, limit: int = 50, with_reply: bool = False
) -> list[dict[str, Any]]:
    """Posts, newest first (``reply`` left out unless asked for)."""
    t = OUTBOX
    columns = [c for c in t.c if with_reply or c.name != "reply"]
    stmt = select(*columns).order_by(t.c.id.desc()).limit(limit)
    if status is not None:
        stmt = stmt.where(t.c.status == status)
    with store.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


def get_message(store: Store, key: str) -> dict[str, Any] | None:
    """One post by key (with its reply), e.g. to update it in place after a button press."""
    with store.connect() as conn:
        row = conn.execute(select(OUTBOX).where(OUTBOX.c.key == key)).mappings().first()
    return dict(row) if row else None


def counts(store: Store) -> dict[str, int]:
    """How many posts are in each status."""
    t = OUTBOX
    with store.connect() as conn:
        rows = conn.execute(select(t.c.status, func.count()).group_by(t.c.status)).all()
    return {status: 0 for status in STATUSES} | {s: int(n) for s, n in rows}


def retry_failed(store: Store, ids: Iterable[int] | None = None, now: dt.datetime | None = None) -> int:
    """Queue failed posts (all, or those with ``ids``) again with a fresh count of attempts."""
    t = OUTBOX
    where = t.c.status == "failed"
    if ids is not None:
        where &= t.c.id.in_(list(ids))
    with store.begin() as conn:
        return int(
            conn.execute(
                update(t)
                .where(where)
                .values(status="pending", attempts=0, next_attempt_at=utc(now), claim_token=None)
            ).rowcount
        )
