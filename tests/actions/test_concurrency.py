"""Races on SQLite and PostgreSQL: many managers clicking at once give exactly one decision, and
everyone else learns who decided first."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from custseg.actions import Actor, approve, audit_log, get, propose, reject, snooze
from tests.helpers.actions import MANAGER, draft

THREADS = 12


def _race(fns: list[Callable[[], Any]]) -> list[Any]:
    """Run the callables in threads released at the same moment."""
    start = threading.Barrier(len(fns))

    def run(fn: Callable[[], Any]) -> Any:
        start.wait()
        return fn()

    with ThreadPoolExecutor(len(fns)) as pool:
        return list(pool.map(run, fns))


def test_many_managers_approving_at_once_make_exactly_one_decision(any_store, team):
    s, _ = propose(any_store, draft("R1"), MANAGER)
    managers = [Actor(f"Manager {i}", "slack", f"U{i}") for i in range(THREADS)]
    outcomes = _race([lambda m=m: approve(any_store, team, s.id, m) for m in managers])

    winners = [o for o in outcomes if o.changed]
    assert len(winners) == 1
    winner = winners[0].decisive
    assert all(o.suggestion.state == "approved" for o in outcomes)
    assert all(o.decisive == winner for o in outcomes)  # the losers see who decided first, and when
    approvals = [t for t in audit_log(any_store, s.id) if t.to_state == "approved"]
    assert approvals == [winner]
    assert get(any_store, s.id).version == 2


def test_approve_reject_and_snooze_at_once_leave_one_decision(any_store, team):
    s, _ = propose(any_store, draft("R2"), MANAGER)
    fns: list[Callable[[], Any]] = []
    for i in range(THREADS):
        who = Actor(f"Manager {i}", "teams", f"29:{i}")
        fns.append(
            [
                lambda who=who: approve(any_store, team, s.id, who),
                lambda who=who: reject(any_store, s.id, who, "not now"),
                lambda who=who: snooze(any_store, team, s.id, who),
            ][i % 3]
        )
    outcomes = _race(fns)
    final = get(any_store, s.id)
    decisions = [t for t in audit_log(any_store, s.id) if t.from_state is not None]
    # A snooze may be followed by an approval or rejection (both allowed from snoozed), never more.
    assert 1 <= len(decisions) <= 2
    assert sum(o.changed for o in outcomes) == len(decisions)
    assert decisions[-1].to_state == final.state
    if len(decisions) == 2:
        assert decisions[0].to_state == "snoozed" and final.state in ("approved", "rejected")


def test_one_manager_double_clicking_approves_once(any_store, team):
    s, _ = propose(any_store, draft("R3"), MANAGER)
    first, second = _race([lambda: approve(any_store, team, s.id, MANAGER)] * 2)
    assert sorted([first.changed, second.changed]) == [False, True]
    assert len([t for t in audit_log(any_store, s.id) if t.to_state == "approved"]) == 1


def test_simultaneous_proposals_store_one_suggestion(any_store):
    results = _race([lambda: propose(any_store, draft("R4"), MANAGER)] * THREADS)
    assert sum(created for _, created in results) == 1
    assert len({s.id for s, _ in results}) == 1
