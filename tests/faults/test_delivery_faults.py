"""Exactly once under faults: two real worker processes drain the outbox into the fake Slack Web API
while it answers 429 with Retry-After, 500 and 503, answers too slowly (after taking the post),
drops connections before and after taking the post, and the workers are SIGKILLed at random and
inside the send (after Slack took the post, before the worker heard back). Killed workers are
restarted. On SQLite and PostgreSQL every expected post must land exactly once, none parked.

Scaled down from the issue's 20 channels x 3 weeks (420 posts) to 20 channels x 5 days (100 posts
per database) so both databases run in under a minute on a shared 2-core machine; every kind of
fault still hits several times per run (about a third of all posts meet one). The figures are
printed (``pytest -s``) and asserted; ``CUSTSEG_FAULT_SEED`` picks another fault plan.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from adapters.worker.tick import REFRESH_JOB, SWEEP_JOB
from bot.outbox import enqueue
from bot.reply import Reply
from custseg.store import Store, outbox
from custseg.store.schedule_state import claim_run
from tests.fakes.slack_api import FakeSlackAPI, Fault
from tests.faults.workers import Workers

CHANNELS = 20
DAYS = 5
SEED = int(os.environ.get("CUSTSEG_FAULT_SEED", "17"))  # another seed, another fault plan
DEADLINE = 45.0  # seconds for one database, bounding the test; a run needs a fraction of it
SLACK_TIMEOUT = 0.6  # the workers' Web API timeout: a slow answer (SLOW) outlasts it
SLOW = 1.0
CONFIG = """
[worker]
poll_seconds = 30

[delivery]
interval_seconds = 0.2
lease_seconds = 4
backoff_seconds = 0.2
max_backoff_seconds = 1.5
max_attempts = 30
"""


class Chaos:
    """The fake's fault plan: a seeded share of calls get a fault, up to a budget of each kind."""

    POST_FAULTS = ("429", "500", "503", "slow", "reset_before", "reset_after", "kill_in_send")

    def __init__(self, rng: random.Random, kill: Callable[[str], None], budget: dict[str, int]):
        self.rng = rng
        self.kill = kill
        self.budget = dict(budget)
        self.injected: Counter[str] = Counter()

    def _take(self, kind: str) -> bool:
        if self.budget.get(kind, 0) <= 0:
            return False
        self.budget[kind] -= 1
        self.injected[kind] += 1
        return True

    def __call__(self, method: str, args: dict) -> Fault | None:
        if method == "chat.postMessage" and self.rng.random() < 0.35:
            kind = self.rng.choice(self.POST_FAULTS)
            if not self._take(kind):
                return None
            if kind == "429":
                return Fault(status=429, retry_after=1)
            if kind in ("500", "503"):
                return Fault(status=int(kind))
            if kind == "slow":
                return Fault(delay=SLOW)  # taken, but the answer comes after the client gave up
            if kind == "reset_before":
                return Fault(accept=False, reset=True)
            if kind == "reset_after":
                return Fault(reset=True)
            return Fault(then=lambda call: self.kill(call.caller), delay=0.3, reset=True)
        if method in ("conversations.history", "conversations.info") and self.rng.random() < 0.1:
            kind = self.rng.choice(("429", "503"))
            if self._take(f"{method} {kind}"):
                return Fault(status=int(kind), retry_after=1 if kind == "429" else None)
        return None


def queue_posts(store: Store) -> list[str]:
    keys = []
    for c in range(CHANNELS):
        for d in range(DAYS):
            key = f"digest:slack:C{c:02d}:2027-03-{d + 1:02d}"
            enqueue(
                store, "slack", f"C{c:02d}", key, Reply(context="Digest", text=f"day {d + 1} for C{c:02d}")
            )
            keys.append(key)
    # The nightly refresh and the sweep are not what this test is about: mark them done for today.
    now = dt.datetime.now(dt.UTC)
    with store.begin() as conn:
        claim_run(conn, REFRESH_JOB, now, now)
        claim_run(conn, SWEEP_JOB, now, now)
    return keys


def run_under_faults(store: Store, tmp: Path) -> dict:
    keys = queue_posts(store)
    (tmp / "custseg.toml").write_text(CONFIG)
    fake = FakeSlackAPI().start()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "CUSTSEG_CONFIG": str(tmp / "custseg.toml"),
        "CUSTSEG_LOG_FORMAT": "text",
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_TIMEOUT": str(SLACK_TIMEOUT),
    }
    workers = Workers(tmp, store.url, env)
    rng = random.Random(SEED)
    budget = {k: 3 for k in Chaos.POST_FAULTS} | {"kill_in_send": 5, "429": 4}
    budget |= {f"{m} {k}": 2 for m in ("conversations.history", "conversations.info") for k in ("429", "503")}
    chaos = Chaos(rng, lambda name: workers.kill(name, "in the send"), budget)
    fake.chaos = chaos
    names = ("w1", "w2")

    def start(name: str) -> None:
        workers.start(name, {"SLACK_API_URL": fake.api_url_for(name)})

    random_kills = 3
    started = time.monotonic()
    next_kill = started + 2.5
    try:
        for name in names:
            start(name)
        while time.monotonic() - started < DEADLINE:
            counts = outbox.counts(store)
            if counts["pending"] == 0 and counts["sending"] == 0:
                break
            for name in names:
                if name not in workers.alive() and workers.started < 30:
                    start(name)
            if random_kills and time.monotonic() > next_kill:
                workers.kill(rng.choice(names))
                random_kills -= 1
                next_kill = time.monotonic() + rng.uniform(1.0, 2.5)
            time.sleep(0.1)
        elapsed = time.monotonic() - started
    finally:
        fake.chaos = None
        workers.stop()
        fake.stop()
    posted = fake.posts_by_key()
    rows = {r["key"]: r for r in outbox.list_messages(store, limit=10 * len(keys))}
    accepted_ts = {
        m["ts"]: (m.get("metadata") or {}).get("event_payload", {}).get("key")
        for msgs in fake.messages.values()
        for m in msgs
    }
    logs = workers.logs()
    return {
        "database": store.dialect,
        "expected": len(keys),
        "posted": sum(posted.values()),
        "duplicates": sum(n - 1 for n in posted.values() if n > 1),
        "missing": sum(1 for k in keys if posted.get(k, 0) == 0),
        "parked": sum(1 for r in rows.values() if r["status"] == "failed"),
        "unfinished": sum(1 for r in rows.values() if r["status"] in ("pending", "sending")),
        "recorded_elsewhere": sum(
            1 for k, r in rows.items() if r["status"] == "sent" and accepted_ts.get(r["message_id"]) != k
        ),
        "found_not_reposted": logs.count("had been posted by an earlier attempt"),
        "injected": dict(sorted(chaos.injected.items())),
        "kills": dict(Counter(workers.killed)),
        "worker_starts": workers.started,
        "seconds": round(elapsed, 1),
        "post_calls": len(fake.calls_to("chat.postMessage", ok_only=False)),
        "timeline": Counter(int(c.at - fake.calls[0].at) for c in fake.calls_to("chat.postMessage")),
    }


def test_every_post_lands_once_through_rate_limits_errors_resets_and_kills(any_store, tmp_path):
    report = run_under_faults(any_store, tmp_path)
    print("\nfault run:", json.dumps(report))
    assert report["unfinished"] == 0, report
    assert report["duplicates"] == 0 and report["missing"] == 0 and report["parked"] == 0, report
    assert report["recorded_elsewhere"] == 0, report  # each row names the message that carries its key
    # The run was a real one: the workers were killed inside the send and posts whose answer was
    # lost were found in the channel instead of being posted again.
    assert report["kills"].get("in the send", 0) >= 1 and report["found_not_reposted"] >= 1, report
