"""Win-back actions in lists: "what actions are waiting for approval?" and the digest's two sections
(actions awaiting approval; how last weeks' approved actions turned out).

Every list shows stored suggestions of the customers in the asker's (or the digest's) scope, best
first by value at stake; their buttons carry the suggestion id, so deciding from a list is the same
state machine as deciding from the suggestion's own card.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from bot import i18n, wording
from bot.context import Context
from bot.handlers.digest import DigestPart, DigestSection, scope_rows
from bot.interpret import interpretation, money, task_words
from bot.reply import Button, Reply, Table
from bot.winback.cards import list_buttons, play_sentence, when
from custseg.actions import Measurement, Suggestion, list_suggestions, measure
from custseg.query import Query

AWAITING = ("proposed", "snoozed")
MAX_LISTED = 5  # suggestions with their own line and buttons in the pending list
MAX_DIGEST = 3  # in the digest, which must stay readable in a minute
DIGEST_DECISIONS = ("action.approve", "action.reject")


def awaiting(ctx: Context, scope: pd.DataFrame) -> list[Suggestion]:
    """Open, undecided suggestions (proposed or snoozed) for customers in ``scope`` (snapshot rows),
    biggest value at stake first."""
    found = [s for s in list_suggestions(ctx.store, AWAITING) if s.customer_id in scope.index]
    return sorted(found, key=lambda s: (-s.value_at_stake, s.id))


def _plural(n: int) -> str:
    return "s" if n != 1 else ""


def pending_actions(ctx: Context, query: Query) -> Reply:
    frame, fallback = scope_rows(ctx, query)
    if fallback:
        return fallback
    assert frame is not None
    settings, cur = ctx.settings, ctx.currency
    found = awaiting(ctx, frame)
    context = interpretation(query)
    if not found:
        return Reply(context=context, text=wording.PENDING_NONE)
    total = sum(s.value_at_stake for s in found)
    lines = [wording.PENDING_HEAD.format(n=len(found), s=_plural(len(found)), value=money(total, cur))]
    buttons: list[Button] = []
    for s in found[:MAX_LISTED]:
        state = wording.PENDING_STATE[s.state].format(
            at=when(settings, s.created_at),
            until=s.snoozed_until.date() if s.snoozed_until else "?",
        )
        lines.append(
            wording.PENDING_LINE.format(
                name=s.label,
                task=task_words(s.task),
                value=money(s.value_at_stake, cur),
                state=state,
                sentence=play_sentence(s, cur),
            )
        )
        buttons += list_buttons(settings, s)
    rest = found[MAX_LISTED:]
    if rest:
        lines.append(wording.PENDING_MORE.format(n=len(rest), names=", ".join(s.label for s in rest[:10])))
    return Reply(
        context=wording.PENDING_COUNT.format(context=context, n=len(found), s=_plural(len(found))),
        text="\n".join(lines),
        table=Table(
            list(wording.PENDING_HEADERS),
            [
                [
                    str(s.id),
                    s.label,
                    task_words(s.task),
                    s.owner or "—",
                    money(s.value_at_stake, cur),
                    s.state,
                ]
                for s in found[:15]
            ],
            ["right", "left", "left", "left", "right", "left"],
            key=[1, 4, 5],
        ),
        buttons=buttons,
        footer=wording.PENDING_FOOTER.format(days=settings.playbook.expire_after_days),
    )


def awaiting_approval(ctx: Context, scope: pd.DataFrame, since: dt.date) -> DigestPart | None:
    """The digest's "actions awaiting approval": the biggest few, with approve / reject buttons."""
    found = awaiting(ctx, scope)
    if not found:
        return None
    settings, cur = ctx.settings, ctx.currency
    top = found[:MAX_DIGEST]
    items = ", ".join(
        wording.DIGEST_PENDING_ITEM.format(
            name=s.label, task=task_words(s.task), value=money(s.value_at_stake, cur)
        )
        for s in top
    )
    if len(found) > len(top):
        items += wording.DIGEST_PENDING_MORE.format(n=len(found) - len(top))
    total = money(sum(s.value_at_stake for s in found), cur)
    line = wording.DIGEST_PENDING.format(n=len(found), s=_plural(len(found)), value=total, items=items)
    return DigestPart([line], [b for s in top for b in list_buttons(settings, s, DIGEST_DECISIONS)])


def _pct(value: float) -> str:
    return i18n.percent_of(value, 0)


def outcomes(ctx: Context, scope: pd.DataFrame, since: dt.date) -> DigestPart | None:
    """The digest's "how last weeks' approved actions turned out": per play, the measured ones only
    (or that nothing is measured yet)."""
    settings, cur = ctx.settings, ctx.currency
    result = measure(ctx.store, settings)
    mine = result.outcomes[result.outcomes["customer_id"].isin(scope.index)]
    summary = Measurement(result.window_days, result.data_end, mine).by_playbook()
    measured = summary[summary["measured"] > 0]
    window = result.window_days
    if measured.empty:
        pending = int(summary["pending"].sum())
        waiting = wording.DIGEST_OUTCOMES_WAITING.format(n=pending) if pending else ""
        return DigestPart([wording.DIGEST_OUTCOMES_NONE.format(window=window, waiting=waiting)])
    lines = [wording.DIGEST_OUTCOMES.format(window=window)]
    plays = settings.playbook.plays
    for r in measured.sort_values("revenue_recovered", ascending=False).itertuples():
        comparison = (
            wording.DIGEST_NO_COMPARISON
            if math.isnan(r.comparison_rate)
            else wording.DIGEST_COMPARISON.format(rate=_pct(r.comparison_rate), n=r.comparison_measured)
        )
        lines.append(
            wording.DIGEST_OUTCOME_LINE.format(
                task=task_words(plays[r.playbook].task) if r.playbook in plays else r.playbook,
                won=r.won_back,
                measured=r.measured,
                rate=_pct(r.win_back_rate),
                revenue=money(r.revenue_recovered, cur),
                comparison=comparison,
            )
        )
    return DigestPart(lines)


INTENTS = {"pending_actions": pending_actions}
DIGEST_PARTS: list[DigestSection] = [awaiting_approval, outcomes]
