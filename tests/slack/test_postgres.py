"""The Slack path on PostgreSQL: answers, buttons and the once-only claim work on the real server."""

from __future__ import annotations

import time

from adapters.web.app import build_app
from bot.brain import Brain
from tests.fakes.slack_api import FakeSlackAPI, LoopbackServer
from tests.helpers.demo_book import DemoBooks
from tests.helpers.slack import SlackSide, buttons, demo_settings, slack_env


def test_dm_button_and_retry_on_postgresql(demo_books: DemoBooks, fake: FakeSlackAPI, tmp_path):
    settings = demo_settings()
    with demo_books.store("postgres", tmp_path, settings, n_customers=400) as store:
        _dm_button_and_retry(Brain(store, settings), fake)


def _dm_button_and_retry(brain: Brain, fake: FakeSlackAPI) -> None:
    server = LoopbackServer(
        build_app(brain, brain.settings, slack_env(fake), modules=("adapters.slack.app",))
    )
    server.start()
    fake.reset()
    try:
        slack = SlackSide(server.url, fake)
        answer, ts = slack.dm("who are the declining customers?")
        assert answer.status == 200
        event = {
            "type": "message",
            "channel_type": "im",
            "user": "U_MARIA",
            "text": "x",
            "ts": ts,
            "channel": "D_MARIA",
        }
        assert slack.event(event, retry=1).status == 200
        (post,) = fake.wait_for("chat.postMessage")
        assert post.blocks[0]["text"]["text"].startswith("*Declining — ")
        more = next(e for e in buttons(post.blocks) if e["action_id"].startswith("custseg:show_more"))
        slack.click(more, channel="D_MARIA", message_ts="1700000000.000900")
        (update,) = fake.wait_for("chat.update")
        # Maria sees her own book only: the second page of her declining customers.
        assert ", 11–" in update.blocks[0]["text"]["text"]
        time.sleep(0.5)
        assert len(fake.calls_to("chat.postMessage")) == 1
    finally:
        server.stop()
