"""Approving win-back actions from Slack, end to end: signed button presses into the real web process,
the message updated in place at the fake Slack Web API, permissions and double clicks decided by the
stored state machine."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import pytest

from config import Settings, load_settings
from config.access import Person, TeamSettings
from custseg.actions import audit_log, get
from custseg.store import copies
from custseg.store.outbox import list_messages
from tests.fakes.slack_api import Call, FakeSlackAPI
from tests.helpers.demo_book import DemoBooks
from tests.helpers.slack import SlackSide, buttons, serve_demo

CHANNEL = "C_WINBACK"


def team_settings() -> Settings:
    return load_settings(env={}).model_copy(
        update={
            "people": {
                "petra": Person(name="Petra Novak", role="manager", teams=["emea"], slack_id="U_PETRA"),
                "olga": Person(name="Olga Berg", role="manager", teams=["emea"], slack_id="U_OLGA"),
                "maria": Person(name="Maria", owner="Maria", teams=["emea"], slack_id="U_MARIA"),
                "vic": Person(name="Vic Viewer", role="viewer", teams=["emea"], slack_id="U_VIC"),
            },
            "teams": {"emea": TeamSettings(members=["Maria", "Lukas"])},
        }
    )


@pytest.fixture(scope="module")
def winback(
    fake: FakeSlackAPI, demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SlackSide]:
    yield from serve_demo(fake, demo_books, tmp_path_factory.mktemp("slack_approvals"), team_settings())


@pytest.fixture
def slack(winback: SlackSide) -> SlackSide:
    winback.fake.reset()
    winback.fake.set_channel(CHANNEL, is_private=True)  # answers are posted in private channels
    return winback


def suggestion_message(slack: SlackSide, customer: str) -> Call:
    """Petra asks in the channel for a win-back; the card custseg posts there."""
    slack.mention(f"suggest a win-back for {customer}", user="U_PETRA", channel=CHANNEL)
    (post,) = slack.fake.wait_for("chat.postMessage")
    return post


def pressed(call: Call, label: str) -> dict:
    return next(e for e in buttons(call.blocks) if e["text"]["text"].startswith(label))


def sid(element: dict) -> int:
    return int(json.loads(element["value"])["suggestion_id"])


def test_a_manager_approves_from_the_message_and_it_is_updated_in_place(slack: SlackSide):
    post = suggestion_message(slack, "Globex")
    assert "Waiting for a decision by a manager of emea" in post.text()
    approve = pressed(post, "Approve")
    store = slack.brain.store  # type: ignore[attr-defined]
    assert get(store, sid(approve)).state == "proposed"

    answer, _ = slack.click(approve, user="U_PETRA", channel=CHANNEL, message_ts="1700000000.000100")
    assert answer.status == 200
    (update,) = slack.fake.wait_for("chat.update")
    assert update.args["channel"] == CHANNEL and update.args["ts"] == "1700000000.000100"
    assert "Approved by Petra Novak on " in update.text() and "Maria's task, due " in update.text()
    assert [e["text"]["text"] for e in buttons(update.blocks)] == ["Mark done"]
    s = get(store, sid(approve))
    assert s.state == "approved"
    # The account manager's task goes out as a direct message through the outbox.
    (task,) = [m for m in list_messages(store, limit=1000) if m["key"] == f"action:{s.id}:approved"]
    assert (task["platform"], task["channel_id"]) == ("slack", "U_MARIA")


def test_a_non_manager_is_told_privately_and_nothing_changes(slack: SlackSide):
    post = suggestion_message(slack, "Umbrella")
    approve = pressed(post, "Approve")
    store = slack.brain.store  # type: ignore[attr-defined]
    before = audit_log(store, sid(approve))

    answer, click = slack.click(approve, user="U_VIC", channel=CHANNEL)
    assert answer.status == 200
    (notice,) = slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == click)
    assert notice.args["response_type"] == "ephemeral" and notice.args["replace_original"] is False
    assert "Only managers of emea can approve this." in notice.text()
    assert slack.fake.calls_to("chat.update") == []
    assert get(store, sid(approve)).state == "proposed"
    assert audit_log(store, sid(approve)) == before


def test_two_clicks_make_one_decision_and_the_losers_see_privately_who_was_first(slack: SlackSide):
    post = suggestion_message(slack, "Regal Chemicals")
    approve = pressed(post, "Approve")
    store = slack.brain.store  # type: ignore[attr-defined]

    # A double click by Petra and Olga pressing at the same moment.
    clicks = [
        threading.Thread(target=slack.click, args=(approve,), kwargs={"user": u, "channel": CHANNEL})
        for u in ("U_PETRA", "U_PETRA", "U_OLGA")
    ]
    for t in clicks:
        t.start()
    for t in clicks:
        t.join()
    (update,) = slack.fake.wait_for("chat.update")
    notes = slack.fake.wait_for("respond", 2)
    decisions = [t for t in audit_log(store, sid(approve)) if t.to_state == "approved"]
    assert len(decisions) == 1
    winner = decisions[0].actor
    # The shared message changes once, for the decision; the two late clicks are told privately.
    assert f"Approved by {winner} on " in update.text() and "changed nothing" not in update.text()
    assert all(n.args["replace_original"] is False and n.args["response_type"] == "ephemeral" for n in notes)
    assert all("changed nothing" in n.text() or "Nothing changed" in n.text() for n in notes)
    assert len(slack.fake.calls_to("chat.update")) == 1
    assert len([m for m in list_messages(store, limit=1000) if m["key"].endswith(":approved")]) >= 1


def test_approving_from_the_pending_list_rewrites_that_list_for_everyone(slack: SlackSide):
    suggestion_message(slack, "Vertex Markets")
    slack.fake.reset()
    slack.mention("what actions are waiting for approval?", user="U_PETRA", channel=CHANNEL)
    (listing,) = slack.fake.wait_for("chat.postMessage")
    assert "waiting for a decision" in listing.text()
    store = slack.brain.store  # type: ignore[attr-defined]
    approve = pressed(listing, "Approve · Vertex Markets")
    vertex = get(store, sid(approve))
    # The copy is recorded just after Slack accepted the post: wait for it (bounded).
    deadline = time.monotonic() + 10
    while not (found := [c for c in copies.of_suggestion(store, vertex.id) if c.kind == "list"]):
        assert time.monotonic() < deadline, "the list message was never recorded"
        time.sleep(0.05)
    (recorded,) = found
    others = {sid(e) for e in buttons(listing.blocks)} - {vertex.id}

    slack.click(approve, user="U_PETRA", channel=CHANNEL, message_ts=recorded.message_id)
    (update,) = slack.fake.wait_for("chat.update")
    assert (update.args["channel"], update.args["ts"]) == (CHANNEL, recorded.message_id)
    assert f"#{vertex.id} Vertex Markets — approved by Petra Novak, " in update.text()
    assert {sid(e) for e in buttons(update.blocks)} == others
    assert get(store, vertex.id).state == "approved"

    # A list message custseg has no record of (e.g. an ephemeral answer): the card, privately.
    slack.fake.reset()
    other = next(e for e in buttons(update.blocks) if e["text"]["text"].startswith("Approve · "))
    _, click = slack.click(other, user="U_PETRA", channel=CHANNEL, message_ts="1600000000.000001")
    (card,) = slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == click)
    assert card.args["response_type"] == "ephemeral" and card.args["replace_original"] is False
    assert "Approved by Petra Novak" in card.text()
    assert slack.fake.calls_to("chat.update") == []
