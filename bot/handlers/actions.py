"""Win-back actions in chat: the suggestion card and the buttons that decide it.

Button ids and payloads (digests and alerts use the same):

- ``action.approve``, ``action.reject``, ``action.snooze``: ``{"suggestion_id": 42}``, or
  ``{"customer_id": "C00134"}`` (optionally with ``"playbook"``), which decides the customer's open
  suggestion or first creates it from the latest snapshot. ``action.reject`` takes an optional
  ``"reason"``; ``action.snooze`` an optional ``"days"``.
- ``action.done``: ``{"suggestion_id": 42}``, from the account manager's task message.
- ``"list": true`` marks a button on a message about several suggestions (the digest, churn
  alerts, the pending list; see ``list_buttons``).

The same decisions can be typed (``typed_decision``): "approve 12", "reject 12 because they
switched supplier", "reject #12: too small", "snooze 12 for 2 weeks".

Only managers of the customer's team (or admins) decide; anyone else gets a private notice and
nothing changes. Of simultaneous clicks exactly one counts and the others are told who was first.
A decision updates every recorded copy of the suggestion's messages (``bot.copies``): the message
whose button was pressed is replaced by the answer (the card; on a list, the list with that
suggestion's line decided), the others are updated through the outbox. A list button pressed on a
message that is not recorded (an ephemeral one, the terminal) gets the card shown privately.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any
from zoneinfo import ZoneInfo

from bot import wording
from bot.context import Context
from bot.copies import rewrite_list, spread
from bot.freshness import with_freshness
from bot.interpret import days, days_ago, money
from bot.reply import Button, Reply
from config.settings import Person, Settings
from custseg.actions import (
    Actor,
    Draft,
    Outcome,
    Playbook,
    Suggestion,
    Transition,
    approve,
    audit_log,
    get,
    last_transition,
    mark_done,
    open_for,
    propose,
    reject,
    require,
    snooze,
)
from custseg.errors import CustsegError
from custseg.store import copies
from custseg.store.copies import Copy
from custseg.store.db import Store

log = logging.getLogger("custseg.bot.actions")
STALE_BUTTON = "That button is no longer available. Ask me again."


def when(settings: Settings, at: dt.datetime) -> str:
    """A stored UTC time in the settings' time zone, to the minute."""
    local = at.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(settings.timezone))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


def play_sentence(s: Draft, currency: str) -> str:
    """What to do, in words, from the facts stored with the suggestion."""
    template = wording.PLAY_TEXT.get(s.playbook)
    if template is None:
        return f"{s.task}."
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


def _why(facts: dict[str, Any], s: Suggestion | None = None) -> str:
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
        tier=facts["value_tier"],
        risk=facts["churn_risk"],
    )


def _teams(settings: Settings, owner: str | None) -> list[str]:
    return settings.teams_of_owner(owner)


def _who_decides(settings: Settings, owner: str | None) -> str:
    teams = _teams(settings, owner)
    return wording.WHO_MANAGERS.format(teams=" or ".join(teams)) if teams else wording.WHO_ADMIN


def status(settings: Settings, s: Suggestion, last: Transition) -> str:
    """Where the suggestion stands and who put it there."""
    line = wording.ACTION_STATUS[s.state].format(
        who=_who_decides(settings, s.owner),
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
        title=wording.ACTION_TITLE.format(name=s.label, task=s.task),
        text="\n".join(p for p in (note, play_sentence(s, cur)) if p),
        fields=[
            ("Why", _why(s.facts, s)),
            (
                "Value at stake",
                wording.VALUE_AT_STAKE[s.value_basis].format(value=money(s.value_at_stake, cur)),
            ),
            (
                "Expected value",
                wording.EXPECTED_VALUE.format(value=money(s.expected_value, cur), rate=f"{rate:.0f}"),
            ),
            ("Account manager", s.owner or "—"),
            ("Status", status(settings, s, last)),
        ],
        buttons=choices,
        footer=footer,
    )


def actor_of(ctx: Context) -> Actor:
    person = ctx.person
    name = person.name if person else (ctx.user.display_name or ctx.user.user_id)
    return Actor(name, ctx.user.platform, ctx.user.user_id)


def suggest(ctx: Context, customer: dict[str, Any], source: str = "chat") -> tuple[Suggestion, bool] | None:
    """Store (or find) the open suggestion for a snapshot row; None when no play fits the customer."""
    draft = Playbook(ctx.settings.playbook).suggest(customer, ctx.book.snapshot.as_of)
    if draft is None:
        return None
    return propose(ctx.store, draft, actor_of(ctx), source)


def suggestion_reply(ctx: Context, customer: dict[str, Any], context: str) -> Reply:
    """The answer to "suggest a win-back for X": the stored suggestion's card, or why there is none."""
    made = suggest(ctx, customer)
    name = customer.get("name") or customer["customer_id"]
    if made is None:
        stage = customer["lifecycle"]
        return Reply(
            context=context,
            title=name,
            text=no_play_sentence(customer),
            fields=[
                ("Stage", wording.STAGE_LABEL[stage]),
                ("Value tier", customer["value_tier"]),
                ("Revenue to date", money(customer["revenue"], ctx.currency)),
                ("Last order", days_ago(customer["recency_days"])),
            ],
            footer=with_freshness(f"As of {ctx.book.snapshot.as_of}", ctx.settings, ctx.book.snapshot.as_of),
        )
    s, created = made
    settings = ctx.settings
    note = "" if created else wording.ACTION_EXISTS.format(at=when(settings, s.created_at))
    return card(settings, s, last_transition(ctx.store, s.id), note, context)


# -- deciding -------------------------------------------------------------------------------------------


def refusal(settings: Settings, person: Person | None, owner: str | None, to_state: str) -> str | None:
    """Why this person may not make this transition, or None when they may.

    Managers of a team that holds the customer's account manager, and admins, decide; the
    customer's own account manager may also mark an approved task done.
    """
    teams = _teams(settings, owner)
    if person is not None:
        if person.role == "admin":
            return None
        if person.role == "manager" and set(teams) & set(person.teams):
            return None
        if to_state == "done" and owner is not None and person.owner == owner:
            return None
    verb = wording.ACTION_VERB[to_state]
    if to_state == "done" and teams:
        return wording.ONLY_OWNER_OR_MANAGERS.format(
            owner=owner or wording.NO_ACCOUNT_MANAGER, teams=" or ".join(teams)
        )
    if not teams:
        return wording.ONLY_ADMINS.format(verb=verb, owner=owner or wording.NO_ACCOUNT_MANAGER)
    return wording.ONLY_MANAGERS.format(teams=" or ".join(teams), verb=verb)


def _target(ctx: Context, payload: dict[str, Any], to_state: str) -> Suggestion | Reply:
    """The suggestion a button means, created from the snapshot for a ``customer_id`` button with
    none open, after the permission check (so a refused click creates nothing either)."""
    store, settings = ctx.store, ctx.settings
    if "suggestion_id" in payload:
        try:
            s = require(store, int(payload["suggestion_id"]))
        except (TypeError, ValueError):
            return Reply(context="Not understood", text=STALE_BUTTON)
        denied = refusal(settings, ctx.person, s.owner, to_state)
        return Reply(text=denied, private=True) if denied else s
    cid = payload.get("customer_id")
    if not isinstance(cid, str) or cid not in ctx.book.frame.index:
        return Reply(context="Not understood", text=STALE_BUTTON, private=True)
    playbook = payload.get("playbook") if isinstance(payload.get("playbook"), str) else None
    opened = open_for(store, cid, playbook)
    listed = ctx.book.frame.at[cid, "owner"]
    owner = opened[0].owner if opened else (listed if isinstance(listed, str) else None)
    if not ctx.sees(owner):  # a customer outside the presser's scope is unknown to them
        return Reply(context="Not understood", text=STALE_BUTTON, private=True)
    denied = refusal(settings, ctx.person, owner, to_state)
    if denied:
        return Reply(text=denied, private=True)
    if opened:
        return opened[0]
    row = {"customer_id": cid, **ctx.book.frame.loc[cid].to_dict()}
    made = suggest(ctx, row, "alert")
    if made is None:
        return Reply(text=wording.NO_OPEN_ACTION.format(name=row.get("name") or cid))
    return made[0]


def _answer(ctx: Context, outcome: Outcome, private: bool) -> Reply:
    settings = ctx.settings
    s, decisive = outcome.suggestion, outcome.decisive
    note = ""
    if not outcome.changed:
        fill = {"state": wording.ACTION_STATE[s.state], "at": when(settings, decisive.at)}
        if decisive.platform == "system":
            note = wording.ACTION_CLOSED.format(reason=decisive.reason or "", **fill)
        elif decisive.user_id == ctx.user.user_id and decisive.platform == ctx.user.platform:
            note = wording.ACTION_YOU_FIRST.format(**fill)
        else:
            note = wording.ACTION_FIRST.format(actor=decisive.actor, **fill)
    answer = card(settings, s, decisive, note)
    answer.private = private
    return answer


def task_reply(settings: Settings, s: Suggestion, approval: Transition) -> Reply:
    """The account manager's direct message after an approval, with a button to mark it done."""
    return Reply(
        context=wording.TASK_CONTEXT.format(name=s.label),
        title=wording.ACTION_TITLE.format(name=s.label, task=s.task),
        text=wording.TASK_TEXT.format(
            approver=approval.actor,
            at=when(settings, approval.at),
            due=s.due_on,
            sentence=play_sentence(s, settings.currency),
        ),
        fields=[("Why", _why(s.facts, s))],
        buttons=[Button(wording.ACTION_BUTTONS["done"], "action.done", {"suggestion_id": s.id}, "primary")],
        footer=wording.ACTION_FOOTER.format(id=s.id, as_of=s.snapshot_as_of),
    )


def _account_manager_chat(settings: Settings, owner: str | None) -> tuple[str, str] | None:
    """(platform, user id) to message the customer's account manager directly, Slack first."""
    for person in settings.people.values():
        if owner is not None and person.owner == owner:
            if person.slack_id:
                return "slack", person.slack_id
            if person.teams_id:
                return "teams", person.teams_id
    return None


def _notify_account_manager(ctx: Context, outcome: Outcome) -> None:
    from bot.outbox import enqueue

    settings, s = ctx.settings, outcome.suggestion
    target = _account_manager_chat(settings, s.owner)
    if target is None:
        log.info("suggestion %s approved; %s has no chat id under [people], no direct message", s.id, s.owner)
        return
    platform, user_id = target
    try:
        enqueue(
            ctx.store,
            platform,
            user_id,
            f"action:{s.id}:approved",
            task_reply(settings, s, outcome.decisive),
        )
    except CustsegError:
        # The approval is committed either way; a lost task message must not turn it into an error.
        log.exception("suggestion %s approved, but its direct message to %s was not queued", s.id, s.owner)


# -- every copy of the suggestion's messages ----------------------------------------------------------

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


def spread_outcome(
    store: Store, settings: Settings, outcome: Outcome, pressed: Copy | None = None
) -> Reply | None:
    """After a transition that changed the state: update every recorded copy of the suggestion's
    messages (through the outbox, except ``pressed``); the pressed copy's new content, if any.

    Never raises: the transition is committed, and copies left as they were must not turn it into
    an error for whoever made it (the person pressing, or the daily sweep).
    """
    s, last = outcome.suggestion, outcome.decisive
    try:
        return spread(
            store, s.id, last.id, lambda copy, stored: copy_content(settings, s, last, copy, stored), pressed
        )
    except Exception:
        log.exception("suggestion %s is %s, but its posted copies were not all updated", s.id, s.state)
        return None


def catch_up_copies(store: Store, settings: Settings, since: dt.datetime) -> int:
    """Queue again the copy updates of every suggestion decided since ``since`` (naive UTC); how
    many suggestions were looked at.

    A decision's updates are queued just after the decision is committed, so a crash in between
    would leave its copies as they were. Each (copy, decision) is queued once whatever happens,
    so the daily sweep repeating this costs nothing but, for the message where the button was
    pressed, one update with the content it already shows.
    """
    decided = {t.suggestion_id for t in audit_log(store, since=since) if t.from_state is not None}
    for sid in sorted(decided):
        s = get(store, sid)
        if s is not None:
            spread_outcome(store, settings, Outcome(s, True, last_transition(store, sid)))
    return len(decided)


def _pressed_copy(ctx: Context) -> Copy | None:
    mid = ctx.message_id
    if not mid:
        return None
    return copies.find(ctx.store, ctx.channel.platform, ctx.channel.channel_id, mid)


# -- typed decisions --------------------------------------------------------------------------------

_TYPED = re.compile(
    r"^\s*(?P<verb>approve|reject|snooze)\s+#?(?P<id>\d{1,9})\b\s*(?P<rest>.*?)\s*[.!]?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_REASON = re.compile(
    r"^(?:[:,;\-–—]+|because\b|as\b|since\b|reason\s*:?)\s*(?P<reason>.+)$", re.IGNORECASE | re.DOTALL
)
_SNOOZE = re.compile(r"^for\s+(?P<n>\d{1,3}|an?|one)\s+(?P<unit>day|week|month)s?$", re.IGNORECASE)
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30}
_TYPED_ACTIONS = {"approve": "action.approve", "reject": "action.reject", "snooze": "action.snooze"}


def typed_decision(text: str) -> tuple[str, dict[str, Any]] | None:
    """The button a typed decision stands for, as (action id, payload); None for anything else.

    Exactly these forms: "approve 12", "reject 12" with an optional reason ("reject 12 because they
    switched supplier", "reject #12: too small"), "snooze 12" with an optional "for N days / weeks /
    months". Everything else is left to the parser.
    """
    found = _TYPED.match(text)
    if found is None:
        return None
    verb, rest = found["verb"].lower(), found["rest"]
    payload: dict[str, Any] = {"suggestion_id": int(found["id"])}
    if verb == "reject" and rest:
        reason = _REASON.match(rest)
        if reason is None:
            return None
        payload["reason"] = reason["reason"].strip()
    elif verb == "snooze" and rest:
        span = _SNOOZE.match(rest)
        if span is None:
            return None
        n = int(span["n"]) if span["n"].isdigit() else 1
        payload["days"] = n * _UNIT_DAYS[span["unit"].lower()]
    elif rest:
        return None
    return _TYPED_ACTIONS[verb], payload


def _decide(ctx: Context, payload: dict[str, Any], to_state: str) -> Reply:
    target = _target(ctx, payload, to_state)
    if isinstance(target, Reply):
        return target
    store, settings, who = ctx.store, ctx.settings, actor_of(ctx)
    if to_state == "approved":
        outcome = approve(store, settings, target.id, who)
        if outcome.changed:
            _notify_account_manager(ctx, outcome)
    elif to_state == "rejected":
        reason = payload.get("reason")
        outcome = reject(store, target.id, who, str(reason).strip() if reason else None)
    elif to_state == "snoozed":
        n = payload.get("days")
        outcome = snooze(store, settings, target.id, who, n if isinstance(n, int) and 0 < n <= 365 else None)
    else:
        outcome = mark_done(store, target.id, who)
    pressed = _pressed_copy(ctx)
    rewritten = spread_outcome(store, settings, outcome, pressed) if outcome.changed else None
    if rewritten is not None and pressed is not None and pressed.kind == "list":
        return rewritten
    return _answer(ctx, outcome, private="suggestion_id" not in payload or bool(payload.get("list")))


def may_decide(ctx: Context, payload: dict[str, Any]) -> Reply:
    """Whether the presser may take a suggestion to ``payload["to"]`` (default rejected), asked
    before they are asked for anything else (a reason): an empty private reply when they may, else
    the refusal, or where the suggestion already stands. Nothing changes either way."""
    to_state = payload.get("to") if payload.get("to") in wording.ACTION_VERB else "rejected"
    if "suggestion_id" not in payload:
        return Reply(private=True)  # a customer button: checked when pressed, as it may create one
    store, settings = ctx.store, ctx.settings
    try:
        s = require(store, int(payload["suggestion_id"]))
    except (TypeError, ValueError):
        return Reply(context="Not understood", text=STALE_BUTTON, private=True)
    denied = refusal(settings, ctx.person, s.owner, str(to_state))
    if denied:
        return Reply(text=denied, private=True)
    if not s.is_open:
        return Reply(text=status(settings, s, last_transition(store, s.id)), private=True)
    return Reply(private=True)


def approve_button(ctx: Context, payload: dict[str, Any]) -> Reply:
    return _decide(ctx, payload, "approved")


def reject_button(ctx: Context, payload: dict[str, Any]) -> Reply:
    return _decide(ctx, payload, "rejected")


def snooze_button(ctx: Context, payload: dict[str, Any]) -> Reply:
    return _decide(ctx, payload, "snoozed")


def done_button(ctx: Context, payload: dict[str, Any]) -> Reply:
    return _decide(ctx, payload, "done")


ACTIONS = {
    "action.may_decide": may_decide,
    "action.approve": approve_button,
    "action.reject": reject_button,
    "action.snooze": snooze_button,
    "action.done": done_button,
}
