"""`custseg web` as the Procfile runs it: on SIGTERM it stops taking requests but first posts the
answers it has already acknowledged (Slack was told "got it", so dropping them would leave the
asker waiting forever), then exits cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.fakes.slack_api import FakeSlackAPI
from tests.helpers.demo_book import DemoBooks
from tests.helpers.slack import SECRET, TOKEN, SlackSide, demo_settings

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, child: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert child.poll() is None, "the web process exited before serving"
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the web process did not start")


def test_sigterm_posts_the_answers_already_acknowledged_then_exits(demo_books: DemoBooks, tmp_path):
    url = demo_books.sqlite_url(tmp_path, demo_settings())
    (tmp_path / "custseg.toml").write_text('[users]\nU_MARIA = "Maria"\n')
    fake = FakeSlackAPI().start()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_APP_"))}
    env.update(
        CUSTSEG_CONFIG=str(tmp_path / "custseg.toml"),
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        PYTHONPATH=str(ROOT),
    )
    args = ["--database", url, "web", "--host", "127.0.0.1", "--port", str(port)]
    with open(tmp_path / "web.log", "ab") as log:
        child = subprocess.Popen(
            [sys.executable, "-m", "adapters.cli.main", *args],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base, child)
        # Slack makes the answer wait 2 s (a rate limit on the channel lookup), so the SIGTERM
        # below lands while the answer is still being worked on.
        fake.rate_limit("conversations.info", retry_after=2)
        answer, ts = SlackSide(base, fake).mention("who are my key accounts?")
        assert answer.status == 200
        child.send_signal(signal.SIGTERM)
        assert child.wait(40) == 0
    finally:
        if child.poll() is None:
            child.kill()
        fake.stop()
    posted = fake.calls_to("chat.postMessage")
    assert [c.args.get("thread_ts") for c in posted][:1] == [ts], (tmp_path / "web.log").read_text()[-2000:]
    assert "key accounts" in posted[0].text().lower()
    assert "finishing 1 answer" in (tmp_path / "web.log").read_text()
