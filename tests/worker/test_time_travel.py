"""Six simulated weeks of the worker on a frozen clock: every digest and churn alert is posted once,
at the right local time, across two daylight-saving switches and two time-zone changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from adapters.console.poster import FilePoster
from adapters.worker.tick import Worker
from custseg.store.outbox import list_messages
from tests.helpers.worker import STOPPERS, SimClock, entries, snapshot_refresh, subscribe_at

UTC = dt.UTC
NEW_YORK, BERLIN = "America/New_York", "Europe/Berlin"
STEP = dt.timedelta(minutes=37)  # deliberately out of step with the schedules


def local(t: dt.datetime, tz: str) -> dt.datetime:
    return t.replace(tzinfo=UTC).astimezone(ZoneInfo(tz))


def test_weeks_of_digests_and_alerts_are_posted_once_on_local_time(any_store, settings, book, tmp_path):
    start = dt.datetime(2027, 3, 1, 0, 5, tzinfo=UTC)  # a Monday; US clocks change Mar 14, EU Mar 28
    end = dt.datetime(2027, 4, 12, 18, 0, tzinfo=UTC)
    clock = SimClock(start)
    refresh = snapshot_refresh(any_store, settings, book)
    refresh(start - dt.timedelta(days=7))  # last week's snapshot, for the first digest to compare with
    subscribe_at(any_store, start, "console", "C_DIGEST", "digest", "mon", "09:00", NEW_YORK)
    subscribe_at(any_store, start, "console", "C_ALERTS", "alerts", "daily", "08:00", BERLIN)
    worker = Worker(any_store, settings, {"console": FilePoster("console", tmp_path)}, refresh, clock)

    changes = {
        # Mid-week: the digest channel moves to Berlin time.
        dt.datetime(2027, 3, 17, 12, 0, tzinfo=UTC): BERLIN,
        # Monday 07:30 UTC, just after the Berlin digest went out (09:00 CEST = 07:00 UTC): moving back to
        # New York (09:00 there is 13:00 UTC, the same ISO week) must not post it a second time.
        dt.datetime(2027, 4, 5, 7, 30, tzinfo=UTC): NEW_YORK,
    }
    refreshed_days = set()
    while clock.now < end:
        for when, tz in list(changes.items()):
            if clock.now >= when:
                subscribe_at(any_store, start, "console", "C_DIGEST", "digest", "mon", "09:00", tz)
                del changes[when]
        report = worker.tick()
        if report.refreshed:
            refreshed_days.add(clock.now.date())
        clock.advance(seconds=STEP.total_seconds())

    sent = list_messages(any_store, "sent", limit=1000)
    assert len(list_messages(any_store, limit=1000)) == len(sent), "everything queued was delivered"

    # Digests: one per ISO week, Monday 09:00 local in the zone in force, whatever the UTC offset.
    digests = sorted((m for m in sent if m["key"].startswith("digest:")), key=lambda m: m["sent_at"])
    weeks = [m["key"].rsplit(":", 1)[1] for m in digests]
    assert weeks == [f"2027-W{w:02d}" for w in range(9, 16)]
    zones = [NEW_YORK] * 3 + [BERLIN] * 3 + [NEW_YORK]
    for message, tz in zip(digests, zones, strict=True):
        at = local(message["sent_at"], tz)
        assert (
            at.weekday() == 0 and dt.time(9, 0) <= at.time() < (dt.datetime(2000, 1, 1, 9) + STEP).time()
        ), (
            message["key"],
            at,
        )
    utc_hours = [m["sent_at"].hour for m in digests]
    assert utc_hours[:3] == [14, 14, 13]  # New York: EST, then EDT from March 14
    assert utc_hours[3:6] == [8, 7, 7]  # Berlin: CET, then CEST from March 28
    posted = [e for e in entries(tmp_path / "console-C_DIGEST.txt") if e.startswith("post #")]
    assert len(posted) == 7

    # Alerts: each sliding customer exactly once, the morning after the snapshot shows them dormant,
    # at 08:00 Berlin time; customers buying on rhythm never.
    alerts = [m for m in sent if m["key"].startswith("alerts:")]
    assert alerts
    alerted: dict[str, list[dt.date]] = {}
    for message in alerts:
        at = local(message["sent_at"], BERLIN)
        assert dt.time(8, 0) <= at.time() < (dt.datetime(2000, 1, 1, 8) + STEP).time(), (message["key"], at)
        full = list_messages(any_store, limit=1000, with_reply=True)
        (row,) = [r for r in full if r["key"] == message["key"]]
        for cells in row["reply"]["table"]["rows"]:
            alerted.setdefault(cells[0].removesuffix(" ★").removeprefix("Customer "), []).append(at.date())
    last_order = book.orders.groupby("customer_id")["ordered_at"].max().dt.date
    # Weekly buyers are dormant once over 4 × 7 days have passed since their last order.
    dormant_from = {cid: last_order[cid] + dt.timedelta(days=29) for cid in STOPPERS}
    assert set(alerted) == {cid for cid, day in dormant_from.items() if day <= end.date()}
    for cid, days in alerted.items():
        assert days == [dormant_from[cid]], f"{cid} alerted on {days}"
    # One refresh a night, before the morning's posts.
    assert len(refreshed_days) >= (end - start).days
