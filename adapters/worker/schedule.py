"""When a subscription is due, as pure functions of the subscription, the last run and the clock.

A subscription's schedule is a cron trigger in its own time zone with day names (``mon`` …
``sun``, or every day), so 09:00 stays 09:00 local time across daylight-saving switches. Each run
belongs to a period, the unit that is posted at most once: the ISO week for weekly schedules, the
local day for daily ones.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

# Older missed runs are coalesced into the latest anyway; no need to walk back further.
LOOKBACK = dt.timedelta(days=35)


def trigger_for(day: str, time: str, timezone: str) -> CronTrigger:
    """The cron trigger of a schedule: ``day`` a day name or ``daily``, ``time`` HH:MM local."""
    hour, minute = (int(part) for part in time.split(":"))
    return CronTrigger(
        day_of_week="*" if day == "daily" else day, hour=hour, minute=minute, timezone=ZoneInfo(timezone)
    )


def due_runs(trigger: CronTrigger, since: dt.datetime, until: dt.datetime) -> list[dt.datetime]:
    """The trigger's fire times after ``since`` up to and including ``until`` (aware datetimes)."""
    since = max(since, until - LOOKBACK)
    fire = trigger.get_next_fire_time(None, since + dt.timedelta(microseconds=1))
    out = []
    while fire is not None and fire <= until:
        out.append(fire)
        fire = trigger.get_next_fire_time(fire, fire)
    return out


def period(day: str, fire: dt.datetime, timezone: str) -> str:
    """The period a run belongs to: local date for daily schedules, ISO week (2026-W47) otherwise."""
    local = fire.astimezone(ZoneInfo(timezone))
    if day == "daily":
        return local.date().isoformat()
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def job_name(topic: str, platform: str, channel_id: str) -> str:
    return f"{topic}:{platform}:{channel_id}"


def as_utc(t: dt.datetime) -> dt.datetime:
    """Aware UTC; a naive time is taken as this machine's local time (how subscriptions store it)."""
    return t.astimezone(dt.UTC)
