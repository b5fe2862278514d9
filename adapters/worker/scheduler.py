"""The worker process: one APScheduler 3 ``BlockingScheduler`` that calls ``Worker.tick``.

Jobs: a poll every ``poll_seconds`` (≤ 60) that re-reads the subscriptions, keeps one cron job per
subscription in step with them (added, changed, removed without a restart) and ticks; the cron jobs
themselves (each in its subscription's time zone, day names, so posts go out on the minute); the
nightly snapshot refresh; and the delivery loop draining the outbox. Every job only calls into
``Worker``, whose decisions come from the database, so a restart loses nothing: what was missed is
caught up once by the first tick.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from adapters.worker.schedule import job_name, trigger_for
from adapters.worker.tick import Worker
from custseg.store.subscriptions import list_subscriptions

log = logging.getLogger("custseg.worker")
SUBSCRIPTION_JOB = "subscription:"


def sync_jobs(scheduler: Any, worker: Worker) -> list[str]:
    """Make the scheduler's subscription jobs match the database; the names of jobs changed."""
    wanted = {}
    for sub in list_subscriptions(worker.store):
        job_id = SUBSCRIPTION_JOB + job_name(sub["topic"], sub["platform"], sub["channel_id"])
        wanted[job_id] = trigger_for(sub["day"], sub["time"], sub["timezone"])
    changed = []
    for job in scheduler.get_jobs():
        if job.id.startswith(SUBSCRIPTION_JOB) and job.id not in wanted:
            job.remove()
            changed.append(f"removed {job.id}")
    for job_id, trigger in wanted.items():
        job = scheduler.get_job(job_id)
        if job is None or str(job.trigger) != str(trigger):
            scheduler.add_job(worker.tick, trigger, id=job_id, name=job_id, replace_existing=True)
            changed.append(f"scheduled {job_id} ({trigger})")
    for line in changed:
        log.info("%s", line)
    return changed


def build_scheduler(worker: Worker) -> BlockingScheduler:
    settings = worker.settings
    scheduler = BlockingScheduler(
        timezone=dt.UTC,
        executors={"default": ThreadPoolExecutor(2)},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": int(settings.worker.misfire_grace_hours * 3600),
        },
    )

    def poll() -> None:
        sync_jobs(scheduler, worker)
        worker.tick()

    scheduler.add_job(
        poll,
        IntervalTrigger(seconds=settings.worker.poll_seconds),
        id="poll",
        next_run_time=dt.datetime.now(dt.UTC),
    )
    scheduler.add_job(
        worker.tick,
        trigger_for("daily", settings.worker.refresh_time, settings.timezone),
        id="refresh",
    )
    scheduler.add_job(
        worker.deliver, IntervalTrigger(seconds=settings.delivery.interval_seconds), id="deliver"
    )
    return scheduler


def run(worker: Worker) -> None:
    """Run until SIGTERM or Ctrl-C; a delivery in flight finishes first."""
    scheduler = build_scheduler(worker)

    def stop(signum: int, _frame: Any) -> None:
        log.info("stopping (signal %d): letting running jobs finish", signum)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    try:
        scheduler.start()
    except KeyboardInterrupt:
        scheduler.shutdown(wait=False)
