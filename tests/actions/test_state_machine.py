"""The suggestion state machine on SQLite and PostgreSQL: every allowed move is made and audited,
every forbidden one changes nothing, and the database keeps one open suggestion per customer and play."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from custseg.actions import (
    OPEN_STATES,
    STATES,
    SYSTEM,
    TRANSITIONS,
    approve,
    audit_log,
    get,
    propose,
    snooze,
    sweep,
    transition,
)
from custseg.errors import ActionError
from custseg.store.models import ACTION_SUGGESTIONS
from tests.helpers.actions import MANAGER, draft

# How to bring a fresh (proposed) suggestion into each state.
PATH = {
    "proposed": [],
    "snoozed": ["snoozed"],
    "approved": ["approved"],
    "rejected": ["rejected"],
    "done": ["approved", "done"],
    "expired": ["expired"],
}
T0 = dt.datetime(2026, 11, 20, 9, 0)


def _in_state(store, state: str, customer_id: str):
    s, created = propose(store, draft(customer_id), MANAGER, now=T0)
    assert created
    for step in PATH[state]:
        assert transition(store, s.id, step, MANAGER, now=T0).changed
    return get(store, s.id)


def test_the_allowed_moves_are_exactly_those_of_the_workflow():
    assert {
        "proposed": {"approved", "rejected", "snoozed", "expired"},
        "snoozed": {"proposed", "approved", "rejected", "expired"},
        "approved": {"done", "expired"},
        "rejected": set(),
        "done": set(),
        "expired": set(),
    } == TRANSITIONS
    assert set(PATH) == set(STATES)


def test_every_allowed_transition_is_made_once_and_audited(any_store):
    n = 0
    for source, targets in TRANSITIONS.items():
        for target in sorted(targets):
            n += 1
            before = _in_state(any_store, source, f"ok{n}")
            rows_before = len(audit_log(any_store, before.id))
            outcome = transition(any_store, before.id, target, MANAGER, reason="test", now=T0)
            after = get(any_store, before.id)
            assert outcome.changed, (source, target)
            assert after.state == target and after.version == before.version + 1
            assert after.open_slot is (True if target in OPEN_STATES else None)
            log = audit_log(any_store, before.id)
            assert len(log) == rows_before + 1
            last = log[-1]
            assert (last.from_state, last.to_state, last.actor, last.platform, last.user_id) == (
                source,
                target,
                "Petra Novak",
                "slack",
                "U_PETRA",
            )
            assert outcome.decisive == last
    assert n == 10


def test_every_forbidden_transition_changes_nothing(any_store):
    n = 0
    for source in STATES:
        for target in sorted(set(STATES) - TRANSITIONS[source]):
            n += 1
            before = _in_state(any_store, source, f"no{n}")
            log_before = audit_log(any_store, before.id)
            outcome = transition(any_store, before.id, target, MANAGER, now=T0)
            assert not outcome.changed, (source, target)
            assert get(any_store, before.id) == before
            assert audit_log(any_store, before.id) == log_before
            assert outcome.decisive == log_before[-1]  # who put it where it is
    assert n == 26


def test_one_open_suggestion_per_customer_and_play_is_kept_by_the_database(any_store):
    first, created = propose(any_store, draft("C9"), MANAGER)
    again, created_again = propose(any_store, draft("C9"), MANAGER)
    assert created and not created_again and again.id == first.id
    other_play, created_other = propose(any_store, draft("C9", playbook="at_risk"), MANAGER)
    assert created_other and other_play.id != first.id

    # Even a write that bypasses propose() cannot add a second open one.
    row = {
        **{k: v for k, v in first.__dict__.items() if k != "id"},
        "created_at": dt.datetime(2026, 1, 1),
    }
    with pytest.raises(IntegrityError), any_store.begin() as conn:
        conn.execute(insert(ACTION_SUGGESTIONS).values(**row))

    # Once closed, asking again on the same snapshot shows the decision; a newer snapshot may
    # suggest it again, and closed ones pile up freely.
    assert transition(any_store, first.id, "rejected", MANAGER).changed
    same_day, created_same_day = propose(any_store, draft("C9"), MANAGER)
    assert not created_same_day and (same_day.id, same_day.state) == (first.id, "rejected")
    next_week = dataclasses.replace(draft("C9"), snapshot_as_of=dt.date(2026, 11, 20))
    fresh, created_fresh = propose(any_store, next_week, MANAGER)
    assert created_fresh and fresh.id != first.id
    assert transition(any_store, fresh.id, "rejected", MANAGER).changed
    later = dataclasses.replace(draft("C9"), snapshot_as_of=dt.date(2026, 11, 27))
    third, _ = propose(any_store, later, MANAGER)
    assert third.state == "proposed" and third.id not in (first.id, fresh.id)


def test_approval_sets_the_due_day_and_snooze_its_end(any_store, team):
    a, _ = propose(any_store, draft("D1"), MANAGER)
    approved = approve(any_store, team, a.id, MANAGER, now=T0).suggestion
    assert approved.due_on == T0.date() + dt.timedelta(
        days=team.playbook.plays["dormant_high_value"].due_days
    )
    b, _ = propose(any_store, draft("D2"), MANAGER)
    snoozed = snooze(any_store, team, b.id, MANAGER, days=3, now=T0).suggestion
    assert snoozed.snoozed_until == T0 + dt.timedelta(days=3)
    assert audit_log(any_store, b.id)[-1].reason == "until 2026-11-23"


def test_sweep_wakes_ended_snoozes_and_expires_what_nobody_acted_on(any_store, team):
    limit = team.playbook.expire_after_days
    snoozed, _ = propose(any_store, draft("S1"), MANAGER, now=T0)
    snooze(any_store, team, snoozed.id, MANAGER, days=2, now=T0)
    undecided, _ = propose(any_store, draft("S2"), MANAGER, now=T0)
    task, _ = propose(any_store, draft("S3"), MANAGER, now=T0)
    approve(any_store, team, task.id, MANAGER, now=T0)
    fresh, _ = propose(any_store, draft("S4"), MANAGER, now=T0 + dt.timedelta(days=limit))

    assert sweep(any_store, team, now=T0 + dt.timedelta(days=1)) == {"woken": 0, "expired": 0}
    assert sweep(any_store, team, now=T0 + dt.timedelta(days=limit)) == {"woken": 1, "expired": 1}
    assert get(any_store, snoozed.id).state == "proposed"
    assert get(any_store, undecided.id).state == "expired"
    assert get(any_store, fresh.id).state == "proposed"
    woke = audit_log(any_store, snoozed.id)[-1]
    assert (woke.actor, woke.platform, woke.reason) == (SYSTEM.name, "system", "the snooze is over")
    due = get(any_store, task.id).due_on
    later = dt.datetime.combine(due, dt.time()) + dt.timedelta(days=limit + 1)
    assert sweep(any_store, team, now=later)["expired"] >= 1
    assert get(any_store, task.id).state == "expired"
    assert "not marked done" in audit_log(any_store, task.id)[-1].reason


def test_unknown_suggestion_is_a_clear_error(any_store):
    with pytest.raises(ActionError, match="no suggested action #999"):
        transition(any_store, 999, "approved", MANAGER)


def test_value_at_stake_is_the_lifetime_value_when_known_else_a_year_of_usual_orders():
    from custseg.actions import value_at_stake

    row = {"avg_order_value": 200.0, "typical_gap_days": 36.5, "clv": float("nan")}
    assert value_at_stake(row) == (2000.0, "revenue")  # 10 orders a year of 200
    assert value_at_stake({**row, "clv": 1234.5}) == (1234.5, "clv")
