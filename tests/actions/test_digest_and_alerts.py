"""Win-back actions in the digest, the churn alerts and the pending list, through the real Brain on
the demo book: stored suggestions, best first, decided with the same buttons as their own card."""

from __future__ import annotations

import datetime as dt

from adapters.slack.render import button_element
from bot.handlers.digest import MINE_ACTION, MINE_ROOM, _within
from bot.interpret import money
from bot.reply import Button
from bot.services.scheduled import ScheduledPosts
from custseg.actions import approve, get, list_suggestions, reject
from tests.helpers.actions import ADA, CHANNEL, MANAGER, MARIA, PETRA, VIC

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


def test_a_scheduled_alert_is_one_message_grouped_by_account_manager_and_show_mine_gives_the_presser_theirs(
    brain,
):
    scheduled = ScheduledPosts(brain)
    scheduled.propose_alerted("slack", CHANNEL.channel_id, None)
    messages, plan = scheduled.alerts("slack", CHANNEL.channel_id, "alerts:slack:C_WINBACK:2026-W46", None)
    # Before: one message per account manager (6 on the demo book), all into the same channel.
    (alert,) = messages
    assert alert.key == "alerts:slack:C_WINBACK:2026-W46"
    assert alert.customers == [str(c) for c in plan.alert.index] and len(alert.customers) > 8
    owners = plan.alert["owner"].dropna().unique()
    assert len(owners) > 1
    lines = alert.reply.text.splitlines()
    headings = [i for i, line in enumerate(lines) if any(line.startswith(f"*{o}* — ") for o in owners)]
    assert len(headings) == len(owners), "one heading per account manager"
    # Every customer named under a heading is one of that manager's.
    for start, end in zip(headings, [*headings[1:], len(lines)], strict=True):
        owner = lines[start].split("*")[1]
        theirs = {str(n) for n in plan.alert.loc[plan.alert["owner"] == owner, "name"]}
        named = [line.split("*")[1] for line in lines[start + 1 : end] if line.startswith("• ")]
        assert named and set(named) <= theirs
    # Each manager's biggest customer carries their buttons; at most 8 do.
    decided = {b.payload["suggestion_id"] for b in alert.reply.buttons if "suggestion_id" in b.payload}
    assert len(owners) <= len(decided) <= 8
    (mine,) = [b for b in alert.reply.buttons if b.label == "Show mine"]
    assert alert.reply.buttons[0] is mine

    pressed = brain.act(mine.action_id, mine.payload, MARIA, CHANNEL)
    marias = plan.alert[plan.alert["owner"] == "Maria"]
    assert pressed.private and pressed.title.startswith("Churn alerts for Maria")
    assert pressed.text.startswith(f"*{len(marias)} customers* crossed into high churn risk")
    named = {line.split("*")[1] for line in pressed.text.splitlines() if line.startswith("• ")}
    assert named == {str(n) for n in marias["name"].head(8)}
    theirs = {s.id for s in list_suggestions(brain.store) if s.owner == "Maria"}
    shown = {sid for _, sid in _decisions(pressed)}
    assert shown and shown <= theirs

    # Someone without a book of their own is told so, privately; nobody else's customers show.
    manager = brain.act(mine.action_id, mine.payload, PETRA, CHANNEL)
    assert manager.private and manager.text.startswith("*Show mine* lists the customers")


def test_show_mine_carries_as_many_customers_as_slack_lets_a_button_hold():
    ids = [f"{n:036d}" for n in range(100)]  # ids as long as a UUID
    kept = _within(ids, MINE_ROOM)
    assert kept == ids[: len(kept)] and 40 < len(kept) < 100
    button = Button("Show mine", MINE_ACTION, {"customers": kept, "since": "2026-11-06"})
    assert button_element(button, 0) is not None, "Slack would drop a button over 2,000 characters"
