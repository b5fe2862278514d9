"""When a failed job of the worker (the nightly snapshot refresh, building a channel's post) is tried
again: seconds after the first failure, doubling up to minutes, so a database that was away for a
moment costs a moment, and one that stays broken is not hammered."""

from __future__ import annotations

import datetime as dt

FIRST = dt.timedelta(seconds=5)
LONGEST = dt.timedelta(minutes=5)


class Backoff:
    """Failures per job name, and when each job may run again (in this process only: a restarted
    worker tries at once, which is what a restart is for)."""

    def __init__(self, first: dt.timedelta = FIRST, longest: dt.timedelta = LONGEST):
        self.first = first
        self.longest = longest
        self._failed: dict[str, tuple[int, dt.datetime]] = {}

    def waiting(self, job: str, now: dt.datetime) -> bool:
        """Whether ``job`` failed recently and must wait longer before the next try."""
        failed = self._failed.get(job)
        return failed is not None and failed[1] > now

    def failed(self, job: str, now: dt.datetime) -> dt.timedelta:
        """Record a failure at ``now``; how long until the next try (``first``, doubling, ≤ ``longest``)."""
        count = self._failed.get(job, (0, now))[0] + 1
        wait = min(self.first * 2 ** (count - 1), self.longest)
        self._failed[job] = (count, now + wait)
        return wait

    def succeeded(self, job: str) -> None:
        self._failed.pop(job, None)
