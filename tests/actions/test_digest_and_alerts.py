"""Win-back actions in the digest, the churn alerts and the pending list, through the real Brain on
the demo book: stored suggestions, best first, decided with the same buttons as their own card."""

from __future__ import annotations

import datetime as dt

from bot.interpret import money
from custseg.actions import approve, get, list_suggestions, reject
from tests.helpers.actions import ADA, CHANNEL, MANAGER, PETRA, VIC

AWAITING = ["proposed", "snoozed"]


def _decisions(reply) -> list[tuple[str, int]]:
    return [(b.action_id, b.payload["suggestion_id"]) for b in reply.buttons if "suggestion_id" in b.payload]


def test_alerts_store_one_suggestion_per_customer_and_their_buttons_decide_it(brain):
    alerts = brain.ask("any churn alerts?", ADA, CHANNEL)
    made = list_suggestions(brain.store)
    assert made and {s.source for s in made} == {"alert"}
    assert len({(s.customer_id, s.playbook) for s in made}) == len(made)
    # Every alerted customer with a play has its stored suggestion behind its buttons.
    shown = {sid for _, sid in _decisions(alerts)}
    assert shown and shown <= {s.id for s in made}
    first = get(brain.store, _decisions(alerts)[0][1])
    assert f"Suggested: Have {first.owner} call {first.label}" in alerts.text or first.label in alerts.text
    assert all(b.payload.get("list") for b in alerts.buttons if "suggestion_id" in b.payload)

    # Asking again reuses them: one open suggestion per customer and play.
    brain.ask("any churn alerts?", ADA, CHANNEL)
    assert len(list_suggestions(brain.store)) == len(made)

    # Approving from the alert is the suggestion's own state machine; the alert message stays.
    emea = next(s for s in made if s.owner in ("Maria", "Lukas"))
    answer = brain.act("action.approve", {"suggestion_id": emea.id, "list": True}, PETRA, CHANNEL)
    assert answer.private and "Approved by Petra Novak" in answer.plain_text()
    assert get(brain.store, emea.id).state == "approved"
    refused = brain.act("action.reject", {"suggestion_id": emea.id, "list": True}, VIC, CHANNEL)
    assert refused.private and refused.text == "Only managers of EMEA can reject this."


def test_pending_list_shows_the_open_suggestions_best_first_with_buttons(brain):
    assert (
        "No win-back actions are waiting"
        in brain.ask("what actions are waiting for approval?", ADA, CHANNEL).text
    )
    brain.ask("any churn alerts?", ADA, CHANNEL)
    waiting = sorted(list_suggestions(brain.store, AWAITING), key=lambda s: (-s.value_at_stake, s.id))
    gone = waiting[1]
    reject(brain.store, gone.id, MANAGER, "not now")
    waiting.remove(gone)

    pending = brain.ask("what actions are waiting for approval?", ADA, CHANNEL)
    total = money(sum(s.value_at_stake for s in waiting), brain.settings.currency)
    assert pending.text.startswith(f"*{len(waiting)} win-back actions* waiting for a decision, {total}")
    assert [row[0] for row in pending.table.rows] == [str(s.id) for s in waiting[:15]]
    assert gone.label not in pending.text.split("…")[0]
    decided = _decisions(pending)
    assert [sid for _, sid in decided[::3]] == [s.id for s in waiting[:5]]
    assert {a for a, _ in decided} == {"action.approve", "action.reject", "action.snooze"}


def test_digest_sections_awaiting_approval_and_outcomes(brain):
    digest = brain.ask("show this week's key account digest", ADA, CHANNEL)
    assert "Awaiting approval" not in digest.text
    assert "*How approved actions turned out:* nothing measured yet" in digest.text
    assert "30 days" in digest.text

    brain.ask("any churn alerts?", ADA, CHANNEL)
    waiting = sorted(list_suggestions(brain.store, AWAITING), key=lambda s: (-s.value_at_stake, s.id))
    digest = brain.ask("show this week's key account digest", ADA, CHANNEL)
    line = next(ln for ln in digest.text.splitlines() if ln.startswith("*Awaiting approval:*"))
    assert line.startswith(f"*Awaiting approval:* {len(waiting)} actions")
    assert (
        f"{waiting[0].label} ({waiting[0].task}, {money(waiting[0].value_at_stake, brain.settings.currency)})"
        in line
    )
    assert [(a, sid) for a, sid in _decisions(digest)] == [
        (action, s.id) for s in waiting[:3] for action in ("action.approve", "action.reject")
    ]

    # Approvals made two months before the data ends are measured over the full window.
    early = dt.datetime(2026, 9, 1, 9, 0)
    for s in waiting[:4]:
        approve(brain.store, brain.settings, s.id, MANAGER, now=early)
    digest = brain.ask("show this week's key account digest", ADA, CHANNEL)
    lines = digest.text.splitlines()
    head = lines.index(
        "*How approved actions turned out* (won back = ordered within 30 days of the approval; "
        "compared with similar customers left alone):"
    )
    outcome_lines = [ln for ln in lines[head + 1 :] if ln.startswith("• ")]
    tasks = {s.task for s in waiting[:4]}
    assert outcome_lines and all(any(ln.startswith(f"• {t}: ") for t in tasks) for ln in outcome_lines)
    assert sum(int(ln.split(" of ")[1].split()[0]) for ln in outcome_lines) == 4
    assert all(" recovered; " in ln for ln in outcome_lines)
    assert len(digest.text) < 2500, "readable in a minute"
