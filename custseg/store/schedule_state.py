"""What the worker remembers between runs: the last scheduled time each job was handled for, and
which customers each channel has already been alerted about in their current episode.

Times are UTC (naive in the database); dates are snapshot as-of days.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, delete, select, update

from custseg.store.db import Store
from custseg.store.models import ALERT_EPISODES, SCHEDULE_RUNS
from custseg.store.rows import insert_ignore, utc


def last_runs(store: Store) -> dict[str, dt.datetime]:
    """Every job's last handled scheduled time (UTC, aware)."""
    t = SCHEDULE_RUNS
    with store.connect() as conn:
        rows = conn.execute(select(t.c.job, t.c.last_fire_at)).all()
    return {job: fire.replace(tzinfo=dt.UTC) for job, fire in rows}


def claim_run(conn: Connection, job: str, fire: dt.datetime, now: dt.datetime | None = None) -> bool:
    """Move ``job``'s last handled time forward to ``fire``, inside the caller's transaction.

    True for exactly one caller per (job, fire): a second worker finds the time already there (or
    waits for the first one's transaction and then finds it) and gets False.
    """
    t = SCHEDULE_RUNS
    fire, now = utc(fire), utc(now)
    moved = conn.execute(
        update(t)
        .where((t.c.job == job) & (t.c.last_fire_at < fire))
        .values(last_fire_at=fire, updated_at=now)
    ).rowcount
    if moved:
        return True
    return insert_ignore(conn, t, {"job": job, "last_fire_at": fire, "updated_at": now}, ["job"])


def open_episodes(
    store_or_conn: Store | Connection, platform: str, channel_id: str
) -> dict[str, dict[str, Any]]:
    """The channel's running alert episodes: customer id → {started_on, alerted}."""
    t = ALERT_EPISODES
    stmt = select(t.c.customer_id, t.c.started_on, t.c.alerted).where(
        (t.c.platform == platform) & (t.c.channel_id == channel_id)
    )
    if isinstance(store_or_conn, Store):
        with store_or_conn.connect() as conn:
            rows = conn.execute(stmt).all()
    else:
        rows = store_or_conn.execute(stmt).all()
    return {cid: {"started_on": started, "alerted": bool(alerted)} for cid, started, alerted in rows}


def update_episodes(
    conn: Connection,
    platform: str,
    channel_id: str,
    started: dict[str, dict[str, Any]],
    ended: list[str],
) -> None:
    """Record new episodes ({customer id: {started_on, alerted}}) and drop ended ones, in the
    caller's transaction (the same one that queues the alert, so both happen or neither)."""
    t = ALERT_EPISODES
    where = (t.c.platform == platform) & (t.c.channel_id == channel_id)
    for start in range(0, len(ended), 500):
        conn.execute(delete(t).where(where & t.c.customer_id.in_(ended[start : start + 500])))
    rows = [
        {"platform": platform, "channel_id": channel_id, "customer_id": cid, **state}
        for cid, state in started.items()
    ]
    if rows:
        conn.execute(t.insert(), rows)


HEARTBEAT_JOB = "heartbeat"


def beat(store: Store, now: dt.datetime | None = None) -> None:
    """Record that a worker is alive (each tick); `custseg doctor` reads it back."""
    t, now = SCHEDULE_RUNS, utc(now)
    with store.begin() as conn:
        moved = conn.execute(
            update(t).where(t.c.job == HEARTBEAT_JOB).values(last_fire_at=now, updated_at=now)
        ).rowcount
        if not moved:
            insert_ignore(conn, t, {"job": HEARTBEAT_JOB, "last_fire_at": now, "updated_at": now}, ["job"])


def last_heartbeat(store: Store) -> dt.datetime | None:
    """When a worker last ticked (UTC, aware), or None if none ever did."""
    t = SCHEDULE_RUNS
    with store.connect() as conn:
        when = conn.execute(select(t.c.last_fire_at).where(t.c.job == HEARTBEAT_JOB)).scalar()
    return when.replace(tzinfo=dt.UTC) if when else None
