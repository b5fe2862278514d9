"""The table of posted copies: where each message carrying suggestion buttons landed, and its content.

Only table operations live here; what a copy says (a serialised reply) and how a decision rewrites
it are the bot's business (``bot.copies``). Times are naive UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from custseg.store.db import Store
from custseg.store.models import POSTED_COPIES, POSTED_COPY_SUGGESTIONS
from custseg.store.rows import insert_ignore, utc

KINDS = ("card", "list")


@dataclass(frozen=True)
class Copy:
    """One posted message with suggestion buttons (a row of ``posted_copies``)."""

    id: int
    platform: str
    channel_id: str
    message_id: str
    kind: str
    reply: dict[str, Any]
    version: int


def _copy(row: Any) -> Copy:
    m = row._mapping
    return Copy(m["id"], m["platform"], m["channel_id"], m["message_id"], m["kind"], m["reply"], m["version"])


def record(
    store: Store,
    platform: str,
    channel_id: str,
    message_id: str,
    kind: str,
    reply: dict[str, Any],
    suggestion_ids: Iterable[int],
    now: dt.datetime | None = None,
) -> Copy:
    """Remember a posted message and the suggestions it carries; recording it again changes nothing."""
    if kind not in KINDS:
        raise ValueError(f"unknown copy kind {kind!r}")
    now = utc(now)
    t = POSTED_COPIES
    where = (t.c.platform == platform) & (t.c.channel_id == channel_id) & (t.c.message_id == message_id)
    with store.begin() as conn:
        values = {
            "platform": platform,
            "channel_id": channel_id,
            "message_id": message_id,
            "kind": kind,
            "reply": reply,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        if insert_ignore(conn, t, values, ["platform", "channel_id", "message_id"]):
            copy_id = conn.execute(select(t.c.id).where(where)).scalar_one()
            for sid in sorted(set(suggestion_ids)):
                insert_ignore(
                    conn,
                    POSTED_COPY_SUGGESTIONS,
                    {"copy_id": copy_id, "suggestion_id": sid},
                    ["copy_id", "suggestion_id"],
                )
        return _copy(conn.execute(select(t).where(where)).one())


def find(store: Store, platform: str, channel_id: str, message_id: str) -> Copy | None:
    t = POSTED_COPIES
    with store.connect() as conn:
        row = conn.execute(
            select(t).where(
                t.c.platform == platform, t.c.channel_id == channel_id, t.c.message_id == message_id
            )
        ).first()
    return _copy(row) if row else None


def of_suggestion(store: Store, suggestion_id: int) -> list[Copy]:
    """Every recorded copy carrying the suggestion's buttons, oldest first."""
    t, link = POSTED_COPIES, POSTED_COPY_SUGGESTIONS
    with store.connect() as conn:
        rows = conn.execute(
            select(t)
            .join(link, link.c.copy_id == t.c.id)
            .where(link.c.suggestion_id == suggestion_id)
            .order_by(t.c.id)
        ).all()
    return [_copy(r) for r in rows]


def get_copy(store: Store, copy_id: int) -> Copy:
    with store.connect() as conn:
        return _copy(conn.execute(select(POSTED_COPIES).where(POSTED_COPIES.c.id == copy_id)).one())


def save(store: Store, seen: Copy, reply: dict[str, Any], now: dt.datetime | None = None) -> bool:
    """Store a copy's new content if nobody rewrote it since ``seen`` was read; False otherwise
    (read it again and redo the rewrite on the newer version)."""
    t = POSTED_COPIES
    with store.begin() as conn:
        changed = conn.execute(
            update(t)
            .where(t.c.id == seen.id, t.c.version == seen.version)
            .values(reply=reply, version=seen.version + 1, updated_at=utc(now))
        ).rowcount
    return bool(changed)
