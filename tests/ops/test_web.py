"""The web process: /health over real HTTP, and it starts (saying what is missing) without any tokens."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web

from adapters.web.app import build_app
from bot.brain import Brain
from config import load_settings
from custseg.store import open_store
from custseg.store.db import Store


@contextmanager
def serving(app: web.Application) -> Iterator[str]:
    """Run ``app`` on a loopback port in a background thread; yields its base URL."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_health_reports_database_and_snapshot_age(sqlite_store: Store) -> None:
    settings = load_settings(env={})
    with serving(build_app(Brain(sqlite_store, settings), settings, env={})) as base:
        status, body = get(base + "/health")
    assert status == 200
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["snapshot_as_of"] is None  # nothing segmented yet


def test_health_fails_loudly_when_the_database_is_gone(tmp_path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'gone.db'}")
    settings = load_settings(env={})
    app = build_app(Brain(store, settings), settings, env={})
    (tmp_path / "gone.db").unlink()
    (tmp_path / "gone.db").mkdir()  # the path now cannot be opened as a database
    store.dispose()
    with serving(app) as base:
        status, body = get(base + "/health")
    assert status == 503 and body["status"] == "failing" and body["database"] == "unreachable"


def test_web_process_starts_without_tokens_and_names_what_is_missing(tmp_path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "CUSTSEG_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
        "HOME": str(tmp_path),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "adapters.cli.main", "web", "--host", "127.0.0.1", "--port", "0"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines: list[str] = []
        assert proc.stderr is not None
        for line in proc.stderr:  # the platform status lines come first, then the address
            lines.append(line)
            if line.startswith("custseg web on"):
                break
        text = "".join(lines)
        assert "custseg web on http://127.0.0.1" in text
        assert "SLACK_BOT_TOKEN" in text and "SLACK_SIGNING_SECRET" in text
        assert proc.poll() is None  # still serving
    finally:
        proc.terminate()
        proc.wait(30)
