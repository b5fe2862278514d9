"""The real web process on loopback with the Slack app mounted, a real brain on the demo book, and
the fake Slack Web API (helpers: tests/helpers/slack.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.web.app import build_app
from bot.brain import Brain
from custseg.store import open_store
from tests.fakes.slack_api import FakeSlackAPI, LoopbackServer
from tests.helpers.demo_book import DemoBooks
from tests.helpers.slack import SlackSide, demo_settings, slack_env


@pytest.fixture(scope="package")
def fake() -> Iterator[FakeSlackAPI]:
    server = FakeSlackAPI().start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def demo_brain(demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Brain]:
    settings = demo_settings()
    store = open_store(demo_books.sqlite_url(tmp_path_factory.mktemp("slack_demo"), settings))
    yield Brain(store, settings)
    store.dispose()


@pytest.fixture(scope="package")
def served(fake: FakeSlackAPI, demo_brain: Brain) -> Iterator[SlackSide]:
    app = build_app(demo_brain, demo_brain.settings, slack_env(fake), modules=("adapters.slack.app",))
    server = LoopbackServer(app).start()
    yield SlackSide(server.url, fake)
    server.stop()


@pytest.fixture
def slack(served: SlackSide) -> SlackSide:
    served.fake.reset()
    return served
