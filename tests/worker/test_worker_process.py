"""`custseg worker` as the Procfile runs it: a subscription added while it runs is picked up within
the poll interval; killed with SIGKILL and restarted, it posts nothing twice and catches up what
came due while it was down, once."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from custseg.store import open_store
from custseg.store.outbox import list_messages
from tests.helpers.worker import entries, snapshot_refresh, subscribe_at

ROOT = Path(__file__).resolve().parents[2]


def start_worker(tmp: Path, url: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_APP_"))}
    env["CUSTSEG_CONFIG"] = str(tmp / "custseg.toml")
    with open(tmp / "worker.log", "ab") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "adapters.cli.main", "--database", url, "worker"],
            cwd=tmp,
            env={**env, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


def wait_for(check, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.3)


def test_worker_process_picks_up_subscriptions_and_survives_a_kill(tmp_path, settings, book):
    url = f"sqlite:///{tmp_path / 'custseg.db'}"
    (tmp_path / "custseg.toml").write_text("[worker]\npoll_seconds = 2\n\n[delivery]\ninterval_seconds = 1\n")
    store = open_store(url)
    now = dt.datetime.now(dt.UTC)
    refresh = snapshot_refresh(store, settings, book)
    refresh(now - dt.timedelta(days=7))
    refresh(now)
    due = (now - dt.timedelta(minutes=1)).strftime("%H:%M")
    outbox_dir = tmp_path / "var" / "outbox"

    worker = start_worker(tmp_path, url)
    try:
        # Added while the worker runs: posted within the poll interval, once.
        subscribe_at(store, now - dt.timedelta(minutes=10), "console", "C1", "digest", "daily", due, "UTC")
        wait_for(lambda: len(entries(outbox_dir / "console-C1.txt")) == 1)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)

        # Due while the worker is down.
        subscribe_at(store, now - dt.timedelta(minutes=10), "console", "C2", "digest", "daily", due, "UTC")
        worker = start_worker(tmp_path, url)
        wait_for(lambda: len(entries(outbox_dir / "console-C2.txt")) == 1)
        time.sleep(5)  # a few more polls: nothing is posted again
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(20)
    assert worker.returncode == 0
    assert len(entries(outbox_dir / "console-C1.txt")) == 1
    assert len(entries(outbox_dir / "console-C2.txt")) == 1
    assert {m["status"] for m in list_messages(store)} == {"sent"}
    assert "Key-account digest" in (outbox_dir / "console-C1.txt").read_text()
    store.dispose()
