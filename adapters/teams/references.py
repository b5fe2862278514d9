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
from sqlalchemy.exc import IntegrityError

from custseg.store.db import Store
from custseg.store.models import CONVERSATION_REFS

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
) -> None:
    """Store (or refresh) the reference for ``channel_id`` and mark the app installed there."""
    t = CONVERSATION_REFS
    now = dt.datetime.now().replace(microsecond=0)
    where = (t.c.platform == PLATFORM) & (t.c.channel_id == channel_id)
    values: dict[str, Any] = {"reference": reference, "installed": True, "updated_at": now}
    values.update({k: v for k, v in (("kind", kind), ("name", name), ("tenant_id", tenant_id)) if v})
    with store.begin() as conn:
        if conn.execute(update(t).where(where).values(**values)).rowcount:
            return
        try:
            with conn.begin_nested():
                conn.execute(
                    t.insert().values(
                        platform=PLATFORM,
                        channel_id=channel_id,
                        created_at=now,
                        **{"kind": kind, "name": name, "tenant_id": tenant_id, **values},
                    )
                )
        except IntegrityError:  # stored concurrently by another request: refresh that row instead
            conn.execute(update(t).where(where).values(**values))


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
    if row is None:
        return None
    return StoredReference(
        row["channel_id"],
        row["kind"],
        row["name"],
        row["tenant_id"],
        dict(row["reference"]),
        row["installed"],
    )
