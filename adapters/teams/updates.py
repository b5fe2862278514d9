"""Card updates after a button press, sent by the web process in the background.

Teams gives up on an invoke after about 5 seconds, and rewriting a card can meet rate limits (429
with Retry-After) and slow answers. So a press is answered at once with the refreshed card in the
invoke response (what the presser sees), and everything else it changes — the pressed message as
everyone else sees it, the suggestion's copies elsewhere — is queued on the outbox as updates.
``CardUpdates`` sends the queued Teams updates right away from the web process and tries failed
ones again when the outbox's backoff says; the worker would send them too, and the outbox's claims
keep each update to one sender.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from adapters.logs import bind
from bot.delivery import Poster
from bot.outbox import Outcome, deliver_one, utcnow
from config.sections import DeliverySettings
from custseg.store.db import Store

log = logging.getLogger("custseg.teams")
# Updates sent per pass at most, so one pass cannot keep going for ever.
PASS_LIMIT = 200


class CardUpdates:
    """The web process's sender of queued Teams card updates (one pass at a time).

    Parameters
    ----------
    store : Store
        Where the outbox is.
    poster : Poster
        The Teams poster (``adapters.teams.poster.TeamsPoster``) that rewrites a card.
    settings : DeliverySettings
        Leases, attempts and backoff, the same as the worker's.
    """

    def __init__(self, store: Store, poster: Poster, settings: DeliverySettings):
        self.store = store
        self.poster = poster
        self.settings = settings
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        # Monotonic times (s) at which an update that failed is due again.
        self._retries: list[float] = []

    def nudge(self) -> None:
        """Send what is queued now (from the web process's event loop), without waiting for it."""
        if self._task is None or self._task.done():
            self._wake = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(self._run())
        assert self._wake is not None
        self._wake.set()

    async def close(self) -> None:
        """Stop after the update in flight (what is left stays queued for the worker)."""
        self._stopping = True
        if self._task is not None and self._wake is not None:
            self._wake.set()
            await self._task

    async def _run(self) -> None:
        assert self._wake is not None
        while not self._stopping:
            now = time.monotonic()
            self._retries = [t for t in self._retries if t > now]
            timeout = min(self._retries) - now if self._retries else None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
            if self._stopping:
                break
            self._wake.clear()
            outcomes = await asyncio.to_thread(self._deliver)
            self._retries += [self._due_in(o) for o in outcomes if o.status == "retry"]

    def _deliver(self) -> list[Outcome]:
        """Send the due updates one by one until none is due or the web process stops."""
        outcomes: list[Outcome] = []
        while not self._stopping and len(outcomes) < PASS_LIMIT:
            try:
                with bind(job="teams-card-updates"):
                    outcome = deliver_one(
                        self.store, {"teams": self.poster}, self.settings, kinds=("update",)
                    )
            except Exception as err:  # the database, most likely: the updates stay queued for the worker
                log.warning("could not send queued Teams card updates: %s", type(err).__name__)
                break
            if outcome is None:
                break
            outcomes.append(outcome)
        return outcomes

    @staticmethod
    def _due_in(outcome: Outcome) -> float:
        """The monotonic time at which a retried update is due (its outbox ``next_attempt_at``)."""
        assert outcome.next_attempt_at is not None
        wait = (outcome.next_attempt_at - utcnow()).total_seconds()
        return time.monotonic() + max(wait, 0.0)
