"""Exported files the web process serves by a short-lived link (``/exports/{token}/{filename}``),
for chat platforms where a bot cannot simply attach a file (Teams).

The token is the only thing protecting the file (a browser fetches it without our credentials),
so it is ``secrets.token_urlsafe`` of 32 random bytes, logged only by its prefix (``short``), and a
file lives minutes. Times are UTC (naive in the database, aware or naive here).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, insert, select

from custseg.store.db import Store
from custseg.store.models import EXPORT_FILES
from custseg.store.rows import utc

TOKEN_BYTES = 32
SHOWN_CHARS = 6


@dataclass(frozen=True)
class StoredFile:
    filename: str
    media_type: str
    content: bytes


def short(token: str) -> str:
    """The token as logs may show it: its first few characters."""
    return f"{token[:SHOWN_CHARS]}…"


def save(
    store: Store,
    file: StoredFile,
    rows: int,
    asked_by: tuple[str, str],
    ttl: dt.timedelta,
    now: dt.datetime | None = None,
) -> tuple[str, dt.datetime]:
    """Store ``file`` (``rows`` data rows, asked for by (platform, user id)) for ``ttl`` from
    ``now``; its token and when it expires (naive UTC). Every export gets a token of its own."""
    now = utc(now)
    token, expires = secrets.token_urlsafe(TOKEN_BYTES), now + ttl
    with store.begin() as conn:
        conn.execute(
            insert(EXPORT_FILES).values(
                token=token,
                filename=file.filename,
                media_type=file.media_type,
                content=file.content,
                rows=rows,
                platform=asked_by[0],
                user_id=asked_by[1],
                created_at=now,
                expires_at=expires,
            )
        )
    return token, expires


def load(store: Store, token: str, now: dt.datetime | None = None) -> StoredFile | None:
    """The file stored under ``token``, or None when there is none or it has expired."""
    t = EXPORT_FILES
    with store.connect() as conn:
        row = conn.execute(
            select(t.c.filename, t.c.media_type, t.c.content).where(
                (t.c.token == token) & (t.c.expires_at > utc(now))
            )
        ).first()
    return StoredFile(row.filename, row.media_type, bytes(row.content)) if row is not None else None


def delete_expired(store: Store, now: dt.datetime | None = None) -> int:
    """Remove the files whose time is up; how many."""
    with store.begin() as conn:
        return conn.execute(delete(EXPORT_FILES).where(EXPORT_FILES.c.expires_at <= utc(now))).rowcount or 0
