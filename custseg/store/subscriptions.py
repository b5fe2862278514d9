"""Scheduled posts (digest, churn alerts) per chat channel: stored here, delivered by the worker."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select

from custseg.schema import DAYS, TOPICS
from custseg.store.db import Store
from custseg.store.models import SUBSCRIPTIONS
from custseg.store.rows import update_or_insert


def subscribe(
    store: Store, platform: str, channel_id: str, topic: str, day: str, time: str, timezone: str, user: str
) -> tuple[dict[str, Any], bool]:
    """Create the channel's subscription to ``topic`` or change its schedule.

    Returns the stored subscription and whether it was new.
    """
    if topic not in TOPICS or day not in DAYS:
        raise ValueError(f"bad subscription topic/day: {topic!r}, {day!r}")
    t = SUBSCRIPTIONS
    now = dt.datetime.now().replace(microsecond=0)
    where = (t.c.platform == platform) & (t.c.channel_id == channel_id) & (t.c.topic == topic)
    values = {"day": day, "time": time, "timezone": timezone, "updated_at": now}
    new_row = {
        "platform": platform,
        "channel_id": channel_id,
        "topic": topic,
        "created_by": user,
        "created_at": now,
    }
    with store.begin() as conn:
        created = update_or_insert(conn, t, where, values, new_row)
        row = conn.execute(select(t).where(where)).mappings().one()
    return dict(row), created


def unsubscribe(store: Store, platform: str, channel_id: str, topic: str) -> bool:
    """Remove the channel's subscription to ``topic``; False if there was none."""
    t = SUBSCRIPTIONS
    with store.begin() as conn:
        removed = conn.execute(
            delete(t).where(
                (t.c.platform == platform) & (t.c.channel_id == channel_id) & (t.c.topic == topic)
            )
        ).rowcount
    return bool(removed)


def list_subscriptions(
    store: Store, platform: str | None = None, channel_id: str | None = None
) -> list[dict[str, Any]]:
    t = SUBSCRIPTIONS
    stmt = select(t).order_by(t.c.platform, t.c.channel_id, t.c.topic)
    if platform is not None:
        stmt = stmt.where(t.c.platform == platform)
    if channel_id is not None:
        stmt = stmt.where(t.c.channel_id == channel_id)
    with store.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]
