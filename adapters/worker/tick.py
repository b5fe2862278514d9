"""One pass of the worker: refresh the snapshot if the nightly time passed, sweep the win-back
actions once a day (queueing updates of the messages showing what it changed), queue every due
digest and churn alert once, then deliver what is due.

``Worker.tick(now)`` decides everything from the subscriptions, the stored last runs and ``now``,
so the scheduler process only has to call it often, and tests can drive it with a simulated clock.
Two workers (or two ticks) never queue a run twice: queuing happens in the transaction that moves
the job's last-run time forward, which only one of them can do.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from adapters.logs import bind
from adapters.worker.backoff import Backoff
from adapters.worker.schedule import as_utc, due_runs, job_name, period, trigger_for
from bot.app import App, build
from bot.delivery import Poster
from bot.outbox import Outcome, deliver_due, reply_to_json, utcnow
from bot.services.scheduled import Message
from config.settings import Settings
from custseg.errors import NoSnapshotError, StoreError
from custseg.store import outbox
from custseg.store.db import Store
from custseg.store.schedule_state import beat, claim_run, last_runs, open_episodes, update_episodes
from custseg.store.subscriptions import list_subscriptions

log = logging.getLogger("custseg.worker")

REFRESH_JOB = "refresh"
SWEEP_JOB = "actions-sweep"
# The daily sweep re-queues lost copy updates of decisions this recent (two days: a missed day too).
CATCH_UP = dt.timedelta(days=2)


@dataclass
class TickReport:
    refreshed: bool = False
    swept: dict[str, int] | None = None
    queued: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    delivered: list[Outcome] = field(default_factory=list)


def default_refresh(store: Store, settings: Settings) -> Callable[[dt.datetime], None]:
    """Rebuild today's snapshot from the configured source (what `custseg segment` does)."""

    def refresh(_now: dt.datetime) -> None:
        from custseg.pipeline import segment

        snap, _ = segment(store, settings)
        log.info("snapshot %s refreshed: %d customers", snap.as_of, len(snap))

    return refresh


class Worker:
    """Scheduled posts for every subscription in ``store``.

    Parameters
    ----------
    posters : mapping
        Platform name → Poster; posts for platforms without one wait in the outbox.
    refresh : callable, optional
        ``refresh(now)`` rebuilds the snapshot; defaults to `custseg segment` on the configured source.
    clock : callable, optional
        Aware "now" (UTC by default); ``tick(now)`` overrides it for one pass.
    app : bot.app.App, optional
        The bot's services (``bot.app.build(store, settings)`` by default): the scheduled-posts
        service composes what each run posts; this class decides when, and queues it.
    """

    def __init__(
        self,
        store: Store,
        settings: Settings,
        posters: Mapping[str, Poster],
        refresh: Callable[[dt.datetime], None] | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
        app: App | None = None,
    ):
        self.store = store
        self.settings = settings
        self.posters = dict(posters)
        self.refresh = refresh or default_refresh(store, settings)
        self.clock = clock
        self.app = app if app is not None else build(store, settings)
        self._lock = threading.Lock()
        # One deliverer per process at a time (the tick's delivery and the scheduler's deliver job
        # would otherwise drain side by side); across processes the outbox's leases decide.
        self._delivering = threading.Lock()
        self.retries = Backoff()

    # -- one pass ----------------------------------------------------------------------------------------
    def tick(self, now: dt.datetime | None = None) -> TickReport:
        """Refresh if due, queue due runs, deliver due posts. Safe to call at any time, from any
        number of threads or processes."""
        with self._lock:
            explicit = now is not None
            now = as_utc(now) if now is not None else self.clock()
            report = TickReport()
            beat(self.store, now)
            marks = last_runs(self.store)
            report.refreshed = self._refresh_if_due(now, marks)
            report.swept = self._sweep_if_due(now, marks)
            for sub in list_subscriptions(self.store):
                with bind(job=job_name(sub["topic"], sub["platform"], sub["channel_id"])):
                    self._run_if_due(sub, now, marks, report)
            report.delivered = self.deliver(now if explicit else None)
            return report

    def deliver(self, now: dt.datetime | None = None) -> list[Outcome]:
        """Deliver what is due, reading the clock for every post (leases, Retry-After and backoff
        run on the real time); ``now`` sets where that clock starts. Nothing when another thread of
        this worker is delivering already (it drains the queue)."""
        clock = self.clock if now is None else _running_from(now)
        if not self._delivering.acquire(blocking=False):
            return []
        try:
            with bind(job="deliver"):
                return deliver_due(self.store, self.posters, self.settings.delivery, clock)
        except StoreError as err:
            # Nothing was lost: a post claimed or sent meanwhile is reconciled after its lease.
            log.warning("delivery paused, the database is unreachable: %s", err)
            return []
        finally:
            self._delivering.release()

    # -- the nightly refresh -----------------------------------------------------------------------------
    def _refresh_if_due(self, now: dt.datetime, marks: dict[str, dt.datetime]) -> bool:
        trigger = trigger_for("daily", self.settings.worker.refresh_time, self.settings.timezone)
        fires = due_runs(trigger, marks.get(REFRESH_JOB, now - dt.timedelta(days=1)), now)
        if not fires or self.retries.waiting(REFRESH_JOB, now):
            return False
        try:
            self.refresh(now)
        except Exception:
            # Digests and alerts still go out, on the newest snapshot there is, until a retry builds.
            wait = self.retries.failed(REFRESH_JOB, now)
            log.exception("the nightly snapshot refresh failed; trying again in %s", wait)
            return True
        self.retries.succeeded(REFRESH_JOB)
        with self.store.begin() as conn:
            claim_run(conn, REFRESH_JOB, fires[-1], now)
        return True

    # -- the daily sweep of win-back actions -------------------------------------------------------------
    def _sweep_if_due(self, now: dt.datetime, marks: dict[str, dt.datetime]) -> dict[str, int] | None:
        """Wake ended snoozes, expire stale suggestions and remove expired chart images, once a day
        after the nightly refresh.

        The day is claimed first, so of several workers one sweeps; a sweep that fails is not
        retried that day, and the next day's catches up (it acts on ages, not on days).
        """
        trigger = trigger_for("daily", self.settings.worker.refresh_time, self.settings.timezone)
        fires = due_runs(trigger, marks.get(SWEEP_JOB, now - dt.timedelta(days=1)), now)
        if not fires:
            return None
        with self.store.begin() as conn:
            if not claim_run(conn, SWEEP_JOB, fires[-1], now):
                return None
        return self.app.scheduled.sweep_actions(now, CATCH_UP)

    # -- one subscription ---------------------------------------------------------------------------------
    def _run_if_due(
        self, sub: dict[str, Any], now: dt.datetime, marks: dict[str, dt.datetime], report: TickReport
    ) -> None:
        topic, platform, channel = sub["topic"], sub["platform"], sub["channel_id"]
        job = job_name(topic, platform, channel)
        created = as_utc(sub["created_at"])
        since = max(marks.get(job, created), created)
        fires = due_runs(trigger_for(sub["day"], sub["time"], sub["timezone"]), since, now)
        if not fires or self.retries.waiting(job, now):
            return
        fire = fires[-1]
        if len(fires) > 1:
            log.info("%s: %d runs were missed; catching up once for %s", job, len(fires), fire)
        grace = dt.timedelta(hours=self.settings.worker.misfire_grace_hours)
        if topic == "digest" and now - fire > grace:
            # Alerts are never stale (the episodes remember who was alerted); a digest for a past
            # week is, so it is skipped, loudly.
            log.warning(
                "%s: skipping the digest due %s, %s late (misfire grace %s)", job, fire, now - fire, grace
            )
            with self.store.begin() as conn:
                claim_run(conn, job, fire, now)
            report.skipped.append(job)
            return
        try:
            queued = self.run(sub, fire, now, marks.get(job) is not None)
        except NoSnapshotError:
            log.warning("%s: no snapshot yet, nothing to post for %s", job, fire)
            with self.store.begin() as conn:
                claim_run(conn, job, fire, now)
            report.skipped.append(job)
            return
        except Exception:
            wait = self.retries.failed(job, now)
            log.exception("%s: building the post due %s failed; trying again in %s", job, fire, wait)
            return
        self.retries.succeeded(job)
        report.queued += queued

    def run(
        self, sub: dict[str, Any], fire: dt.datetime, now: dt.datetime, alerted_before: bool
    ) -> list[str]:
        """Queue the post(s) of one run, in the transaction that claims the run; the queued keys.

        Nothing is queued if another worker claimed this run first.
        """
        topic, platform, channel = sub["topic"], sub["platform"], sub["channel_id"]
        job = job_name(topic, platform, channel)
        key = f"{job}:{period(sub['day'], fire, sub['timezone'])}"
        subscriber = sub.get("created_by")
        digest = self.app.scheduled.digest(platform, channel, key, subscriber) if topic == "digest" else None
        if topic == "alerts":
            self.propose_alerted(platform, channel, alerted_before, subscriber)
        with self.store.begin() as conn:
            if not claim_run(conn, job, fire, now):
                return []
            if digest is not None:
                return [
                    m.key
                    for m in digest
                    if outbox.add(conn, platform, channel, m.key, reply_to_json(m.reply), now=now)
                ]
            return self._queue_alerts(conn, platform, channel, key, now, alerted_before, subscriber)

    def _queue_alerts(
        self,
        conn: Connection,
        platform: str,
        channel: str,
        key: str,
        now: dt.datetime,
        alerted_before: bool,
        subscriber: str | None = None,
    ) -> list[str]:
        # Episodes are read inside the claiming transaction, so the plan sees the previous run's writes.
        episodes = open_episodes(conn, platform, channel) if alerted_before else None
        messages, plan = self.app.scheduled.alerts(platform, channel, key, episodes, subscriber)
        queued, unsent = [], set()
        for m in messages:
            if outbox.add(conn, platform, channel, m.key, reply_to_json(m.reply), now=now):
                queued.append(m.key)
            else:  # this period's alert for them already went out: they stay new for the next one
                unsent.update(m.customers)
        started = {cid: state for cid, state in plan.started.items() if cid not in unsent}
        update_episodes(conn, platform, channel, started, plan.ended)
        return queued

    def propose_alerted(
        self, platform: str, channel: str, alerted_before: bool, subscriber: str | None = None
    ) -> None:
        """Store (or reuse) the suggestion of each customer the channel's next alert names. Done
        before the run is claimed: the claiming transaction stays short and the only writer (SQLite
        allows one); a customer another worker alerted meanwhile just keeps an open suggestion, as
        one alert would have left."""
        episodes = open_episodes(self.store, platform, channel) if alerted_before else None
        self.app.scheduled.propose_alerted(platform, channel, episodes, subscriber)

    def preview(
        self, topic: str, platform: str, channel: str, now: dt.datetime | None = None
    ) -> list[Message]:
        """What the channel would get if its ``topic`` ran now (nothing is written)."""
        now = as_utc(now) if now is not None else self.clock()
        sub = next(
            (s for s in list_subscriptions(self.store, platform, channel) if s["topic"] == topic),
            {
                "day": "mon" if topic == "digest" else self.settings.worker.alert_day,
                "timezone": self.settings.timezone,
            },
        )
        job = job_name(topic, platform, channel)
        key = f"{job}:{period(sub['day'], now, sub['timezone'])}"
        if topic == "digest":
            return self.app.scheduled.digest(platform, channel, key)
        alerted_before = job in last_runs(self.store)
        episodes = open_episodes(self.store, platform, channel) if alerted_before else None
        return self.app.scheduled.alerts(platform, channel, key, episodes)[0]


def _running_from(start: dt.datetime) -> Callable[[], dt.datetime]:
    """A clock that starts at ``start`` and runs at the real pace (a tick given its "now")."""
    began = time.monotonic()
    return lambda: start + dt.timedelta(seconds=time.monotonic() - began)
