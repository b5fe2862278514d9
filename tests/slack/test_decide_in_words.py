"""Decisions typed in a Slack thread, end to end through the real web process: a manager names the
customer, the suggestion is decided by the stored state machine, the answer says who decided, and
the card posted earlier in the channel is queued for its update; someone without the right is told
privately and nothing changes."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from custseg.actions import audit_log, get
from custseg.store import copies
from custseg.store.outbox import list_messages
from tests.fakes.slack_api import FakeSlackAPI
from tests.helpers.demo_book import DemoBooks
from tests.helpers.slack import SlackSide, buttons, serve_demo
from tests.slack.test_approvals import CHANNEL, team_settings


@pytest.fixture(scope="module")
def winback(
    fake: FakeSlackAPI, demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SlackSide]:
    yield from serve_demo(fake, demo_books, tmp_path_factory.mktemp("slack_typed"), team_settings())


@pytest.fixture
def slack(winback: SlackSide) -> SlackSide:
    winback.fake.reset()
    winback.fake.set_channel(CHANNEL, is_private=True)
    return winback


def test_a_manager_rejects_by_name_in_the_thread_and_the_posted_card_follows(slack: SlackSide):
    store = slack.brain.store  # type: ignore[attr-defined]
    slack.mention("suggest a win-back for Globex", user="U_PETRA", channel=CHANNEL)
    (card,) = slack.fake.wait_for("chat.postMessage")
    (suggestion_id,) = {int(json.loads(b["value"])["suggestion_id"]) for b in buttons(card.blocks)}

    slack.mention(
        "reject the suggestion for Globex because they switched supplier", user="U_VIC", channel=CHANNEL
    )
    (refused,) = slack.fake.wait_for("chat.postEphemeral")
    assert "Only managers of emea can reject this." in refused.text()
    assert get(store, suggestion_id).state == "proposed"

    slack.mention(
        "reject the suggestion for Globex because they switched supplier", user="U_PETRA", channel=CHANNEL
    )
    _, answer = slack.fake.wait_for("chat.postMessage", n=2)
    assert "Rejected by Petra Novak on " in answer.text() and answer.args["thread_ts"]
    (rejection,) = [t for t in audit_log(store, suggestion_id) if t.to_state == "rejected"]
    assert (rejection.actor, rejection.user_id, rejection.reason) == (
        "Petra Novak",
        "U_PETRA",
        "they switched supplier",
    )
    (posted,) = copies.of_suggestion(store, suggestion_id)  # the card, recorded when it was posted
    updates = [
        m
        for m in list_messages(store, limit=1000)
        if m["kind"] == "update" and (m["channel_id"], m["message_id"]) == (CHANNEL, posted.message_id)
    ]
    assert len(updates) == 1, "the card posted earlier is rewritten once"
