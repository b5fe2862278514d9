"""Chart images the web process serves by URL (``/charts/{token}.png``), for chat cards that cannot
carry a PNG themselves (Teams).

The token is the only thing protecting an image (card images are fetched without credentials), so
it is ``secrets.token_urlsafe`` of 32 random bytes and is logged only by its prefix (``short``).
An image is stored once per content: saving the same PNG again returns the same token and pushes
its expiry out. Times are UTC (naive in the database, aware or naive here).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select, update

from custseg.store.db import Store
from custseg.store.models import CHART_IMAGES
from custseg.store.rows import insert_ignore, utc

TOKEN_BYTES = 32
# Enough of a token to tell images apart in logs, far too little to fetch one.
SHOWN_CHARS = 6


def short(token: str) -> str:
    """The token as logs may show it: its first few characters."""
    return f"{token[:SHOWN_CHARS]}…"


def save(
    store: Store, png: bytes, ttl: dt.timedelta, now: dt.datetime | None = None
) -> tuple[str, dt.datetime]:
    """Store ``png`` for ``ttl`` from ``now``; its token and when it expires (naive UTC).

    The same bytes saved again keep the first token, and their expiry moves to the later of the two.
    """
    t = CHART_IMAGES
    now = utc(now)
    expires = now + ttl
    digest = hashlib.sha256(png).hexdigest()
    values = {
        "token": secrets.token_urlsafe(TOKEN_BYTES),
        "sha256": digest,
        "png": png,
        "created_at": now,
        "expires_at": expires,
    }
    with store.begin() as conn:
        insert_ignore(conn, t, values, ["sha256"])
        conn.execute(
            update(t).where((t.c.sha256 == digest) & (t.c.expires_at < expires)).values(expires_at=expires)
        )
        token, expires_at = conn.execute(select(t.c.token, t.c.expires_at).where(t.c.sha256 == digest)).one()
    return token, expires_at


def load(store: Store, token: str, now: dt.datetime | None = None) -> bytes | None:
    """The PNG stored under ``token``, or None when there is none or it has expired."""
    t = CHART_IMAGES
    with store.connect() as conn:
        png = conn.execute(select(t.c.png).where((t.c.token == token) & (t.c.expires_at > utc(now)))).scalar()
    return bytes(png) if png is not None else None


def delete_expired(store: Store, now: dt.datetime | None = None) -> int:
    """Remove the images whose time is up; how many."""
    t = CHART_IMAGES
    with store.begin() as conn:
        return conn.execute(delete(t).where(t.c.expires_at <= utc(now))).rowcount or 0
