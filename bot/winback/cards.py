"""A win-back suggestion as a message: its card, its buttons, its line on a list, the account
manager's task message, and what a recorded copy shows after a decision."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from bot import wording
from bot.copies import rewrite_list
from bot.interpret import days, level_label, money, task_words
from bot.reply import Button, Reply
from config.settings import Settings
from custseg.actions import Draft, Suggestion, Transition
from custseg.store.copies import Copy


def when(settings: Settings, at: dt.datetime) -> str:
    """A stored UTC time in the settings' time zone, to the minute."""
    local = at.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(settings.timezone))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def play_sentence(s: Draft, currency: str) -> str:
    """What to do, in words, from the facts stored with the suggestion."""
    template = wording.PLAY_TEXT.get(s.playbook)
    if template is None:
        return f"{task_words(s.task)}."
    facts = s.facts
    trend = facts.get("trend_90d")
    return template.format(
        name=s.customer_name or s.customer_id,
        owner=s.owner or wording.NO_ACCOUNT_MANAGER,
        gap=f"{facts['typical_gap_days']:g}",
        recency=days(facts["recency_days"]),
        ratio=f"{facts['overdue_ratio']:.1f}",
        revenue=money(facts["revenue"], currency),
        drop=f"{-100 * trend:.0f}" if trend is not None else "?",
        orders=f"{facts.get('frequency') or 0:,}",
    )


def why(facts: dict[str, Any], s: Suggestion | None = None) -> str:
    """The labels behind a suggestion; prefixed with the data's day when the suggestion was made
    later than that (the figures are the snapshot's, not today's)."""
    prefix = ""
    if s is not None and s.created_at.date() > s.snapshot_as_of:
        age = (s.created_at.date() - s.snapshot_as_of).days
        prefix = wording.FACTS_AS_OF.format(as_of=s.snapshot_as_of, age=days(age))
    return prefix + wording.ACTION_WHY.format(
        segment=wording.SEGMENT_LABEL[facts["segment"]].capitalize(),
        stage=wording.STAGE_LABEL[facts["lifecycle"]],
        recency=days(facts["recency_days"]),
        gap=f"{facts['typical_gap_days']:g}",
        tier=level_label(facts["value_tier"]),
        risk=level_label(facts["churn_risk"]),
    )


def teams_of(settings: Settings, owner: str | None) -> list[str]:
    return settings.teams_of_owner(owner)


def who_decides(settings: Settings, owner: str | None) -> str:
    if settings.open_access:  # no people configured: the one user decides (bot.winback.rights)
        return wording.WHO_YOU
    teams = teams_of(settings, owner)
    return wording.WHO_MANAGERS.format(teams=" or ".join(teams)) if teams else wording.WHO_ADMIN


def status(settings: Settings, s: Suggestion, last: Transition) -> str:
    """Where the suggestion stands and who put it there."""
    line = wording.ACTION_STATUS[s.state].format(
        who=who_decides(settings, s.owner),
        actor=last.actor,
        at=when(settings, last.at),
        until=s.snoozed_until.date() if s.snoozed_until else "?",
        owner=s.owner or wording.NO_ACCOUNT_MANAGER,
        due=s.due_on,
        reason=last.reason or "",
    )
    if s.state == "rejected" and last.reason:
        line += wording.ACTION_REASON.format(reason=last.reason)
    return line


def buttons(settings: Settings, s: Suggestion) -> list[Button]:
    """The decisions open to a suggestion in its current state."""
    ref = {"suggestion_id": s.id}
    approve_reject = [
        Button(wording.ACTION_BUTTONS["approve"], "action.approve", ref, "primary"),
        Button(wording.ACTION_BUTTONS["reject"], "action.reject", ref, "danger", asks_reason=True),
    ]
    if s.state == "proposed":
        n = settings.playbook.snooze_days
        snooze_button = Button(
            wording.ACTION_BUTTONS["snooze"].format(days=n), "action.snooze", {**ref, "days": n}
        )
        return [*approve_reject, snooze_button]
    if s.state == "snoozed":
        return approve_reject
    if s.state == "approved":
        return [Button(wording.ACTION_BUTTONS["done"], "action.done", ref, "primary")]
    return []


def list_buttons(settings: Settings, s: Suggestion, decisions: tuple[str, ...] | None = None) -> list[Button]:
    """The suggestion's buttons on a message about several suggestions: labelled with the customer,
    answered privately (``"list"``) so the message stays whole. ``decisions`` limits them to some
    action ids (e.g. ``("action.approve", "action.reject")``)."""
    return [
        Button(f"{b.label} · {s.label}", b.action_id, {**b.payload, "list": True}, b.style, b.asks_reason)
        for b in buttons(settings, s)
        if decisions is None or b.action_id in decisions
    ]


def no_play_sentence(customer: dict[str, Any]) -> str:
    """Why a customer (a snapshot row) gets no suggestion: no play of the playbook fits them."""
    name = customer.get("name") or customer["customer_id"]
    stage = customer["lifecycle"]
    template = wording.NO_PLAY.get(stage, wording.NO_PLAY_OTHER)
    return template.format(name=name, stage=wording.STAGE_LABEL[stage], tier=customer["value_tier"])


def card(settings: Settings, s: Suggestion, last: Transition, note: str = "", context: str = "") -> Reply:
    """The suggestion as a message: what to do, why, what it is worth, where it stands, buttons."""
    cur = settings.currency
    rate = 100 * s.expected_value / s.value_at_stake if s.value_at_stake else 0.0
    choices = buttons(settings, s)
    footer = wording.ACTION_FOOTER.format(id=s.id, as_of=s.snapshot_as_of)
    if any(b.asks_reason for b in choices):
        footer += wording.REJECT_HINT.format(id=s.id)
    return Reply(
        context=context or wording.ACTION_CONTEXT.format(name=s.label),
        title=wording.ACTION_TITLE.format(name=s.label, task=task_words(s.task)),
        text="\n".join(p for p in (note, play_sentence(s, cur)) if p),
        fields=[
            (wording.FIELD_LABEL["why"], why(s.facts, s)),
            (
                wording.FIELD_LABEL["value_at_stake"],
                wording.VALUE_AT_STAKE[s.value_basis].format(value=money(s.value_at_stake, cur)),
            ),
            (
                wording.FIELD_LABEL["expected_value"],
                wording.EXPECTED_VALUE.format(value=money(s.expected_value, cur), rate=f"{rate:.0f}"),
            ),
            (wording.FIELD_LABEL["account_manager"], s.owner or "—"),
            (wording.FIELD_LABEL["status"], status(settings, s, last)),
        ],
        buttons=choices,
        footer=footer,
    )


def task_reply(settings: Settings, s: Suggestion, approval: Transition) -> Reply:
    """The account manager's direct message after an approval, with a button to mark it done."""
    return Reply(
        context=wording.TASK_CONTEXT.format(name=s.label),
        title=wording.ACTION_TITLE.format(name=s.label, task=task_words(s.task)),
        text=wording.TASK_TEXT.format(
            approver=approval.actor,
            at=when(settings, approval.at),
            due=s.due_on,
            sentence=play_sentence(s, settings.currency),
        ),
        fields=[(wording.FIELD_LABEL["why"], why(s.facts, s))],
        buttons=[Button(wording.ACTION_BUTTONS["done"], "action.done", {"suggestion_id": s.id}, "primary")],
        footer=wording.ACTION_FOOTER.format(id=s.id, as_of=s.snapshot_as_of),
    )


LIST_KEEP = ("action.approve", "action.reject")  # a list keeps these for a suggestion still undecided


def list_state(settings: Settings, s: Suggestion, last: Transition) -> str:
    """A suggestion's state for its line on a list message ("approved by Ann Lee, 23 Nov 10:02")."""
    local = last.at.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(settings.timezone))
    state = wording.LIST_STATE[s.state].format(
        actor=last.actor,
        at=f"{local:%d %b %H:%M}",
        until=s.snoozed_until.date() if s.snoozed_until else "?",
        reason=last.reason or "",
    )
    if s.state == "rejected" and last.reason:
        state += wording.LIST_REASON.format(reason=last.reason)
    return state


def copy_content(settings: Settings, s: Suggestion, last: Transition, copy: Copy, stored: Reply) -> Reply:
    """What a recorded copy shows after ``last``: a card is drawn again; a list keeps its other
    suggestions and shows this one's decision instead of its buttons (approve and reject stay while
    it is still undecided, e.g. snoozed)."""
    if copy.kind == "card":
        return card(settings, s, last)
    line = wording.LIST_DECIDED.format(id=s.id, name=s.label, state=list_state(settings, s, last))
    keep = list_buttons(settings, s, LIST_KEEP) if s.state in ("proposed", "snoozed") else []
    return rewrite_list(stored, s.id, line, keep)
