"""Where the Teams app is installed: conversation references kept for posting later unasked.

A reference is stored when the app is installed in a team, group chat or personal chat, and when it
is first messaged in a conversation; removing the app marks it uninstalled. The worker's poster reads
it back to post digests and alerts (``adapters.teams.poster``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from custseg.store.db import Store
from custseg.store.models import CONVERSATION_REFS
from custseg.store.rows import update_or_insert

PLATFORM = "teams"


def channel_key(conversation_id: str) -> str:
    """The channel a conversation belongs to: a Teams channel thread (``19:…;messageid=…``) posts
    back into its channel, so subscriptions and stored references use the part before ``;``."""
    return conversation_id.split(";", 1)[0]


@dataclass(frozen=True)
class StoredReference:
    channel_id: str
    kind: str | None
    name: str | None
    tenant_id: str | None
    reference: dict[str, Any]
    installed: bool


def save_reference(
    store: Store,
    channel_id: str,
    reference: dict[str, Any],
    *,
    kind: str | None = None,
    name: str | None = None,
    tenant_id: str | None = None,
    user_id: str | None = None,
    aad_object_id: str | None = None,
) -> None:
    """Store (or refresh) the reference for ``channel_id`` and mark the app installed there;
    ``user_id`` / ``aad_object_id`` name the person of a personal chat."""
    t = CONVERSATION_REFS
    now = dt.datetime.now().replace(microsecond=0)
    where = (t.c.platform == PLATFORM) & (t.c.channel_id == channel_id)
    values: dict[str, Any] = {"reference": reference, "installed": True, "updated_at": now}
    given = {
        "kind": kind,
        "name": name,
        "tenant_id": tenant_id,
        "user_id": user_id,
        "aad_object_id": aad_object_id,
    }
    values.update({k: v for k, v in given.items() if v})
    with store.begin() as conn:
        new_row = {"platform": PLATFORM, "channel_id": channel_id, "created_at": now, **given}
        update_or_insert(conn, t, where, values, new_row)


def mark_uninstalled(store: Store, channel_id: str) -> bool:
    """The app was removed from ``channel_id``; False if it was never known there."""
    t = CONVERSATION_REFS
    with store.begin() as conn:
        changed = conn.execute(
            update(t)
            .where((t.c.platform == PLATFORM) & (t.c.channel_id == channel_id))
            .values(installed=False, updated_at=dt.datetime.now().replace(microsecond=0))
        ).rowcount
    return bool(changed)


def get_reference(store: Store, channel_id: str) -> StoredReference | None:
    t = CONVERSATION_REFS
    with store.connect() as conn:
        row = (
            conn.execute(
                select(t).where((t.c.platform == PLATFORM) & (t.c.channel_id == channel_key(channel_id)))
            )
            .mappings()
            .first()
        )
    return None if row is None else _stored(row)


def personal_reference(store: Store, user_id: str) -> StoredReference | None:
    """The personal chat where the app is installed with the person whose Teams user id or Entra
    object id is ``user_id`` (the most recently used one), or None."""
    t = CONVERSATION_REFS
    with store.connect() as conn:
        row = (
            conn.execute(
                select(t)
                .where(
                    (t.c.platform == PLATFORM)
                    & (t.c.kind == "personal")
                    & t.c.installed.is_(True)
                    & ((t.c.user_id == user_id) | (t.c.aad_object_id == user_id))
                )
                .order_by(t.c.updated_at.desc(), t.c.id.desc())
            )
            .mappings()
            .first()
        )
    return None if row is None else _stored(row)


def tenant_reference(store: Store, tenant_id: str | None) -> StoredReference | None:
    """The most recently used conversation where the app is installed in ``tenant_id`` (any tenant
    when None): its service URL and bot account are where a new personal chat is started."""
    t = CONVERSATION_REFS
    where = (t.c.platform == PLATFORM) & t.c.installed.is_(True)
    if tenant_id:
        where &= t.c.tenant_id == tenant_id
    else:
        where &= t.c.tenant_id.is_not(None)
    with store.connect() as conn:
        row = (
            conn.execute(select(t).where(where).order_by(t.c.updated_at.desc(), t.c.id.desc()))
            .mappings()
            .first()
        )
    return None if row is None else _stored(row)


def _stored(row: Any) -> StoredReference:
    return StoredReference(
        row["channel_id"],
        row["kind"],
        row["name"],
        row["tenant_id"],
        dict(row["reference"]),
        row["installed"],
    )
