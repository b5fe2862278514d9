"""Slack as the tests see it: the signing secret and bot token, settings with Maria and John,
a side that sends what Slack would send to the web process (signed, over HTTP), and a demo book
served over Slack."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from adapters.web.app import build_app
from bot.brain import Brain
from config import Settings, load_settings
from config.access import Person
from custseg.store import open_store
from tests.fakes.slack_api import FakeSlackAPI, LoopbackServer
from tests.helpers.demo_book import DemoBooks

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-test"
_ts = itertools.count(1)


def demo_settings() -> Settings:
    return load_settings(env={}).model_copy(
        update={
            "users": {"U_MARIA": "Maria"},
            "people": {"john": Person(name="John", owner="John", email="john@example.com")},
        }
    )


def slack_env(fake: FakeSlackAPI) -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url}


@dataclass
class Answer:
    status: int
    body: str
    seconds: float


class SlackSide:
    """Sends what Slack would send to the web process: signed, over HTTP."""

    def __init__(self, url: str, fake: FakeSlackAPI):
        self.url = url
        self.fake = fake

    @staticmethod
    def sign(body: bytes, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
        return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}

    def send(
        self, body: bytes, content_type: str, headers: dict[str, str] | None = None, **sign: Any
    ) -> Answer:
        request = urllib.request.Request(
            f"{self.url}/slack/events",
            data=body,
            method="POST",
            headers={"Content-Type": content_type, **self.sign(body, **sign), **(headers or {})},
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Answer(response.status, response.read().decode(), time.perf_counter() - started)
        except urllib.error.HTTPError as err:
            return Answer(err.code, err.read().decode(), time.perf_counter() - started)

    def command(
        self, text: str, user: str = "U_MARIA", channel: str = "C_SALES", **sign: Any
    ) -> tuple[Answer, str]:
        """``/custseg text``; returns the answer and the name of its response_url at the fake."""
        name = f"cmd{next(_ts)}"
        form = {
            "token": "legacy",
            "team_id": "T1",
            "channel_id": channel,
            "user_id": user,
            "command": "/custseg",
            "text": text,
            "response_url": self.fake.response_url(name),
            "trigger_id": "1.2.3",
        }
        return self.send(urlencode(form).encode(), "application/x-www-form-urlencoded", **sign), name

    def event(
        self, event: dict[str, Any], event_id: str | None = None, retry: int | None = None, **sign: Any
    ) -> Answer:
        payload = {
            "token": "legacy",
            "team_id": "T1",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_ts)}",
            "event_time": int(time.time()),
            "event": event,
        }
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return self.send(json.dumps(payload).encode(), "application/json", headers, **sign)

    def mention(
        self, text: str, user: str = "U_MARIA", channel: str = "C_SALES", **kw: Any
    ) -> tuple[Answer, str]:
        ts = self.new_ts()
        event = {
            "type": "app_mention",
            "user": user,
            "text": f"<@UCUSTSEG> {text}",
            "ts": ts,
            "channel": channel,
        }
        return self.event(event, **kw), ts

    def dm(self, text: str, user: str = "U_MARIA", channel: str = "D_MARIA") -> tuple[Answer, str]:
        ts = self.new_ts()
        event = {
            "type": "message",
            "channel_type": "im",
            "user": user,
            "text": text,
            "ts": ts,
            "channel": channel,
        }
        return self.event(event), ts

    def click(
        self,
        element: dict[str, Any],
        *,
        user: str = "U_MARIA",
        channel: str = "C_SALES",
        message_ts: str = "1700000000.000001",
        ephemeral: bool = False,
    ) -> tuple[Answer, str]:
        """Press a button element taken from a rendered message."""
        name = f"click{next(_ts)}"
        payload = {
            "type": "block_actions",
            "team": {"id": "T1"},
            "user": {"id": user},
            "api_app_id": "A1",
            "container": {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            },
            "channel": {"id": channel},
            "trigger_id": "1.2.3",
            "response_url": self.fake.response_url(name),
            "actions": [{**element, "block_id": "b1", "action_ts": str(time.time())}],
        }
        if not ephemeral:
            payload["message"] = {"ts": message_ts, "text": "", "blocks": []}
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.send(body, "application/x-www-form-urlencoded"), name

    def home_click(self, element: dict[str, Any], *, user: str = "U_MARIA") -> Answer:
        """Press a button element taken from the user's App Home view (no channel, no response_url)."""
        payload = {
            "type": "block_actions",
            "team": {"id": "T1"},
            "user": {"id": user},
            "api_app_id": "A1",
            "container": {"type": "view", "view_id": "V1"},
            "view": {"id": "V1", "type": "home", "blocks": []},
            "trigger_id": "1.2.3",
            "actions": [{**element, "block_id": "b1", "action_ts": str(time.time())}],
        }
        return self.send(
            urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"
        )

    def shortcut(
        self, text: str, *, user: str = "U_MARIA", channel: str = "C_SALES", author: str = "U_JOHN"
    ) -> tuple[Answer, str]:
        """The "Look up customer" message shortcut on a message ``author`` wrote; returns the answer
        and the name of its response_url at the fake."""
        name = f"shortcut{next(_ts)}"
        payload = {
            "type": "message_action",
            "callback_id": "custseg_lookup",
            "team": {"id": "T1"},
            "user": {"id": user},
            "channel": {"id": channel},
            "message": {"type": "message", "user": author, "ts": self.new_ts(), "text": text},
            "message_ts": "1700000000.000009",
            "trigger_id": "1.2.3",
            "response_url": self.fake.response_url(name),
        }
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.send(body, "application/x-www-form-urlencoded"), name

    @staticmethod
    def new_ts() -> str:
        return f"{int(time.time())}.{next(_ts):06d}"


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def serve_demo(
    fake: FakeSlackAPI, demo_books: DemoBooks, tmp: Path, settings: Settings, n_customers: int = 2000
) -> Iterator[SlackSide]:
    """A copy of the demo book of its own in ``tmp``, answered over Slack (``side.brain``) until the
    generator ends."""
    store = open_store(demo_books.sqlite_url(tmp, settings, n_customers))
    brain = Brain(store, settings)
    server = LoopbackServer(
        build_app(brain, brain.settings, slack_env(fake), modules=("adapters.slack.app",))
    ).start()
    side = SlackSide(server.url, fake)
    side.brain = brain  # type: ignore[attr-defined]
    yield side
    server.stop()
    store.dispose()
