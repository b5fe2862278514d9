"""Answer each incoming chat event once: the first web process to claim it in ``seen_events`` answers it.

Chat platforms resend what they think was missed (Slack's ``X-Slack-Retry-Num``, a Teams activity
redelivered after a timeout), and one Slack message can arrive as two events. The claim is an
INSERT keyed by platform and event, so it holds across several web processes and across a restart
between the first delivery and the resend, which an in-process cache would not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from custseg.store.db import Store
from custseg.store.models import SEEN_EVENTS

KEEP = dt.timedelta(days=1)
PURGE_EVERY = 200
MAX_KEY = 255


def event_key(*parts: str) -> str:
    """One key for an event named by ``parts`` (e.g. a conversation and an activity id), hashed
    when it would not fit the column: cutting it could make two events one."""
    key = "|".join(parts)
    return key if len(key) <= MAX_KEY else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


class Claims:
    """Claims on incoming events of ``platform`` in ``store``; rows older than ``keep`` (a day: the
    platforms stop resending long before) are purged now and then, or never when ``keep`` is None
    (something done once per person, such as the welcome)."""

    def __init__(self, store: Store, platform: str = "slack", keep: dt.timedelta | None = KEEP):
        self.store = store
        self.platform = platform
        self.keep = keep
        self._count = itertools.count()

    def claim(self, key: str) -> bool:
        """True for the first claim on ``key`` (answer it), False for every later one (skip it)."""
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        try:
            with self.store.begin() as conn:
                conn.execute(
                    SEEN_EVENTS.insert().values(platform=self.platform, event_key=key[:MAX_KEY], seen_at=now)
                )
        except IntegrityError:
            return False
        if self.keep is not None and next(self._count) % PURGE_EVERY == 0:
            t = SEEN_EVENTS
            # Only this kind's rows: another kind may keep its own for longer (or for good).
            with self.store.begin() as conn:
                conn.execute(delete(t).where(t.c.platform == self.platform, t.c.seen_at < now - self.keep))
        return True

    def release(self, key: str) -> None:
        """Forget the claim on ``key`` (what it stood for did not happen), so the next claim wins."""
        t = SEEN_EVENTS
        with self.store.begin() as conn:
            conn.execute(delete(t).where(t.c.platform == self.platform, t.c.event_key == key[:MAX_KEY]))
