"""Answer each Slack message once: the first web process to claim it in our store answers it.

Slack resends an event it thinks was missed (``X-Slack-Retry-Num``), and one message can arrive as
two events (a DM that mentions the bot is both ``message.im`` and ``app_mention``). The claim is an
INSERT into ``seen_events`` keyed by the message, so it holds across several web processes and
across a restart between the first delivery and the retry, which an in-process cache would not.
"""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from custseg.store.db import Store
from custseg.store.models import SEEN_EVENTS

KEEP = dt.timedelta(days=1)
PURGE_EVERY = 200


class Claims:
    """Claims on incoming events in ``store``; rows older than ``keep`` (a day) are purged now and
    then, or never when ``keep`` is None (something done once per person, such as the welcome)."""

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
                    SEEN_EVENTS.insert().values(platform=self.platform, event_key=key[:255], seen_at=now)
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
            conn.execute(delete(t).where(t.c.platform == self.platform, t.c.event_key == key[:255]))
