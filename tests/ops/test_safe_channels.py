"""Customer data goes only where the organisation's own people read it: channels shared with other
organisations are refused, public ones need an explicit yes, and the worker parks refused posts."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.slack.poster import SlackPoster
from bot import wording
from bot.brain import Brain
from bot.context import Channel, ChatUser
from bot.outbox import deliver_due, enqueue
from bot.reply import Reply
from config import load_settings
from config.access import Person
from config.sections import ChannelSettings, DeliverySettings
from custseg.store import Store, open_store
from custseg.store import outbox as table
from custseg.store.subscriptions import list_subscriptions
from tests.fakes.slack_api import FakeSlackAPI
from tests.helpers.demo_book import DemoBooks

ADMIN = ChatUser("U_ADMIN", "slack")
SUBSCRIBE = "post the digest here every Monday at 9"


@pytest.fixture(scope="module")
def brain(demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory) -> Brain:
    tmp = tmp_path_factory.mktemp("safe_channels")
    settings = load_settings(env={}).model_copy(
        update={
            "people": {"ada": Person(name="Ada", role="admin", slack_id="U_ADMIN")},
            "channels": ChannelSettings(allow_external=["slack:C_EXT_OK"]),
        }
    )
    return Brain(open_store(demo_books.sqlite_url(tmp, settings, n_customers=200)), settings)


def subscribed(brain: Brain, channel_id: str) -> bool:
    return any(s["channel_id"] == channel_id for s in list_subscriptions(brain.store, "slack"))


def test_a_channel_shared_with_another_organisation_is_refused_unless_an_admin_allowed_it(brain: Brain):
    refused = brain.ask(SUBSCRIBE, ADMIN, Channel("C_EXT", "slack", "external"))
    assert refused.text == wording.EXTERNAL_CHANNEL and "allow_external" in refused.text
    assert not subscribed(brain, "C_EXT")

    allowed = brain.ask(SUBSCRIBE, ADMIN, Channel("C_EXT_OK", "slack", "external"))
    assert allowed.text.startswith("Done: I'll post the key-account digest here")
    assert subscribed(brain, "C_EXT_OK")


def test_a_public_channel_needs_an_explicit_yes_before_it_gets_the_digest(brain: Brain):
    public = Channel("C_PUBLIC", "slack", "public")
    asked = brain.ask(SUBSCRIBE, ADMIN, public)
    assert "This channel is public" in asked.text and "Monday at 09:00" in asked.text
    assert not subscribed(brain, "C_PUBLIC")
    (yes,) = asked.buttons
    assert yes.label == wording.PUBLIC_CONFIRM

    done = brain.act(yes.action_id, yes.payload, ADMIN, public)
    assert done.text.startswith("Done: I'll post the key-account digest here every Monday at 09:00")
    (sub,) = [s for s in list_subscriptions(brain.store, "slack") if s["channel_id"] == "C_PUBLIC"]
    assert (sub["day"], sub["time"]) == ("mon", "09:00")


def test_the_yes_button_cannot_be_replayed_into_an_external_channel(brain: Brain):
    asked = brain.ask(SUBSCRIBE, ADMIN, Channel("C_PUB2", "slack", "public"))
    (yes,) = asked.buttons
    replayed = brain.act(yes.action_id, yes.payload, ADMIN, Channel("C_EXT2", "slack", "external"))
    assert replayed.text == wording.EXTERNAL_CHANNEL
    assert not subscribed(brain, "C_EXT2")


def test_a_private_channel_or_direct_message_subscribes_at_once(brain: Brain):
    for channel in (Channel("G_PRIVATE", "slack", "private"), Channel("D_ADA", "slack", "dm")):
        assert brain.ask(SUBSCRIBE, ADMIN, channel).text.startswith("Done:")
        assert subscribed(brain, channel.channel_id)


# -- the worker ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSlackAPI]:
    server = FakeSlackAPI().start()
    server.set_channel("C_CONNECT", is_ext_shared=True)
    server.set_channel("C_CONNECT_OK", is_ext_shared=True)
    server.set_channel("C_PENDING", is_pending_ext_shared=True)
    yield server
    server.stop()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path / 'outbox.db'}")
    yield store
    store.dispose()


def test_the_worker_parks_a_post_for_a_shared_channel_with_the_reason_and_does_not_retry(
    store: Store, fake: FakeSlackAPI, caplog: pytest.LogCaptureFixture
):
    fake.reset()
    digest = Reply(context="Key-account digest", text="Key accounts this week")
    for channel in ("C_CONNECT", "C_PENDING", "C_CONNECT_OK", "C_SALES"):
        enqueue(store, "slack", channel, f"digest:slack:{channel}:2026-W47", digest)
    poster = SlackPoster("xoxb-test", fake.api_url, allow_external=["slack:C_CONNECT_OK"])
    with caplog.at_level(logging.ERROR, "custseg.outbox"):
        outcomes = {o.key.split(":")[2]: o for o in deliver_due(store, {"slack": poster}, DeliverySettings())}
    assert {c: o.status for c, o in outcomes.items()} == {
        "C_CONNECT": "failed",
        "C_PENDING": "failed",
        "C_CONNECT_OK": "sent",
        "C_SALES": "sent",
    }
    assert outcomes["C_CONNECT"].attempts == 1  # parked at once, not retried
    (parked, _) = [r for r in table.list_messages(store, "failed")]
    assert "shared with another organisation" in parked["last_error"]
    assert 'allow_external = ["slack:' in parked["last_error"]
    assert sorted(c.args["channel"] for c in fake.calls_to("chat.postMessage")) == ["C_CONNECT_OK", "C_SALES"]
    assert (
        sum("C_CONNECT" in r.getMessage() and "failed for good" in r.getMessage() for r in caplog.records)
        == 1
    )
