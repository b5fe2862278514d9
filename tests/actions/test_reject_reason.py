"""Rejecting with a reason: typed in chat ("reject 12 because they switched supplier"), in Slack's
modal behind the Reject button, or in the Teams card's reason input; the reason ends up in the
audit log and in `custseg actions export`, and the same permission check applies as on the buttons."""

from __future__ import annotations

import csv
import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from adapters.cli.main import main
from bot.brain import Brain
from bot.context import Channel, ChatUser
from bot.delivery import Posted
from bot.outbox import remember, reply_from_json
from bot.winback.typed import typed_decision
from custseg.actions import audit_log, get, list_suggestions
from custseg.store import copies
from custseg.store.db import Store
from custseg.store.outbox import list_messages
from tests.actions.chat_world import (
    ADA,
    BOT,
    PETRA_TEAMS,
    Both,
    fresh,
    open_world,
    world_settings,
)
from tests.helpers.demo_book import DemoBooks
from tests.helpers.slack import buttons
from tests.teams.cards import card_text
from tests.teams.test_teams_app import post

PRIVATE = "C_DECIDERS"
PETRA = ChatUser("U_PETRA", "slack")
VIC = ChatUser("U_VIC", "slack")
HERE = Channel(PRIVATE, "slack", "private")


@pytest.fixture(scope="module")
def both(demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Both]:
    with open_world(demo_books, tmp_path_factory.mktemp("reject_reason")) as opened:
        yield opened


@pytest.fixture
def world(both: Both) -> Both:
    opened = fresh(both)
    opened.slack.fake.set_channel(PRIVATE, is_private=True)
    return opened


def exported(store: Store, tmp: Path) -> list[dict[str, str]]:
    """The audit log as `custseg actions export` writes it."""
    assert main(["--database", store.url, "actions", "export", "--format", "csv", str(tmp / "a.csv")]) == 0
    with (tmp / "a-audit.csv").open() as fh:
        return list(csv.DictReader(fh))


def test_only_the_exact_typed_forms_are_decisions():
    assert typed_decision("reject 12 because they switched supplier") == (
        "action.reject",
        {"suggestion_id": 12, "reason": "they switched supplier"},
    )
    assert typed_decision("reject #12: too small.") == (
        "action.reject",
        {"suggestion_id": 12, "reason": "too small"},
    )
    assert typed_decision("Reject 12") == ("action.reject", {"suggestion_id": 12})
    assert typed_decision("approve 12") == ("action.approve", {"suggestion_id": 12})
    assert typed_decision("snooze 12 for 2 weeks") == ("action.snooze", {"suggestion_id": 12, "days": 14})
    assert typed_decision("snooze #3 for a month") == ("action.snooze", {"suggestion_id": 3, "days": 30})
    for other in (
        "approve 12 customers",
        "reject the dormant ones",
        "top 12 customers by revenue",
        "snooze 12 until friday",
        "who should approve 12?",
        "reject 12 too small",
    ):
        assert typed_decision(other) is None, other


@pytest.fixture(params=["sqlite", "postgres"])
def demo_store(request: pytest.FixtureRequest, demo_books: DemoBooks, tmp_path: Path) -> Iterator[Store]:
    """A copy of the 300-customer demo book of the test's own, in SQLite and in PostgreSQL."""
    with demo_books.store(request.param, tmp_path, world_settings(), n_customers=300) as store:
        yield store


def test_typed_decisions_are_the_buttons_in_words(demo_store: Store, tmp_path):
    brain = Brain(demo_store, world_settings())
    alert = brain.ask("any churn alerts?", ADA, HERE)
    ids = list(dict.fromkeys(b.payload["suggestion_id"] for b in alert.buttons))
    assert len(ids) >= 3
    remember(demo_store, Posted("slack", "C_ALERTS", "9.000001"), alert)
    first, second, third = ids[:3]

    refused = brain.ask(f"reject {first} because they switched supplier", VIC, HERE)
    assert refused.private and refused.text.startswith("Only ")
    assert get(demo_store, first).state == "proposed"

    answer = brain.ask(f"reject {first} because they switched supplier", ADA, HERE)
    assert not answer.private
    assert "Rejected by Ada Admin on " in answer.plain_text()
    assert "(reason: they switched supplier)" in answer.plain_text()
    assert f"reject {first} because" not in (answer.footer or ""), "no Reject button left to explain"
    last = audit_log(demo_store, first)[-1]
    assert (last.to_state, last.actor, last.platform, last.reason) == (
        "rejected",
        "Ada Admin",
        "slack",
        "they switched supplier",
    )
    # The alert posted earlier is rewritten through the outbox, reason included.
    (update,) = [m for m in list_messages(demo_store, with_reply=True) if m["kind"] == "update"]
    assert ": they switched supplier" in reply_from_json(update["reply"]).text

    assert "Approved by Ada Admin" in brain.ask(f"approve #{second}", ADA, HERE).plain_text()
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert "Snoozed by Ada Admin" in brain.ask(f"snooze {third} for 2 weeks", ADA, HERE).plain_text()
    until = get(demo_store, third).snoozed_until
    assert until is not None and abs((until - before) - dt.timedelta(days=14)) < dt.timedelta(minutes=5)
    assert {s.id for s in list_suggestions(demo_store, ["approved"])} == {second}

    assert "There is no suggested action #99999" in brain.ask("approve 99999", ADA, HERE).text
    assert "reject 12 because" in brain.ask("help", ADA, HERE).text, "help says how"
    rows = exported(demo_store, tmp_path)
    assert {
        "suggestion_id": str(first),
        "to_state": "rejected",
        "reason": "they switched supplier",
    }.items() <= next(
        r for r in rows if r["suggestion_id"] == str(first) and r["to_state"] == "rejected"
    ).items()


def slack_copy(store: Store, sid: int, timeout: float = 10) -> str:
    """The ts of the suggestion's Slack copy: recorded just after Slack answered the post."""
    deadline = time.monotonic() + timeout
    while True:
        found = [c.message_id for c in copies.of_suggestion(store, sid) if c.platform == "slack"]
        if found:
            return found[0]
        assert time.monotonic() < deadline, "the Slack copy was never recorded"
        time.sleep(0.02)


def test_slack_reject_by_someone_who_may_not_decide_is_refused_before_any_form(world: Both):
    world.slack.mention("suggest a win-back for Globex", user="U_PETRA", channel=PRIVATE)
    (card,) = world.slack.fake.wait_for("chat.postMessage")
    reject = next(e for e in buttons(card.blocks) if e["text"]["text"] == "Reject")
    sid = json.loads(reject["value"])["suggestion_id"]
    ts = slack_copy(world.store, sid)
    _, name = world.slack.click(reject, user="U_MARIA", channel=PRIVATE, message_ts=ts)
    (refused,) = world.slack.fake.wait_for("respond", where=lambda c: c.args["response_url"] == name)
    assert refused.args["response_type"] == "ephemeral"
    assert "Only managers of EMEA can reject this." in refused.text()
    assert world.slack.fake.calls_to("views.open") == [], "no form for a decision that cannot count"
    assert get(world.store, sid).state == "proposed"


def test_slack_reject_opens_a_modal_whose_reason_is_recorded(world: Both, tmp_path):
    world.slack.mention("suggest a win-back for Globex", user="U_PETRA", channel=PRIVATE)
    (card,) = world.slack.fake.wait_for("chat.postMessage")
    reject = next(e for e in buttons(card.blocks) if e["text"]["text"] == "Reject")
    sid = json.loads(reject["value"])["suggestion_id"]
    assert f"type *reject {sid} because …*" in card.text()
    ts = slack_copy(world.store, sid)

    world.slack.click(reject, user="U_PETRA", channel=PRIVATE, message_ts=ts)
    (opened,) = world.slack.fake.wait_for("views.open")
    view = opened.args["view"]
    assert opened.args["trigger_id"] == "1.2.3" and view["callback_id"] == "custseg_reason"
    (field,) = view["blocks"]
    assert field["type"] == "input" and field["optional"] is True
    assert get(world.store, sid).state == "proposed", "nothing is decided before the modal is submitted"

    submission = {
        "type": "view_submission",
        "team": {"id": "T1"},
        "user": {"id": "U_PETRA"},
        "api_app_id": "A1",
        "trigger_id": "4.5.6",
        "view": {
            **view,
            "id": "V9",
            "state": {
                "values": {
                    "reason": {"reason": {"type": "plain_text_input", "value": "they switched supplier"}}
                }
            },
        },
    }
    body = urlencode({"payload": json.dumps(submission)}).encode()
    assert world.slack.send(body, "application/x-www-form-urlencoded").status == 200
    (update,) = world.slack.fake.wait_for("chat.update")
    assert update.args["channel"] == PRIVATE and update.args["ts"] == ts
    assert (
        "Rejected by Petra Novak on " in update.text() and "(reason: they switched supplier)" in update.text()
    )
    assert buttons(update.blocks) == []
    last = audit_log(world.store, sid)[-1]
    assert (last.actor, last.platform, last.user_id, last.reason) == (
        "Petra Novak",
        "slack",
        "U_PETRA",
        "they switched supplier",
    )
    rows = exported(world.store, tmp_path)
    assert any(r["suggestion_id"] == str(sid) and r["reason"] == "they switched supplier" for r in rows)


def test_teams_reject_shows_a_reason_input_whose_text_is_recorded(world: Both, tmp_path):
    personal = {"id": "a:personal-petra", "conversationType": "personal", "tenantId": "tenant-1"}
    ask = {
        "type": "message",
        "id": f"msg-{time.monotonic_ns()}",
        "channelId": "msteams",
        "serviceUrl": world.connector_url,
        "from": PETRA_TEAMS,
        "recipient": BOT,
        "conversation": personal,
        "text": "suggest a win-back for Umbrella",
    }
    assert post(f"{world.bot_url}/api/messages", ask)[0] in (200, 202)
    (reply,) = world.connector.of("reply")
    shown = reply.card
    (reject,) = [a for a in shown["actions"] if a["title"] == "Reject"]
    assert reject["type"] == "Action.ShowCard"
    (reason_input,) = reject["card"]["body"]
    assert reason_input["type"] == "Input.Text" and reason_input.get("isRequired") is not True
    (submit,) = reject["card"]["actions"]
    assert submit["type"] == "Action.Execute" and submit["verb"] == "action.reject"
    sid = submit["data"]["suggestion_id"]

    seen: Any = world.invoke(
        submit, reply.returned_id, {reason_input["id"]: "too small"}, user=PETRA_TEAMS, conversation=personal
    )
    assert "Rejected by Petra Novak on " in card_text(seen) and "(reason: too small)" in card_text(seen)
    last = audit_log(world.store, sid)[-1]
    assert (last.to_state, last.actor, last.platform, last.reason) == (
        "rejected",
        "Petra Novak",
        "teams",
        "too small",
    )
    rows = exported(world.store, tmp_path)
    assert any(r["suggestion_id"] == str(sid) and r["reason"] == "too small" for r in rows)


def test_slack_reject_opens_its_modal_within_a_second_behind_twenty_queued_answers(world: Both):
    world.slack.mention("suggest a win-back for Lighthouse Auto Parts", user="U_PETRA", channel=PRIVATE)
    (card,) = world.slack.fake.wait_for("chat.postMessage")
    reject = next(e for e in buttons(card.blocks) if e["text"]["text"] == "Reject")
    ts = slack_copy(world.store, json.loads(reject["value"])["suggestion_id"])
    world.slack.fake.reset()
    # Twenty questions of about 0.1 s each are acknowledged and wait for the answer pool (two threads) …
    for n in range(20):
        question = ("any churn alerts?", "show this week's key account digest")[n % 2]
        world.slack.mention(question, user="U_PETRA", channel=PRIVATE)
    # The first answer is out: the others' claims are made and their answers wait in the pool.
    world.slack.fake.wait_for("chat.postMessage")
    # … when Reject is pressed: Slack's trigger_id expires 3 s after the press.
    answer, _ = world.slack.click(reject, user="U_PETRA", channel=PRIVATE, message_ts=ts)
    pressed = time.monotonic() - answer.seconds
    (opened,) = world.slack.fake.wait_for("views.open", timeout=60)
    waited = opened.at - pressed
    before = [c for c in world.slack.fake.calls_to("chat.postMessage") if c.at < opened.at]
    print(f"views.open {waited:.2f} s after the press, after {len(before)} of the 20 answers")
    assert waited < 1.0, f"views.open reached Slack {waited:.2f} s after the press"
    assert len(before) < 20, "the answers were not queued when Reject was pressed"
    world.slack.fake.wait_for("chat.postMessage", 20, timeout=120)
