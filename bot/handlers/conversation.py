"""Social words, definitions, and the decisions and exports the conversation issue completes
later: each answered with what was understood and what to do now, never "not understood"."""

from __future__ import annotations

import re

from bot import wording
from bot.context import Context
from bot.handlers.talk import examples
from bot.interpret import days, describe_filters, interpretation
from bot.reply import Button, Reply
from bot.wording import SEGMENT_LABEL
from config.labels import LEVELS, SEGMENTS, STAGES
from custseg.query import Query
from custseg.segmentation.rfm import RF_GRID

# What a typed decision becomes as a button (the same actions as the suggestion card's).
DECISION_ACTIONS = {"approve": "action.approve", "reject": "action.reject", "snooze": "action.snooze"}


def _kind_of(text: str | None) -> str:
    """Which social words ``text`` holds: thanks before bye before greeting ("thanks, bye")."""
    lowered = (text or "").lower()
    tokens = re.findall(r"\w+", lowered)
    for kind, markers in wording.SMALLTALK_WORDS.items():
        for marker in markers:
            # A phrase or a word in another script is looked for as written; a word as a word
            # ("hi" not in "this"), long ones also as a stem ("thank" in "thanks").
            if " " in marker or not marker.isascii():
                found = marker in lowered
            else:
                found = any(t == marker or (len(marker) > 3 and t.startswith(marker)) for t in tokens)
            if found:
                return kind
    return "other"


def smalltalk(ctx: Context, query: Query) -> Reply:
    """A greeting gets a greeting, thanks a "you're welcome", both with what to ask."""
    kind = _kind_of(ctx.text)
    text = wording.SMALLTALK[kind]
    if kind == "other":
        text += "\n" + "\n".join(f"• {e}" for e in wording.EXAMPLES[:5])
    return Reply(context=interpretation(query), text=text, buttons=examples()[:3])


def _pending_button() -> Button:
    return Button(wording.PENDING_BUTTON, "run_query", {"query": {"intent": "pending_actions"}})


def decide(ctx: Context, query: Query) -> Reply:
    """A decision in words: with the suggestion's number, a button that makes exactly that
    decision (the card's own action, so the same rights and audit); by name, the way to do it."""
    decision = query.decision
    if query.suggestion:
        what = wording.DECIDE_WHAT["suggestion"].format(n=query.suggestion)
    elif query.customer:
        what = wording.DECIDE_WHAT["customer"].format(customer=query.customer)
    else:
        what = wording.DECIDE_WHAT["none"]
    buttons = [_pending_button()]
    if decision is None:
        return Reply(context=interpretation(query), text=wording.DECIDE_BY_NAME, buttons=buttons)
    understood = wording.DECIDE_UNDERSTOOD.format(decision=wording.DECISION_VERB[decision], what=what)
    if query.reason:
        understood = understood.removesuffix(".") + wording.DECIDE_REASON.format(reason=query.reason) + "."
    if query.snooze_days:
        understood = (
            understood.removesuffix(".") + wording.DECIDE_SNOOZE.format(days=days(query.snooze_days)) + "."
        )
    if query.suggestion:
        payload: dict[str, object] = {"suggestion_id": query.suggestion}
        if decision == "reject" and query.reason:
            payload["reason"] = query.reason
        if decision == "snooze":
            payload["days"] = query.snooze_days or ctx.settings.playbook.snooze_days
        button = Button(
            wording.DECIDE_BUTTON[decision].format(n=query.suggestion),
            DECISION_ACTIONS[decision],
            payload,
            "danger" if decision == "reject" else "primary",
        )
        text = f"{understood} {wording.DECIDE_PRESS}"
        return Reply(context=interpretation(query), text=text, buttons=[button, *buttons])
    return Reply(
        context=interpretation(query), text=f"{understood} {wording.DECIDE_BY_NAME}", buttons=buttons
    )


def export(ctx: Context, query: Query) -> Reply:
    """What would be exported, and the list itself to look at until files can be sent."""
    words = describe_filters(query.filters, ctx.currency)
    what = (
        wording.EXPORT_WHAT["filters"].format(filters=", ".join(words))
        if words
        else wording.EXPORT_WHAT["all"]
    )
    text = wording.EXPORT_UNDERSTOOD.format(what=what, format=wording.EXPORT_FORMAT[query.format])
    listing = Query.of(
        {"intent": "find_customers", "filters": query.filters, "sort": query.sort, "limit": query.limit}
    )
    button = Button(wording.SHOW_LIST, "run_query", {"query": listing.to_json()})
    return Reply(
        context=interpretation(query, None, ctx.currency),
        text=f"{text} {wording.EXPORT_NOT_YET}",
        buttons=[button],
    )


def _scores(scores: range) -> str:
    return str(scores.start) if len(scores) == 1 else f"{scores.start}–{scores.stop - 1}"


def definition(ctx: Context, term: str) -> str | None:
    """``term`` defined with this deployment's thresholds (None: no definition of it)."""
    s = ctx.settings
    life, tiers, churn = s.lifecycle, s.value_tiers, s.churn
    horizon = (
        days(churn.horizon_days)
        if churn.horizon_days
        else wording.CHURN_HORIZON_GAPS.format(
            gaps=f"{churn.horizon_gaps:g}", low=churn.min_horizon_days, high=churn.max_horizon_days
        )
    )
    thresholds = {
        "horizon": s.models.horizon_months,
        "discount": f"{100 * s.models.annual_discount_rate:g}",
        "dormant_p": f"{100 * s.models.dormant_p_alive:g}",
        "horizon_days": horizon,
        "high": f"{100 * churn.high:g}",
        "medium": f"{100 * churn.medium:g}",
        "per_owner": s.key_accounts.per_owner,
        "misses": s.key_accounts.leave_after_misses,
        "window": life.new_window_days,
        "declining": f"{life.declining_after:g}",
        "dormant": f"{life.dormant_after:g}",
        "lost": f"{life.lost_after:g}",
        "tier_high": f"{100 * tiers.high_share:g}",
        "tier_medium": f"{100 * tiers.medium_share:g}",
    }
    parts: list[str] = []
    if term in wording.DEFINITION:
        basis = {"key_account": s.key_accounts.basis, "value_tier": tiers.basis}.get(term, "revenue")
        parts.append(wording.DEFINITION[term].format(**thresholds, basis=wording.VALUE_BASIS[basis]))
    if term in STAGES:
        parts.append(wording.STAGE_DEFINITION[term].format(**thresholds))
    if term in SEGMENTS:
        r, f = next((r, f) for r, f, name in RF_GRID if name == term)
        parts.append(
            wording.SEGMENT_DEFINITION.format(
                name=SEGMENT_LABEL[term], meaning=wording.SEGMENT_MEANING[term], r=_scores(r), f=_scores(f)
            )
        )
    if term in LEVELS:
        tier = wording.TIER_LEVEL[term].format(**thresholds, basis=wording.VALUE_BASIS[tiers.basis])
        risk = wording.RISK_LEVEL[term].format(**thresholds)
        parts.append(wording.LEVEL_DEFINITION.format(level=term, tier=tier, risk=risk))
    return "\n".join(parts) or None


def define(ctx: Context, query: Query) -> Reply:
    text = definition(ctx, query.term) if query.term else None
    if text is None:
        return Reply(
            context=interpretation(query),
            text=wording.DEFINE_UNKNOWN,
            buttons=[Button("Help", "ask", {"text": "help"})],
        )
    return Reply(context=interpretation(query), text=text)


INTENTS = {"smalltalk": smalltalk, "decide": decide, "export": export, "define": define}
