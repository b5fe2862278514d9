"""`custseg slack-socket`: the Slack app over Socket Mode, for workspaces without a public URL.

The real command runs as its own process against a loopback stand-in for Slack: the Web API
issues a WebSocket URL to the app-level token (``apps.connections.open``), Slack's end of the
socket sends envelopes, and the answers arrive through the Web API as they would over HTTP.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.slack_api import APP_TOKEN, FakeSlackAPI
from tests.helpers.demo_book import DemoBooks
from tests.helpers.slack import TOKEN

CUSTSEG = Path(sys.executable).parent / "custseg"


def test_socket_mode_command_names_the_missing_tokens(monkeypatch, capsys):
    from adapters.cli.main import main

    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    assert main(["slack-socket"]) == 2
    err = capsys.readouterr().err
    assert "SLACK_APP_TOKEN" in err and "SLACK_BOT_TOKEN" not in err.split("environment")[0]


@pytest.fixture
def socket_app(demo_books: DemoBooks, tmp_path: Path) -> Iterator[tuple[FakeSlackAPI, subprocess.Popen[str]]]:
    fake = FakeSlackAPI().start()
    fake.add_user("U_MARIA", "maria@ours.example", "Maria")
    env = {
        **os.environ,
        "CUSTSEG_DATABASE_URL": demo_books.sqlite_url(tmp_path),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": fake.api_url,
    }
    env.pop("SLACK_SIGNING_SECRET", None)
    log = (tmp_path / "socket.log").open("w+")
    proc = subprocess.Popen(
        [str(CUSTSEG), "slack-socket"], env=env, stdout=log, stderr=subprocess.STDOUT, text=True
    )
    try:
        if not fake.socket_connected(timeout=60):
            log.seek(0)
            pytest.fail(f"custseg slack-socket did not connect:\n{log.read()[-3000:]}")
        yield fake, proc
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        fake.stop()
        log.close()


def test_socket_mode_connects_acknowledges_and_answers_a_dm_and_a_slash_command(socket_app):
    fake, proc = socket_app
    # The socket URL was asked for with the app-level token, not the bot token.
    (opened,) = fake.calls_to("apps.connections.open")
    assert opened.headers.get("Authorization") == f"Bearer {APP_TOKEN}"

    event = {
        "type": "message",
        "channel_type": "im",
        "user": "U_MARIA",
        "text": "how many champions?",
        "ts": f"{time.time():.6f}",
        "channel": "D_MARIA",
    }
    fake.push(
        {
            "envelope_id": "env-dm",
            "type": "events_api",
            "accepts_response_payload": False,
            "payload": {
                "token": "legacy",
                "team_id": "T1",
                "api_app_id": "A1",
                "type": "event_callback",
                "event_id": "EvSocket1",
                "event_time": int(time.time()),
                "event": event,
            },
        }
    )
    assert fake.acked("env-dm")
    (answer,) = fake.wait_for(
        "chat.postMessage", timeout=30, where=lambda c: c.args.get("channel") == "D_MARIA"
    )
    assert "Champions" in answer.text() and "350" in answer.text()

    fake.push(
        {
            "envelope_id": "env-cmd",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": {
                "token": "legacy",
                "team_id": "T1",
                "channel_id": "C_SALES",
                "user_id": "U_MARIA",
                "command": "/custseg",
                "text": "how many champions?",
                "response_url": fake.response_url("socket-cmd"),
                "trigger_id": "1.2.3",
            },
        }
    )
    assert fake.acked("env-cmd")
    (private,) = fake.wait_for("respond", timeout=30, where=lambda c: c.args["response_url"] == "socket-cmd")
    assert "Champions" in private.text()
    assert proc.poll() is None  # still connected and serving
