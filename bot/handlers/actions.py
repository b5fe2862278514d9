"""Win-back actions in chat: the suggestion card and the buttons that decide it.

Button ids and payloads (digests and alerts use the same):

- ``action.approve``, ``action.reject``, ``action.snooze``: ``{"suggestion_id": 42}``, or
  ``{"customer_id": "C00134"}`` (optionally with ``"playbook"``), which decides the customer's open
  suggestion or first creates it from the latest snapshot. ``action.reject`` takes an optional
  ``"reason"``; ``action.snooze`` an optional ``"days"``.
- ``action.done``: ``{"suggestion_id": 42}``, from the account manager's task message.
- ``"list": true`` marks a button on a message about several suggestions (the digest, churn
  alerts, the pending list; see ``list_buttons``).

The same decisions can be typed (``bot.winback.typed``): "approve 12", "reject 12 because they
switched supplier", "reject #12: too small", "snooze 12 for 2 weeks".

Only managers of the customer's team (or admins) decide; anyone else gets a private notice and
nothing changes. Of simultaneous clicks exactly one counts and the others are told who was first.
A decision updates every recorded copy of the suggestion's messages (``bot.copies``): the message
whose button was pressed is replaced by the answer (the card; on a list, the list with that
suggestion's line decided), the others are updated through the outbox. A list button pressed on a
message that is not recorded (an ephemeral one, the terminal) gets the card shown privately.
"""

from __future__ import annotations

import logging
from typing import Any

from bot import wording
from bot.context import Context
from bot.freshness import with_freshness
from bot.interpret import days_ago, level_label, money
from bot.reply import Reply
from bot.winback.cards import card, no_play_sentence, status, task_reply, when
from bot.winback.copies import spread_outcome
from bot.winback.rights import actor_of, refusal
from config.settings import Settings
from custseg.actions import (
    Outcome,
    Playbook,
    Suggestion,
    approve,
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

log = logging.getLogger("custseg.bot.actions")


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
                (wording.PROFILE_FIELD["stage"], wording.STAGE_LABEL[stage]),
                (
                    wording.PROFILE_FIELD["value_tier"],
                    level_label(customer["value_tier"]),
                ),
                (wording.PROFILE_FIELD["revenue_to_date"], money(customer["revenue"], ctx.currency)),
                (wording.PROFILE_FIELD["last_order"], days_ago(customer["recency_days"])),
            ],
            footer=with_freshness(
                wording.AS_OF.format(as_of=ctx.book.snapshot.as_of), ctx.settings, ctx.book.snapshot.as_of
            ),
        )
    s, created = made
    settings = ctx.settings
    note = "" if created else wording.ACTION_EXISTS.format(at=when(settings, s.created_at))
    return card(settings, s, last_transition(ctx.store, s.id), note, context)


# -- deciding -------------------------------------------------------------------------------------------


def _target(ctx: Context, payload: dict[str, Any], to_state: str) -> Suggestion | Reply:
    """The suggestion a button means, created from the snapshot for a ``customer_id`` button with
    none open, after the permission check (so a refused click creates nothing either)."""
    store, settings = ctx.store, ctx.settings
    if "suggestion_id" in payload:
        try:
            s = require(store, int(payload["suggestion_id"]))
        except (TypeError, ValueError):
            return Reply(context="Not understood", text=wording.BUTTON_GONE)
        denied = refusal(settings, ctx.person, s.owner, to_state)
        return Reply(text=denied, private=True) if denied else s
    cid = payload.get("customer_id")
    if not isinstance(cid, str) or cid not in ctx.book.frame.index:
        return Reply(context="Not understood", text=wording.BUTTON_GONE, private=True)
    playbook = payload.get("playbook") if isinstance(payload.get("playbook"), str) else None
    opened = open_for(store, cid, playbook)
    listed = ctx.book.frame.at[cid, "owner"]
    owner = opened[0].owner if opened else (listed if isinstance(listed, str) else None)
    if not ctx.sees(owner):  # a customer outside the presser's scope is unknown to them
        return Reply(context="Not understood", text=wording.BUTTON_GONE, private=True)
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


def _pressed_copy(ctx: Context) -> Copy | None:
    mid = ctx.message_id
    if not mid:
        return None
    return copies.find(ctx.store, ctx.channel.platform, ctx.channel.channel_id, mid)


# -- typed decisions --------------------------------------------------------------------------------


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
        return Reply(context="Not understood", text=wording.BUTTON_GONE, private=True)
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
