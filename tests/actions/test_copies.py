"""Every posted copy of a suggestion is updated after a decision: alerts and digests delivered to a
Slack channel, a Teams channel and a direct message are recorded as they are posted, and a button
pressed on one of them rewrites all the others through the outbox (asserted at the fake Slack Web
API and the fake Teams connector), while the list pressed on is rewritten in place."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from bot.context import Channel
from bot.delivery import Posted
from bot.outbox import enqueue, remember, reply_from_json
from bot.reply import Reply
from bot.winback.cards import list_buttons
from bot.winback.copies import catch_up_copies, spread_outcome
from config import Settings
from custseg.actions import Actor, approve, audit_log, get, list_suggestions, propose, reject, sweep
from custseg.store import copies
from custseg.store.db import Store
from custseg.store.outbox import list_messages
from tests.actions.chat_world import (
    ADA,
    MARIA_DM,
    SLACK_ALERTS,
    SLACK_DIGEST,
    TEAMS_CHANNEL,
    Both,
    card_decisions,
    decisions,
    fresh,
    open_world,
    slack_post_to,
)
from tests.helpers.actions import MANAGER, draft
from tests.helpers.demo_book import DemoBooks
from tests.helpers.slack import buttons
from tests.teams.cards import card_action, card_text


@pytest.fixture(scope="module")
def both(demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Both]:
    with open_world(demo_books, tmp_path_factory.mktemp("copies")) as opened:
        yield opened


@pytest.fixture
def world(both: Both) -> Both:
    return fresh(both)


def test_approving_on_the_slack_alert_updates_the_teams_card_and_the_account_managers_copy(world: Both):
    alert = world.brain.ask("any churn alerts?", ADA, Channel(SLACK_ALERTS, "slack", "private"))
    assert alert.buttons, "the alert carries the suggestions' buttons"
    emea = next(
        s
        for sid in {b.payload["suggestion_id"] for b in alert.buttons}
        if (s := get(world.store, sid)).owner == "Maria"
    )
    for platform, channel in (("slack", SLACK_ALERTS), ("teams", TEAMS_CHANNEL), ("slack", MARIA_DM)):
        assert enqueue(world.store, platform, channel, f"alert:{platform}:{channel}", alert)
    assert [o.status for o in world.deliver()] == ["sent"] * 3
    recorded = copies.of_suggestion(world.store, emea.id)
    assert sorted((c.platform, c.channel_id, c.kind) for c in recorded) == [
        ("slack", SLACK_ALERTS, "list"),
        ("slack", MARIA_DM, "list"),
        ("teams", TEAMS_CHANNEL, "list"),
    ]
    in_channel = slack_post_to(world, SLACK_ALERTS)
    ts = next(c.message_id for c in recorded if c.channel_id == SLACK_ALERTS)
    (teams_post,) = world.connector.of("post")
    others = set(decisions(in_channel.blocks)) - {emea.id}
    assert others, "the alert names more than one customer"

    # Petra approves from the Slack channel's alert: that message is rewritten at once.
    approve_button = next(
        e for e in buttons(in_channel.blocks) if e["text"]["text"] == f"Approve · {emea.label}"
    )
    world.slack.click(approve_button, user="U_PETRA", channel=SLACK_ALERTS, message_ts=ts)
    (in_place,) = world.slack.fake.wait_for("chat.update")
    assert in_place.args["channel"] == SLACK_ALERTS and in_place.args["ts"] == ts
    line = f"#{emea.id} {emea.label} — approved by Petra Novak, "
    assert line in in_place.text()
    assert emea.id not in decisions(in_place.blocks) and set(decisions(in_place.blocks)) == others
    assert get(world.store, emea.id).state == "approved"

    # The other copies are updated through the outbox, and Maria gets her task.
    world.slack.fake.reset()
    outcomes = {o.key: o.status for o in world.deliver()}
    assert outcomes == {
        f"update:{c.id}:{audit_log(world.store, emea.id)[-1].id}": "sent"
        for c in recorded
        if c.channel_id != SLACK_ALERTS
    } | {f"action:{emea.id}:approved": "sent"}
    (teams_update,) = world.connector.of("update")
    assert teams_update.activity_id == teams_post.returned_id
    assert line in card_text(teams_update.card)
    assert (
        emea.id not in card_decisions(teams_update.card) and set(card_decisions(teams_update.card)) == others
    )
    dm_update = next(c for c in world.slack.fake.calls_to("chat.update") if c.args["channel"] == MARIA_DM)
    assert line in dm_update.text() and emea.id not in decisions(dm_update.blocks)
    task = slack_post_to(world, MARIA_DM)
    assert "Petra Novak approved this on" in task.text()

    # Maria marks the task done from her direct message: the alert copies say so, the task too.
    task_copy = next(c for c in copies.of_suggestion(world.store, emea.id) if c.kind == "card")
    done = next(e for e in buttons(task.blocks) if e["text"]["text"] == "Mark done")
    world.slack.fake.reset()
    world.connector.clear()
    world.slack.click(done, user="U_MARIA", channel=MARIA_DM, message_ts=task_copy.message_id)
    (task_now,) = world.slack.fake.wait_for("chat.update")
    assert "Done: marked by Maria on " in task_now.text() and decisions(task_now.blocks) == {}
    world.deliver()
    (teams_done,) = world.connector.of("update")
    assert f"#{emea.id} {emea.label} — done, marked by Maria, " in card_text(teams_done.card)
    assert line not in card_text(teams_done.card), "the decision line is replaced, not repeated"


def test_a_digest_decided_on_teams_then_on_slack_is_rewritten_everywhere_from_the_latest(world: Both):
    digest = world.brain.ask(
        "show this week's key account digest", ADA, Channel(SLACK_DIGEST, "slack", "private")
    )
    listed = list(
        dict.fromkeys(b.payload["suggestion_id"] for b in digest.buttons if "suggestion_id" in b.payload)
    )
    assert len(listed) == 3
    first, second, third = (get(world.store, sid) for sid in listed)
    for platform, channel in (("slack", SLACK_DIGEST), ("teams", TEAMS_CHANNEL)):
        assert enqueue(world.store, platform, channel, f"digest:{platform}:{channel}", digest)
    world.deliver()
    (teams_post,) = world.connector.of("post")
    slack_post = slack_post_to(world, SLACK_DIGEST)
    assert set(card_decisions(teams_post.card)) == set(decisions(slack_post.blocks)) == set(listed)

    # Ada approves the first on the Teams card: the card she pressed is replaced for everyone.
    approve_first = card_action(teams_post.card, f"Approve · {first.label}")
    seen = world.invoke(approve_first, teams_post.returned_id)
    line_1 = f"#{first.id} {first.label} — approved by Ada Admin, "
    assert line_1 in card_text(seen) and set(card_decisions(seen)) == {second.id, third.id}
    # Sent after the press was answered (with the alert of the test before, which may carry it too).
    pressed = 1
    while not [
        c for c in world.connector.wait_for("update", pressed) if c.activity_id == teams_post.returned_id
    ]:
        pressed += 1
    (replaced,) = [c for c in world.connector.of("update") if c.activity_id == teams_post.returned_id]
    assert line_1 in card_text(replaced.card)
    world.slack.fake.reset()
    world.deliver()
    # (the alert of the test before may carry the same suggestion: its copies are updated too)
    (slack_update,) = [
        c for c in world.slack.fake.calls_to("chat.update") if c.args["channel"] == SLACK_DIGEST
    ]
    slack_copy = next(c for c in copies.of_suggestion(world.store, first.id) if c.channel_id == SLACK_DIGEST)
    assert slack_update.args["ts"] == slack_copy.message_id
    assert line_1 in slack_update.text()
    assert set(decisions(slack_update.blocks)) == {second.id, third.id}, "two suggestions keep their buttons"
    assert world.slack.fake.calls_to("upload") == [], "an update does not post the chart again"

    # Ada then approves the second on Slack: both decisions show, on Slack at once and on Teams after.
    ts = slack_copy.message_id
    approve_second = next(
        e for e in buttons(slack_update.blocks) if e["text"]["text"] == f"Approve · {second.label}"
    )
    world.slack.fake.reset()
    world.connector.clear()
    world.slack.click(approve_second, user="U_ADA", channel=SLACK_DIGEST, message_ts=ts)
    (in_place,) = world.slack.fake.wait_for("chat.update", where=lambda c: c.args["channel"] == SLACK_DIGEST)
    line_2 = f"#{second.id} {second.label} — approved by Ada Admin, "
    assert line_1 in in_place.text() and line_2 in in_place.text()
    assert set(decisions(in_place.blocks)) == {third.id}
    world.deliver()
    (teams_update,) = [c for c in world.connector.of("update") if c.activity_id == teams_post.returned_id]
    assert line_1 in card_text(teams_update.card) and line_2 in card_text(teams_update.card)
    assert set(card_decisions(teams_update.card)) == {third.id}
    assert "Key-account digest" in card_text(teams_update.card), "the rest of the digest stays"


# -- the registry and the update queue on SQLite and PostgreSQL ---------------------------------------


def _list_of(settings: Settings, suggestions) -> Reply:
    return Reply(
        context="Churn alerts",
        text="\n".join(f"• {s.label}" for s in suggestions),
        buttons=[b for s in suggestions for b in list_buttons(settings, s)],
    )


def _updates(store: Store) -> list[dict[str, Any]]:
    return [m for m in list_messages(store, limit=1000, with_reply=True) if m["kind"] == "update"]


def test_lists_are_rewritten_from_their_latest_version_and_queued_once_per_copy(any_store, team):
    made = [propose(any_store, draft(f"L{i}"), MANAGER)[0] for i in range(3)]
    listing = _list_of(team, made)
    for posted in (Posted("slack", "C1", "1.000001"), Posted("teams", "19:c", "activity-7")):
        assert remember(any_store, posted, listing).kind == "list"
    assert remember(any_store, Posted("slack", "C1", "1.000001"), listing).version == 1, "recorded once"
    assert remember(any_store, Posted("slack", "C1", "1.000002"), Reply(text="no buttons")) is None

    first = approve(any_store, team, made[0].id, MANAGER)
    spread_outcome(any_store, team, first)
    spread_outcome(any_store, team, first)  # asked twice, queued once
    queued = _updates(any_store)
    assert sorted((m["platform"], m["message_id"]) for m in queued) == [
        ("slack", "1.000001"),
        ("teams", "activity-7"),
    ]
    assert all(m["key"].endswith(f":{first.decisive.id}") for m in queued)
    rewritten = reply_from_json(queued[0]["reply"])
    assert f"#{made[0].id} Customer L0 — approved by Petra Novak, " in rewritten.text
    assert {b.payload["suggestion_id"] for b in rewritten.buttons} == {made[1].id, made[2].id}

    second = reject(any_store, made[1].id, Actor("Olga Berg", "teams", "29:olga"), "switched supplier")
    spread_outcome(any_store, team, second)
    latest = [m for m in _updates(any_store) if m["key"].endswith(f":{second.decisive.id}")]
    assert len(latest) == 2
    text = reply_from_json(latest[0]["reply"]).text
    assert f"#{made[0].id} Customer L0 — approved by Petra Novak" in text
    assert f"#{made[1].id} Customer L1 — rejected by Olga Berg, " in text and ": switched supplier" in text
    stored = copies.of_suggestion(any_store, made[2].id)
    assert len(stored) == 2 and stored[0].reply == stored[1].reply
    assert {b.payload["suggestion_id"] for b in reply_from_json(stored[0].reply).buttons} == {made[2].id}


def test_the_sweep_expiring_a_suggestion_updates_its_copies(any_store, team):
    s, _ = propose(any_store, draft("X1"), MANAGER, now=dt.datetime(2026, 1, 1, 9))
    remember(any_store, Posted("slack", "C1", "2.000001"), _list_of(team, [s]))
    counts = sweep(
        any_store, team, dt.datetime(2026, 3, 1, 9), on_change=lambda o: spread_outcome(any_store, team, o)
    )
    assert counts["expired"] == 1
    (update,) = _updates(any_store)
    assert (
        f"#{s.id} Customer X1 — expired 01 Mar 09:00 (nobody decided within 14 days)"
        in update["reply"]["text"]
    )
    assert update["reply"]["buttons"] == []


def test_two_managers_at_once_make_one_decision_and_one_set_of_updates(any_store, team):
    s, _ = propose(any_store, draft("R9"), MANAGER)
    for n in range(3):
        remember(any_store, Posted("slack", f"C{n}", f"3.00000{n}"), _list_of(team, [s]))
    start = threading.Barrier(2)

    def decide(who: Actor):
        start.wait()
        outcome = approve(any_store, team, s.id, who)
        if outcome.changed:  # what the button handler does after a transition
            spread_outcome(any_store, team, outcome)
        return outcome

    managers = [Actor("Petra Novak", "slack", "U_PETRA"), Actor("Olga Berg", "slack", "U_OLGA")]
    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(decide, managers))
    assert sum(o.changed for o in outcomes) == 1
    assert len([t for t in audit_log(any_store, s.id) if t.to_state == "approved"]) == 1
    queued = _updates(any_store)
    assert len(queued) == 3 and len({m["key"] for m in queued}) == 3
    winner = next(o for o in outcomes if o.changed).decisive.actor
    assert all(f"approved by {winner}" in m["reply"]["text"] for m in queued)
    assert list_suggestions(any_store, ["approved"])[0].id == s.id


def test_copy_updates_lost_to_a_crash_right_after_a_decision_are_queued_by_the_daily_catch_up(world: Both):
    alert = world.brain.ask("any churn alerts?", ADA, Channel(SLACK_ALERTS, "slack", "private"))
    sid = min(
        i
        for i in {b.payload["suggestion_id"] for b in alert.buttons}
        if (found := get(world.store, i)) is not None and found.state == "proposed"
    )
    for platform, channel in (("slack", SLACK_ALERTS), ("teams", TEAMS_CHANNEL)):
        assert enqueue(world.store, platform, channel, f"crash:{platform}:{channel}:{sid}", alert)
    world.deliver()
    posted = copies.of_suggestion(world.store, sid)
    assert len(posted) >= 2
    world.slack.fake.reset()
    world.connector.clear()
    # The decision is committed, then the process dies before the copies' updates are queued.
    since = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    outcome = approve(world.store, world.brain.settings, sid, MANAGER)
    assert outcome.changed
    assert world.deliver() == [], "nothing was queued for the copies"

    assert catch_up_copies(world.store, world.brain.settings, since) == 1
    delivered = world.deliver()
    assert {o.key for o in delivered} == {f"update:{c.id}:{outcome.decisive.id}" for c in posted}
    assert {o.status for o in delivered} == {"sent"}
    line = f"#{sid} {outcome.suggestion.label} — approved by Petra Novak, "
    slack_updates = world.slack.fake.calls_to("chat.update")
    assert SLACK_ALERTS in {c.args["channel"] for c in slack_updates}
    assert all(line in c.text() and sid not in decisions(c.blocks) for c in slack_updates)
    teams_updates = world.connector.of("update")
    assert teams_updates and all(line in card_text(c.card) for c in teams_updates)
    assert len(slack_updates) + len(teams_updates) == len(posted)
    # Repeating the catch-up (the next day's sweep) queues nothing again.
    catch_up_copies(world.store, world.brain.settings, since)
    assert world.deliver() == []
