"""The win-back flow through the real Brain on the demo book: suggest in chat, decide with buttons,
the account manager gets the task and marks it done; who may decide, and the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError

from bot.brain import who_are_you
from bot.context import Channel
from bot.interpret import money
from bot.outbox import reply_from_json
from custseg.actions import audit_log, get, list_suggestions
from custseg.store.models import ACTION_AUDIT, ACTION_SUGGESTIONS
from custseg.store.outbox import get_message
from tests.helpers.actions import ADA, CHANNEL, KEN, MARIA, NOBODY, OLGA, PETRA, VIC

DM = Channel("D_MARIA", "slack")  # Maria's direct messages with the bot
DECISIONS = {"action.approve": "approve", "action.reject": "reject", "action.snooze": "snooze"}


def _suggest(brain, name: str, user=MARIA):
    reply = brain.ask(f"suggest a win-back for {name}", user, CHANNEL)
    ids = {b.payload.get("suggestion_id") for b in reply.buttons}
    assert len(ids) == 1, reply.plain_text()
    return reply, ids.pop()


def _button(reply, action_id: str):
    return next(b for b in reply.buttons if b.action_id == action_id)


def test_suggest_approve_and_mark_done_end_to_end(brain):
    reply, sid = _suggest(brain, "Globex")
    assert reply.context.startswith("Win-back suggestion")
    assert "call Globex" in reply.text and "overdue" in reply.text
    fields = dict(reply.fields)
    assert "Loyal · dormant" in fields["Why"] and "high value" in fields["Why"]
    stored = get(brain.store, sid)
    basis = {"clv": "predicted lifetime value", "revenue": "a year of their usual orders (revenue-based"}
    assert fields["Value at stake"].startswith(money(stored.value_at_stake))
    assert basis[stored.value_basis] in fields["Value at stake"]
    assert stored.expected_value == pytest.approx(0.3 * stored.value_at_stake)
    assert "if 30 % of such customers are won back" in fields["Expected value"]
    assert fields["Status"].startswith("Waiting for a decision by a manager of EMEA")
    assert [b.label for b in reply.buttons] == ["Approve", "Reject", "Snooze 7 days"]

    again, same = _suggest(brain, "Globex")
    assert same == sid and "Already suggested" in again.text

    approve = _button(reply, "action.approve")
    approved = brain.act(approve.action_id, approve.payload, PETRA, CHANNEL)
    assert not approved.private
    status = dict(approved.fields)["Status"]
    assert status.startswith("Approved by Petra Novak on ") and "Maria's task, due " in status
    assert [b.label for b in approved.buttons] == ["Mark done"]

    # The double click and the second manager change nothing and are told who was first.
    double = brain.act(approve.action_id, approve.payload, PETRA, CHANNEL)
    assert double.text.startswith("You already did: approved on ")
    late = brain.act("action.reject", approve.payload, OLGA, CHANNEL)
    assert late.text.startswith("Petra Novak was first: approved on ")
    assert dict(late.fields)["Status"] == status
    assert get(brain.store, sid).state == "approved"

    # Maria gets a direct message with the task, due date and a button to mark it done.
    queued = get_message(brain.store, f"action:{sid}:approved")
    assert (queued["platform"], queued["channel_id"]) == ("slack", "U_MARIA")
    task = reply_from_json(queued["reply"])
    assert "Petra Novak approved this" in task.text and "due " in task.text and "call Globex" in task.text
    done_button = _button(task, "action.done")
    done = brain.act(done_button.action_id, done_button.payload, MARIA, DM)
    assert dict(done.fields)["Status"].startswith("Done: marked by Maria on ") and not done.buttons

    trail = [(t.from_state, t.to_state, t.actor, t.platform) for t in audit_log(brain.store, sid)]
    assert trail == [
        (None, "proposed", "Maria", "slack"),
        ("proposed", "approved", "Petra Novak", "slack"),
        ("approved", "done", "Maria", "slack"),
    ]


def test_reject_with_a_reason_and_snooze(brain):
    # John's customer: in no team, so only admins decide (and only they see it)
    reply, sid = _suggest(brain, "Initech", ADA)
    assert "less in the last 90 days" in reply.text
    assert "an admin" in dict(reply.fields)["Status"]
    rejected = brain.act(
        "action.reject", {"suggestion_id": sid, "reason": "they moved to a framework deal"}, ADA, CHANNEL
    )
    status = dict(rejected.fields)["Status"]
    assert (
        status.startswith("Rejected by Ada Admin on ")
        and "(reason: they moved to a framework deal)" in status
    )
    assert audit_log(brain.store, sid)[-1].platform == "teams"
    asked_again = brain.ask("suggest a win-back for Initech", ADA, CHANNEL)  # same snapshot: no nagging
    assert dict(asked_again.fields)["Status"].startswith("Rejected by Ada Admin") and not asked_again.buttons
    assert asked_again.footer.startswith(f"Suggestion #{sid} ")

    hooli, hid = _suggest(brain, "Hooli", ADA)
    snoozed = brain.act("action.snooze", _button(hooli, "action.snooze").payload, ADA, CHANNEL)
    assert dict(snoozed.fields)["Status"].startswith("Snoozed by Ada Admin until ")
    assert [b.label for b in snoozed.buttons] == ["Approve", "Reject"]
    assert get(brain.store, hid).state == "snoozed"


def test_a_customer_button_decides_the_open_suggestion_or_makes_one(brain):
    frame = brain.engine().frame
    globex = frame.index[frame["name"] == "Globex"][0]
    assert list_suggestions(brain.store) == []
    approved = brain.act("action.approve", {"customer_id": globex}, PETRA, CHANNEL)
    assert dict(approved.fields)["Status"].startswith("Approved by Petra Novak")
    assert approved.private  # the alert listing other customers (and their buttons) stays as it was
    (made,) = list_suggestions(brain.store)
    assert (made.customer_id, made.state, made.source) == (globex, "approved", "alert")
    again = brain.act("action.approve", {"customer_id": globex}, OLGA, CHANNEL)
    assert again.text.startswith("Petra Novak was first")
    assert len(list_suggestions(brain.store)) == 1


@pytest.mark.parametrize(
    "user", [KEN, MARIA, VIC, NOBODY], ids=["other-team-manager", "account-manager", "viewer", "unknown"]
)
def test_only_managers_of_the_team_decide_and_others_change_nothing(brain, user):
    reply, sid = _suggest(brain, "Globex")
    before, trail = get(brain.store, sid), audit_log(brain.store, sid)
    for action_id, verb in DECISIONS.items():
        notice = brain.act(action_id, _button(reply, action_id).payload, user, CHANNEL)
        expected = f"Only managers of EMEA can {verb} this." if user != NOBODY else who_are_you(NOBODY)
        assert notice.private and notice.text == expected
        assert not notice.buttons
    assert get(brain.store, sid) == before and audit_log(brain.store, sid) == trail

    # A customer button pressed by them creates nothing either.
    frame = brain.engine().frame
    quiet = frame[
        (frame["owner"] == "Maria") & (frame["lifecycle"] == "dormant") & (frame["name"] != "Globex")
    ]
    assert brain.act("action.approve", {"customer_id": quiet.index[0]}, user, CHANNEL).private
    assert [s.id for s in list_suggestions(brain.store)] == [sid]


def test_marking_done_is_for_the_account_manager_and_the_managers(brain):
    _, sid = _suggest(brain, "Globex")
    brain.act("action.approve", {"suggestion_id": sid}, PETRA, CHANNEL)
    for outsider in (VIC, KEN):
        notice = brain.act("action.done", {"suggestion_id": sid}, outsider, CHANNEL)
        assert notice.private and notice.text == "Only Maria or managers of EMEA can mark this done."
    stranger = brain.act("action.done", {"suggestion_id": sid}, NOBODY, CHANNEL)
    assert stranger.private and stranger.text == who_are_you(NOBODY)
    assert get(brain.store, sid).state == "approved"
    assert brain.act("action.done", {"suggestion_id": sid}, MARIA, CHANNEL).fields[-1][1].startswith("Done")


def test_stale_and_odd_buttons_get_a_friendly_answer(brain):
    assert (
        "no suggested action #4242"
        in brain.act("action.approve", {"suggestion_id": 4242}, PETRA, CHANNEL).text
    )
    assert "no longer available" in brain.act("action.approve", {"suggestion_id": "x"}, PETRA, CHANNEL).text
    assert "no longer available" in brain.act("action.approve", {"customer_id": "nope"}, PETRA, CHANNEL).text
    assert "no longer available" in brain.act("action.approve", {}, PETRA, CHANNEL).text


def test_the_audit_log_cannot_be_edited_through_the_bot_or_the_database(brain):
    _, sid = _suggest(brain, "Globex")
    brain.act("action.approve", {"suggestion_id": sid}, PETRA, CHANNEL)
    trail = audit_log(brain.store, sid)
    assert len(trail) == 2
    # Every button the bot has, pressed by an admin with payloads that try to rewrite history.
    sneaky = {
        "suggestion_id": sid,
        "state": "proposed",
        "to_state": "rejected",
        "at": "2020-01-01",
        "actor": "x",
    }
    for action_id in brain.handlers.actions:
        brain.act(action_id, sneaky, ADA, CHANNEL)
    after = audit_log(brain.store, sid)
    assert after[: len(trail)] == trail  # only ever appended to
    assert all(t.at >= trail[-1].at for t in after[len(trail) :])
    with pytest.raises(DBAPIError, match="append-only"), brain.store.begin() as conn:
        conn.execute(update(ACTION_AUDIT).values(actor="someone else"))
    with pytest.raises(DBAPIError, match="append-only"), brain.store.begin() as conn:
        conn.execute(ACTION_AUDIT.delete())
    with brain.store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ACTION_AUDIT)).scalar() == len(after)
        assert conn.execute(select(func.count()).select_from(ACTION_SUGGESTIONS)).scalar() >= 1
