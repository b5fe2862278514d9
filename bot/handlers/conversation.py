"""Social words, definitions, decisions in words (by suggestion number or customer name, through
the card's own buttons) and exports of a list as a CSV or XLSX file."""

from __future__ import annotations

import dataclasses
import json
import logging
import re

from bot import exports, wording
from bot.channels import export_refusal
from bot.context import Context
from bot.freshness import with_freshness
from bot.handlers import actions as card_actions
from bot.handlers.customers import special
from bot.handlers.one_customer import named_customer
from bot.handlers.talk import examples
from bot.interpret import (
    days,
    describe_filters,
    figure_name,
    group_label,
    interpretation,
    key_label,
    say_note,
)
from bot.reply import Attachment, Button, Reply, Table
from bot.winback.cards import status
from config.labels import LEVELS, SEGMENTS, STAGES
from custseg.actions import Suggestion, get, last_transition, list_suggestions, open_for
from custseg.query import CustomersAnswer, Query
from custseg.query.answers import BreakdownAnswer, NeedsIdentity, NoMatch
from custseg.segmentation.rfm import RF_GRID

log = logging.getLogger("custseg.bot.exports")

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
    return Reply(
        context=interpretation(query),
        text=text,
        buttons=examples()[:3],
        answer={"kind": "smalltalk", "said": kind, "text": text, "notes": []},
    )


def _pending_button() -> Button:
    return Button(wording.PENDING_BUTTON, "run_query", {"query": {"intent": "pending_actions"}})


def _decision_payload(ctx: Context, query: Query, suggestion_id: int) -> dict[str, object]:
    """The payload the card's own button would carry for this decision."""
    payload: dict[str, object] = {"suggestion_id": suggestion_id}
    if query.decision == "reject" and query.reason:
        payload["reason"] = query.reason
    if query.decision == "snooze":
        payload["days"] = query.snooze_days or ctx.settings.playbook.snooze_days
    return payload


def _decided(ctx: Context, query: Query, suggestion_id: int) -> Reply:
    """The decision made exactly as the card's button makes it: the same rights, state machine,
    audit row, account manager's task and updates of every posted copy."""
    assert query.decision is not None
    press = card_actions.ACTIONS[DECISION_ACTIONS[query.decision]]
    reply = press(ctx, _decision_payload(ctx, query, suggestion_id))
    if not reply.private:
        reply.context = interpretation(query)
    s = get(ctx.store, suggestion_id)
    last = last_transition(ctx.store, suggestion_id) if s is not None else None
    answer: dict[str, object] = {
        "kind": "decision",
        "suggestion": suggestion_id,
        "customer_id": s.customer_id if s else None,
        "decision": query.decision,
        "state": s.state if s else None,
        "decided_by": last.actor if last else None,
        "at": last.at.isoformat(timespec="seconds") if last else None,
        # A refusal (no right to decide) is the one private answer; it changed nothing.
        "refused": reply.private,
        "text": reply.plain_text(),
        "notes": [],
    }
    return dataclasses.replace(reply, answer=answer)


def _choices(ctx: Context, query: Query, name: str, found: list[Suggestion]) -> Reply:
    """Several open suggestions for one customer: each with the button for the decision asked."""
    assert query.decision is not None
    rows = [[f"#{s.id}", s.task, wording.ACTION_STATE[s.state]] for s in found]
    buttons = [
        Button(
            wording.DECIDE_BUTTON[query.decision].format(n=s.id),
            DECISION_ACTIONS[query.decision],
            _decision_payload(ctx, query, s.id),
            "danger" if query.decision == "reject" else "primary",
        )
        for s in found
    ]
    return Reply(
        context=interpretation(query),
        text=wording.DECIDE_SEVERAL.format(n=len(found), name=name),
        table=Table(list(wording.DECIDE_SEVERAL_HEADERS), rows),
        buttons=buttons,
    )


def _by_customer(ctx: Context, query: Query) -> Reply:
    """The decision on the named customer's open suggestion; the choice when there are several;
    where the last one stands when none is open."""
    answer = named_customer(ctx, query)
    if isinstance(answer, Reply):  # not found, ambiguous or someone else's: asks which one
        return answer
    cid = answer.customer["customer_id"]
    name = answer.customer.get("name") or cid
    found = open_for(ctx.store, cid)
    if len(found) == 1:
        return _decided(ctx, query, found[0].id)
    if found:
        return _choices(ctx, query, name, found)
    closed = list_suggestions(ctx.store, customer_id=cid)
    if closed:
        latest = closed[0]
        text = wording.DECIDE_NONE_OPEN.format(
            name=name, n=latest.id, status=status(ctx.settings, latest, last_transition(ctx.store, latest.id))
        )
    else:
        text = wording.DECIDE_NONE.format(name=name)
    suggest = Button(
        wording.SUGGEST_BUTTON,
        "run_query",
        {"query": {"intent": "propose_action", "customer": name}},
    )
    return Reply(context=interpretation(query), text=text, buttons=[suggest, _pending_button()])


def decide(ctx: Context, query: Query) -> Reply:
    """A decision in words ("approve 12", "reject the suggestion for Globex because …"), made
    as if the card's button had been pressed."""
    if query.decision is None:
        return Reply(context=interpretation(query), text=wording.DECIDE_HOW, buttons=[_pending_button()])
    if query.suggestion:
        return _decided(ctx, query, query.suggestion)
    if query.customer:
        return _by_customer(ctx, query)
    # A list row the conversation could not resolve to a customer (no list shown in it yet).
    text = wording.DECIDE_NO_ROW if query.customer_row else wording.DECIDE_WHICH
    return Reply(context=interpretation(query), text=text, buttons=[_pending_button()])


def export(ctx: Context, query: Query) -> Reply:
    """The rows of the list the query describes (filters, sort, limit; all of them by default, up
    to ``exports.MAX_ROWS``), within the asker's scope, as a CSV or XLSX file on the reply."""
    context = interpretation(query, None, ctx.currency)
    refused = export_refusal(ctx.settings, ctx.channel)
    if refused is not None:
        return Reply(context=context, text=refused, private=True)
    fmt = query.format or "csv"
    if query.group_by is not None:
        return _export_groups(ctx, query, context, fmt)
    listing = Query.of(
        {
            "intent": "find_customers",
            "filters": query.filters,
            "sort": query.sort,
            "order": query.order,
            "limit": min(query.limit or exports.MAX_ROWS, exports.MAX_ROWS),
        }
    )
    answer = ctx.book.find(listing, cap=exports.MAX_ROWS)
    if not isinstance(answer, CustomersAnswer):
        # "my customers" from someone we cannot place, an owner or region the data lacks: the same
        # answer as the list would get, and its kind in JSON (needs_identity, no_match).
        return dataclasses.replace(special(ctx, query, answer), answer={**answer.to_json(), "notes": []})
    words = describe_filters(answer.filters, ctx.currency)
    what = (
        wording.EXPORT_WHAT["filters"].format(filters=", ".join(words))
        if words
        else wording.EXPORT_WHAT["all"]
    )
    n = len(answer.customers)
    if n == 0:
        return Reply(context=context, text=wording.EXPORT_EMPTY.format(what=what))
    name = exports.filename(words, answer.as_of, fmt)
    file = exports.build(answer.customers, fmt, ctx.currency, name)
    text = wording.EXPORT_DONE.format(
        are="is" if n == 1 else "are",
        n=n,
        s="" if n == 1 else "s",
        what=what,
        format=wording.EXPORT_FORMAT[fmt],
        filename=name,
    )
    notes = [say_note(note) for note in answer.notes]
    if query.limit is None and answer.total > n:
        capped = wording.EXPORT_CAPPED.format(
            total=answer.total, n=n, sort=wording.SORT_LABEL.get(answer.sort, answer.sort)
        )
        text += " " + capped
        notes.append(capped)
    # Who exported what, never the rows: the filters name labels, account managers and regions.
    log.info(
        "export by %s:%s of %d rows as %s, filters %s",
        ctx.user.platform,
        ctx.user.user_id,
        n,
        fmt,
        json.dumps(answer.filters.to_json(), default=str, sort_keys=True),
    )
    return _exported(
        ctx, answer, context, text, file, fmt, answer.total, exports.headings(ctx.currency), notes
    )


def _export_groups(ctx: Context, query: Query, context: str, fmt: str) -> Reply:
    """A breakdown's table (group, figure, customers) as a file: "export revenue by region"."""
    grouped = Query.of(
        {
            "intent": "breakdown",
            "filters": query.filters,
            "measure": query.measure,
            "stat": query.stat,
            "group_by": query.group_by,
            "period": query.period,
            "sort": query.sort,
            "order": query.order,
            "limit": query.limit,
        }
    )
    answer = ctx.book.run(grouped)
    if isinstance(answer, NeedsIdentity | NoMatch):
        return dataclasses.replace(special(ctx, query, answer), answer={**answer.to_json(), "notes": []})
    # The engine answers a breakdown with a breakdown, or with one of the refusals above.
    assert isinstance(answer, BreakdownAnswer)
    figure = figure_name(answer.measure, answer.stat)
    unit = exports.unit(answer.measure, answer.stat, ctx.currency)
    head = [
        group_label(answer.group_by).capitalize(),
        f"{figure} ({unit})" if unit else figure,
        "Customers (count)",
    ]
    rows = [[key_label(answer.group_by, g.key), g.value, g.customers] for g in answer.groups]
    title = f"{figure} by {group_label(answer.group_by)}"
    name = exports.filename([title], answer.as_of, fmt).replace("customers-", "", 1)
    file = exports.file_of(head, rows, fmt, name, sheet=title[:31])
    log.info(
        "export by %s:%s of a breakdown by %s (%d groups) as %s, filters %s",
        ctx.user.platform,
        ctx.user.user_id,
        answer.group_by,
        len(rows),
        fmt,
        json.dumps(answer.filters.to_json(), default=str, sort_keys=True),
    )
    text = wording.EXPORT_GROUPS_DONE.format(
        n=len(rows), title=title, format=wording.EXPORT_FORMAT[fmt], filename=name
    )
    return _exported(
        ctx, answer, context, text, file, fmt, len(rows), head, [say_note(note) for note in answer.notes]
    )


def _exported(
    ctx: Context,
    answer: CustomersAnswer | BreakdownAnswer,
    context: str,
    text: str,
    file: Attachment,
    fmt: str,
    total: int,
    columns: list[str],
    notes: list[str],
) -> Reply:
    """The reply carrying an exported file, and its answer in the contract's terms (``ask --json``)."""
    return Reply(
        context=context,
        text=text,
        file=file,
        footer=with_freshness(wording.AS_OF.format(as_of=answer.as_of), ctx.settings, answer.as_of),
        answer={
            "kind": "export",
            "as_of": answer.as_of,
            "format": fmt,
            "filename": file.filename,
            "rows": file.rows,
            "total": total,
            "filters": answer.filters.to_json(),
            "columns": columns,
            "notes": notes,
        },
    )


def _scores(scores: range) -> str:
    return str(scores.start) if len(scores) == 1 else f"{scores.start}–{scores.stop - 1}"


def _holdout(ctx: Context) -> str:
    """What the churn model's holdout figures mean, with this book's figures when it has them."""
    model = ctx.data.snapshot.notes.get("churn_model") if ctx.data is not None else None
    held = model.get("holdout") if isinstance(model, dict) else None
    if (
        not isinstance(model, dict)
        or not isinstance(held, dict)
        or held.get("error_rate") is None
        or held.get("missing_ratio") is None
    ):
        return wording.CHURN_HOLDOUT_MEANING
    return wording.CHURN_HOLDOUT.format(
        cutoff=model.get("holdout_cutoff"),
        customers=held.get("customers") or 0,
        error=f"{100 * held['error_rate']:.0f}",
        missing=f"{100 * held['missing_ratio']:.0f}",
        auc=f"{held.get('roc_auc') or 0:.2f}",
        high=f"{100 * ctx.settings.churn.high:g}",
    )


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
    if term == "churn_risk":
        parts.append(_holdout(ctx))
    if term in STAGES:
        parts.append(wording.STAGE_DEFINITION[term].format(**thresholds))
    if term in SEGMENTS:
        r, f = next((r, f) for r, f, name in RF_GRID if name == term)
        parts.append(
            wording.SEGMENT_DEFINITION.format(
                name=wording.SEGMENT_LABEL[term],
                meaning=wording.SEGMENT_MEANING[term],
                r=_scores(r),
                f=_scores(f),
            )
        )
    if term in LEVELS:
        tier = wording.TIER_LEVEL[term].format(**thresholds, basis=wording.VALUE_BASIS[tiers.basis])
        risk = wording.RISK_LEVEL[term].format(**thresholds)
        parts.append(wording.LEVEL_DEFINITION.format(level=term, tier=tier, risk=risk))
    return "\n".join(parts) or None


def define(ctx: Context, query: Query) -> Reply:
    text = definition(ctx, query.term) if query.term else None
    answer: dict[str, object] = {
        "kind": "define",
        "term": query.term,
        "known": text is not None,
        "text": text,
        "notes": [],
    }
    if text is None:
        return Reply(
            context=interpretation(query),
            text=wording.DEFINE_UNKNOWN,
            buttons=[Button(wording.HELP_BUTTON, "ask", {"text": "help"})],
            answer=answer,
        )
    return Reply(context=interpretation(query), text=text, answer=answer)


INTENTS = {"smalltalk": smalltalk, "decide": decide, "export": export, "define": define}
