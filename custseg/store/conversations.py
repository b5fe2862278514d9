"""What each person's chat conversation remembers between two messages, in our database.

Kept in the database rather than in memory so a follow-up is understood after the web process
restarts, and whichever of several web processes receives it. A conversation is keyed by platform,
the platform's conversation key (Slack channel and thread, Teams conversation or reply chain, a
terminal session) and the user: someone else in the same thread has their own state. Times are UTC
(naive in the database, aware or naive here).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import delete, select

from custseg.store.db import Store
from custseg.store.models import CONVERSATIONS
from custseg.store.rows import update_or_insert, utc


def digest(key: str) -> str:
    """The stored form of a platform's conversation key (SHA-256 hex: any length fits, and no
    channel or thread id is kept in the table)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def load(
    store: Store, platform: str, conversation: str, user_id: str, now: dt.datetime | None = None
) -> dict[str, Any] | None:
    """The state ``user_id`` left in ``conversation``, or None when there is none or it has expired."""
    t = CONVERSATIONS
    where = (
        (t.c.platform == platform)
        & (t.c.conversation == digest(conversation))
        & (t.c.user_id == user_id)
        & (t.c.expires_at > utc(now))
    )
    with store.connect() as conn:
        state = conn.execute(select(t.c.state).where(where)).scalar()
    return state if isinstance(state, dict) else None


def save(
    store: Store,
    platform: str,
    conversation: str,
    user_id: str,
    state: dict[str, Any],
    idle: dt.timedelta,
    now: dt.datetime | None = None,
) -> dt.datetime:
    """Store ``state`` for ``user_id`` in ``conversation`` until ``idle`` from ``now``; when it expires.

    Two messages of one person answered at once (two web processes) each write a whole state; the
    later write wins, as it would in the thread.
    """
    t = CONVERSATIONS
    now = utc(now)
    key = digest(conversation)
    where = (t.c.platform == platform) & (t.c.conversation == key) & (t.c.user_id == user_id)
    changes = {"state": state, "updated_at": now, "expires_at": now + idle}
    with store.begin() as conn:
        update_or_insert(
            conn, t, where, changes, {"platform": platform, "conversation": key, "user_id": user_id}
        )
    return now + idle


def forget(store: Store, platform: str, conversation: str, user_id: str) -> None:
    """Drop what ``user_id``'s conversation remembers (the next message starts afresh)."""
    t = CONVERSATIONS
    with store.begin() as conn:
        conn.execute(
            delete(t).where(
                (t.c.platform == platform)
                & (t.c.conversation == digest(conversation))
                & (t.c.user_id == user_id)
            )
        )


def delete_expired(store: Store, now: dt.datetime | None = None) -> int:
    """Remove the conversations idle past their time; how many."""
    t = CONVERSATIONS
    with store.begin() as conn:
        return conn.execute(delete(t).where(t.c.expires_at <= utc(now))).rowcount or 0
